// Runs graph layouts off the main thread, for the map and the relations graph alike, one
// request at a time in arrival order (client.ts sends them and matches the answers).
import { layoutGraph, type LayoutInput, type LayoutResult } from './layout';

export interface LayoutRequest {
  id: number;
  input: LayoutInput;
}

export type LayoutReply = { id: number; result: LayoutResult } | { id: number; error: string };

self.onmessage = (ev: MessageEvent<LayoutRequest>) => {
  const { id, input } = ev.data;
  try {
    (self as unknown as Worker).postMessage({ id, result: layoutGraph(input) } satisfies LayoutReply);
  } catch (e) {
    (self as unknown as Worker).postMessage({ id, error: e instanceof Error ? e.message : String(e) } satisfies LayoutReply);
  }
};
