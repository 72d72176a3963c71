// Lays out large relations graphs off the main thread.
import { layoutGraph } from './graph-layout';
import type { CatalogGraph } from '../../../../common/api/catalog-schemas';

self.onmessage = (ev: MessageEvent<{ id: number; graph: Pick<CatalogGraph, 'nodes' | 'edges'> }>) => {
  const { id, graph } = ev.data;
  try {
    (self as unknown as Worker).postMessage({ id, layout: layoutGraph(graph) });
  } catch (e) {
    (self as unknown as Worker).postMessage({ id, error: (e as Error).message });
  }
};
