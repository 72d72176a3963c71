// A full garbage collection when a thread of the core has gone idle after a burst of work.
//
// V8 starts a full collection when the old generation reaches a limit set from what it last
// found live, so the garbage of a burst (a run of queries, an import) stays on the heap for
// as long as the thread then sits idle. After the benchmark's queries at 1M spans the query
// worker held 38 MB of old space of which ~8 MB was live, and V8's own memory reducer had not
// run after 30 s idle (docs/performance.md, "Memory: garbage left by a burst"). Each thread of
// the core (main, writer, query worker) checks every few seconds: when its event loop was
// nearly idle over the last interval and its heap has grown by a few MB since the last
// collection, it collects once. The pause (a few to ~20 ms for these heaps) falls where the
// thread had nothing to do.
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { performance } from 'node:perf_hooks';

const MB = 1024 * 1024;

export interface IdleCollectOptions {
  /** How often the thread looks. */
  everyMs?: number;
  /** The share of the interval its event loop may have been busy and still count as idle. */
  idleUtilization?: number;
  /** Heap growth since the last collection worth collecting for. */
  minGrowthMb?: number;
}

let gcFunction: (() => void) | null | undefined;

/** V8's `gc()`, which Node exposes only with --expose-gc: the flag is set at run time and the
 * function taken from a new context (contexts made after the flag get it). Null when the
 * runtime refuses. */
export function fullCollection(): (() => void) | null {
  if (gcFunction === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as unknown;
      gcFunction = typeof gc === 'function' ? (gc as () => void) : null;
    } catch {
      gcFunction = null;
    }
  }
  return gcFunction;
}

/** Starts the check on the calling thread; returns a function that stops it. `collect` is for
 * tests (counting the collections). */
export function collectWhenIdle(opts: IdleCollectOptions = {}, collect = fullCollection()): () => void {
  if (!collect) return () => {};
  const { everyMs = 2_500, idleUtilization = 0.05, minGrowthMb = 4 } = opts;
  let last = performance.eventLoopUtilization();
  let base = getHeapStatistics().used_heap_size;
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    const used = getHeapStatistics().used_heap_size;
    // V8 collected on its own since: what it kept is the new base.
    if (used < base) base = used;
    if (busy > idleUtilization || used - base < minGrowthMb * MB) return;
    collect();
    base = getHeapStatistics().used_heap_size;
    last = performance.eventLoopUtilization();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
