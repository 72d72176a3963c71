// Asks the layout worker for positions when the topology changes, and only then: refreshes that
// change rates keep the key and so the same layout. Recent layouts are kept, so switching a filter
// back (or coming back to the page) is instant. The previous layout stays on screen until the
// new one arrives.
import { useEffect, useRef, useState } from 'react';
import type { LayoutInput, LayoutResult } from './layout';
import type { LayoutReply, LayoutRequest } from './layout.worker';

const CACHE_SIZE = 12;
const cache = new Map<string, LayoutResult>();

// One worker for the session: it stays warm (compiled) between visits to the map.
let sharedWorker: Worker | null = null;
function layoutWorker(): Worker {
  sharedWorker ??= new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
  return sharedWorker;
}

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
  const worker = useRef<Worker | null>(null);
  const nextId = useRef(0);
  const wanted = useRef<{ id: number; key: string; sent: number } | null>(null);
  const [state, setState] = useState<MapLayoutState>(() => {
    const hit = cache.get(key);
    return { layout: hit ?? null, layoutKey: hit ? key : null, pending: !hit, error: null, roundTripMs: null };
  });
  const build = useRef(input);
  build.current = input;

  useEffect(() => {
    const w = layoutWorker();
    worker.current = w;
    w.onmessage = (ev: MessageEvent<LayoutReply>) => {
      const want = wanted.current;
      if (!want || ev.data.id !== want.id) return;
      wanted.current = null;
      const roundTripMs = performance.now() - want.sent;
      if ('error' in ev.data) {
        const error = ev.data.error;
        setState((s) => ({ ...s, pending: false, error }));
        return;
      }
      remember(want.key, ev.data.result);
      setState({ layout: ev.data.result, layoutKey: want.key, pending: false, error: null, roundTripMs });
    };
    w.onerror = (ev) => {
      setState((s) => ({ ...s, pending: false, error: ev.message || 'the layout worker failed' }));
      // Start a fresh one next time.
      w.terminate();
      if (sharedWorker === w) sharedWorker = null;
    };
    return () => {
      w.onmessage = null;
      w.onerror = null;
      worker.current = null;
      wanted.current = null;
    };
  }, []);

  useEffect(() => {
    const hit = cache.get(key);
    if (hit) {
      wanted.current = null;
      setState((s) => (s.layoutKey === key ? s : { layout: hit, layoutKey: key, pending: false, error: null, roundTripMs: s.roundTripMs }));
      return;
    }
    const w = worker.current;
    if (!w) return;
    const id = ++nextId.current;
    wanted.current = { id, key, sent: performance.now() };
    setState((s) => ({ ...s, pending: true, error: null }));
    w.postMessage({ id, input: build.current() } satisfies LayoutRequest);
  }, [key]);

  return state;
}
