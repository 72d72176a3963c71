// The metrics sent in the window, searchable by name, kind, unit, description and sender.
import { useMemo, useState } from 'react';
import type { OutputOf } from '../../api/client';
import { ErrorBanner, SkeletonBlock } from '../../ui/states';
import type { useMetricList } from './hooks';

type Metric = OutputOf<'metrics'>[number];

const KIND_LABEL: Record<Metric['kind'], string> = {
  gauge: 'gauge',
  sum: 'sum',
  histogram: 'histogram',
  exponential_histogram: 'exp. histogram',
  summary: 'summary',
};

export function kindLabel(m: Pick<Metric, 'kind' | 'monotonic'>): string {
  if (m.kind === 'sum') return m.monotonic ? 'counter' : 'up-down';
  return KIND_LABEL[m.kind];
}

export function MetricList({
  metrics,
  selected,
  onPick,
  service = '',
  onClearService,
}: {
  metrics: ReturnType<typeof useMetricList>;
  selected: string;
  onPick: (name: string) => void;
  /** Only the metrics this service sends are listed (cleared with onClearService). */
  service?: string;
  onClearService?: () => void;
}) {
  const [q, setQ] = useState('');
  const shown = useMemo(() => {
    const words = q.toLowerCase().split(/\s+/).filter(Boolean);
    const list = metrics.data ?? [];
    if (!words.length) return list;
    return list.filter((m) => {
      const text = [m.name, kindLabel(m), m.kind, m.unit, m.description, ...m.services].join(' ').toLowerCase();
      return words.every((w) => text.includes(w));
    });
  }, [metrics.data, q]);
  return (
    <aside className="metric-list" aria-label="Metrics">
      <input
        className="input"
        data-search-box
        placeholder="Search name, kind, unit, service…"
        aria-label="Search metrics"
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      {service ? (
        <div className="metric-list-scope" data-testid="metric-list-service">
          <span className="muted small">sent by</span> <b>{service}</b>
          {onClearService ? (
            <button type="button" className="btn btn-icon" onClick={onClearService} title="List the metrics of every service" aria-label={`Stop listing only ${service}'s metrics`}>
              ×
            </button>
          ) : null}
        </div>
      ) : null}
      {metrics.isError ? <ErrorBanner error={metrics.error} what="Could not list metrics" onRetry={() => void metrics.refetch()} /> : null}
      {!metrics.data && !metrics.isError ? <SkeletonBlock height={240} /> : null}
      {metrics.data && shown.length === 0 ? <p className="muted small">{metrics.data.length ? 'No metric matches.' : service ? `${service} sent no metric in this window.` : 'No metric was received in this window.'}</p> : null}
      <ul className="metric-items">
        {shown.map((m) => (
          <li key={`${m.name}\u0000${m.kind}\u0000${m.unit}`}>
            <button
              type="button"
              className={`metric-item${m.name === selected ? ' metric-item-active' : ''}`}
              onClick={() => onPick(m.name)}
              title={m.description || m.name}
              data-metric={m.name}
            >
              <span className="metric-item-name mono">{m.name}</span>
              <span className="metric-item-meta">
                <span className={`metric-kind metric-kind-${m.kind}`}>{kindLabel(m)}</span>
                {m.unit ? <span className="mono">{m.unit}</span> : null}
                <span className="muted">{m.services.length === 1 ? m.services[0] : `${m.services.length} services`}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}
