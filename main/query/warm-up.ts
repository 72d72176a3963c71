// Keeps the merged rollup blocks of the screens people open first (the Services list, the
// map) loaded. The first of those calls after the core starts, or after an import or a
// backfill touched past minutes, would otherwise merge an hour of minute rollups on the
// user's click (at 10M spans: ~420 ms for the map against ~30 ms once its blocks are kept).
// The warm-up runs once commits have stopped touching closed minutes for a moment; live data
// only touches the open minutes, which are never kept, so it does not trigger it.
import type { ReadStore } from './read-store';
import { openFromNow } from './rollup-parts';

/** Commits touching closed minutes must pause this long before a warm-up. */
const QUIET_MS = 1_000;

/** Runs `warm` (a screen's own query) at start and whenever kept blocks were dropped and the
 * store has been quiet since; returns a function that stops it. */
export function keepWarm(store: ReadStore, warm: () => void, quietMs = QUIET_MS): () => void {
  let timer: NodeJS.Timeout | null = null;
  const run = () => {
    timer = null;
    try {
      warm();
    } catch {
      // The store closed or the query met its budget: the next real call loads what it needs.
    }
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, quietMs);
    timer.unref();
  };
  const hook = {
    invalidateFrom(minute: number) {
      if (minute < openFromNow()) schedule();
    },
  };
  store.rollupCaches.add(hook);
  schedule();
  return () => {
    store.rollupCaches.delete(hook);
    if (timer) clearTimeout(timer);
  };
}
