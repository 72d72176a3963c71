// A PromQL answer (GET /api/metrics/query) in the explorer's chart shape, so a data source's
// series are drawn by the same chart as this store's: one line per series, labelled by its
// labels, with every point at the time the backend evaluated it.
import type { MetricChart, MetricInfo } from '../../../../common/api/metric-schemas';
import type { PromQlAnswer } from '../../../../common/api/datasource-schemas';
import { toPromql, type MetricQuery } from '../../../../common/metrics/query-model';

/** Most series a chart draws (a PromQL query can answer thousands). */
export const MAX_PROMQL_SERIES = 50;

export function promqlChart(answer: PromQlAnswer): MetricChart {
  const stepMs = Math.max(1, answer.stepSeconds * 1000);
  const times = [...new Set(answer.series.flatMap((s) => s.points.map(([t]) => t)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const shown = answer.series.slice(0, MAX_PROMQL_SERIES);
  const names = new Set(shown.map((s) => s.labels.__name__ ?? ''));
  const name = names.size === 1 ? [...names][0] : '';
  const series = shown.map((s, n) => {
    const values: Array<number | null> = times.map(() => null);
    for (const [t, v] of s.points) values[index.get(t)!] = v;
    const { __name__: metric, ...labels } = s.labels;
    // Series of one metric are told apart by their labels; the metric's name heads the chart.
    return { id: `s${n}`, group: metric && metric !== name ? { __name__: metric, ...labels } : labels, stat: '', values, sources: 1 };
  });
  const notes = [...answer.warnings];
  if (answer.series.length > shown.length) notes.push(`the query answered ${answer.series.length} series; the first ${shown.length} are drawn — aggregate (sum by …) to see them all`);
  if (answer.resultType !== 'matrix') notes.push(`the query answered a ${answer.resultType}, drawn at the end of the window`);
  return {
    name,
    kind: 'gauge',
    unit: '',
    description: '',
    monotonic: false,
    temporality: [],
    display: 'value',
    aggregation: 'sum',
    from: answer.from,
    to: answer.to,
    stepMs,
    // The chart draws a value in the middle of its step: start each step half a step early so
    // the point sits at the time the backend evaluated it.
    times: times.map((t) => t - stepMs / 2),
    series,
    heatmap: null,
    exemplars: [],
    notes,
    matched: answer.series.length,
  };
}

/** The PromQL a metric of a data source is first charted with: counters as per-second rates,
 * histograms as their p95, anything else as it is. */
export function promqlFor(metric: Pick<MetricInfo, 'name' | 'kind'>): string {
  const name = metric.name;
  if (metric.kind === 'histogram' && name.endsWith('_bucket')) return `histogram_quantile(0.95, sum by (le) (rate(${name}[5m])))`;
  if (metric.kind === 'sum' && /_(total|count|sum)$/.test(name)) return `sum(rate(${name}[5m]))`;
  return name;
}

/** The PromQL the builder sends to a data source for a query built from parts: counters as
 * per-second rates, histograms (`…_bucket`) as the query's percentile, anything else as values. */
export function builderPromql(q: MetricQuery, kind: MetricInfo['kind'] | undefined): string {
  if (kind === 'histogram' && q.metric.endsWith('_bucket')) return toPromql({ ...q, metric: q.metric.slice(0, -'_bucket'.length) }, 'percentiles');
  if (kind === 'sum' && /_(total|count|sum)$/.test(q.metric)) return toPromql(q, 'rate');
  return toPromql(q, 'value');
}
