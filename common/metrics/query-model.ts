// The metrics explorer's query: which source answers it (this Loupe's store, `local`, or a
// data source added later), built from parts (metric, filters, group-by, aggregation,
// percentiles) or written as PromQL for sources that speak it. Kept in the URL, one `q`
// parameter per query, so a chart can be shared.
import type { MetricAggregation } from '../api/metric-schemas';

export type FilterOp = '=' | '!=' | '=~' | '!~';
export const FILTER_OPS: FilterOp[] = ['=', '!=', '=~', '!~'];

export interface AttributeFilter {
  key: string;
  op: FilterOp;
  value: string;
}

export interface MetricQuery {
  /** Data source id; `local` is this Loupe's own store. */
  source: string;
  mode: 'builder' | 'promql';
  metric: string;
  filters: AttributeFilter[];
  groupBy: string[];
  agg: MetricAggregation;
  /** Histogram percentiles, 0–100. */
  percentiles: number[];
  /** The query text in PromQL mode. */
  promql: string;
}

export const DEFAULT_PERCENTILES = [50, 95, 99];

export function emptyQuery(metric = ''): MetricQuery {
  return { source: 'local', mode: 'builder', metric, filters: [], groupBy: [], agg: 'sum', percentiles: [...DEFAULT_PERCENTILES], promql: '' };
}

const AGGS: MetricAggregation[] = ['sum', 'avg', 'min', 'max'];

/** The URL form: JSON with defaults left out. */
export function encodeQuery(q: MetricQuery): string {
  const out: Record<string, unknown> = { m: q.metric };
  if (q.source !== 'local') out.src = q.source;
  if (q.mode !== 'builder') out.mode = q.mode;
  if (q.filters.length) out.f = q.filters.map((f) => `${f.key}${f.op}${f.value}`);
  if (q.groupBy.length) out.by = q.groupBy;
  if (q.agg !== 'sum') out.agg = q.agg;
  if (q.percentiles.join() !== DEFAULT_PERCENTILES.join()) out.p = q.percentiles;
  if (q.promql) out.promql = q.promql;
  return JSON.stringify(out);
}

const FILTER = /^([^=!~]+?)(!=|=~|!~|=)(.*)$/s;

export function parseFilter(text: string): AttributeFilter | null {
  const m = FILTER.exec(text);
  return m ? { key: m[1].trim(), op: m[2] as FilterOp, value: m[3] } : null;
}

/** Reads one `q` parameter; anything unreadable gives null (the page says so). */
export function decodeQuery(text: string): MetricQuery | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const o = raw as Record<string, unknown>;
  const q = emptyQuery(typeof o.m === 'string' ? o.m : '');
  if (typeof o.src === 'string' && o.src) q.source = o.src;
  if (o.mode === 'promql') q.mode = 'promql';
  if (Array.isArray(o.f)) q.filters = o.f.flatMap((f) => (typeof f === 'string' ? (parseFilter(f) ?? []) : []));
  if (Array.isArray(o.by)) q.groupBy = o.by.filter((k): k is string => typeof k === 'string' && k.length > 0);
  if (typeof o.agg === 'string' && (AGGS as string[]).includes(o.agg)) q.agg = o.agg as MetricAggregation;
  if (Array.isArray(o.p)) q.percentiles = o.p.map(Number).filter((n) => n > 0 && n <= 100);
  if (typeof o.promql === 'string') q.promql = o.promql;
  return q;
}

/** The `GET /api/metrics/:name/series` input for a builder query. */
export function seriesInput(q: MetricQuery): { name: string; attr: string[]; groupBy: string[]; agg: MetricAggregation; percentile: string[] } {
  return {
    name: q.metric,
    attr: q.filters.map((f) => `${f.key}${f.op}${f.value}`),
    groupBy: q.groupBy,
    agg: q.agg,
    percentile: q.percentiles.map(String),
  };
}

/** The PromQL a Prometheus source would be sent for this builder query (shown, and used
 * when switching a query to PromQL mode). */
export function toPromql(q: MetricQuery, display: 'value' | 'rate' | 'percentiles' | 'quantiles' = 'value'): string {
  const name = q.metric.replace(/[^a-zA-Z0-9_:]/g, '_');
  const labels = q.filters.map((f) => `${f.key.replace(/[^a-zA-Z0-9_]/g, '_')}${f.op}${JSON.stringify(f.value)}`).join(', ');
  const selector = `${name}${labels ? `{${labels}}` : ''}`;
  const by = q.groupBy.length ? ` by (${q.groupBy.map((k) => k.replace(/[^a-zA-Z0-9_]/g, '_')).join(', ')})` : '';
  if (display === 'rate') return `${q.agg}${by} (rate(${selector}[5m]))`;
  if (display === 'percentiles') {
    const le = q.groupBy.length ? ` by (le, ${q.groupBy.map((k) => k.replace(/[^a-zA-Z0-9_]/g, '_')).join(', ')})` : ' by (le)';
    return `histogram_quantile(${(q.percentiles[0] ?? 95) / 100}, sum${le} (rate(${name}_bucket${labels ? `{${labels}}` : ''}[5m])))`;
  }
  return `${q.agg}${by} (${selector})`;
}
