// The part of a window a service's data covers. A service that started 4 minutes into an hour
// has 56 minutes of data: its rate is its requests over those 56 minutes, not over 60 (which
// would show a fraction of its real traffic). Every rate on the Services list, the service page
// and the map is taken over this span (see rateOver in ./red).
import { type ReadStore, msToNs } from './read-store';

export interface Coverage {
  fromMs: number;
  toMs: number;
}

/**
 * Coverage of each service with data in the window, by service id. It starts at the window's
 * start when the service has rollups before the window (it was running), otherwise at its first
 * span in the window (or the start of its first rollup minute once spans are gone); it ends at
 * the window's end, never after now.
 */
export function coverageByService(store: ReadStore, from: number, to: number, now = Date.now()): Map<number, Coverage> {
  const end = Math.max(from, Math.min(to, now));
  const m0 = Math.floor(from / 60_000);
  const m1 = Math.floor(to / 60_000);
  const before = store.pluck('SELECT 1 FROM rollup_service_minute WHERE service_id = ? AND minute < ? LIMIT 1');
  const firstMinute = store.pluck('SELECT min(minute) FROM rollup_service_minute WHERE service_id = ? AND minute BETWEEN ? AND ?');
  const firstSpan = store.pluck('SELECT min(start_ns) FROM spans WHERE service_id = ? AND start_ns >= ? AND start_ns < ?');
  const out = new Map<number, Coverage>();
  for (const id of store.pluck('SELECT id FROM services').all() as number[]) {
    store.check();
    if (before.get(id, m0) !== undefined) {
      out.set(id, { fromMs: from, toMs: end });
      continue;
    }
    const minute = firstMinute.get(id, m0, m1) as number | null;
    if (minute === null || minute === undefined) continue;
    const span = firstSpan.get(id, msToNs(Math.max(from, minute * 60_000)), msToNs((minute + 1) * 60_000)) as number | bigint | null;
    const start = span !== null && span !== undefined ? Number(span) / 1e6 : minute * 60_000;
    const fromMs = Math.min(end, Math.max(from, start));
    out.set(id, { fromMs, toMs: end });
  }
  return out;
}

/** Coverage of several services (or of one name in several namespaces): the widest of them. */
export function widestCoverage(covers: Iterable<Coverage | undefined>, from: number, to: number, now = Date.now()): Coverage {
  let fromMs = Infinity;
  let toMs = -Infinity;
  for (const c of covers) {
    if (!c) continue;
    fromMs = Math.min(fromMs, c.fromMs);
    toMs = Math.max(toMs, c.toMs);
  }
  if (fromMs === Infinity) return { fromMs: from, toMs: Math.max(from, Math.min(to, now)) };
  return { fromMs, toMs };
}

/** Coverage by service name (a name may exist in several namespaces). */
export function coverageByName(store: ReadStore, from: number, to: number, now = Date.now()): Map<string, Coverage> {
  const byId = coverageByService(store, from, to, now);
  const out = new Map<string, Coverage>();
  for (const r of store.stmt('SELECT id, name FROM services').all() as Array<{ id: number; name: string }>) {
    const c = byId.get(r.id);
    if (!c) continue;
    out.set(r.name, widestCoverage([out.get(r.name), c], from, to, now));
  }
  return out;
}
