// Ingest totals at a glance; opening it shows the store, endpoints and recent ingest errors.
import { useEffect, useRef, useState } from 'react';
import { useHealth } from '../api/hooks';
import { formatAbsolute, formatBytes, formatCount, formatRelative } from '../ui/format';

export function HealthIndicator() {
  const health = useHealth();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => ref.current && !ref.current.contains(e.target as Node) && setOpen(false);
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('mousedown', onDown);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('mousedown', onDown);
      window.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const h = health.data;
  const problems = h ? h.ingest.rejected > 0 || h.recentErrors.length > 0 : false;
  const state = health.isError ? 'down' : !h ? 'loading' : problems ? 'warn' : 'ok';
  return (
    <div className="health" ref={ref}>
      <button
        type="button"
        className={`btn health-btn health-${state}`}
        onClick={() => setOpen((o) => !o)}
        aria-expanded={open}
        title="Ingest health"
        data-testid="health-indicator"
      >
        <span className="health-dot" aria-hidden />
        {h ? (
          <span className="health-counts">
            <span>
              <b>{formatCount(h.ingest.spans)}</b> spans
            </span>
            <span>
              <b>{formatCount(h.ingest.logs)}</b> logs
            </span>
            <span className="hide-narrow">
              <b>{formatCount(h.ingest.metricPoints)}</b> points
            </span>
            {h.ingest.rejected > 0 ? <span className="health-rejected">{formatCount(h.ingest.rejected)} rejected</span> : null}
          </span>
        ) : health.isError ? (
          <span>Core unreachable</span>
        ) : (
          <span className="muted">…</span>
        )}
      </button>
      {open ? (
        <div className="popover health-pop" role="dialog" aria-label="Ingest health">
          {health.isError ? <div className="form-error">{(health.error as Error).message}</div> : null}
          {h ? (
            <>
              <div className="pop-title">Ingest since the store was created</div>
              <dl className="stats-grid">
                <dt>Spans</dt>
                <dd>{h.ingest.spans.toLocaleString()}</dd>
                <dt>Log records</dt>
                <dd>{h.ingest.logs.toLocaleString()}</dd>
                <dt>Metric points</dt>
                <dd>{h.ingest.metricPoints.toLocaleString()}</dd>
                <dt>Rejected</dt>
                <dd className={h.ingest.rejected > 0 ? 'text-error' : ''}>{h.ingest.rejected.toLocaleString()}</dd>
                <dt>Duplicates</dt>
                <dd>{h.ingest.duplicates.toLocaleString()}</dd>
                <dt>Queue</dt>
                <dd>
                  {h.ingest.queueDepth} waiting{h.ingest.throttled > 0 ? ` · ${h.ingest.throttled} throttled` : ''}
                </dd>
                <dt>Store</dt>
                <dd>
                  {formatBytes(h.store.sizeBytes)} of {formatBytes(h.store.maxSizeBytes)} · keeps {h.store.maxAgeHours} h
                </dd>
                <dt>OTLP/HTTP</dt>
                <dd className="mono">{h.endpoints.otlpHttp || 'off (read-only snapshot view)'}</dd>
                {h.endpoints.otlpGrpc ? (
                  <>
                    <dt>OTLP/gRPC</dt>
                    <dd className="mono">{h.endpoints.otlpGrpc}</dd>
                  </>
                ) : null}
                <dt>Version</dt>
                <dd>
                  {h.version} · up {formatRelative(h.startedAt).replace(' ago', '')}
                </dd>
              </dl>
              <div className="pop-title">Recent ingest errors</div>
              {h.recentErrors.length === 0 ? (
                <div className="muted small">None — every batch was accepted.</div>
              ) : (
                <ul className="error-list">
                  {h.recentErrors.map((e, i) => (
                    <li key={i}>
                      <div className="error-meta">
                        <span title={formatAbsolute(e.time)}>{formatRelative(e.time)}</span>
                        <span className="chip chip-muted">{e.source}</span>
                      </div>
                      <div className="error-message">{e.message}</div>
                    </li>
                  ))}
                </ul>
              )}
            </>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
