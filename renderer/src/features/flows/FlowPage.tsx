// A business flow across traces (order placed → shipped → settled): the traces joined by span
// links, followed both ways from the one in the address, on one time axis, with the queue hops
// between them and how long each message waited.
import { useMemo } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import type { Flow, LinkHop } from '../../../../common/api/flow-schemas';
import { ServiceChip } from '../../ui/Chip';
import { serviceColor } from '../../ui/colors';
import { formatAbsolute, formatDuration, formatRelative, shortId } from '../../ui/format';
import { EmptyHint, ErrorBanner, SkeletonBlock } from '../../ui/states';
import { destinationLabel, useFlow } from './flow-query';
import './flows.css';

const ROW_H = 56;
const BAR_TOP = 23;
const BAR_H = 10;


export function FlowPage() {
  const { traceId = '' } = useParams();
  const flow = useFlow(traceId);
  return (
    <div className="page-pad flow-page" data-testid="flow-page">
      {flow.isError ? (
        <>
          <FlowTitle traceId={traceId} />
          <ErrorBanner error={flow.error} onRetry={() => void flow.refetch()} what="the flow" />
        </>
      ) : !flow.data ? (
        <>
          <FlowTitle traceId={traceId} />
          <SkeletonBlock height={64} />
          <SkeletonBlock height={240} />
        </>
      ) : (
        <FlowView flow={flow.data} />
      )}
    </div>
  );
}

function FlowTitle({ traceId, children }: { traceId: string; children?: React.ReactNode }) {
  return (
    <h1 className="flow-title">
      <Link to={`/traces/${traceId}`} className="back-link" title="Back to the trace">
        ←
      </Link>
      Flow {children ?? <span className="mono muted small">from {shortId(traceId)}</span>}
    </h1>
  );
}

function FlowView({ flow }: { flow: Flow }) {
  const navigate = useNavigate();
  const stored = flow.traces.filter((t) => t.trace);
  const first = stored[0]?.trace;
  if (flow.traces.length <= 1) {
    return (
      <>
        <FlowTitle traceId={flow.traceId} />
        <EmptyHint title="No linked traces">
          This trace has no span links to other traces, and none link to it. Consumers that start a new trace per message and link it to the producer’s span are
          followed here.
        </EmptyHint>
      </>
    );
  }
  return (
    <>
      <FlowTitle traceId={flow.traceId}>
        {first ? (
          <>
            <ServiceChip name={first.rootService} />
            <span className="flow-root-name">{first.rootName}</span>
          </>
        ) : null}
        {flow.errorCount ? <span className="badge badge-error">{flow.errorCount} error{flow.errorCount === 1 ? '' : 's'}</span> : null}
      </FlowTitle>
      <dl className="trace-facts flow-facts">
        <div>
          <dt>Traces</dt>
          <dd data-testid="flow-trace-count">{flow.traces.length}</dd>
        </div>
        <div>
          <dt>Hops</dt>
          <dd>{flow.hops.length}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd className="mono">{flow.start !== null && flow.end !== null ? formatDuration(flow.end - flow.start) : '—'}</dd>
        </div>
        {flow.start !== null ? (
          <div>
            <dt>Started</dt>
            <dd>
              <span className="mono">{formatAbsolute(flow.start)}</span> <span className="muted">({formatRelative(flow.start)})</span>
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Services</dt>
          <dd className="flow-services">
            {flow.services.map((s) => (
              <ServiceChip key={s} name={s} />
            ))}
          </dd>
        </div>
      </dl>
      {flow.truncated ? (
        <p className="flow-truncated" role="note">
          {flow.truncated === 'maxTraces'
            ? `The flow goes on: only the first ${flow.traces.length} traces reached are shown.`
            : 'The flow goes on past the links followed from this trace: open a trace at its edge to follow it further.'}
        </p>
      ) : null}
      <FlowTimeline flow={flow} onOpen={(id) => navigate(`/traces/${id}`)} />
      <h2 className="flow-h2">Hops</h2>
      <HopTable hops={flow.hops} />
    </>
  );
}

/** Every trace as a bar on the flow's time axis, and each hop as a connector from the send in
 * one trace to the receive in the next, labelled with the destination and the lag. */
function FlowTimeline({ flow, onOpen }: { flow: Flow; onOpen: (traceId: string) => void }) {
  const t0 = flow.start ?? 0;
  const total = Math.max((flow.end ?? t0) - t0, 0.001);
  const x = (ms: number) => ((ms - t0) / total) * 100;
  const rowOf = useMemo(() => new Map(flow.traces.map((t, i) => [t.traceId, i])), [flow.traces]);
  const height = flow.traces.length * ROW_H;
  return (
    <div className="flow-timeline" data-testid="flow-timeline">
      <div className="flow-labels">
        {flow.traces.map((t) => (
          <button
            key={t.traceId}
            type="button"
            className="flow-label"
            style={{ height: ROW_H }}
            onClick={() => onOpen(t.traceId)}
            data-testid="flow-trace"
            data-trace-id={t.traceId}
            title={t.trace ? `Open trace ${t.traceId}` : `Trace ${t.traceId} is not stored`}
            disabled={!t.trace}
          >
            <span className={`flow-stage${t.traceId === flow.traceId ? ' flow-stage-current' : ''}`} title="Stage in the flow, counted from the trace opened">
              {t.depth > 0 ? `+${t.depth}` : t.depth}
            </span>
            {t.trace ? (
              <span className="flow-label-text">
                <span className="flow-label-top">
                  <ServiceChip name={t.trace.rootService} />
                  {t.trace.errorCount ? <span className="chip chip-error">{t.trace.errorCount} err</span> : null}
                  <span className="flow-label-facts mono" title={`${t.trace.spanCount} spans in ${t.trace.services.join(', ')}`}>
                    {formatDuration(t.trace.durationMs)} · {t.trace.spanCount} spans
                  </span>
                </span>
                <span className="flow-label-name">{t.trace.rootName}</span>
              </span>
            ) : (
              <span className="muted small">{shortId(t.traceId)} not stored</span>
            )}
          </button>
        ))}
      </div>
      <div className="flow-track" style={{ height }}>
        {flow.traces.map((t, i) =>
          t.trace ? (
            <div key={t.traceId} className="flow-row" style={{ top: i * ROW_H, height: ROW_H }}>
              <div
                className={`flow-bar${t.trace.errorCount ? ' flow-bar-error' : ''}`}
                style={{
                  left: `${x(t.trace.start)}%`,
                  width: `max(3px, ${(t.trace.durationMs / total) * 100}%)`,
                  top: BAR_TOP,
                  height: BAR_H,
                  backgroundColor: serviceColor(t.trace.rootService),
                }}
                title={`${t.trace.rootService}: ${t.trace.rootName} — ${formatDuration(t.trace.durationMs)}, ${t.trace.spanCount} spans`}
              />
            </div>
          ) : null,
        )}
        <svg className="flow-hops" width="100%" height={height} aria-hidden>
          <defs>
            <marker id="flow-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0 L8,4 L0,8 z" className="flow-arrow-head" />
            </marker>
          </defs>
          {flow.hops.map((h) => {
            const a = rowOf.get(h.from.traceId);
            const b = rowOf.get(h.to.traceId);
            if (a === undefined || b === undefined || h.from.start === null || h.to.start === null) return null;
            const y1 = a * ROW_H + BAR_TOP + BAR_H;
            const y2 = b * ROW_H + BAR_TOP - (b > a ? 0 : -BAR_H);
            return (
              <line
                key={`${h.from.spanId}-${h.to.spanId}`}
                x1={`${x(h.from.start)}%`}
                y1={y1}
                x2={`${x(h.to.start)}%`}
                y2={b > a ? y2 - 1 : y2 + 1}
                className="flow-hop-line"
                markerEnd="url(#flow-arrow)"
              />
            );
          })}
        </svg>
        {flow.hops.map((h) => {
          const a = rowOf.get(h.from.traceId);
          const b = rowOf.get(h.to.traceId);
          if (a === undefined || b === undefined || h.from.start === null || h.to.start === null) return null;
          const via = destinationLabel(h);
          // On the connector's middle, over it (the label's background hides the line beneath).
          const top = (a * ROW_H + BAR_TOP + BAR_H + b * ROW_H + BAR_TOP) / 2;
          const left = (x(h.from.start) + x(h.to.start)) / 2;
          return (
            <span key={`label-${h.from.spanId}-${h.to.spanId}`} className="flow-hop-label small" style={{ top, left: `${left}%` }} data-testid="flow-hop">
              {via ? <span className="linked-via">{via}</span> : null}
              {h.lagMs !== null ? <span className="mono">lag {formatDuration(h.lagMs)}</span> : null}
            </span>
          );
        })}
      </div>
    </div>
  );
}

function HopTable({ hops }: { hops: LinkHop[] }) {
  const end = (e: LinkHop['from']) =>
    e.stored ? (
      <>
        <ServiceChip name={e.service ?? ''} /> <span className="mono small">{e.name}</span>
        {e.isError ? <span className="chip chip-error">error</span> : null}
      </>
    ) : (
      <span className="muted small">{shortId(e.spanId)} (not stored)</span>
    );
  return (
    <table className="table flow-hop-table" data-testid="flow-hops">
      <thead>
        <tr>
          <th>Sent by</th>
          <th>Through</th>
          <th>Received by</th>
          <th className="num">Lag</th>
        </tr>
      </thead>
      <tbody>
        {hops.map((h) => (
          <tr key={`${h.from.spanId}-${h.to.spanId}`}>
            <td>
              <Link to={`/traces/${h.from.traceId}`} className="flow-hop-end">
                {end(h.from)}
              </Link>
            </td>
            <td>{destinationLabel(h) ?? <span className="muted">span link</span>}</td>
            <td>
              <Link to={`/traces/${h.to.traceId}`} className="flow-hop-end">
                {end(h.to)}
              </Link>
            </td>
            <td className="num mono">{h.lagMs !== null ? formatDuration(h.lagMs) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
