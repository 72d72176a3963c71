// One chart query of one metric: select its series (filters on point and resource attributes),
// turn each series' points into per-step values by kind (common/metrics/steps.ts), combine the
// series of each group, and attach the bucket heatmap and the exemplars in the window.
import type { MetricChart, MetricChartSeries } from '../../common/api/metric-schemas';
import { ATTRIBUTE_FILTER, type MetricAggregation } from '../../common/api/metric-schemas';
import type { MetricKind } from '../../common/model';
import { explicitQuantile, exponentialAsExplicit, exponentialQuantile, type ExplicitBuckets, type ExponentialBuckets } from '../../common/metrics/histograms';
import {
  EXPLICIT,
  EXPONENTIAL,
  aggregate,
  deltaSumPerStep,
  histogramPerStep,
  lastValuePerStep,
  niceStep,
  noIssues,
  quantilesPerStep,
  ratePerSeriesStep,
  type StepGrid,
  type StoredPoint,
} from '../../common/metrics/steps';
import { addExplicit, addExponential, downscale, sameBounds } from '../../common/metrics/histograms';
import { QueryError } from './traces';
import { type ReadStore, msToNs, parseJson, serviceIds, windowOf } from './read-store';

const TEMPORALITY = ['unspecified', 'delta', 'cumulative'] as const;
const DEFAULT_PERCENTILES = [50, 95, 99];
const MAX_EXEMPLARS = 300;
const MAX_HEATMAP_BUCKETS = 40;

export interface MetricChartInput {
  name: string;
  from?: number;
  to?: number;
  service?: string;
  attr: string[];
  groupBy: string[];
  agg?: MetricAggregation;
  percentile: number[];
  step?: number;
  limit?: number;
}

interface SeriesRow {
  id: number;
  kind: MetricKind;
  unit: string;
  description: string;
  temporality: number;
  monotonic: number;
  attributes: string;
  resource: string;
  service: string;
}

interface Filter {
  key: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
  re: RegExp | null;
}

function parseFilters(list: string[]): Filter[] {
  return list.map((f) => {
    const m = ATTRIBUTE_FILTER.exec(f)!;
    const op = m[2] as Filter['op'];
    return { key: m[1].trim(), op, value: m[3], re: op.includes('~') ? new RegExp(`^(?:${m[3]})$`) : null };
  });
}

/** An attribute of a series: its own first, then its resource's; `service.name` always. */
function lookup(attrs: Record<string, unknown>, resource: Record<string, unknown>, service: string, key: string): string | undefined {
  const v = key in attrs ? attrs[key] : key in resource ? resource[key] : key === 'service.name' ? service : undefined;
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function matches(f: Filter, value: string | undefined): boolean {
  const v = value ?? '';
  switch (f.op) {
    case '=':
      return v === f.value;
    case '!=':
      return v !== f.value;
    case '=~':
      return f.re!.test(v);
    case '!~':
      return !f.re!.test(v);
  }
}

export function metricChart(store: ReadStore, input: MetricChartInput): MetricChart {
  const { from, to } = windowOf(input);
  return store.timed('metrics.chart', () => {
    const ids = input.service ? serviceIds(store, input.service) : [];
    const byService = ids.length ? ` AND ms.service_id IN (${ids.map(() => '?').join(',')})` : '';
    const rows = input.service && ids.length === 0
      ? []
      : (store
          .stmt(
            `SELECT ms.id, ms.kind, ms.unit, ms.description, ms.temporality, ms.monotonic, ms.attributes, r.attributes AS resource, sv.name AS service
             FROM metric_series ms JOIN services sv ON sv.id = ms.service_id JOIN resources r ON r.id = ms.resource_id
             WHERE ms.name = ? AND ms.last_seen_ms >= ? ${byService}`,
          )
          .all(input.name, from, ...ids) as SeriesRow[]);
    if (rows.length === 0) throw new QueryError('not_found', `no metric "${input.name}" ${input.service ? `from ${input.service} ` : ''}in this window`, 404);

    const notes: string[] = [];
    // One name sent as several kinds cannot share a chart: the most common kind is shown.
    const kinds = new Map<MetricKind, number>();
    for (const r of rows) kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
    const kind = [...kinds].sort((a, b) => b[1] - a[1])[0][0];
    if (kinds.size > 1)
      notes.push(`Also sent as ${[...kinds.keys()].filter((k) => k !== kind).join(', ')} (${rows.length - kinds.get(kind)!} series): not shown; one chart shows one kind.`);
    const monotonic = kind === 'sum' && rows.filter((r) => r.kind === 'sum').every((r) => r.monotonic === 1);
    if (kind === 'sum' && !monotonic && rows.some((r) => r.kind === 'sum' && r.monotonic === 1))
      notes.push('Some series are monotonic and some are not: all are shown as values, not rates.');
    const units = new Set(rows.filter((r) => r.kind === kind).map((r) => r.unit));
    if (units.size > 1) notes.push(`Sent with several units (${[...units].join(', ')}); the chart uses "${[...units][0]}".`);

    const filters = parseFilters(input.attr);
    const selected = rows
      .filter((r) => r.kind === kind)
      .map((r) => ({ row: r, attrs: parseJson<Record<string, unknown>>(r.attributes, {}), resource: parseJson<Record<string, unknown>>(r.resource, {}) }))
      .filter((s) => filters.every((f) => matches(f, lookup(s.attrs, s.resource, s.row.service, f.key))));

    const stepMs = input.step ?? Math.max(niceStep(to - from), niceStep(typicalIntervalMs(store, selected.slice(0, 5).map((x) => x.row.id), from, to), 1));
    const startMs = Math.floor(from / stepMs) * stepMs;
    const steps = Math.max(1, Math.ceil((to - startMs) / stepMs));
    const grid: StepGrid = { startMs, stepMs, steps };
    const times = Array.from({ length: steps }, (_, i) => startMs + i * stepMs);
    const temporalities = new Set(selected.map((s) => TEMPORALITY[s.row.temporality] ?? 'unspecified'));
    const agg: MetricAggregation = input.agg ?? (kind === 'summary' ? 'max' : 'sum');
    const display: MetricChart['display'] =
      kind === 'gauge' || (kind === 'sum' && !monotonic) ? 'value' : kind === 'sum' ? 'rate' : kind === 'summary' ? 'quantiles' : 'percentiles';

    // Groups, busiest (most series) first.
    const groups = new Map<string, { group: Record<string, string>; members: typeof selected }>();
    for (const s of selected) {
      const group = Object.fromEntries(input.groupBy.map((k) => [k, lookup(s.attrs, s.resource, s.row.service, k) ?? '']));
      const key = JSON.stringify(group);
      const g = groups.get(key) ?? { group, members: [] };
      g.members.push(s);
      groups.set(key, g);
    }
    const limit = input.limit ?? 20;
    const ordered = [...groups.values()].sort((a, b) => b.members.length - a.members.length || JSON.stringify(a.group).localeCompare(JSON.stringify(b.group)));
    if (ordered.length > limit) notes.push(`${ordered.length} groups; the ${limit} with the most series are shown.`);
    const shown = ordered.slice(0, limit);

    // Points: the window plus the point just before it, so a cumulative series has a base.
    const pointsStmt = store
      .stmt(
        `SELECT time_ns, start_ns, value, detail FROM metric_points WHERE series_id = ? AND time_ns > ? AND time_ns <= ?
         UNION ALL SELECT * FROM (SELECT time_ns, start_ns, value, detail FROM metric_points WHERE series_id = ? AND time_ns <= ? ORDER BY time_ns DESC LIMIT 1)
         ORDER BY time_ns`,
      )
      .safeIntegers(true);
    const fromNs = msToNs(startMs);
    const toNs = msToNs(to);
    const needsDetail = kind !== 'gauge' && kind !== 'sum';
    const load = (id: number): StoredPoint[] =>
      (pointsStmt.all(id, fromNs, toNs, id, fromNs) as Array<{ time_ns: bigint; start_ns: bigint; value: number | null; detail: string | null }>).map((p) => ({
        timeMs: Number(p.time_ns) / 1e6,
        startMs: Number(p.start_ns) / 1e6,
        value: p.value === null ? null : Number(p.value),
        detail: needsDetail && p.detail ? (JSON.parse(p.detail) as Record<string, unknown>) : null,
      }));

    const issues = noIssues();
    const series: MetricChartSeries[] = [];
    const percentiles = input.percentile.length ? input.percentile : DEFAULT_PERCENTILES;
    let heatExplicit: Array<ExplicitBuckets | null> | null = null;
    let heatExponential: Array<ExponentialBuckets | null> | null = null;
    const groupId = (g: Record<string, string>) => Object.values(g).join(' · ') || 'all';

    for (const g of shown) {
      const id = groupId(g.group);
      if (display === 'value' || display === 'rate') {
        const perSeries = g.members.map((s) => {
          const pts = load(s.row.id);
          if (display === 'rate') return ratePerSeriesStep(pts, s.row.temporality === 1 ? 'delta' : 'cumulative', grid, issues);
          return s.row.temporality === 1 && kind === 'sum' ? deltaSumPerStep(pts, grid, issues) : lastValuePerStep(pts, grid, issues);
        });
        series.push({ id, group: g.group, stat: display, values: times.map((_, i) => aggregate(perSeries.map((v) => v[i]), agg)), sources: g.members.length });
      } else if (display === 'quantiles') {
        const perSeries = g.members.map((s) => quantilesPerStep(load(s.row.id), grid));
        const qs = [...new Set(perSeries.flatMap((ps) => ps.flatMap((m) => (m ? [...m.keys()] : []))))].sort((a, b) => a - b);
        for (const q of qs)
          series.push({
            id: `${id} q${q}`,
            group: g.group,
            stat: `q${q}`,
            values: times.map((_, i) => aggregate(perSeries.map((ps) => ps[i]?.get(q) ?? null), agg)),
            sources: g.members.length,
          });
      } else if (kind === 'histogram') {
        const merged = mergeSteps(
          g.members.map((s) => histogramPerStep(EXPLICIT, load(s.row.id), s.row.temporality === 1 ? 'delta' : 'cumulative', grid, issues)),
          (a, b) => (sameBounds(a.bounds, b.bounds) ? addExplicit(a, b) : (issues.boundsChanged++, a)),
        );
        for (const p of percentiles)
          series.push({ id: `${id} p${p}`, group: g.group, stat: `p${p}`, values: merged.map((h) => (h ? explicitQuantile(h, p / 100) : null)), sources: g.members.length });
        heatExplicit = heatExplicit ? heatExplicit.map((h, i) => combine(h, merged[i], (a, b) => (sameBounds(a.bounds, b.bounds) ? addExplicit(a, b) : a))) : merged;
      } else {
        const merged = mergeSteps(
          g.members.map((s) => histogramPerStep(EXPONENTIAL, load(s.row.id), s.row.temporality === 1 ? 'delta' : 'cumulative', grid, issues)),
          addExponential,
        );
        for (const p of percentiles)
          series.push({ id: `${id} p${p}`, group: g.group, stat: `p${p}`, values: merged.map((h) => (h ? exponentialQuantile(h, p / 100) : null)), sources: g.members.length });
        heatExponential = heatExponential ? heatExponential.map((h, i) => combine(h, merged[i], addExponential)) : merged;
      }
    }

    if (issues.resets) notes.push(`${issues.resets} counter ${issues.resets === 1 ? 'reset' : 'resets'} (a restart): counted from zero, not as a drop.`);
    if (issues.invalid) notes.push(`${issues.invalid} ${issues.invalid === 1 ? 'point was' : 'points were'} NaN, infinite or unreadable: left as gaps.`);
    if (issues.boundsChanged) notes.push(`Histogram bucket bounds changed ${issues.boundsChanged} ${issues.boundsChanged === 1 ? 'time' : 'times'}: those intervals are left out.`);
    if (temporalities.has('delta') && temporalities.has('cumulative')) notes.push('Series mix delta and cumulative temporality; each is read by its own rule.');

    return {
      name: input.name,
      kind,
      unit: [...units][0] ?? '',
      description: selected[0]?.row.description ?? rows[0].description,
      monotonic,
      temporality: [...temporalities].sort() as MetricChart['temporality'],
      display,
      aggregation: agg,
      from,
      to,
      stepMs,
      times,
      series,
      heatmap: heatExplicit ? explicitHeatmap(heatExplicit) : heatExponential ? exponentialHeatmap(heatExponential) : null,
      exemplars: exemplarsOf(store, shown, from, to),
      notes,
      matched: selected.length,
    };
  });
}

/** How far apart a metric's points usually are (the median over a few series): a chart step
 * finer than that would leave every other step empty. */
function typicalIntervalMs(store: ReadStore, seriesIds: number[], from: number, to: number): number {
  const stmt = store.stmt('SELECT count(*) AS n, min(time_ns) AS lo, max(time_ns) AS hi FROM metric_points WHERE series_id = ? AND time_ns BETWEEN ? AND ?');
  const intervals = seriesIds
    .map((id) => stmt.get(id, msToNs(from), msToNs(to)) as { n: number; lo: number | null; hi: number | null })
    .filter((r) => r.n > 1 && r.lo !== null && r.hi !== null)
    .map((r) => (r.hi! - r.lo!) / 1e6 / (r.n - 1))
    .sort((a, b) => a - b);
  return intervals.length ? intervals[Math.floor(intervals.length / 2)] : 0;
}

function combine<H>(a: H | null, b: H | null, add: (a: H, b: H) => H): H | null {
  return a === null ? b : b === null ? a : add(a, b);
}

function mergeSteps<H>(perSeries: Array<Array<H | null>>, add: (a: H, b: H) => H): Array<H | null> {
  const steps = perSeries[0]?.length ?? 0;
  return Array.from({ length: steps }, (_, i) => perSeries.reduce<H | null>((acc, s) => combine(acc, s[i], add), null));
}

function explicitHeatmap(steps: Array<ExplicitBuckets | null>): MetricChart['heatmap'] {
  const first = steps.find((h) => h !== null);
  if (!first) return null;
  return {
    bounds: [...first.bounds, Infinity].map((b) => (Number.isFinite(b) ? b : Number.MAX_VALUE)),
    counts: steps.map((h) => (h && sameBounds(h.bounds, first.bounds) ? h.counts : new Array<number>(first.counts.length).fill(0))),
  };
}

/** Exponential buckets on one scale for all steps, coarse enough for a readable heatmap. */
function exponentialHeatmap(steps: Array<ExponentialBuckets | null>): MetricChart['heatmap'] {
  const present = steps.filter((h): h is ExponentialBuckets => h !== null);
  if (present.length === 0) return null;
  let scale = Math.min(...present.map((h) => h.scale));
  const span = (s: number) => {
    const lo = Math.min(...present.map((h) => downscale(h, s).positive.offset));
    const hi = Math.max(...present.map((h) => { const d = downscale(h, s).positive; return d.offset + d.counts.length; }));
    return { lo, hi };
  };
  while (scale > -10 && span(scale).hi - span(scale).lo > MAX_HEATMAP_BUCKETS) scale--;
  const { lo, hi } = span(scale);
  const base: ExponentialBuckets = { scale, zeroCount: 0, positive: { offset: lo, counts: new Array<number>(Math.max(0, hi - lo)).fill(0) }, negative: { offset: 0, counts: [] } };
  const asExplicit = (h: ExponentialBuckets | null) => exponentialAsExplicit(h ? addExponential(base, downscale(h, scale)) : base);
  const bounds = asExplicit(null).bounds;
  return {
    bounds: [...bounds, Number.MAX_VALUE],
    counts: steps.map((h) => asExplicit(h).counts),
  };
}

function exemplarsOf(
  store: ReadStore,
  groups: Array<{ group: Record<string, string>; members: Array<{ row: SeriesRow }> }>,
  from: number,
  to: number,
): MetricChart['exemplars'] {
  const stmt = store
    .stmt('SELECT time_ns, value, trace_id, span_id FROM metric_exemplars WHERE series_id = ? AND time_ns BETWEEN ? AND ? ORDER BY time_ns DESC LIMIT ?')
    .safeIntegers(true);
  const out: MetricChart['exemplars'] = [];
  for (const g of groups)
    for (const m of g.members)
      for (const e of stmt.all(m.row.id, msToNs(from), msToNs(to), MAX_EXEMPLARS) as Array<{ time_ns: bigint; value: number | null; trace_id: string; span_id: string }>)
        out.push({ time: Number(e.time_ns) / 1e6, value: e.value === null ? null : Number(e.value), traceId: e.trace_id, spanId: e.span_id, service: m.row.service, group: g.group });
  // Keep an even spread over the window when there are too many to draw.
  out.sort((a, b) => a.time - b.time);
  if (out.length <= MAX_EXEMPLARS) return out;
  const every = out.length / MAX_EXEMPLARS;
  return Array.from({ length: MAX_EXEMPLARS }, (_, i) => out[Math.floor(i * every)]);
}

/** Attribute keys of a metric's series (their own and their resources') with their values. */
export function metricAttributes(store: ReadStore, input: { name: string; from?: number; to?: number; service?: string }) {
  const { from } = windowOf(input);
  return store.timed('metrics.attributes', () => {
    const rows = store
      .stmt(
        `SELECT ms.attributes, r.attributes AS resource, sv.name AS service FROM metric_series ms
         JOIN services sv ON sv.id = ms.service_id JOIN resources r ON r.id = ms.resource_id
         WHERE ms.name = ? AND ms.last_seen_ms >= ?`,
      )
      .all(input.name, from) as Array<{ attributes: string; resource: string; service: string }>;
    const keys = new Map<string, Map<string, number>>();
    const count = (k: string, v: unknown) => {
      if (v === null || v === undefined || typeof v === 'object') return;
      const values = keys.get(k) ?? new Map<string, number>();
      values.set(String(v), (values.get(String(v)) ?? 0) + 1);
      keys.set(k, values);
    };
    for (const r of rows) {
      if (input.service && r.service !== input.service) continue;
      for (const [k, v] of Object.entries(parseJson<Record<string, unknown>>(r.attributes, {}))) count(k, v);
      for (const [k, v] of Object.entries(parseJson<Record<string, unknown>>(r.resource, {}))) count(k, v);
      count('service.name', r.service);
    }
    return [...keys]
      .map(([key, values]) => ({
        key,
        values: [...values].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 100).map(([value, series]) => ({ value, series })),
      }))
      .sort((a, b) => a.key.localeCompare(b.key));
  });
}
