// Data for the metrics explorer: the metric list, one chart per query, attribute suggestions.
import type { RangeSpec } from '../../app/time-range';
import { useApi } from '../../api/query';
import { seriesInput, type MetricQuery } from '../../../../common/metrics/query-model';

/** The metrics sent in the window; with `service`, only those that service sends. */
export function useMetricList(range: RangeSpec, service = '') {
  return useApi('metrics', service ? { service } : {}, { range, tables: ['metrics'], placeholder: 'keep' });
}

export function useMetricChart(range: RangeSpec, query: MetricQuery, stepMs?: number) {
  const enabled = query.mode === 'builder' && query.source === 'local' && query.metric.length > 0;
  return useApi('metricSeries', { ...seriesInput(query), step: stepMs }, { range, tables: ['metrics'], placeholder: 'keep', enabled });
}

export function useMetricAttributes(range: RangeSpec, metric: string) {
  return useApi('metricAttributes', { name: metric }, { range, tables: [], enabled: metric.length > 0, placeholder: 'keep' });
}
