// Lays out large relations graphs off the main thread.
import { layoutGraph } from './graph-layout';

self.onmessage = (ev: MessageEvent<{ id: number; graph: Parameters<typeof layoutGraph>[0] }>) => {
  const { id, graph } = ev.data;
  try {
    (self as unknown as Worker).postMessage({ id, layout: layoutGraph(graph) });
  } catch (e) {
    (self as unknown as Worker).postMessage({ id, error: (e as Error).message });
  }
};
