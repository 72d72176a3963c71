// The traces joined to the open one by span links, both ways, inline in the trace view: where
// its messages came from (traces its spans link to) and where they went (traces whose spans
// link to it). Each row expands to the hop and the linked trace's spans; the flow view
// assembles the whole chain. Renders nothing for a trace without links.
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import type { LinkedTrace, LinkHop } from '../../../../common/api/flow-schemas';
import type { TraceDetail } from '../../../../common/api/trace-schemas';
import { ServiceChip } from '../../ui/Chip';
import { serviceColor } from '../../ui/colors';
import { formatDuration, shortId } from '../../ui/format';
import { destinationLabel, useLinkedTraces, useLinkedTraceSpans } from './flow-query';
import './flows.css';

export function LinkedTraces({ traceId }: { traceId: string }) {
  const links = useLinkedTraces(traceId);
  const [open, setOpen] = useState(true);
  const data = links.data;
  if (!data || (data.linksTo.length === 0 && data.linkedFrom.length === 0)) return null;
  const count = data.linksTo.length + data.linkedFrom.length;
  return (
    <section className="linked-traces" data-testid="linked-traces" aria-label="Linked traces">
      <div className="linked-head">
        <button type="button" className="linklike linked-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
          <span className="linked-caret" aria-hidden>
            {open ? '▾' : '▸'}
          </span>
          Linked traces <span className="count">{count}</span>
        </button>
        <span className="muted small">joined by span links (a consumer starting a new trace per message)</span>
        <Link to={`/flows/${traceId}`} className="btn btn-small linked-flow" data-testid="open-flow">
          Open flow →
        </Link>
      </div>
      {open ? (
        <div className="linked-groups">
          {data.linksTo.length ? <LinkedGroup title="Came from" hint="traces this trace's spans link to" direction="from" traces={data.linksTo} /> : null}
          {data.linkedFrom.length ? <LinkedGroup title="Went on to" hint="traces whose spans link to this trace" direction="to" traces={data.linkedFrom} /> : null}
          {data.truncated ? <p className="muted small">More linked traces than shown; the flow view follows them all (up to its bound).</p> : null}
        </div>
      ) : null}
    </section>
  );
}

function LinkedGroup({ title, hint, direction, traces }: { title: string; hint: string; direction: 'from' | 'to'; traces: LinkedTrace[] }) {
  return (
    <div className="linked-group">
      <h3 className="linked-group-title" title={hint}>
        {title}
      </h3>
      <ul className="linked-list">
        {traces.map((t) => (
          <LinkedRow key={t.traceId} linked={t} direction={direction} />
        ))}
      </ul>
    </div>
  );
}

function LinkedRow({ linked, direction }: { linked: LinkedTrace; direction: 'from' | 'to' }) {
  const [expanded, setExpanded] = useState(false);
  const t = linked.trace;
  const hop = linked.hops[0];
  const via = hop ? destinationLabel(hop) : null;
  return (
    <li className={`linked-row${expanded ? ' linked-row-open' : ''}`} data-testid="linked-trace" data-trace-id={linked.traceId}>
      <button type="button" className="linked-summary" aria-expanded={expanded} onClick={() => setExpanded(!expanded)} title={expanded ? 'Collapse' : 'Expand: the hop and the trace’s spans'}>
        <span className="linked-caret" aria-hidden>
          {expanded ? '▾' : '▸'}
        </span>
        <span className="linked-arrow" aria-hidden>
          {direction === 'from' ? '←' : '→'}
        </span>
        {via ? <span className="linked-via" title="Destination the message went through">{via}</span> : <span className="linked-via muted">link</span>}
        {hop?.lagMs != null ? (
          <span className="linked-lag mono" title="Lag: from the send starting to the receiving span starting">
            lag {formatDuration(hop.lagMs)}
          </span>
        ) : null}
        {t ? (
          <>
            <ServiceChip name={t.rootService} />
            <span className="linked-name">{t.rootName}</span>
            <span className="linked-services">
              {t.services.filter((s) => s !== t.rootService).map((s) => (
                <ServiceChip key={s} name={s} compact />
              ))}
            </span>
            <span className="mono muted linked-duration">{formatDuration(t.durationMs)}</span>
            <span className="muted small">{t.spanCount} span{t.spanCount === 1 ? '' : 's'}</span>
            {t.errorCount ? <span className="badge badge-error">{t.errorCount} error{t.errorCount === 1 ? '' : 's'}</span> : null}
          </>
        ) : (
          <span className="muted">trace {shortId(linked.traceId)} is not stored (not sent here, or pruned)</span>
        )}
        {linked.hops.length > 1 ? <span className="muted small">×{linked.hops.length} links</span> : null}
      </button>
      {expanded ? <LinkedDetail linked={linked} /> : null}
    </li>
  );
}

function HopLine({ hop }: { hop: LinkHop }) {
  const end = (e: LinkHop['from']) =>
    e.stored ? (
      <span className="linked-end">
        <ServiceChip name={e.service ?? ''} /> <span className="mono small">{e.name}</span> {e.isError ? <span className="chip chip-error">error</span> : null}
      </span>
    ) : (
      <span className="muted small">span {shortId(e.spanId)} (not stored)</span>
    );
  return (
    <div className="linked-hop" data-testid="linked-hop">
      {end(hop.from)}
      <span className="linked-hop-arrow" aria-hidden>
        ⟶
      </span>
      {destinationLabel(hop) ? <span className="linked-via">{destinationLabel(hop)}</span> : null}
      <span className="linked-hop-arrow" aria-hidden>
        ⟶
      </span>
      {end(hop.to)}
      {hop.lagMs != null ? <span className="mono muted small">lag {formatDuration(hop.lagMs)}</span> : null}
    </div>
  );
}

const MAX_SPANS = 30;

function LinkedDetail({ linked }: { linked: LinkedTrace }) {
  const spans = useLinkedTraceSpans(linked.traceId, !!linked.trace);
  return (
    <div className="linked-detail">
      {linked.hops.map((h) => (
        <HopLine key={`${h.from.spanId}-${h.to.spanId}`} hop={h} />
      ))}
      {linked.trace ? (
        spans.data ? (
          <MiniWaterfall trace={spans.data} />
        ) : spans.isError ? (
          <p className="muted small">Could not load the trace’s spans.</p>
        ) : (
          <p className="muted small">Loading spans…</p>
        )
      ) : null}
      {linked.trace ? (
        <div className="linked-actions">
          <Link to={`/traces/${linked.traceId}`} className="link small" data-testid="open-linked-trace">
            Open trace →
          </Link>
          <Link to={`/flows/${linked.traceId}`} className="link small">
            Flow from here →
          </Link>
        </div>
      ) : null}
    </div>
  );
}

/** The linked trace's spans in tree order, as bars on its own time axis. */
function MiniWaterfall({ trace }: { trace: TraceDetail }) {
  const rows = useMemo(() => {
    const children = new Map<string, TraceDetail['spans']>();
    const ids = new Set(trace.spans.map((s) => s.spanId));
    const roots: TraceDetail['spans'] = [];
    for (const s of trace.spans) {
      if (s.parentSpanId && ids.has(s.parentSpanId)) children.set(s.parentSpanId, [...(children.get(s.parentSpanId) ?? []), s]);
      else roots.push(s);
    }
    const out: Array<{ span: TraceDetail['spans'][number]; depth: number }> = [];
    const walk = (s: TraceDetail['spans'][number], depth: number) => {
      if (out.length >= MAX_SPANS) return;
      out.push({ span: s, depth });
      for (const c of children.get(s.spanId) ?? []) walk(c, depth + 1);
    };
    for (const r of roots) walk(r, 0);
    return out;
  }, [trace]);
  const starts = trace.spans.map((s) => Number(s.startTimeUnixNano.slice(0, -3)) / 1000);
  const t0 = Math.min(...starts);
  const t1 = Math.max(...trace.spans.map((s, i) => starts[i] + s.durationMs));
  const total = Math.max(t1 - t0, 0.001);
  return (
    <div className="mini-waterfall" data-testid="linked-spans">
      {rows.map(({ span, depth }, i) => {
        const start = Number(span.startTimeUnixNano.slice(0, -3)) / 1000 - t0;
        return (
          <div key={span.spanId + i} className="mini-row">
            <span className="mini-label" style={{ paddingLeft: depth * 12 }} title={`${span.service}: ${span.name}`}>
              <ServiceChip name={span.service} compact /> <span className="mini-name">{span.name}</span>
            </span>
            <span className="mini-track">
              <span
                className={`mini-bar${span.isError ? ' mini-bar-error' : ''}`}
                style={{ left: `${(start / total) * 100}%`, width: `max(2px, ${(span.durationMs / total) * 100}%)`, backgroundColor: serviceColor(span.service) }}
              />
            </span>
            <span className="mini-dur mono muted">{formatDuration(span.durationMs)}</span>
          </div>
        );
      })}
      {trace.spans.length > rows.length ? <p className="muted small">{trace.spans.length - rows.length} more spans — open the trace to see them all.</p> : null}
    </div>
  );
}
