// One trace: header with the service legend, the overview and waterfall with find, errors,
// critical path and zoom; span details; per-operation statistics; and the trace's logs.
// The address is the state: span, tab, find, critical path and zoom are query parameters.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { expandCompactTrace, traceToOtlpJson } from '../../../../common/otlp-export';
import type { CompactTrace } from '../../../../common/api/schemas';
import { useTraceLogs } from '../../api/hooks';
import { useShortcuts } from '../../app/shortcuts';
import { useSetParam, useUpdateParams } from '../../app/url-state';
import { ServiceChip } from '../../ui/Chip';
import { registerServiceColors } from '../../ui/colors';
import { formatAbsolute, formatDuration, formatRelative } from '../../ui/format';
import { Tabs } from '../../ui/overlays';
import { EmptyHint, ErrorBanner, SkeletonBlock } from '../../ui/states';
import { LogDetail } from '../logs/LogDetail';
import { LogList } from '../logs/LogList';
import { criticalPath } from './critical-path';
import { SpanDetailPanel } from './SpanDetail';
import { findSpans, stepThrough } from './trace-find';
import { ancestorIds, buildTraceModel, flattenRows, type SpanNode, type TraceModel } from './trace-model';
import { fetchTimings, useTraceDetail } from './trace-query';
import type { StatsGrouping } from './trace-stats';
import { TraceMinimap } from './TraceMinimap';
import { TraceStatsTable } from './TraceStatsTable';
import { TraceToolbar } from './TraceToolbar';
import { Waterfall, type TimeView } from './Waterfall';
import { LinkedTraces } from '../flows/LinkedTraces';

type Tab = 'timeline' | 'stats' | 'logs';

export function TraceView() {
  const { traceId = '' } = useParams();
  // When the user asked for this trace: the open-time figure counts from here.
  const [openedAt] = useState(() => performance.now());
  const trace = useTraceDetail(traceId);
  const built = useMemo(() => {
    if (!trace.data) return null;
    const t0 = performance.now();
    const m = buildTraceModel(trace.data);
    const buildMs = performance.now() - t0;
    registerServiceColors(m.services.map((s) => s.name));
    return { model: m, buildMs };
  }, [trace.data]);

  return (
    <div className="page-trace">
      {trace.isError ? (
        <div className="page-pad">
          <BackLink />
          <ErrorBanner error={trace.error} onRetry={() => void trace.refetch()} what={`Could not open trace ${traceId}`} />
        </div>
      ) : !built || !trace.data ? (
        <div className="page-pad">
          <BackLink />
          <SkeletonBlock height={64} />
          <div style={{ height: 12 }} />
          <SkeletonBlock height={360} />
        </div>
      ) : built.model.nodes.length === 0 ? (
        <div className="page-pad">
          <BackLink />
          <EmptyHint title={`Trace ${traceId} has no spans`}>It may have been removed by retention.</EmptyHint>
        </div>
      ) : (
        <TraceLoaded key={traceId} model={built.model} trace={trace.data} buildMs={built.buildMs} openedAt={openedAt} />
      )}
    </div>
  );
}

function BackLink() {
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

function parseZoom(raw: string | null, total: number): TimeView | null {
  if (!raw) return null;
  const m = /^(-?[\d.]+)-([\d.]+)$/.exec(raw);
  if (!m) return null;
  const from = Math.max(0, Number(m[1]));
  const to = Math.min(total, Number(m[2]));
  return Number.isFinite(from) && Number.isFinite(to) && to > from ? { from, to } : null;
}

const round = (ms: number) => String(Math.round(ms * 1000) / 1000);

function TraceLoaded({ model, trace, buildMs, openedAt }: { model: TraceModel; trace: CompactTrace; buildMs: number; openedAt: number }) {
  const [params] = useSearchParams();
  const updateParams = useUpdateParams();
  const navigate = useNavigate();
  const cursorId = params.get('span');
  const tabParam = params.get('tab');
  const tab: Tab = tabParam === 'logs' || tabParam === 'stats' ? tabParam : 'timeline';
  const spanLogsOnly = params.get('spanLogs') === '1';
  const find = params.get('find') ?? '';
  // The switch answers at once; the address follows (router updates render in a transition).
  const cpParam = params.get('cp') === '1';
  const [showCritical, setShowCritical] = useState(cpParam);
  const [seenCp, setSeenCp] = useState(cpParam);
  if (seenCp !== cpParam) {
    setSeenCp(cpParam);
    setShowCritical(cpParam);
  }
  const grouping: StatsGrouping = params.get('group') === 'service' ? 'service' : 'operation';
  const zoom = parseZoom(params.get('zoom'), model.durationMs);
  const view: TimeView = zoom ?? { from: 0, to: model.durationMs };
  const cursor = cursorId ? (model.byId.get(cursorId) ?? null) : null;
  // The address follows a cursor move in a transition, so keys pressed quickly one after another
  // (k then [) would act on the previous render's cursor; they read the span last moved to.
  const movedTo = useRef<string | null>(null);
  useEffect(() => {
    if (movedTo.current === cursorId) movedTo.current = null;
  }, [cursorId]);
  const [detailsOpen, setDetailsOpen] = useState(true);
  const [collapsed, setCollapsed] = useState<Set<string>>(() => new Set());
  const rows = useMemo(() => flattenRows(model, collapsed), [model, collapsed]);
  const matches = useMemo(() => findSpans(model, find), [model, find]);
  const matchSet = useMemo(() => (find.trim() ? new Set(matches.map((n) => n.span.spanId)) : null), [matches, find]);
  const critical = useMemo(() => (showCritical ? criticalPath(model) : null), [model, showCritical]);

  // Logs are looked up around the trace's own time, whatever the page's time range.
  const logWindow = useMemo(
    () => ({ from: Math.floor(model.startMs - 3_600_000), to: Math.ceil(model.startMs + model.durationMs + 3_600_000) }),
    [model.startMs, model.durationMs],
  );
  const logs = useTraceLogs(model.traceId, logWindow);
  const spanLogCount = cursor && logs.data ? logs.data.filter((l) => l.spanId === cursor.span.spanId).length : null;

  const update = useCallback((fn: (p: URLSearchParams) => void, replace = true) => updateParams(fn, { replace }), [updateParams]);
  const setParam = useSetParam(true);

  /** Moves the cursor to a span, expanding collapsed ancestors so it is on screen. */
  const goTo = useCallback(
    (node: SpanNode | null) => {
      if (!node) return;
      const hidden = ancestorIds(node).filter((id) => collapsed.has(id));
      if (hidden.length) {
        setCollapsed((c) => {
          const n = new Set(c);
          for (const id of hidden) n.delete(id);
          return n;
        });
      }
      movedTo.current = node.span.spanId;
      setParam('span', node.span.spanId);
    },
    [collapsed, setParam],
  );
  const onSelect = useCallback(
    (spanId: string) => {
      setDetailsOpen(true);
      setParam('span', spanId);
    },
    [setParam],
  );
  const toggle = useCallback(
    (spanId: string) =>
      setCollapsed((c) => {
        const n = new Set(c);
        if (n.has(spanId)) n.delete(spanId);
        else n.add(spanId);
        return n;
      }),
    [],
  );
  const setCollapsedOf = (node: SpanNode, on: boolean) => {
    if (!node.children.length || collapsed.has(node.span.spanId) === on) return false;
    toggle(node.span.spanId);
    return true;
  };
  const expandAll = useCallback(() => setCollapsed(new Set()), []);
  const collapseAll = useCallback(
    () => setCollapsed(new Set(model.roots.flatMap((r) => r.children).filter((n) => n.children.length).map((n) => n.span.spanId))),
    [model],
  );

  const position = cursor ? cursor.index : -1;
  const stepMatch = useCallback((dir: 1 | -1) => goTo(stepThrough(matches, position, dir)), [goTo, matches, position]);
  const stepError = (dir: 1 | -1) => goTo(stepThrough(model.errors, position, dir));
  // A step asked for with new find text waits until the address (and so the matches) has it.
  const [pendingStep, setPendingStep] = useState<{ query: string; dir: 1 | -1 } | null>(null);
  const onFind = useCallback(
    (q: string, step?: 1 | -1) => {
      setParam('find', q.trim() ? q : null);
      if (step) setPendingStep({ query: q.trim() ? q : '', dir: step });
    },
    [setParam],
  );
  useEffect(() => {
    if (pendingStep === null || pendingStep.query !== find) return;
    setPendingStep(null);
    stepMatch(pendingStep.dir);
  }, [pendingStep, find, stepMatch]);
  const setCritical = (on: boolean) => {
    setShowCritical(on);
    setParam('cp', on ? '1' : null);
  };
  const onView = useCallback((v: TimeView | null) => setParam('zoom', v ? `${round(v.from)}-${round(v.to)}` : null), [setParam]);
  const setTab = (t: Tab) => setParam('tab', t === 'timeline' ? null : t, false);

  const liveCursor = () => (movedTo.current ? (model.byId.get(movedTo.current) ?? cursor) : cursor);
  const liveRowIndex = () => {
    const id = movedTo.current ?? cursorId;
    return id ? rows.findIndex((r) => r.node.span.spanId === id) : -1;
  };
  useShortcuts(
    {
      j: () => rows.length && onCursor(rows[Math.min(rows.length - 1, liveRowIndex() + 1)].node),
      k: () => rows.length && onCursor(rows[Math.max(0, liveRowIndex() - 1)].node),
      Enter: () => cursor && setDetailsOpen(true),
      Escape: () => {
        if (cursor && detailsOpen) setDetailsOpen(false);
        else if (cursorId) setParam('span', null);
      },
      n: () => stepMatch(1),
      N: () => stepMatch(-1),
      e: () => stepError(1),
      E: () => stepError(-1),
      c: () => setCritical(!showCritical),
      '[': () => collapseAtCursor(),
      ']': () => expandAtCursor(),
      ArrowLeft: () => collapseAtCursor(),
      ArrowRight: () => expandAtCursor(),
    },
    tab === 'timeline',
  );
  function onCursor(node: SpanNode) {
    movedTo.current = node.span.spanId;
    setParam('span', node.span.spanId);
  }
  /** Collapses the span under the cursor; on a leaf or a collapsed span, its parent. */
  function collapseAtCursor() {
    const at = liveCursor();
    if (!at) return;
    if (setCollapsedOf(at, true)) return;
    if (at.parent) {
      setCollapsedOf(at.parent, true);
      onCursor(at.parent);
    }
  }
  function expandAtCursor() {
    const at = liveCursor();
    if (at) setCollapsedOf(at, false);
  }

  // The open-time figure, as a performance measure: from the moment the trace was asked for
  // (the page opened, or the fetch started if later) to the first waterfall paint. A trace
  // prefetched from the search results (the pointer rested on its row) counts from the page.
  const onFirstPaint = useCallback(() => {
    const t = fetchTimings.get(model.traceId);
    if (!t || performance.now() - t.start > 60_000) return;
    fetchTimings.delete(model.traceId);
    const end = performance.now();
    const start = Math.max(openedAt, t.start);
    performance.measure('loupe:trace-open', {
      start,
      end,
      detail: {
        traceId: model.traceId,
        spans: model.nodes.length,
        fetchMs: t.end - t.start,
        buildMs,
        totalMs: end - start,
        prefetched: t.start < openedAt,
      },
    });
  }, [model, buildMs, openedAt]);

  const exportTrace = () => {
    const blob = new Blob([JSON.stringify(traceToOtlpJson(expandCompactTrace(trace)), null, 1)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `trace-${model.traceId}.json`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const root = model.root?.span;
  const traceLogs = logs.data ?? [];
  const shownLogs = spanLogsOnly && cursor ? traceLogs.filter((l) => l.spanId === cursor.span.spanId) : traceLogs;
  const [selectedLog, setSelectedLog] = useState<number | null>(null);
  const openLog = selectedLog !== null ? traceLogs.find((l) => l.id === selectedLog) : undefined;
  const matchPosition = cursor && matchSet?.has(cursor.span.spanId) ? matches.indexOf(cursor) + 1 : 0;
  const errorPosition = cursor && cursor.span.isError ? model.errors.indexOf(cursor) + 1 : 0;
  const showDetails = !!cursor && detailsOpen;

  return (
    <>
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
              <button
                type="button"
                className="btn btn-small"
                onClick={() => navigate(`/compare?a=${model.traceId}`)}
                title="Compare this trace with another one"
              >
                Compare…
              </button>
              <button type="button" className="btn btn-small" onClick={exportTrace} title={`Download trace-${model.traceId}.json (OTLP JSON, importable anywhere)`}>
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
                  <button type="button" className="linklike text-warn" onClick={() => goTo(model.order.find((n) => n.skew?.kind === 'clock') ?? null)}>
                    {model.skewed} span{model.skewed === 1 ? '' : 's'}
                  </button>
                </dd>
              </div>
            ) : null}
            {model.outliving ? (
              <div>
                <dt>Outlive parent</dt>
                <dd title="Children that end after their parent (asynchronous work, or clock skew)">
                  <button type="button" className="linklike" onClick={() => goTo(model.order.find((n) => n.skew?.kind === 'outlives') ?? null)}>
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
              onClick={() => {
                onFind(find === `service=${s.name}` ? '' : `service=${s.name}`);
                if (tab !== 'timeline') setTab('timeline');
              }}
            >
              <ServiceChip name={s.name} />
              <span className="muted small">{s.spans.toLocaleString()}</span>
              {s.errors ? <span className="chip chip-error">{s.errors} err</span> : null}
            </button>
          ))}
        </div>
      </header>
      <LinkedTraces traceId={model.traceId} />
      <div className="trace-tabs">
        <Tabs<Tab>
          tabs={[
            { id: 'timeline', label: 'Timeline' },
            { id: 'stats', label: 'Statistics' },
            { id: 'logs', label: <>Logs {logs.data ? <span className="count">{traceLogs.length}</span> : null}</> },
          ]}
          value={tab}
          onChange={setTab}
        />
        <Link to={`/logs?traceId=${model.traceId}&from=${logWindow.from}&to=${logWindow.to}`} className="link small">
          Open in Logs →
        </Link>
      </div>
      {tab === 'timeline' ? (
        <>
          <TraceToolbar
            find={find}
            onFind={onFind}
            matchCount={matches.length}
            matchPosition={matchPosition}
            onStepMatch={stepMatch}
            errorCount={model.errorCount}
            errorPosition={errorPosition}
            onStepError={stepError}
            criticalPath={showCritical}
            onCriticalPath={setCritical}
          />
          <div className={`trace-body${showDetails ? ' with-detail' : ''}`}>
            <Waterfall
              model={model}
              rows={rows}
              view={view}
              cursorId={cursorId}
              onSelect={onSelect}
              onToggle={toggle}
              onExpandAll={expandAll}
              onCollapseAll={collapseAll}
              matches={matchSet}
              findText={find.includes('=') ? undefined : find.trim().toLowerCase()}
              critical={critical}
              onFirstPaint={onFirstPaint}
              overview={<TraceMinimap model={model} view={view} onView={onView} critical={critical?.segments} />}
            />
            {showDetails && cursor ? (
              <SpanDetailPanel
                model={model}
                node={cursor}
                onClose={() => setDetailsOpen(false)}
                onSelect={(id) => goTo(model.byId.get(id) ?? null)}
                logCount={spanLogCount}
                critical={critical ? (critical.segments.get(cursor.span.spanId) ?? null) : undefined}
                onShowLogs={() =>
                  update((p) => {
                    p.set('tab', 'logs');
                    p.set('spanLogs', '1');
                  }, false)
                }
              />
            ) : null}
          </div>
        </>
      ) : tab === 'stats' ? (
        <TraceStatsTable
          model={model}
          grouping={grouping}
          onGrouping={(g) => setParam('group', g === 'operation' ? null : g)}
          onFind={(q) =>
            update((p) => {
              p.set('find', q);
              p.delete('tab');
            }, false)
          }
        />
      ) : (
        <div className="trace-logs">
          <div className="trace-logs-bar">
            <label className={`check${cursor ? '' : ' disabled'}`}>
              <input
                type="checkbox"
                checked={spanLogsOnly && !!cursor}
                disabled={!cursor}
                onChange={(e) => setParam('spanLogs', e.target.checked ? '1' : null)}
              />
              {cursor ? (
                <>
                  Only span <b>{cursor.span.name}</b> <span className="mono muted">{cursor.span.spanId}</span>
                </>
              ) : (
                'Select a span in the timeline to filter its logs'
              )}
            </label>
            <span className="muted small">
              {shownLogs.length} of {traceLogs.length} records
            </span>
          </div>
          {logs.isError ? <ErrorBanner error={logs.error} onRetry={() => void logs.refetch()} what="Could not load the trace's logs" /> : null}
          {logs.isPending ? (
            <SkeletonBlock height={200} />
          ) : shownLogs.length === 0 ? (
            <EmptyHint title={traceLogs.length ? 'No log records for this span' : 'No log records carry this trace id'}>
              Logs are linked to traces when the logging SDK runs inside an active span.
            </EmptyHint>
          ) : (
            <LogList
              logs={shownLogs}
              matcher={null}
              selectedId={selectedLog}
              onSelect={setSelectedLog}
              offsetFrom={model.startMs}
              showTrace={false}
              testId="trace-logs"
            />
          )}
          {openLog ? <LogDetail log={openLog} onClose={() => setSelectedLog(null)} /> : null}
        </div>
      )}
    </>
  );
}
