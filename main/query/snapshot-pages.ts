// Reads of an incident snapshot: the window's traces, log records and metric points in keyset
// pages (so a snapshot's memory is bounded by a page, whatever the window holds), with the
// totals its progress reports, and the deploys announced in the window.
import { type ReadStore } from './read-store';

const inList = (values: readonly unknown[]) => values.map(() => '?').join(',');

/** Ids of the services named (names with no data are left out). */
export function serviceIdsNamed(store: ReadStore, names: readonly string[]): number[] {
  return store.pluck(`SELECT id FROM services WHERE name IN (${inList(names)})`).all(...names) as number[];
}

export interface SnapshotWindow {
  fromNs: bigint;
  toNs: bigint;
}

/** Traces starting in the window (touching one of `services`, when any), in start order:
 * `page(after)` gives the next `pageSize` as [trace id, start ns] after [start ns, trace id]. */
export function tracePages(store: ReadStore, window: SnapshotWindow, services: readonly string[], pageSize: number) {
  const filter = services.length ? `AND EXISTS (SELECT 1 FROM json_each(t.services) WHERE value IN (${inList(services)}))` : '';
  const total = Number(store.pluck(`SELECT count(*) FROM traces t WHERE t.start_ns BETWEEN ? AND ? ${filter}`).get(window.fromNs, window.toNs, ...services));
  const statement = store.db
    .prepare(
      `SELECT t.trace_id, t.start_ns FROM traces t WHERE t.start_ns BETWEEN ? AND ? ${filter}
       AND (t.start_ns > ? OR (t.start_ns = ? AND t.trace_id > ?)) ORDER BY t.start_ns, t.trace_id LIMIT ${pageSize}`,
    )
    .raw()
    .safeIntegers();
  return {
    total,
    page: (after: [bigint, Buffer]) => statement.all(window.fromNs, window.toNs, ...services, after[0], after[0], after[1]) as Array<[Buffer, bigint]>,
  };
}

/** Log records in the window (of `serviceIds`, when given) in time order, each with its
 * resource, scope and service: `page(after)` gives the next `pageSize` after [time ns, dedup]. */
export function logPages(store: ReadStore, window: SnapshotWindow, serviceIds: readonly number[] | null, pageSize: number) {
  const filter = serviceIds ? `AND l.service_id IN (${inList(serviceIds)})` : '';
  const ids = serviceIds ?? [];
  const total = Number(store.pluck(`SELECT count(*) FROM logs l WHERE l.time_ns BETWEEN ? AND ? ${filter}`).get(window.fromNs, window.toNs, ...ids));
  const statement = store.db
    .prepare(
      `SELECT l.resource_id, l.scope_id, l.time_ns, l.observed_ns, l.severity_number, l.severity_text, l.body, l.body_is_json, l.trace_id, l.span_id,
         l.flags, l.event_name, l.attributes, l.dropped_attributes_count, l.dedup, sv.name AS service,
         r.attributes AS resource_attributes, r.dropped_attributes_count AS resource_dropped, r.schema_url AS resource_schema_url,
         sc.name AS scope_name, sc.version AS scope_version, sc.attributes AS scope_attributes, sc.dropped_attributes_count AS scope_dropped,
         sc.schema_url AS scope_schema_url
       FROM logs l JOIN resources r ON r.id = l.resource_id JOIN scopes sc ON sc.id = l.scope_id JOIN services sv ON sv.id = l.service_id
       WHERE l.time_ns BETWEEN ? AND ? ${filter} AND (l.time_ns > ? OR (l.time_ns = ? AND l.dedup > ?))
       ORDER BY l.time_ns, l.dedup LIMIT ${pageSize}`,
    )
    .safeIntegers();
  return {
    total,
    page: (after: [bigint, bigint]) => statement.all(window.fromNs, window.toNs, ...ids, after[0], after[0], after[1]) as Array<Record<string, unknown>>,
  };
}

/** Every metric series (of `serviceIds`, when given) with its resource, scope and service, in
 * the row shape the snapshot's OTLP encoder takes (`Row`). */
export function metricSeriesRows<Row extends { id: number; service: string }>(store: ReadStore, serviceIds: readonly number[] | null): Row[] {
  const filter = serviceIds ? `WHERE m.service_id IN (${inList(serviceIds)})` : '';
  return store.db
    .prepare(
      `SELECT m.id, m.name, m.kind, m.unit, m.description, m.temporality, m.monotonic, m.attributes, sv.name AS service,
         r.attributes AS resource_attributes, r.dropped_attributes_count AS resource_dropped, r.schema_url AS resource_schema_url,
         sc.name AS scope_name, sc.version AS scope_version, sc.attributes AS scope_attributes, sc.dropped_attributes_count AS scope_dropped,
         sc.schema_url AS scope_schema_url
       FROM metric_series m JOIN resources r ON r.id = m.resource_id JOIN scopes sc ON sc.id = m.scope_id JOIN services sv ON sv.id = m.service_id
       ${filter} ORDER BY m.id`,
    )
    .all(...(serviceIds ?? [])) as Row[];
}

/** A series' points in the window: `count(series)`, and `page(series, afterNs)` giving the next
 * `pageSize` in time order. */
export function pointPages(store: ReadStore, window: SnapshotWindow, pageSize: number) {
  const countStatement = store.db.prepare('SELECT count(*) FROM metric_points WHERE series_id = ? AND time_ns BETWEEN ? AND ?').pluck();
  const statement = store.db
    .prepare(
      `SELECT time_ns, start_ns, value, is_int, count, sum, min, max, detail, flags FROM metric_points
       WHERE series_id = ? AND time_ns BETWEEN ? AND ? AND time_ns > ? ORDER BY time_ns LIMIT ${pageSize}`,
    )
    .safeIntegers();
  return {
    count: (seriesId: number) => countStatement.get(seriesId, window.fromNs, window.toNs) as number,
    page: (seriesId: number, afterNs: bigint) => statement.all(seriesId, window.fromNs, window.toNs, afterNs) as Array<Record<string, unknown>>,
  };
}

export interface AnnouncedDeploy {
  service: string;
  version: string;
  timeMs: number;
  instance: string | null;
  description: string | null;
}

/** Deploys a pipeline announced in [from, to] (unix ms) of `services` (all when empty); none
 * when the store has no deploys table. */
export function announcedDeploys(store: ReadStore, from: number, to: number, services: readonly string[]): AnnouncedDeploy[] {
  const hasTable = store.pluck("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'deploys'").get() as number;
  if (!hasTable) return [];
  const filter = services.length ? `AND service IN (${inList(services)})` : '';
  return store
    .stmt(`SELECT service, version, time_ms AS timeMs, instance, description FROM deploys WHERE time_ms BETWEEN ? AND ? ${filter} ORDER BY time_ms`)
    .all(from, to, ...services) as AnnouncedDeploy[];
}
