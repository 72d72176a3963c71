// Runs the map layout off the main thread. One request at a time; the page drops answers to
// requests it no longer needs.
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
