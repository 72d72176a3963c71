// What a canary run samples: the instances and versions a service has run, its per-instance
// request rollups per minute, and a stored metric's points with the version and resource of
// each (so the run can tell its two sides apart).
import { type ReadStore, msToNs } from './read-store';

const inList = (ids: readonly number[]) => ids.map(() => '?').join(',');

/** Every instance of the services `ids` with its version, the first started first. */
export function instancesOf(store: ReadStore, ids: readonly number[]): Array<{ instance: string; version: string }> {
  if (ids.length === 0) return [];
  return store.stmt(`SELECT instance, version FROM instances WHERE service_id IN (${inList(ids)}) ORDER BY first_seen_ns`).all(...ids) as Array<{
    instance: string;
    version: string;
  }>;
}

export type InstanceMinuteRow = { minute: number; instance: string; version: string; calls: number; errors: number; hist_ok: Buffer | null };

/** Per-instance request rollups of the services `ids` in minutes [m0, m1]. */
export function instanceMinuteRows(store: ReadStore, ids: readonly number[], m0: number, m1: number): InstanceMinuteRow[] {
  return store
    .stmt(
      `SELECT minute, instance, version, calls, errors, hist_ok FROM rollup_instance_minute
       WHERE minute BETWEEN ? AND ? AND service_id IN (${inList(ids)})`,
    )
    .all(m0, m1, ...ids) as InstanceMinuteRow[];
}

/** The points with a value of metric `name` on the services `ids` in [from, to] (unix ms), each
 * with its minute, its resource's version and attributes (JSON). */
export function metricPointsByMinute(
  store: ReadStore,
  ids: readonly number[],
  name: string,
  from: number,
  to: number,
): Array<{ minute: number; value: number; version: string; attributes: string }> {
  return store
    .stmt(
      `SELECT p.time_ns / 60000000000 AS minute, p.value AS value, r.service_version AS version, r.attributes AS attributes
       FROM metric_series s JOIN metric_points p ON p.series_id = s.id JOIN resources r ON r.id = s.resource_id
       WHERE s.name = ? AND s.service_id IN (${inList(ids)}) AND p.time_ns BETWEEN ? AND ? AND p.value IS NOT NULL`,
    )
    .all(name, ...ids, msToNs(from), msToNs(to)) as Array<{ minute: number; value: number; version: string; attributes: string }>;
}
