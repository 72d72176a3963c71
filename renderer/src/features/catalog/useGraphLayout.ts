// Runs dagre for a relations graph: inline for small graphs, in a worker for large ones so the
// page stays responsive (a 300-node neighbourhood takes a noticeable moment).
import { useEffect, useState } from 'react';
import type { CatalogGraph } from '../../../../common/api/catalog-schemas';
import { layoutGraph, type GraphLayout } from './graph-layout';

/** Above this many nodes the layout moves off the main thread. */
export const WORKER_THRESHOLD = 60;

let worker: Worker | null = null;
let nextId = 1;
const waiting = new Map<number, (r: { layout?: GraphLayout; error?: string }) => void>();

function layoutInWorker(graph: Pick<CatalogGraph, 'nodes' | 'edges'>): Promise<GraphLayout> {
  if (!worker) {
    worker = new Worker(new URL('./graph-layout.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (ev: MessageEvent<{ id: number; layout?: GraphLayout; error?: string }>) => {
      waiting.get(ev.data.id)?.(ev.data);
      waiting.delete(ev.data.id);
    };
  }
  const id = nextId++;
  const w = worker;
  return new Promise((resolve, reject) => {
    waiting.set(id, (r) => (r.layout ? resolve(r.layout) : reject(new Error(r.error ?? 'layout failed'))));
    w.postMessage({ id, graph: { nodes: graph.nodes, edges: graph.edges } });
  });
}

export function useGraphLayout(graph: CatalogGraph | undefined): { layout: GraphLayout | null; error: string | null; pending: boolean } {
  const [state, setState] = useState<{ for: CatalogGraph | null; layout: GraphLayout | null; error: string | null }>({ for: null, layout: null, error: null });
  useEffect(() => {
    if (!graph) return;
    let cancelled = false;
    const done = (layout: GraphLayout | null, error: string | null) => !cancelled && setState({ for: graph, layout, error });
    if (graph.nodes.length <= WORKER_THRESHOLD || typeof Worker === 'undefined') {
      try {
        done(layoutGraph(graph), null);
      } catch (e) {
        done(null, (e as Error).message);
      }
    } else {
      layoutInWorker(graph).then(
        (l) => done(l, null),
        // A worker that cannot start (a restrictive page policy) falls back to the main thread.
        () => {
          try {
            done(layoutGraph(graph), null);
          } catch (e) {
            done(null, (e as Error).message);
          }
        },
      );
    }
    return () => {
      cancelled = true;
    };
  }, [graph]);
  return { layout: state.layout, error: state.error, pending: !!graph && state.for !== graph };
}
