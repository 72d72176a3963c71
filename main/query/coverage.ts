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
 * the window's end, never after now. `firstMinutes` (service id → its first minute with rollups
 * in the window), when the caller has read them already, saves a query per service.
 */
export function coverageByService(
  store: ReadStore,
  from: number,
  to: number,
  now = Date.now(),
  firstMinutes?: ReadonlyMap<number, number>,
): Map<number, Coverage> {
  const end = Math.max(from, Math.min(to, now));
  const m0 = Math.floor(from / 60_000);
  const m1 = Math.floor(to / 60_000);
  const firstMinute = store.pluck('SELECT min(minute) FROM rollup_service_minute WHERE service_id = ? AND minute BETWEEN ? AND ?');
  const firstSpan = store.pluck('SELECT min(start_ns) FROM spans WHERE service_id = ? AND start_ns >= ? AND start_ns < ?');
  const earliest = earliestMinutes(store);
  const out = new Map<number, Coverage>();
  for (const id of store.pluck('SELECT id FROM services').all() as number[]) {
    store.check();
    const first = earliest.of(id);
    if (first !== null && first < m0) {
      out.set(id, { fromMs: from, toMs: end });
      continue;
    }
    const minute = firstMinutes ? firstMinutes.get(id) : (firstMinute.get(id, m0, m1) as number | null);
    if (minute === null || minute === undefined) continue;
    const span = firstSpan.get(id, msToNs(Math.max(from, minute * 60_000)), msToNs((minute + 1) * 60_000)) as number | bigint | null;
    const start = span !== null && span !== undefined ? Number(span) / 1e6 : minute * 60_000;
    const fromMs = Math.min(end, Math.max(from, start));
    out.set(id, { fromMs, toMs: end });
  }
  return out;
}

/**
 * Each service's first rollup minute, read once per service and kept: whether a service was
 * running before a window is asked on every list and map call. A commit that touches a minute
 * before a kept one forgets it (late data, an import), and so does one touching a service
 * without rollups yet; the whole cache is read again after a minute (retention removes old
 * minutes).
 */
class EarliestMinutes {
  private readonly known = new Map<number, number | null>();
  private readAt = 0;

  constructor(private readonly store: ReadStore) {}

  of(serviceId: number): number | null {
    const now = Date.now();
    if (now - this.readAt > 60_000) {
      this.known.clear();
      this.readAt = now;
    }
    let m = this.known.get(serviceId);
    if (m === undefined) {
      m = (this.store.pluck('SELECT min(minute) FROM rollup_service_minute WHERE service_id = ?').get(serviceId) as number | null) ?? null;
      this.known.set(serviceId, m);
    }
    return m;
  }

  invalidateFrom(minute: number): void {
    for (const [id, m] of this.known) if (m === null || m > minute) this.known.delete(id);
  }
}

const earliestCaches = new WeakMap<ReadStore, EarliestMinutes>();

function earliestMinutes(store: ReadStore): EarliestMinutes {
  let c = earliestCaches.get(store);
  if (!c) {
    c = new EarliestMinutes(store);
    earliestCaches.set(store, c);
    store.rollupCaches.add(c);
  }
  return c;
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
export function coverageByName(
  store: ReadStore,
  from: number,
  to: number,
  now = Date.now(),
  firstMinutes?: ReadonlyMap<number, number>,
): Map<string, Coverage> {
  const byId = coverageByService(store, from, to, now, firstMinutes);
  const out = new Map<string, Coverage>();
  for (const r of store.stmt('SELECT id, name FROM services').all() as Array<{ id: number; name: string }>) {
    const c = byId.get(r.id);
    if (!c) continue;
    out.set(r.name, widestCoverage([out.get(r.name), c], from, to, now));
  }
  return out;
}
