// Asks the shared layout worker for positions when the topology changes, and only then:
// refreshes that change rates keep the key and so the same layout. Recent layouts are kept, so
// switching a filter back (or coming back to the page) is instant. The previous layout stays on
// screen until the new one arrives.
import { useEffect, useRef, useState } from 'react';
import { layoutOffMainThread } from '../../ui/graph-layout/client';
import type { LayoutInput, LayoutResult } from '../../ui/graph-layout/layout';

const CACHE_SIZE = 12;
const cache = new Map<string, LayoutResult>();

function remember(key: string, result: LayoutResult) {
  cache.delete(key);
  cache.set(key, result);
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
}

export interface MapLayoutState {
  layout: LayoutResult | null;
  /** The topology the shown layout belongs to. */
  layoutKey: string | null;
  pending: boolean;
  error: string | null;
  /** From sending the graph to the worker until its answer arrived (what the user waits). */
  roundTripMs: number | null;
}

export function useMapLayout(key: string, input: () => LayoutInput): MapLayoutState {
  const [state, setState] = useState<MapLayoutState>(() => {
    const hit = cache.get(key);
    return { layout: hit ?? null, layoutKey: hit ? key : null, pending: !hit, error: null, roundTripMs: null };
  });
  const build = useRef(input);
  build.current = input;

  useEffect(() => {
    const hit = cache.get(key);
    if (hit) {
      setState((s) => (s.layoutKey === key ? s : { layout: hit, layoutKey: key, pending: false, error: null, roundTripMs: s.roundTripMs }));
      return;
    }
    let wanted = true;
    const sent = performance.now();
    setState((s) => ({ ...s, pending: true, error: null }));
    layoutOffMainThread(build.current()).then(
      (result) => {
        remember(key, result);
        if (wanted) setState({ layout: result, layoutKey: key, pending: false, error: null, roundTripMs: performance.now() - sent });
      },
      (e: Error) => {
        if (wanted) setState((s) => ({ ...s, pending: false, error: e.message || 'the layout failed' }));
      },
    );
    return () => {
      wanted = false;
    };
  }, [key]);

  return state;
}
