// Two traces compared: structurally (operations on one side only, time and count changes per
// operation path, regressions first to the eye) or side by side on one time scale. The address
// holds both ids and the view: /compare?a=<id>&b=<id>&view=side.
import { useCallback, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useSetParam, useUpdateParams } from '../../app/url-state';
import { useTraceSearch } from '../../api/hooks';
import { useApi } from '../../api/query';
import { ServiceChip } from '../../ui/Chip';
import { registerServiceColors } from '../../ui/colors';
import { Combobox } from '../../ui/Combobox';
import { formatClock, formatDuration, shortId } from '../../ui/format';
import { Tabs } from '../../ui/overlays';
import { EmptyHint, ErrorBanner, SkeletonBlock } from '../../ui/states';
import { buildTraceModel, flattenRows, type TraceModel } from '../traces/trace-model';
import { useTraceDetail } from '../traces/trace-query';
import { Waterfall } from '../traces/Waterfall';
import { DiffTable } from './DiffTable';
import { diffTraces, spanPathKeys, type TraceDiff } from './trace-diff';
import './compare.css';

type View = 'diff' | 'side';
const RECENT = { from: 'now-24h', to: 'now' };
const TRACE_ID = /^[0-9a-f]{16}([0-9a-f]{16})?$/i;

function useModel(traceId: string) {
  const q = useTraceDetail(TRACE_ID.test(traceId) ? traceId : undefined);
  const model = useMemo(() => {
    if (!q.data) return null;
    const m = buildTraceModel(q.data);
    registerServiceColors(m.services.map((s) => s.name));
    return m;
  }, [q.data]);
  return { query: q, model };
}

export function ComparePage() {
  const [params] = useSearchParams();
  const update = useUpdateParams();
  const a = (params.get('a') ?? '').trim().toLowerCase();
  const b = (params.get('b') ?? '').trim().toLowerCase();
  const view: View = params.get('view') === 'side' ? 'side' : 'diff';
  const A = useModel(a);
  const B = useModel(b);
  const diff = useMemo(() => (A.model && B.model ? diffTraces(A.model, B.model) : null), [A.model, B.model]);
  const set = useSetParam();

  return (
    <div className="page-pad page-compare">
      <div className="page-head">
        <div>
          <h1>Compare traces</h1>
          <div className="page-sub">
            Spans are matched by their operation path (service and span name from the root down), so two runs of the same request line up.
          </div>
        </div>
        {a && b ? (
          <button type="button" className="btn" onClick={() => update((p) => (p.set('a', b), p.set('b', a)))} title="Swap A and B">
            Swap A ⇄ B
          </button>
        ) : null}
      </div>
      <div className="compare-pickers">
        <TracePicker side="A" traceId={a} model={A.model} other={B.model ?? A.model} onPick={(id) => set('a', id)} />
        <TracePicker side="B" traceId={b} model={B.model} other={A.model ?? B.model} onPick={(id) => set('b', id)} />
      </div>
      {A.query.isError ? <ErrorBanner error={A.query.error} what={`Could not open trace A (${a})`} /> : null}
      {B.query.isError ? <ErrorBanner error={B.query.error} what={`Could not open trace B (${b})`} /> : null}
      {!a || !b ? (
        <RecentTraces a={a} b={b} onPick={(side, id) => set(side, id)} />
      ) : !A.model || !B.model || !diff ? (
        A.query.isError || B.query.isError ? null : <SkeletonBlock height={320} />
      ) : (
        <>
          <CompareSummary a={A.model} b={B.model} diff={diff} />
          <div className="compare-tabs">
            <Tabs<View>
              tabs={[
                { id: 'diff', label: 'Structural diff' },
                { id: 'side', label: 'Side by side' },
              ]}
              value={view}
              onChange={(v) => set('view', v === 'diff' ? null : v, true)}
            />
          </div>
          {view === 'diff' ? (
            <DiffTable diff={diff} onlyChanges={params.get('all') !== '1'} onOnlyChanges={(on) => set('all', on ? null : '1', true)} />
          ) : (
            <SideBySide a={A.model} b={B.model} diff={diff} />
          )}
        </>
      )}
    </div>
  );
}

function TracePicker({
  side,
  traceId,
  model,
  other,
  onPick,
}: {
  side: 'A' | 'B';
  traceId: string;
  model: TraceModel | null;
  other: TraceModel | null;
  onPick: (id: string) => void;
}) {
  const [draft, setDraft] = useState(traceId);
  const [seen, setSeen] = useState(traceId);
  if (seen !== traceId) {
    setSeen(traceId);
    setDraft(traceId);
  }
  // Suggest recent traces of the same request as the other side (a good run and a bad one), or
  // any recent trace while neither side is chosen.
  const root = other?.root?.span;
  const similar = useTraceSearch({ from: 'now-24h', to: 'now' }, { service: root?.service, operation: root?.name, limit: 50 });
  const suggestions = (similar.data ?? [])
    .filter((t) => t.traceId !== other?.traceId)
    .map((t) => ({ value: t.traceId, hint: `${formatDuration(t.durationMs)} · ${t.spanCount} spans${t.errorCount ? ` · ${t.errorCount} err` : ''} · ${formatClock(t.start)}` }));
  const commit = (v: string) => {
    const id = v.trim().toLowerCase();
    if (id !== traceId && (id === '' || TRACE_ID.test(id))) onPick(id);
  };
  const bad = draft.trim() !== '' && !TRACE_ID.test(draft.trim());
  const r = model?.root?.span;
  return (
    <div className={`compare-picker compare-${side.toLowerCase()}`} data-testid={`compare-picker-${side.toLowerCase()}`}>
      <div className="compare-side">{side}</div>
      <div className="compare-picker-body">
        <Combobox
          label={`Trace ${side}`}
          value={draft}
          onChange={setDraft}
          onCommit={commit}
          suggestions={suggestions}
          placeholder={root ? `Trace id, or pick a recent ${root.name}` : 'Trace id, or pick a recent trace'}
          mono
        />
        {bad ? <div className="form-error small">Not a trace id: 16 or 32 hex digits.</div> : null}
        {r && model ? (
          <div className="compare-picker-facts">
            <ServiceChip name={r.service} />
            <Link to={`/traces/${model.traceId}`} className="link">
              {r.name}
            </Link>
            <span className="mono">{formatDuration(model.durationMs)}</span>
            <span className="muted">{model.nodes.length.toLocaleString()} spans</span>
            {model.errorCount ? <span className="chip chip-error">{model.errorCount} err</span> : null}
            <span className="muted small">{formatClock(model.startMs)}</span>
          </div>
        ) : null}
      </div>
    </div>
  );
}

/** While a side is empty: the latest traces, each ready to be A or B. The list holds still while
 * the user picks (live data would push rows away under the pointer); "Newer traces" refreshes it. */
function RecentTraces({ a, b, onPick }: { a: string; b: string; onPick: (side: 'a' | 'b', traceId: string) => void }) {
  const recent = useApi('traces', { limit: 15 }, { range: RECENT, tables: [] });
  const rows = recent.data ?? [];
  return (
    <section className="compare-recent" data-testid="compare-recent">
      <h2>{a || b ? `Pick trace ${a ? 'B' : 'A'}` : 'Pick two traces'}</h2>
      <p className="muted small">
        From the latest traces below, with Compare… on a trace, by ticking two in the Traces list, or by pasting their ids above.{' '}
        <button type="button" className="linklike" onClick={() => void recent.refetch()}>
          Newer traces
        </button>
      </p>
      {recent.isError ? <ErrorBanner error={recent.error} onRetry={() => void recent.refetch()} what="Could not list recent traces" /> : null}
      {recent.isPending ? (
        <SkeletonBlock height={160} />
      ) : rows.length === 0 ? (
        <EmptyHint title="No traces in the last 24 hours">Send spans to Loupe, or import a trace file, and they will be listed here.</EmptyHint>
      ) : (
        <table className="table compare-recent-table">
          <thead>
            <tr>
              <th>Trace</th>
              <th className="num">Duration</th>
              <th className="num">Spans</th>
              <th>Started</th>
              <th aria-label="Use as" />
            </tr>
          </thead>
          <tbody>
            {rows.map((t) => (
              <tr key={t.traceId} data-trace-id={t.traceId}>
                <td>
                  <ServiceChip name={t.rootService} /> <span>{t.rootName}</span> <span className="mono muted small">{shortId(t.traceId)}</span>
                  {t.errorCount ? <span className="chip chip-error">{t.errorCount} err</span> : null}
                </td>
                <td className="num mono">{formatDuration(t.durationMs)}</td>
                <td className="num">{t.spanCount.toLocaleString()}</td>
                <td className="muted small">{formatClock(t.start)}</td>
                <td className="compare-recent-use">
                  {(['a', 'b'] as const).map((side) => {
                    const current = side === 'a' ? a : b;
                    const taken = (side === 'a' ? b : a) === t.traceId;
                    return (
                      <button
                        key={side}
                        type="button"
                        className={`btn btn-small${current === t.traceId ? ' btn-primary' : ''}`}
                        disabled={taken}
                        aria-pressed={current === t.traceId}
                        aria-label={`Use ${t.rootName} ${shortId(t.traceId)} as ${side.toUpperCase()}`}
                        onClick={() => onPick(side, t.traceId)}
                      >
                        as {side.toUpperCase()}
                      </button>
                    );
                  })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function CompareSummary({ a, b, diff }: { a: TraceModel; b: TraceModel; diff: TraceDiff }) {
  const delta = b.durationMs - a.durationMs;
  const pct = a.durationMs > 0 ? delta / a.durationMs : 0;
  const slower = delta > 0 && Math.abs(pct) >= 0.2;
  const faster = delta < 0 && Math.abs(pct) >= 0.2;
  return (
    <div className="compare-summary" data-testid="compare-summary">
      <div className="compare-stat">
        <span className="compare-stat-label">Duration</span>
        <span className="mono">
          {formatDuration(a.durationMs)} → {formatDuration(b.durationMs)}
        </span>
        <span className={`mono delta ${slower ? 'delta-worse' : faster ? 'delta-better' : 'muted'}`}>
          {delta >= 0 ? '+' : '−'}
          {formatDuration(Math.abs(delta))} ({delta >= 0 ? '+' : '−'}
          {Math.abs(Math.round(pct * 100))}%)
        </span>
      </div>
      <div className="compare-stat">
        <span className="compare-stat-label">Spans</span>
        <span className="mono">
          {a.nodes.length.toLocaleString()} → {b.nodes.length.toLocaleString()}
        </span>
      </div>
      <div className="compare-stat">
        <span className="compare-stat-label">Errors</span>
        <span className={`mono ${b.errorCount > a.errorCount ? 'delta-worse' : ''}`}>
          {a.errorCount} → {b.errorCount}
        </span>
      </div>
      <div className="compare-stat">
        <span className="compare-stat-label">Operations</span>
        <span>
          <b className="delta-worse">{diff.regressions}</b> slower or failing · <b className="delta-better">{diff.improvements}</b> faster ·{' '}
          <b>{diff.onlyA}</b> only in A · <b>{diff.onlyB}</b> only in B · <b>{diff.countChanges}</b> with other counts
        </span>
      </div>
    </div>
  );
}

/** Both traces on one time scale, each from its own start, with differing spans marked. */
function SideBySide({ a, b, diff }: { a: TraceModel; b: TraceModel; diff: TraceDiff }) {
  const scale = Math.max(a.durationMs, b.durationMs);
  const view = useMemo(() => ({ from: 0, to: scale }), [scale]);
  const [mark, setMark] = useState(true);
  const marked = useMemo(() => {
    const kindOf = new Map<string, string>();
    for (const r of diff.rows) {
      const k = r.regression ? 'worse' : r.kind !== 'both' ? 'only' : r.improvement ? 'better' : r.countChanged ? 'count' : null;
      if (k) kindOf.set(r.key, k);
    }
    const pick = (m: TraceModel) => {
      const out = new Map<string, string>();
      for (const [id, key] of spanPathKeys(m)) {
        const k = kindOf.get(key);
        if (k) out.set(id, k);
      }
      return out;
    };
    return { a: pick(a), b: pick(b) };
  }, [a, b, diff]);
  return (
    <div className="compare-side-by-side">
      <label className="check small">
        <input type="checkbox" checked={mark} onChange={(e) => setMark(e.target.checked)} />
        Mark spans whose operation differs: <span className="diff-tag diff-tag-regression">slower / failing</span>{' '}
        <span className="diff-tag diff-tag-improvement">faster</span> <span className="diff-tag diff-tag-only-b">one side only</span>{' '}
        <span className="diff-tag diff-tag-count">other count</span>
      </label>
      <div className="compare-panes">
        <ComparePane label="A" model={a} view={view} marked={mark ? marked.a : null} />
        <ComparePane label="B" model={b} view={view} marked={mark ? marked.b : null} />
      </div>
    </div>
  );
}

function ComparePane({ label, model, view, marked }: { label: string; model: TraceModel; view: { from: number; to: number }; marked: Map<string, string> | null }) {
  const [collapsed, setCollapsed] = useState<Set<string>>(() => new Set());
  const [cursor, setCursor] = useState<string | null>(null);
  const rows = useMemo(() => flattenRows(model, collapsed), [model, collapsed]);
  const toggle = useCallback(
    (id: string) =>
      setCollapsed((c) => {
        const n = new Set(c);
        if (n.has(id)) n.delete(id);
        else n.add(id);
        return n;
      }),
    [],
  );
  const selected = cursor ? model.byId.get(cursor) : null;
  return (
    <section className="compare-pane" aria-label={`Trace ${label}`}>
      <header className="compare-pane-head">
        <span className="compare-side">{label}</span>
        <span className="mono small">{shortId(model.traceId, 16)}</span>
        <span className="mono small muted">{formatDuration(model.durationMs)}</span>
        {selected ? (
          <Link className="link small compare-open" to={`/traces/${model.traceId}?span=${selected.span.spanId}`}>
            Open {selected.span.name} →
          </Link>
        ) : null}
      </header>
      <Waterfall
        model={model}
        rows={rows}
        view={view}
        cursorId={cursor}
        onSelect={setCursor}
        onToggle={toggle}
        rowMarks={marked}
        compact
        testId={`compare-waterfall-${label.toLowerCase()}`}
        label={`Spans of trace ${label}`}
      />
    </section>
  );
}
