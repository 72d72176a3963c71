// One trace: header, waterfall and span details, and the trace's logs in a second tab.
import { useCallback, useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useTrace, useTraceLogs } from '../../api/hooks';
import { useShortcuts } from '../../app/shortcuts';
import { useUpdateParams } from '../../app/url-state';
import { ServiceChip } from '../../ui/Chip';
import { registerServiceColors } from '../../ui/colors';
import { formatAbsolute, formatDuration, formatRelative } from '../../ui/format';
import { Tabs } from '../../ui/overlays';
import { EmptyHint, ErrorBanner, SkeletonBlock } from '../../ui/states';
import { LogDetail } from '../logs/LogDetail';
import { LogList } from '../logs/LogList';
import { SpanDetailPanel } from './SpanDetail';
import { buildTraceModel, flattenRows, type TraceModel } from './trace-model';
import { Waterfall } from './Waterfall';

type Tab = 'timeline' | 'logs';

export function TraceView() {
  const { traceId = '' } = useParams();
  const trace = useTrace(traceId);
  const model = useMemo(() => {
    if (!trace.data) return null;
    const m = buildTraceModel(trace.data);
    registerServiceColors(m.services.map((s) => s.name));
    return m;
  }, [trace.data]);

  return (
    <div className="page-trace">
      {trace.isError ? (
        <div className="page-pad">
          <BackLink />
          <ErrorBanner error={trace.error} onRetry={() => void trace.refetch()} what={`Could not open trace ${traceId}`} />
        </div>
      ) : !model ? (
        <div className="page-pad">
          <BackLink />
          <SkeletonBlock height={64} />
          <div style={{ height: 12 }} />
          <SkeletonBlock height={360} />
        </div>
      ) : (
        <TraceLoaded model={model} />
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

function TraceLoaded({ model }: { model: TraceModel }) {
  const [params] = useSearchParams();
  const updateParams = useUpdateParams();
  const selectedId = params.get('span');
  const tab: Tab = params.get('tab') === 'logs' ? 'logs' : 'timeline';
  const spanLogsOnly = params.get('spanLogs') === '1';
  const selected = selectedId ? (model.byId.get(selectedId) ?? null) : null;
  const [collapsed, setCollapsed] = useState<Set<string>>(() => new Set());
  const rows = useMemo(() => flattenRows(model, collapsed), [model, collapsed]);

  // Logs are looked up around the trace's own time, whatever the page's time range.
  const logWindow = useMemo(
    () => ({ from: Math.floor(model.startMs - 3_600_000), to: Math.ceil(model.startMs + model.durationMs + 3_600_000) }),
    [model.startMs, model.durationMs],
  );
  const logs = useTraceLogs(model.traceId, logWindow);
  const spanLogCount = selected && logs.data ? logs.data.filter((l) => l.spanId === selected.span.spanId).length : null;

  const update = useCallback(
    (fn: (p: URLSearchParams) => void, replace = true) => updateParams(fn, { replace }),
    [updateParams],
  );
  const select = useCallback(
    (spanId: string | null) =>
      update((p) => {
        if (spanId) p.set('span', spanId);
        else p.delete('span');
      }),
    [update],
  );
  const setTab = (t: Tab) =>
    update((p) => {
      if (t === 'logs') p.set('tab', 'logs');
      else p.delete('tab');
    }, false);

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

  const index = rows.findIndex((r) => r.node.span.spanId === selectedId);
  useShortcuts(
    {
      j: () => rows.length && select(rows[Math.min(rows.length - 1, index + 1)].node.span.spanId),
      k: () => rows.length && select(rows[Math.max(0, index - 1)].node.span.spanId),
      ArrowLeft: () => selected && selected.children.length && !collapsed.has(selected.span.spanId) && toggle(selected.span.spanId),
      ArrowRight: () => selected && collapsed.has(selected.span.spanId) && toggle(selected.span.spanId),
      Enter: () => selected && selected.children.length && toggle(selected.span.spanId),
      Escape: () => selectedId && select(null),
    },
    tab === 'timeline',
  );

  const root = model.root?.span;
  const traceLogs = logs.data ?? [];
  const shownLogs = spanLogsOnly && selected ? traceLogs.filter((l) => l.spanId === selected.span.spanId) : traceLogs;
  const [selectedLog, setSelectedLog] = useState<number | null>(null);
  const openLog = selectedLog !== null ? traceLogs.find((l) => l.id === selectedLog) : undefined;

  return (
    <>
      <header className="trace-head" data-testid="trace-header">
        <div className="trace-head-main">
          <BackLink />
          <h1 className="trace-title">
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
          </dl>
        </div>
        <div className="trace-services">
          {model.services.map((s) => (
            <span key={s.name} className="trace-svc" title={`${s.spans} spans${s.errors ? `, ${s.errors} errors` : ''}`}>
              <ServiceChip name={s.name} />
              <span className="muted small">{s.spans}</span>
              {s.errors ? <span className="chip chip-error">{s.errors} err</span> : null}
            </span>
          ))}
        </div>
      </header>
      <div className="trace-tabs">
        <Tabs<Tab>
          tabs={[
            { id: 'timeline', label: 'Timeline' },
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
        <div className={`trace-body${selected ? ' with-detail' : ''}`}>
          <Waterfall
            model={model}
            rows={rows}
            selectedId={selectedId}
            onSelect={(id) => select(id === selectedId ? null : id)}
            onToggle={toggle}
            onExpandAll={() => setCollapsed(new Set())}
            onCollapseAll={() => setCollapsed(new Set(model.roots.flatMap((r) => r.children).filter((n) => n.children.length).map((n) => n.span.spanId)))}
          />
          {selected ? (
            <SpanDetailPanel
              model={model}
              node={selected}
              onClose={() => select(null)}
              onSelect={(id) => select(id)}
              logCount={spanLogCount}
              onShowLogs={() =>
                update((p) => {
                  p.set('tab', 'logs');
                  p.set('spanLogs', '1');
                }, false)
              }
            />
          ) : null}
        </div>
      ) : (
        <div className="trace-logs">
          <div className="trace-logs-bar">
            <label className={`check${selected ? '' : ' disabled'}`}>
              <input
                type="checkbox"
                checked={spanLogsOnly && !!selected}
                disabled={!selected}
                onChange={(e) =>
                  update((p) => {
                    if (e.target.checked) p.set('spanLogs', '1');
                    else p.delete('spanLogs');
                  })
                }
              />
              {selected ? (
                <>
                  Only span <b>{selected.span.name}</b> <span className="mono muted">{selected.span.spanId}</span>
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
