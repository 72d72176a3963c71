import { describe, expect, it } from 'vitest';
import { emptyQuery } from '../../../../common/metrics/query-model';
import { builderPromql } from './promql-chart';

describe('the PromQL the builder sends to a data source', () => {
  it('rates counters, takes percentiles of histograms, shows gauges as values, with filters and grouping', () => {
    const q = { ...emptyQuery('traces_service_graph_request_total'), filters: [{ key: 'client', op: '=' as const, value: 'web' }], groupBy: ['server'] };
    expect(builderPromql(q, 'sum')).toBe('sum by (server) (rate(traces_service_graph_request_total{client="web"}[5m]))');
    const h = { ...emptyQuery('http_server_request_duration_seconds_bucket'), percentiles: [99], filters: [{ key: 'job', op: '=~' as const, value: 'shop/.*' }] };
    expect(builderPromql(h, 'histogram')).toBe('histogram_quantile(0.99, sum by (le) (rate(http_server_request_duration_seconds_bucket{job=~"shop/.*"}[5m])))');
    expect(builderPromql({ ...emptyQuery('go_goroutines'), agg: 'max' }, 'gauge')).toBe('max (go_goroutines)');
  });
});
