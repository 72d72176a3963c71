// The metrics a service sends, each opening the metrics explorer charted for this service.
import { Link } from 'react-router-dom';
import type { RangeSpec } from '../../app/time-range';
import { useApi } from '../../api/query';
import { kindLabel } from '../metrics/MetricList';
import { metricsHref } from '../metrics/links';
import '../metrics/metrics.css';

const SHOWN = 18;

export function ServiceMetrics({ service, range, carry }: { service: string; range: RangeSpec; carry: URLSearchParams }) {
  const metrics = useApi('metrics', { service }, { range, tables: ['metrics'], placeholder: 'keep', enabled: service.length > 0 });
  const list = metrics.data ?? [];
  if (list.length === 0) return null;
  return (
    <section className="svc-section" data-testid="service-metrics">
      <h2>
        Metrics <span className="count">{list.length}</span>
        <Link className="muted small svc-section-note" to={metricsHref(carry, service)}>
          all in the metrics explorer
        </Link>
      </h2>
      <ul className="svc-metrics">
        {list.slice(0, SHOWN).map((m) => (
          <li key={`${m.name}\u0000${m.kind}\u0000${m.unit}`}>
            <Link to={metricsHref(carry, service, m.name)} title={m.description || m.name} className="svc-metric" data-metric={m.name}>
              <span className="mono">{m.name}</span>
              <span className={`metric-kind metric-kind-${m.kind}`}>{kindLabel(m)}</span>
            </Link>
          </li>
        ))}
        {list.length > SHOWN ? (
          <li>
            <Link to={metricsHref(carry, service)} className="svc-metric muted">
              +{list.length - SHOWN} more
            </Link>
          </li>
        ) : null}
      </ul>
    </section>
  );
}
