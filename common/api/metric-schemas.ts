// Shapes of the metrics API: the metrics stored and their series and points as sent, and the
// explorer's chart query of one metric (filters, group-by, aggregation, percentiles) answered
// as aligned series, a bucket heatmap and exemplars.
import { z } from 'zod';
import { AttributesSchema, TimeRange, limit, repeated } from './shared-schemas';

// ---- metrics and their series --------------------------------------------------------------

export const MetricsQuery = TimeRange.extend({ service: z.string().optional(), q: z.string().optional() });

export const MetricInfo = z.object({
  name: z.string(),
  kind: z.enum(['gauge', 'sum', 'histogram', 'exponential_histogram', 'summary']),
  unit: z.string(),
  description: z.string(),
  services: z.array(z.string()),
  seriesCount: z.number(),
  temporality: z.enum(['unspecified', 'delta', 'cumulative']),
  monotonic: z.boolean(),
});
export type MetricInfo = z.infer<typeof MetricInfo>;

export const MetricSeriesQuery = TimeRange.extend({
  name: z.string(),
  service: z.string().optional(),
  limit: limit(50, 500),
  /** Points per series after downsampling (the newest point of each bucket is kept). */
  points: limit(500, 5000),
});

export const MetricPoint = z.object({
  time: z.number(),
  timeUnixNano: z.string(),
  startTimeUnixNano: z.string(),
  value: z.number().nullable(),
  count: z.number().nullable().optional(),
  sum: z.number().nullable().optional(),
  min: z.number().nullable().optional(),
  max: z.number().nullable().optional(),
  /** Histogram buckets, exponential buckets, quantiles and exemplars, as sent. */
  detail: z.record(z.string(), z.unknown()).optional(),
});

export const MetricSeries = z.object({
  name: z.string(),
  kind: z.string(),
  unit: z.string(),
  service: z.string(),
  attributes: AttributesSchema,
  resource: AttributesSchema,
  points: z.array(MetricPoint),
});
export type MetricSeries = z.infer<typeof MetricSeries>;

// ---- charts ------------------------------------------------------------------------------

export const METRIC_AGGREGATIONS = ['sum', 'avg', 'min', 'max'] as const;
export type MetricAggregation = (typeof METRIC_AGGREGATIONS)[number];

/** `key=value`, `key!=value`, `key=~regex`, `key!~regex` (regexes match the whole value). */
export const ATTRIBUTE_FILTER = /^([^=!~]+?)(!=|=~|!~|=)(.*)$/s;

export const MetricChartQuery = TimeRange.extend({
  name: z.string().min(1),
  /** Where the metric is read from. Charts are built from this Loupe's store (`local`);
   * other sources answer PromQL (GET /api/metrics/query). */
  source: z.string().optional(),
  service: z.string().optional(),
  /** Attribute filters, repeatable: k=v, k!=v, k=~regex, k!~regex. Point, resource and
   * `service.name` attributes all count. */
  attr: repeated.superRefine((list, ctx) => {
    for (const f of list) {
      const m = ATTRIBUTE_FILTER.exec(f);
      if (!m) ctx.addIssue({ code: 'custom', message: `attr "${f}" is not key=value, key!=value, key=~regex or key!~regex` });
      else if (m[2].includes('~'))
        try {
          new RegExp(m[3]);
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: `attr "${f}": ${(e as Error).message}` });
        }
    }
  }),
  /** One series per distinct value of these attributes (repeatable). */
  groupBy: repeated,
  /** How series in one group combine. */
  agg: z.enum(METRIC_AGGREGATIONS).optional(),
  /** Histogram percentiles (0–100], repeatable or comma-separated; default 50, 95, 99. */
  percentile: repeated.transform((list, ctx) => {
    const out: number[] = [];
    for (const p of list.flatMap((s) => s.split(','))) {
      const n = Number(p);
      if (!(n > 0 && n <= 100)) {
        ctx.addIssue({ code: 'custom', message: `percentile "${p}" is not a number in (0, 100]` });
        return z.NEVER;
      }
      out.push(n);
    }
    return out;
  }),
  /** Step between points in ms (a default gives about 120 steps over the window). */
  step: z.coerce.number().int().min(1000).optional(),
  /** At most this many groups (the busiest first). */
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export const MetricChartSeries = z.object({
  /** Stable id for toggling in a legend. */
  id: z.string(),
  /** The group-by values of this series ({} without group-by). */
  group: z.record(z.string(), z.string()),
  /** What the values are: value, rate, p95, q0.99 (summary quantile), … */
  stat: z.string(),
  /** One value per step (null: no data, a gap). */
  values: z.array(z.number().nullable()),
  /** How many stored series were combined into it. */
  sources: z.number(),
});

export const MetricExemplar = z.object({
  time: z.number(),
  value: z.number().nullable(),
  traceId: z.string(),
  spanId: z.string(),
  service: z.string(),
  group: z.record(z.string(), z.string()),
});

export const MetricChart = z.object({
  name: z.string(),
  kind: z.enum(['gauge', 'sum', 'histogram', 'exponential_histogram', 'summary']),
  unit: z.string(),
  description: z.string(),
  monotonic: z.boolean(),
  temporality: z.array(z.enum(['unspecified', 'delta', 'cumulative'])),
  /** How values were derived: gauge/non-monotonic sum → value, monotonic sum → rate per
   * second, histograms → percentiles, summary → quantiles. */
  display: z.enum(['value', 'rate', 'percentiles', 'quantiles']),
  aggregation: z.enum(METRIC_AGGREGATIONS),
  from: z.number(),
  to: z.number(),
  stepMs: z.number(),
  /** Start of each step (unix ms). */
  times: z.array(z.number()),
  series: z.array(MetricChartSeries),
  /** Histograms: counts per step (rows) and bucket (columns, by upper bound; the last is +Inf). */
  heatmap: z.object({ bounds: z.array(z.number()), counts: z.array(z.array(z.number())) }).nullable(),
  exemplars: z.array(MetricExemplar),
  /** What the chart could not show faithfully (mixed kinds, resets, NaN points, changed bounds). */
  notes: z.array(z.string()),
  /** Stored series matching the filters (before grouping). */
  matched: z.number(),
});
export type MetricChart = z.infer<typeof MetricChart>;
export type MetricChartSeries = z.infer<typeof MetricChartSeries>;
export type MetricExemplar = z.infer<typeof MetricExemplar>;

export const MetricAttributesQuery = TimeRange.extend({ name: z.string().min(1), service: z.string().optional() });
export const MetricAttributes = z.array(z.object({ key: z.string(), values: z.array(z.object({ value: z.string(), series: z.number() })) }));
