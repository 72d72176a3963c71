import { describe, expect, it } from 'vitest';
import { decodeQuery, emptyQuery, encodeQuery, seriesInput, toPromql } from './query-model';

describe('metric query model', () => {
  it('round-trips through the URL form, defaults left out', () => {
    const q = { ...emptyQuery('http.server.request.duration'), filters: [{ key: 'http.route', op: '=~' as const, value: '/api/.*' }], groupBy: ['service.name'], agg: 'max' as const };
    const text = encodeQuery(q);
    expect(text).not.toContain('local');
    expect(decodeQuery(text)).toEqual(q);
    expect(seriesInput(q)).toMatchObject({ attr: ['http.route=~/api/.*'], groupBy: ['service.name'], agg: 'max', percentile: ['50', '95', '99'] });
  });

  it('keeps a source and PromQL mode, and refuses what it cannot read', () => {
    const q = { ...emptyQuery(), source: 'prom-1', mode: 'promql' as const, promql: 'up' };
    expect(decodeQuery(encodeQuery(q))).toEqual(q);
    expect(decodeQuery('not json')).toBeNull();
    expect(decodeQuery(JSON.stringify({ m: 'x', agg: 'median', p: [0, 200, 90] }))).toMatchObject({ agg: 'sum', percentiles: [90] });
  });

  it('shows the PromQL a Prometheus source would get', () => {
    const q = { ...emptyQuery('shop.orders.placed'), groupBy: ['service.name'] };
    expect(toPromql(q, 'rate')).toBe('sum by (service_name) (rate(shop_orders_placed[5m]))');
  });
});
