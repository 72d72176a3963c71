// Everything about one span: timing, status, its own attributes apart from the resource's,
// scope, events with their offsets, and links to other traces.
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { AttributeTable } from '../../ui/AttributeTable';
import { ServiceChip } from '../../ui/Chip';
import { formatAbsolute, formatDuration, formatOffset, shortId } from '../../ui/format';
import { nsToOffsetMs, type SpanNode, type TraceModel } from './trace-model';
import { skewText } from './Waterfall';

export function SpanDetailPanel({
  model,
  node,
  onClose,
  onSelect,
  logCount,
  onShowLogs,
  critical,
  resizeHandle,
}: {
  model: TraceModel;
  node: SpanNode;
  /** This span's time on the critical path, when the path is shown. */
  critical?: Array<[number, number]> | null;
  onClose: () => void;
  onSelect: (spanId: string) => void;
  logCount: number | null;
  onShowLogs: () => void;
  /** Drawn on the panel's left edge. */
  resizeHandle?: ReactNode;
}) {
  const s = node.span;
  const startMs = model.startMs + node.offsetMs;
  return (
    <aside className="span-detail" aria-label="Span details" data-testid="span-detail">
      {resizeHandle}
      <header className="sd-head">
        <div className="sd-title">
          <div className="sd-name" title={s.name}>
            {s.name}
          </div>
          <div className="sd-sub">
            <ServiceChip name={s.service} />
            <span className="chip chip-muted">{s.kind.toLowerCase()}</span>
            <StatusBadge code={s.status.code} isError={s.isError} />
          </div>
        </div>
        <button type="button" className="icon-btn" onClick={onClose} aria-label="Close span details" title="Close (Esc)">
          ×
        </button>
      </header>
      <div className="sd-body">
        {s.isError && s.status.message ? <div className="sd-status-msg">{s.status.message}</div> : null}
        {node.skew ? (
          <div className={`sd-note ${node.skew.kind === 'clock' ? 'sd-note-warn' : 'sd-note-info'}`} data-testid="skew-note">
            <b>{skewText(node)}.</b>{' '}
            {node.skew.kind === 'clock'
              ? node.skew.startsBeforeParentMs > 0
                ? 'No span can start before the span that started it, so the clocks of the hosts that recorded the two disagree.'
                : 'A server span cannot finish after the client that waited for its answer, so the two hosts’ clocks disagree.'
              : 'Asynchronous work (a consumer, a background task) may outlive the span that started it; across hosts it may also be clock skew.'}{' '}
            The waterfall shows the times as reported (the parent’s interval is outlined on the row); the critical path counts only the overlap.
          </div>
        ) : null}
        {node.orphan ? (
          <div className="sd-note sd-note-warn">
            <b>Orphan span.</b> Its parent <span className="mono">{s.parentSpanId}</span> is not in this trace (not sent, dropped, or still
            on its way), so it is shown at the top level.
          </div>
        ) : null}
        {node.cyclic ? (
          <div className="sd-note sd-note-warn">
            <b>Parent cycle.</b> Following this span's parents leads back to itself; the cycle was cut here.
          </div>
        ) : null}
        <dl className="facts">
          <dt>Duration</dt>
          <dd className="mono">
            {formatDuration(node.durationMs)}
            {node.children.length ? <span className="muted"> · self {formatDuration(node.selfMs)}</span> : null}
          </dd>
          {critical !== undefined ? (
            <>
              <dt>Critical path</dt>
              <dd className="mono">
                {critical && critical.length ? (
                  <>
                    {formatDuration(critical.reduce((a, [x, y]) => a + y - x, 0))}{' '}
                    <span className="muted">of its own work is on the path</span>
                  </>
                ) : (
                  <span className="muted">not on the path</span>
                )}
              </dd>
            </>
          ) : null}
          <dt>Start</dt>
          <dd className="mono" title={formatAbsolute(startMs)}>
            {formatOffset(node.offsetMs)} <span className="muted">· {formatAbsolute(startMs)}</span>
          </dd>
          <dt>Span ID</dt>
          <dd className="mono">{s.spanId}</dd>
          <dt>Parent</dt>
          <dd className="mono">
            {s.parentSpanId ? (
              model.byId.has(s.parentSpanId) ? (
                <button type="button" className="linklike mono" onClick={() => onSelect(s.parentSpanId)}>
                  {s.parentSpanId}
                </button>
              ) : (
                <span title="Not in this trace">
                  {s.parentSpanId} <span className="chip chip-muted">missing</span>
                </span>
              )
            ) : (
              <span className="muted">none (root)</span>
            )}
          </dd>
          {node.children.length ? (
            <>
              <dt>Children</dt>
              <dd>
                {node.children.length} direct, {node.descendants} in all
              </dd>
            </>
          ) : null}
          <dt>Logs</dt>
          <dd>
            {logCount === null ? (
              <span className="muted">…</span>
            ) : logCount === 0 ? (
              <span className="muted">none for this span</span>
            ) : (
              <button type="button" className="linklike" onClick={onShowLogs}>
                {logCount} log record{logCount === 1 ? '' : 's'}
              </button>
            )}
          </dd>
        </dl>

        <Section title="Span attributes" count={Object.keys(s.attributes).length}>
          <AttributeTable attributes={s.attributes} />
          {s.droppedAttributesCount ? <div className="muted small">{s.droppedAttributesCount} attributes dropped by the SDK</div> : null}
        </Section>

        {s.events.length ? (
          <Section title="Events" count={s.events.length}>
            <ul className="event-list">
              {s.events.map((ev, i) => {
                const at = nsToOffsetMs(ev.timeUnixNano, model.startNs);
                return (
                  <li key={i} className={ev.name === 'exception' ? 'event-exception' : ''}>
                    <div className="event-head">
                      <span className="event-name">{ev.name}</span>
                      <span className="mono muted" title={formatAbsolute(model.startMs + at)}>
                        {formatOffset(at)} <span className="small">({formatOffset(at - node.offsetMs)} into the span)</span>
                      </span>
                    </div>
                    {Object.keys(ev.attributes).length ? <AttributeTable attributes={ev.attributes} /> : null}
                  </li>
                );
              })}
            </ul>
            {s.droppedEventsCount ? <div className="muted small">{s.droppedEventsCount} events dropped</div> : null}
          </Section>
        ) : null}

        {s.links.length ? (
          <Section title="Links" count={s.links.length}>
            <ul className="link-list">
              {s.links.map((l, i) => (
                <li key={i}>
                  {l.traceId === model.traceId ? (
                    <button type="button" className="linklike mono" onClick={() => onSelect(l.spanId)}>
                      span {shortId(l.spanId, 16)} in this trace
                    </button>
                  ) : (
                    <Link to={`/traces/${l.traceId}?span=${l.spanId}`} className="link mono">
                      trace {shortId(l.traceId, 12)} · span {shortId(l.spanId, 16)}
                    </Link>
                  )}
                  {Object.keys(l.attributes).length ? <AttributeTable attributes={l.attributes} /> : null}
                </li>
              ))}
            </ul>
          </Section>
        ) : null}

        <Section title="Resource attributes" count={Object.keys(node.resource.attributes).length}>
          <AttributeTable attributes={node.resource.attributes} />
        </Section>

        <Section title="Instrumentation scope">
          <dl className="facts">
            <dt>Name</dt>
            <dd className="mono">{node.scope.name || <span className="muted">unnamed</span>}</dd>
            {node.scope.version ? (
              <>
                <dt>Version</dt>
                <dd className="mono">{node.scope.version}</dd>
              </>
            ) : null}
          </dl>
          {Object.keys(node.scope.attributes).length ? <AttributeTable attributes={node.scope.attributes} /> : null}
        </Section>
        {s.traceState ? (
          <Section title="Trace state">
            <code className="mono small">{s.traceState}</code>
          </Section>
        ) : null}
      </div>
    </aside>
  );
}

function Section({ title, count, children }: { title: string; count?: number; children: React.ReactNode }) {
  return (
    <section className="sd-section">
      <h3>
        {title}
        {count !== undefined ? <span className="count">{count}</span> : null}
      </h3>
      {children}
    </section>
  );
}

export function StatusBadge({ code, isError }: { code: string; isError: boolean }) {
  if (isError) return <span className="badge badge-error">{code === 'ERROR' ? 'Error' : 'Error (by semconv)'}</span>;
  if (code === 'OK') return <span className="badge badge-ok">OK</span>;
  return <span className="badge badge-muted">Unset</span>;
}
