// One trace, laid out as Jaeger UI lays out its trace page: the header (TraceHeader), then
// tabs for the timeline (TraceTimeline: find, overview, waterfall and span details), the
// per-operation statistics and the trace's logs (TraceLogs). The address is the state: span,
// tab, find, critical path and zoom are query parameters (trace-navigation.ts reads them).
import { useCallback, useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import type { CompactTrace } from '../../../../common/api/trace-schemas';
import { useTraceLogs } from '../../api/hooks';
import { useSetParam, useUpdateParams } from '../../app/url-state';
import { registerServiceColors } from '../../ui/colors';
import { Tabs } from '../../ui/overlays';
import { EmptyHint, ErrorBanner, SkeletonBlock } from '../../ui/states';
import { buildTraceModel, type TraceModel } from './trace-model';
import { useTraceNavigation } from './trace-navigation';
import { fetchTimings, useTraceDetail } from './trace-query';
import type { StatsGrouping } from './trace-stats';
import { BackLink, TraceHeader } from './TraceHeader';
import { TraceLogs } from './TraceLogs';
import { TraceStatsTable } from './TraceStatsTable';
import { TraceTimeline } from './TraceTimeline';
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

function TraceLoaded({ model, trace, buildMs, openedAt }: { model: TraceModel; trace: CompactTrace; buildMs: number; openedAt: number }) {
  const [params] = useSearchParams();
  const updateParams = useUpdateParams();
  const setParam = useSetParam(true);
  const nav = useTraceNavigation(model);
  const tabParam = params.get('tab');
  const tab: Tab = tabParam === 'logs' || tabParam === 'stats' ? tabParam : 'timeline';
  const grouping: StatsGrouping = params.get('group') === 'service' ? 'service' : 'operation';
  const setTab = (t: Tab) => setParam('tab', t === 'timeline' ? null : t, false);
  const update = useCallback((fn: (p: URLSearchParams) => void, replace = true) => updateParams(fn, { replace }), [updateParams]);

  // Logs are looked up around the trace's own time, whatever the page's time range.
  const logWindow = useMemo(
    () => ({ from: Math.floor(model.startMs - 3_600_000), to: Math.ceil(model.startMs + model.durationMs + 3_600_000) }),
    [model.startMs, model.durationMs],
  );
  const logs = useTraceLogs(model.traceId, logWindow);
  const spanLogCount = nav.cursor && logs.data ? logs.data.filter((l) => l.spanId === nav.cursor!.span.spanId).length : null;

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

  return (
    <>
      <TraceHeader
        model={model}
        trace={trace}
        find={nav.find}
        onJump={nav.goTo}
        onFindService={(service) => {
          nav.onFind(service ? `service=${service}` : '');
          if (tab !== 'timeline') setTab('timeline');
        }}
      />
      <LinkedTraces traceId={model.traceId} />
      <div className="trace-tabs">
        <Tabs<Tab>
          tabs={[
            { id: 'timeline', label: 'Timeline' },
            { id: 'stats', label: 'Statistics' },
            { id: 'logs', label: <>Logs {logs.data ? <span className="count">{logs.data.length}</span> : null}</> },
          ]}
          value={tab}
          onChange={setTab}
        />
        <Link to={`/logs?traceId=${model.traceId}&from=${logWindow.from}&to=${logWindow.to}`} className="link small">
          Open in Logs →
        </Link>
      </div>
      {tab === 'timeline' ? (
        <TraceTimeline
          model={model}
          nav={nav}
          spanLogCount={spanLogCount}
          onFirstPaint={onFirstPaint}
          onShowSpanLogs={() =>
            update((p) => {
              p.set('tab', 'logs');
              p.set('spanLogs', '1');
            }, false)
          }
        />
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
        <TraceLogs model={model} cursor={nav.cursor} logs={logs} spanLogsOnly={params.get('spanLogs') === '1'} />
      )}
    </>
  );
}
