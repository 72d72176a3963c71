// What telemetry showed in a window, as the catalog compares it with what descriptors declare:
// the services seen and the edges between map nodes, from the per-minute rollups.
import type { ReadStore } from './read-store';

/** Services seen in [from, to] (unix ms): requests in the window's rollups, or (services
 * sending only logs or metrics) last data inside the window. */
export function servicesSeen(store: ReadStore, from: number, to: number): string[] {
  return store
    .pluck(
      `SELECT DISTINCT s.name FROM services s WHERE s.last_seen_ms BETWEEN ? AND ?
       OR s.id IN (SELECT service_id FROM rollup_service_minute WHERE minute BETWEEN ? AND ?)`,
    )
    .all(from, to, Math.floor(from / 60_000), Math.floor(to / 60_000)) as string[];
}

/** Map edges (source service → target node id) with calls in minutes [m0, m1]. */
export function edgesSeen(store: ReadStore, m0: number, m1: number): Array<{ source: string; target: string }> {
  return store.stmt('SELECT DISTINCT source, target FROM rollup_edge_minute WHERE minute BETWEEN ? AND ?').all(m0, m1) as Array<{
    source: string;
    target: string;
  }>;
}
