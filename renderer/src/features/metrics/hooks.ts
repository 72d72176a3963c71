// Data for the metrics explorer: the metric list, one chart per query, attribute suggestions.
import { useMemo } from 'react';
import type { RangeSpec } from '../../app/time-range';
import { useApi } from '../../api/query';
import { seriesInput, type MetricQuery } from '../../../../common/metrics/query-model';
import { promqlChart } from './promql-chart';

/** Metric names of this store (`local`) or of a data source (polled: no live event for those);
 * with `service`, only those that service sends. */
export function useMetricList(range: RangeSpec, source = 'local', service = '') {
  const remote = source !== 'local';
  const input = { ...(remote ? { source } : {}), ...(service ? { service } : {}) };
  return useApi('metrics', input, { range, tables: remote ? [] : ['metrics'], placeholder: 'keep', refetchInterval: remote ? 60_000 : undefined });
}

export function useMetricChart(range: RangeSpec, query: MetricQuery, stepMs?: number) {
  const enabled = query.mode === 'builder' && query.source === 'local' && query.metric.length > 0;
  return useApi('metricSeries', { ...seriesInput(query), step: stepMs }, { range, tables: ['metrics'], placeholder: 'keep', enabled });
}

/** A PromQL query against a data source that speaks it, in the chart's shape. */
export function usePromqlChart(range: RangeSpec, query: MetricQuery, source: string) {
  const enabled = source !== 'local' && query.mode === 'promql' && query.promql.trim().length > 0;
  const answer = useApi('metricsQuery', { source, query: query.promql.trim() }, { range, tables: [], enabled, placeholder: 'keep', refetchInterval: 30_000, extra: { retry: false } });
  const chart = useMemo(() => (answer.data && enabled ? promqlChart(answer.data) : undefined), [answer.data, enabled]);
  return { ...answer, chart };
}

export function useMetricAttributes(range: RangeSpec, metric: string, source = 'local') {
  const remote = source !== 'local';
  return useApi('metricAttributes', { name: metric, ...(remote ? { source } : {}) }, { range, tables: [], enabled: metric.length > 0, placeholder: 'keep', ...(remote ? { refetchInterval: 30_000 } : {}) });
}
