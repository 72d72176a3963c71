// Lays out a relations graph: inline for small graphs, so they draw at once, and in the shared
// layout worker for large ones so the page stays responsive (a 300-node neighbourhood takes a
// noticeable moment).
import { useEffect, useState } from 'react';
import type { CatalogGraph } from '../../../../common/api/catalog-schemas';
import { layoutOffMainThread } from '../../ui/graph-layout/client';
import { layoutGraph, relationsLayout, relationsLayoutInput, type GraphLayout } from './graph-layout';

/** Above this many nodes the layout moves off the main thread. */
export const WORKER_THRESHOLD = 60;

export function useGraphLayout(graph: CatalogGraph | undefined): { layout: GraphLayout | null; error: string | null; pending: boolean } {
  const [state, setState] = useState<{ for: CatalogGraph | null; layout: GraphLayout | null; error: string | null }>({ for: null, layout: null, error: null });
  useEffect(() => {
    if (!graph) return;
    let cancelled = false;
    const done = (layout: GraphLayout | null, error: string | null) => !cancelled && setState({ for: graph, layout, error });
    if (graph.nodes.length <= WORKER_THRESHOLD) {
      try {
        done(layoutGraph(graph), null);
      } catch (e) {
        done(null, (e as Error).message);
      }
    } else {
      layoutOffMainThread(relationsLayoutInput(graph)).then(
        (laid) => done(relationsLayout(graph, laid), null),
        (e: Error) => done(null, e.message),
      );
    }
    return () => {
      cancelled = true;
    };
  }, [graph]);
  return { layout: state.layout, error: state.error, pending: !!graph && state.for !== graph };
}
