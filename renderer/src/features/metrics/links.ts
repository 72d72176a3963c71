// Addresses of the metrics explorer from other pages: the metrics one service sends, or one of
// them charted for that service alone (a `service.name` filter).
import { emptyQuery, encodeQuery } from '../../../../common/metrics/query-model';

/** `/metrics` listing what `service` sends; with `metric`, that metric charted for it. */
export function metricsHref(carry: URLSearchParams, service: string, metric?: string): string {
  const p = new URLSearchParams(carry);
  p.set('service', service);
  if (metric) p.append('q', encodeQuery({ ...emptyQuery(metric), filters: [{ key: 'service.name', op: '=', value: service }] }));
  return `/metrics?${p}`;
}
