// The page side of the layout worker: one worker for the session, shared by the service map and
// the relations graph, so it stays warm (compiled) between pages. Each call gets its own answer;
// a page that no longer needs one simply ignores it. Where a worker cannot start (a restrictive
// page policy, or a test without workers) the layout runs on the main thread instead.
import { layoutGraph, type LayoutInput, type LayoutResult } from './layout';
import type { LayoutReply, LayoutRequest } from './layout.worker';

let worker: Worker | null = null;
let nextId = 1;
const waiting = new Map<number, { resolve: (r: LayoutResult) => void; reject: (e: Error) => void }>();

function failAll(message: string) {
  for (const w of waiting.values()) w.reject(new Error(message));
  waiting.clear();
}

function layoutWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
  w.onmessage = (ev: MessageEvent<LayoutReply>) => {
    const pending = waiting.get(ev.data.id);
    if (!pending) return;
    waiting.delete(ev.data.id);
    if ('error' in ev.data) pending.reject(new Error(ev.data.error));
    else pending.resolve(ev.data.result);
  };
  w.onerror = (ev) => {
    // Start a fresh one next time.
    w.terminate();
    if (worker === w) worker = null;
    failAll(ev.message || 'the layout worker failed');
  };
  worker = w;
  return w;
}

function layoutHere(input: LayoutInput): Promise<LayoutResult> {
  try {
    return Promise.resolve(layoutGraph(input));
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}

/** Lays the graph out in the shared worker. */
export function layoutOffMainThread(input: LayoutInput): Promise<LayoutResult> {
  if (typeof Worker === 'undefined') return layoutHere(input);
  let w: Worker;
  try {
    w = layoutWorker();
  } catch {
    return layoutHere(input);
  }
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    w.postMessage({ id, input } satisfies LayoutRequest);
  });
}
