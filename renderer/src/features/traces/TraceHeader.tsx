// The trace page's header, as Jaeger's TracePageHeader: the root span, the trace's facts (with
// jumps to skewed spans), the actions (compare, export) and the service legend, whose chips find
// a service's spans.
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { expandCompactTrace, traceToOtlpJson } from '../../../../common/otlp-export';
import type { CompactTrace } from '../../../../common/api/trace-schemas';
import { ServiceChip } from '../../ui/Chip';
import { formatAbsolute, formatDuration, formatRelative } from '../../ui/format';
import type { SpanNode, TraceModel } from './trace-model';

export function BackLink() {
  const [params] = useSearchParams();
  const keep = new URLSearchParams();
  for (const k of ['from', 'to']) if (params.get(k)) keep.set(k, params.get(k)!);
  const q = keep.toString();
  return (
    <Link to={`/traces${q ? `?${q}` : ''}`} className="back-link">
      ← Traces
    </Link>
  );
}

function downloadTrace(trace: CompactTrace, traceId: string) {
  const blob = new Blob([JSON.stringify(traceToOtlpJson(expandCompactTrace(trace)), null, 1)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `trace-${traceId}.json`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function TraceHeader({
  model,
  trace,
  find,
  onFindService,
  onJump,
}: {
  model: TraceModel;
  trace: CompactTrace;
  /** The find text, so the legend can show which service is being found. */
  find: string;
  /** Finds a service's spans (null: stop finding). */
  onFindService: (service: string | null) => void;
  /** Moves the cursor to a span. */
  onJump: (node: SpanNode | null) => void;
}) {
  const navigate = useNavigate();
  const root = model.root?.span;
  return (
    <header className="trace-head" data-testid="trace-header">
      <div className="trace-head-main">
        <div className="trace-head-top">
          <h1 className="trace-title">
            <BackLink />
            {root ? (
              <>
                <ServiceChip name={root.service} />
                <span className="trace-root-name">{root.name}</span>
              </>
            ) : (
              'Trace'
            )}
            {model.errorCount ? <span className="badge badge-error">{model.errorCount} error{model.errorCount === 1 ? '' : 's'}</span> : null}
          </h1>
          <div className="trace-head-actions">
            <button type="button" className="btn btn-small" onClick={() => navigate(`/compare?a=${model.traceId}`)} title="Compare this trace with another one">
              Compare…
            </button>
            <button
              type="button"
              className="btn btn-small"
              onClick={() => downloadTrace(trace, model.traceId)}
              title={`Download trace-${model.traceId}.json (OTLP JSON, importable anywhere)`}
            >
              Export OTLP JSON
            </button>
          </div>
        </div>
        <dl className="trace-facts">
          <div>
            <dt>Duration</dt>
            <dd className="mono">{formatDuration(model.durationMs)}</dd>
          </div>
          <div>
            <dt>Spans</dt>
            <dd>{model.nodes.length.toLocaleString()}</dd>
          </div>
          <div>
            <dt>Depth</dt>
            <dd>{model.maxDepth + 1}</dd>
          </div>
          <div>
            <dt>Started</dt>
            <dd title={formatAbsolute(model.startMs)}>
              <span className="mono">{formatAbsolute(model.startMs)}</span> <span className="muted">({formatRelative(model.startMs)})</span>
            </dd>
          </div>
          <div>
            <dt>Trace ID</dt>
            <dd className="mono">{model.traceId}</dd>
          </div>
          {model.orphans ? (
            <div>
              <dt>Orphans</dt>
              <dd title="Spans whose parent is not in this trace (shown at the root level)">
                <span className="text-warn">{model.orphans}</span>
              </dd>
            </div>
          ) : null}
          {model.skewed ? (
            <div>
              <dt>Clock skew</dt>
              <dd title="Spans that start before or end after their parent">
                <button type="button" className="linklike text-warn" onClick={() => onJump(model.order.find((n) => n.skew?.kind === 'clock') ?? null)}>
                  {model.skewed} span{model.skewed === 1 ? '' : 's'}
                </button>
              </dd>
            </div>
          ) : null}
          {model.outliving ? (
            <div>
              <dt>Outlive parent</dt>
              <dd title="Children that end after their parent (asynchronous work, or clock skew)">
                <button type="button" className="linklike" onClick={() => onJump(model.order.find((n) => n.skew?.kind === 'outlives') ?? null)}>
                  {model.outliving} span{model.outliving === 1 ? '' : 's'}
                </button>
              </dd>
            </div>
          ) : null}
        </dl>
      </div>
      <div className="trace-services" role="list" aria-label="Services (colour legend)" data-testid="service-legend">
        {model.services.map((s) => (
          <button
            key={s.name}
            type="button"
            role="listitem"
            className={`trace-svc${find === `service=${s.name}` ? ' trace-svc-active' : ''}`}
            title={`${s.spans} spans${s.errors ? `, ${s.errors} errors` : ''} — click to find them`}
            onClick={() => onFindService(find === `service=${s.name}` ? null : s.name)}
          >
            <ServiceChip name={s.name} />
            <span className="muted small">{s.spans.toLocaleString()}</span>
            {s.errors ? <span className="chip chip-error">{s.errors} err</span> : null}
          </button>
        ))}
      </div>
    </header>
  );
}
