// Metric names and series with their points (downsampled per series for charts).
import type { MetricInfo, MetricSeries } from '../../common/api/metric-schemas';
import type { MetricKind } from '../../common/model';
import { type ReadStore, msToNs, parseJson, serviceIds, windowOf } from './read-store';

const TEMPORALITY = ['unspecified', 'delta', 'cumulative'] as const;

export function listMetrics(store: ReadStore, input: { from?: number; to?: number; service?: string; q?: string }): MetricInfo[] {
  const { from } = windowOf(input);
  return store.timed('metrics.list', () => {
    const ids = input.service ? serviceIds(store, input.service) : [];
    if (input.service && ids.length === 0) return [];
    const params: unknown[] = [from];
    let filter = '';
    if (ids.length) {
      filter += ` AND ms.service_id IN (${ids.map(() => '?').join(',')})`;
      params.push(...ids);
    }
    if (input.q) {
      filter += ' AND ms.name LIKE ?';
      params.push(`%${input.q}%`);
    }
    const rows = store
      .stmt(
        `SELECT ms.name, ms.kind, ms.unit, max(ms.description) AS description, max(ms.temporality) AS temporality,
                max(ms.monotonic) AS monotonic, group_concat(DISTINCT sv.name) AS services, count(*) AS series
         FROM metric_series ms JOIN services sv ON sv.id = ms.service_id
         WHERE ms.last_seen_ms >= ? ${filter}
         GROUP BY ms.name, ms.kind, ms.unit ORDER BY ms.name`,
      )
      .all(...params) as Array<{
      name: string;
      kind: MetricKind;
      unit: string;
      description: string;
      temporality: number;
      monotonic: number;
      services: string;
      series: number;
    }>;
    return rows.map((r) => ({
      name: r.name,
      kind: r.kind,
      unit: r.unit,
      description: r.description,
      services: r.services ? r.services.split(',').sort() : [],
      seriesCount: r.series,
      temporality: TEMPORALITY[r.temporality] ?? 'unspecified',
      monotonic: r.monotonic === 1,
    }));
  });
}

export function metricSeries(
  store: ReadStore,
  input: { name: string; from?: number; to?: number; service?: string; limit: number; points: number },
): MetricSeries[] {
  const { from, to } = windowOf(input);
  return store.timed('metrics.series', () => {
    const ids = input.service ? serviceIds(store, input.service) : [];
    if (input.service && ids.length === 0) return [];
    const params: unknown[] = [input.name, from];
    let filter = '';
    if (ids.length) {
      filter = ` AND ms.service_id IN (${ids.map(() => '?').join(',')})`;
      params.push(...ids);
    }
    const series = store
      .stmt(
        `SELECT ms.id, ms.name, ms.kind, ms.unit, ms.attributes, sv.name AS service, r.attributes AS resource
         FROM metric_series ms JOIN services sv ON sv.id = ms.service_id JOIN resources r ON r.id = ms.resource_id
         WHERE ms.name = ? AND ms.last_seen_ms >= ? ${filter} ORDER BY ms.last_seen_ms DESC LIMIT ?`,
      )
      .all(...params, input.limit) as Array<{
      id: number;
      name: string;
      kind: string;
      unit: string;
      attributes: string;
      service: string;
      resource: string;
    }>;
    const points = store
      .stmt(
        `SELECT time_ns, start_ns, value, count, sum, min, max, detail FROM metric_points
         WHERE series_id = ? AND time_ns BETWEEN ? AND ? ORDER BY time_ns`,
      )
      .safeIntegers(true);
    const fromNs = msToNs(from);
    const toNs = msToNs(to);
    return series.map((s) => {
      const rows = points.all(s.id, fromNs, toNs) as Array<{
        time_ns: bigint;
        start_ns: bigint;
        value: number | null;
        count: bigint | null;
        sum: number | null;
        min: number | null;
        max: number | null;
        detail: string | null;
      }>;
      // Keep the newest point of each bucket: cumulative values stay correct, gauges stay real.
      const step = rows.length > input.points ? rows.length / input.points : 1;
      const kept = step === 1 ? rows : Array.from({ length: input.points }, (_, i) => rows[Math.min(rows.length - 1, Math.floor((i + 1) * step) - 1)]);
      return {
        name: s.name,
        kind: s.kind,
        unit: s.unit,
        service: s.service,
        attributes: parseJson(s.attributes, {}),
        resource: parseJson(s.resource, {}),
        points: kept.map((p) => ({
          time: Number(p.time_ns) / 1e6,
          timeUnixNano: p.time_ns.toString(),
          startTimeUnixNano: p.start_ns.toString(),
          value: p.value === null ? null : Number(p.value),
          count: p.count === null ? null : Number(p.count),
          sum: p.sum === null ? null : Number(p.sum),
          min: p.min === null ? null : Number(p.min),
          max: p.max === null ? null : Number(p.max),
          ...(p.detail ? { detail: JSON.parse(p.detail) as Record<string, unknown> } : {}),
        })),
      };
    });
  });
}
