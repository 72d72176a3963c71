// Log search: filters, a severity histogram over the window, and the virtualized list.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { call } from '../../api/client';
import { useLogHistogram, useLogPages, useServices, type LogFilter } from '../../api/hooks';
import { useShortcuts } from '../../app/shortcuts';
import { useUpdateParams } from '../../app/url-state';
import { rangeLabel, useTimeRange } from '../../app/time-range';
import { SEVERITY_MINIMUMS } from '../../ui/colors';
import { formatCount } from '../../ui/format';
import { EmptyHint, ErrorBanner, SkeletonBlock, Spinner } from '../../ui/states';
import { buildMatcher } from './highlight';
import { LogDetail } from './LogDetail';
import { LogHistogramChart } from './LogHistogramChart';
import { LogList } from './LogList';

export function LogsPage() {
  const { spec, setRange } = useTimeRange();
  const [params] = useSearchParams();
  const update = useUpdateParams();
  const q = params.get('q') ?? '';
  const service = params.get('service') ?? '';
  const minSeverity = Number(params.get('sev') ?? 0) || 0;
  const traceId = params.get('traceId') ?? '';
  const openId = params.get('log') ? Number(params.get('log')) : null;

  const filter: LogFilter = useMemo(
    () => ({ q: q || undefined, service: service || undefined, minSeverity: minSeverity || undefined, traceId: traceId || undefined }),
    [q, service, minSeverity, traceId],
  );
  const services = useServices(spec);
  const pages = useLogPages(spec, filter);
  const histogram = useLogHistogram(spec, filter);
  const logs = useMemo(() => pages.data?.pages.flat() ?? [], [pages.data]);
  const matcher = useMemo(() => buildMatcher(q), [q]);

  const set = useCallback(
    (key: string, value: string | null, replace = false) =>
      update(
        (p) => {
          if (value) p.set(key, value);
          else p.delete(key);
        },
        { replace },
      ),
    [update],
  );

  const [draftQ, setDraftQ] = useState(q);
  useEffect(() => setDraftQ(q), [q]);
  const [draftTrace, setDraftTrace] = useState(traceId);
  useEffect(() => setDraftTrace(traceId), [traceId]);

  // A deep-linked record that is not among the loaded rows is fetched on its own.
  const loaded = openId !== null ? logs.find((l) => l.id === openId) : undefined;
  const single = useQuery({
    queryKey: ['log', openId],
    queryFn: ({ signal }) => call('logs', { before: openId! + 1, limit: 1, from: 0, to: Date.now() + 86_400_000 }, signal),
    enabled: openId !== null && !loaded && pages.isSuccess,
  });
  const openLog = loaded ?? single.data?.find((l) => l.id === openId);

  const [cursor, setCursor] = useState(0);
  const moveCursor = (delta: number) => {
    const next = Math.max(0, Math.min(logs.length - 1, cursor + delta));
    setCursor(next);
    if (openId !== null && logs[next]) set('log', String(logs[next].id), true);
  };
  useShortcuts({
    j: () => moveCursor(1),
    k: () => moveCursor(-1),
    Enter: () => logs[cursor] && set('log', String(logs[cursor].id)),
  });

  const highlightedId = openId ?? logs[cursor]?.id ?? null;
  const total = histogram.data?.total;

  return (
    <div className="page-pad page-logs">
      <div className="page-head">
        <div>
          <h1>Logs</h1>
          <div className="page-sub">
            {total !== undefined ? (
              <span>
                <b>{formatCount(total)}</b> records in the {rangeLabel(spec).toLowerCase()}
                {q ? (
                  <>
                    {' '}
                    matching <span className="mono">“{q}”</span>
                  </>
                ) : null}
              </span>
            ) : (
              <span>&nbsp;</span>
            )}
          </div>
        </div>
      </div>
      <form
        className="search-form log-filters"
        onSubmit={(e) => {
          e.preventDefault();
          update((p) => {
            if (draftQ.trim()) p.set('q', draftQ.trim());
            else p.delete('q');
            if (draftTrace.trim()) p.set('traceId', draftTrace.trim());
            else p.delete('traceId');
            p.delete('log');
          });
        }}
        aria-label="Search logs"
      >
        <div className="form-row">
          <label className="field field-q">
            <span>Search</span>
            <input
              className="input"
              type="search"
              value={draftQ}
              onChange={(e) => setDraftQ(e.target.value)}
              placeholder='Words, "phrases", prefix*, AND / OR / NOT      /'
              aria-label="Full-text search"
              data-search-box
            />
          </label>
          <label className="field field-service">
            <span>Service</span>
            <select className="input" value={service} onChange={(e) => set('service', e.target.value)} aria-label="Service">
              <option value="">All services</option>
              {(services.data ?? []).map((s) => (
                <option key={`${s.namespace}/${s.name}`} value={s.name}>
                  {s.name}
                </option>
              ))}
              {service && !(services.data ?? []).some((s) => s.name === service) ? <option value={service}>{service}</option> : null}
            </select>
          </label>
          <label className="field field-sev">
            <span>Severity</span>
            <select className="input" value={minSeverity} onChange={(e) => set('sev', e.target.value === '0' ? null : e.target.value)} aria-label="Minimum severity">
              {SEVERITY_MINIMUMS.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
          <label className="field field-trace">
            <span>Trace ID</span>
            <input
              className="input mono"
              value={draftTrace}
              onChange={(e) => setDraftTrace(e.target.value)}
              placeholder="32 hex digits"
              aria-label="Trace ID"
              spellCheck={false}
            />
          </label>
          <div className="form-actions">
            <button type="submit" className="btn btn-primary">
              Search
            </button>
            {q || service || minSeverity || traceId ? (
              <button
                type="button"
                className="btn"
                onClick={() =>
                  update((p) => {
                    for (const k of ['q', 'service', 'sev', 'traceId', 'log']) p.delete(k);
                  })
                }
              >
                Clear
              </button>
            ) : null}
          </div>
        </div>
      </form>
      {histogram.isError ? <ErrorBanner error={histogram.error} onRetry={() => void histogram.refetch()} what="Log search failed" /> : null}
      {pages.isError && !histogram.isError ? <ErrorBanner error={pages.error} onRetry={() => void pages.refetch()} what="Log search failed" /> : null}
      <div className="panel">
        {histogram.data ? (
          <LogHistogramChart data={histogram.data} onPickBucket={(from, to) => setRange({ from: String(from), to: String(to) })} />
        ) : (
          <SkeletonBlock height={110} />
        )}
      </div>
      <div className="logs-main">
        {pages.isPending ? (
          <SkeletonBlock height={300} />
        ) : logs.length === 0 && pages.isSuccess ? (
          <EmptyHint title={`No log records match in the ${rangeLabel(spec).toLowerCase()}`}>
            <span>Loosen the search or widen the time range.</span>
            <button type="button" className="btn btn-small" onClick={() => setRange({ from: 'now-7d', to: 'now' })}>
              Search the last 7 days
            </button>
          </EmptyHint>
        ) : (
          <LogList
            logs={logs}
            matcher={matcher}
            selectedId={highlightedId}
            onSelect={(id) => {
              setCursor(logs.findIndex((l) => l.id === id));
              set('log', String(id));
            }}
            testId="log-list"
            footer={
              <div className="log-footer">
                {pages.hasNextPage ? (
                  <button type="button" className="btn btn-small" onClick={() => void pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>
                    {pages.isFetchingNextPage ? <Spinner label="Loading…" /> : 'Load older'}
                  </button>
                ) : (
                  <span className="muted small">
                    {logs.length.toLocaleString()} record{logs.length === 1 ? '' : 's'} — the start of the window
                  </span>
                )}
              </div>
            }
          />
        )}
        {openId !== null && openLog ? <LogDetail log={openLog} onClose={() => set('log', null)} /> : null}
      </div>
    </div>
  );
}
