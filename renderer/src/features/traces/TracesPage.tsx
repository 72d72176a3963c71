// Trace search: the form, a duration-over-time scatter, and the results table.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { useTraceSearch } from '../../api/hooks';
import type { TraceSummary } from '../../../../common/api/trace-schemas';
import { useImport } from '../../app/ImportDrop';
import { useShortcuts } from '../../app/shortcuts';
import { useUpdateParams } from '../../app/url-state';
import { rangeLabel, resolveRange, useTimeRange } from '../../app/time-range';
import { ServiceChip } from '../../ui/Chip';
import { formatAbsolute, formatClock, formatDuration, formatRelative, shortId } from '../../ui/format';
import { SortHeader } from '../../ui/SortHeader';
import { useSorted } from '../../ui/sort';
import { EmptyHint, ErrorBanner, SkeletonBlock, SkeletonRows } from '../../ui/states';
import { filterFromParams, searchInput, writeFilter, type TraceFilter } from './search-params';
import { TraceScatter } from './TraceScatter';
import { TraceSearchForm } from './TraceSearchForm';
import { prefetchTrace } from './trace-query';
import './trace-explorer.css';

type SortKey = 'start' | 'root' | 'duration' | 'spans' | 'errors';
const ACCESSORS: Record<SortKey, (t: TraceSummary) => number | string> = {
  start: (t) => t.start,
  root: (t) => `${t.rootService} ${t.rootName}`,
  duration: (t) => t.durationMs,
  spans: (t) => t.spanCount,
  errors: (t) => t.errorCount,
};

export function TracesPage() {
  const { spec, setRange } = useTimeRange();
  const [params] = useSearchParams();
  const update = useUpdateParams();
  const paramKey = params.toString();
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const filter = useMemo(() => filterFromParams(params), [paramKey]);
  const input = useMemo(() => searchInput(filter), [filter]);
  const traces = useTraceSearch(spec, input);
  const navigate = useNavigate();
  const { openFile } = useImport();
  const [selected, setSelected] = useState(0);
  // Up to two traces picked for comparison (a third replaces the older pick).
  const [picked, setPicked] = useState<string[]>([]);
  const pick = (traceId: string, on: boolean) =>
    setPicked((p) => (on ? [...p.filter((x) => x !== traceId), traceId].slice(-2) : p.filter((x) => x !== traceId)));
  const fresh = useFreshIds(traces.data);
  // A trace under the pointer (or the keyboard cursor) for a moment starts loading.
  const client = useQueryClient();
  const prefetchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const prefetchSoon = (traceId: string | undefined) => {
    if (prefetchTimer.current !== null) clearTimeout(prefetchTimer.current);
    prefetchTimer.current = traceId ? setTimeout(() => prefetchTrace(client, traceId), 150) : null;
  };
  useEffect(
    () => () => {
      if (prefetchTimer.current !== null) clearTimeout(prefetchTimer.current);
    },
    [],
  );
  const { sorted, sort, toggle } = useSorted<TraceSummary, SortKey>(traces.data ?? [], ACCESSORS, { key: 'start', dir: 'desc' });
  const maxDuration = useMemo(() => Math.max(0, ...(traces.data ?? []).map((t) => t.durationMs)), [traces.data]);
  // The window the shown results were fetched for (relative ranges move with each refresh).
  const fetched = useMemo(() => resolveRange(spec, traces.dataUpdatedAt || Date.now()), [spec, traces.dataUpdatedAt]);
  // When the limit cut the results short, the scatter spans only the time they cover.
  const truncated = !!traces.data && traces.data.length >= Number(input.limit ?? 100);
  const window = useMemo(() => {
    const list = traces.data ?? [];
    if (!truncated || list.length === 0) return fetched;
    const oldest = Math.min(...list.map((t) => t.start));
    const pad = Math.max(1000, (fetched.to - oldest) * 0.03);
    return { from: Math.max(fetched.from, oldest - pad), to: fetched.to };
  }, [fetched, truncated, traces.data]);

  const open = (traceId: string) => {
    const p = new URLSearchParams();
    p.set('from', spec.from);
    p.set('to', spec.to);
    navigate(`/traces/${traceId}?${p}`);
  };
  const onSearch = (f: TraceFilter) =>
    update((p) => {
      const next = writeFilter(p, f);
      for (const k of [...p.keys()]) p.delete(k);
      next.forEach((v, k) => p.append(k, v));
    });

  useShortcuts({
    j: () => setSelected((i) => Math.min(sorted.length - 1, i + 1)),
    k: () => setSelected((i) => Math.max(0, i - 1)),
    Enter: () => sorted[selected] && open(sorted[selected].traceId),
  });

  return (
    <div className="page-pad page-traces">
      <div className="page-head">
        <div>
          <h1>Traces</h1>
          <div className="page-sub">
            {traces.data ? (
              <span>
                <b>{traces.data.length}</b> {truncated ? 'newest ' : ''}traces in the {rangeLabel(spec).toLowerCase()}
                {truncated && traces.data.length ? (
                  <span className="muted"> (since {formatClock(Math.min(...traces.data.map((t) => t.start)))}; raise the limit or narrow the search for more)</span>
                ) : null}
                {traces.data.some((t) => t.errorCount > 0) ? (
                  <>
                    {' · '}
                    <span className="text-error">
                      <b>{traces.data.filter((t) => t.errorCount > 0).length}</b> with errors
                    </span>
                  </>
                ) : null}
              </span>
            ) : (
              <span>&nbsp;</span>
            )}
          </div>
        </div>
        <div className="traces-head-actions">
          <TraceIdLookup onOpen={open} />
          <button type="button" className="btn" onClick={openFile} title="Import an OTLP JSON file (or drop one anywhere)">
            Open file…
          </button>
        </div>
      </div>
      <TraceSearchForm range={spec} filter={filter} onSearch={onSearch} searching={traces.isPending || traces.isPlaceholderData} />
      {picked.length ? (
        <div className="compare-bar" role="status" data-testid="compare-bar">
          {picked.length === 1 ? (
            <span>
              <b>1</b> trace picked — tick another one to compare them.
            </span>
          ) : (
            <span>
              <b>2</b> traces picked: <span className="mono">{shortId(picked[0], 12)}</span> (A) and <span className="mono">{shortId(picked[1], 12)}</span> (B)
            </span>
          )}
          <button
            type="button"
            className="btn btn-small btn-primary"
            disabled={picked.length < 2}
            onClick={() => navigate(`/compare?a=${picked[0]}&b=${picked[1]}`)}
          >
            Compare
          </button>
          <button type="button" className="btn btn-small" onClick={() => setPicked([])}>
            Clear
          </button>
        </div>
      ) : null}
      {traces.isError ? <ErrorBanner error={traces.error} onRetry={() => void traces.refetch()} what="Trace search failed" /> : null}
      <div className="panel">
        {traces.isPending ? <SkeletonBlock height={150} /> : <TraceScatter traces={traces.data ?? []} window={window} onOpen={open} />}
      </div>
      <div className="table-wrap">
        <table className="table traces-table" data-testid="traces-table">
          <thead>
            <tr>
              <th scope="col" className="col-pick" title="Pick two traces to compare" aria-label="Compare" />
              <SortHeader id="start" sort={sort} onSort={toggle}>
                Start
              </SortHeader>
              <SortHeader id="root" sort={sort} onSort={toggle} firstDir="asc">
                Root
              </SortHeader>
              <SortHeader id="duration" sort={sort} onSort={toggle} className="col-duration">
                Duration
              </SortHeader>
              <SortHeader id="spans" sort={sort} onSort={toggle} align="right">
                Spans
              </SortHeader>
              <SortHeader id="errors" sort={sort} onSort={toggle} align="right">
                Errors
              </SortHeader>
              <th scope="col">Services</th>
              <th scope="col" className="col-id">
                Trace ID
              </th>
            </tr>
          </thead>
          <tbody>
            {traces.isPending ? <SkeletonRows columns={8} /> : null}
            {sorted.map((t, i) => (
              <tr
                key={t.traceId}
                className={`row-click${i === selected ? ' row-selected' : ''}${t.errorCount ? ' row-error' : ''}${fresh.has(t.traceId) ? ' row-new' : ''}`}
                onClick={() => open(t.traceId)}
                onMouseEnter={() => {
                  setSelected(i);
                  prefetchSoon(t.traceId);
                }}
                onMouseLeave={() => prefetchSoon(undefined)}
                data-trace-id={t.traceId}
              >
                <td className="col-pick" onClick={(e) => e.stopPropagation()}>
                  <input
                    type="checkbox"
                    checked={picked.includes(t.traceId)}
                    onChange={(e) => pick(t.traceId, e.target.checked)}
                    aria-label={`Pick trace ${shortId(t.traceId, 12)} to compare`}
                  />
                </td>
                <td className="mono nowrap" title={`${formatAbsolute(t.start)} (${formatRelative(t.start)})`}>
                  {formatClock(t.start)}
                </td>
                <td className="root-cell">
                  <ServiceChip name={t.rootService} />
                  <a
                    className="root-name"
                    href={`/traces/${t.traceId}`}
                    onClick={(e) => {
                      e.preventDefault();
                      e.stopPropagation();
                      open(t.traceId);
                    }}
                  >
                    {t.rootName}
                  </a>
                </td>
                <td className="col-duration">
                  <div className="dur-cell">
                    <div className="dur-track">
                      <div
                        className={`dur-bar${t.errorCount ? ' dur-bar-error' : ''}`}
                        style={{ width: `${maxDuration > 0 ? Math.max(1, (t.durationMs / maxDuration) * 100) : 0}%` }}
                      />
                    </div>
                    <span className="mono dur-text">{formatDuration(t.durationMs)}</span>
                  </div>
                </td>
                <td className="num">{t.spanCount}</td>
                <td className={`num${t.errorCount ? ' text-error' : ' muted'}`}>{t.errorCount || '—'}</td>
                <td>
                  <span className="chips svc-chips" title={t.services.join(', ')}>
                    {t.services.slice(0, 3).map((s) => (
                      <span key={s} className="chip svc-chip-small">
                        <ServiceChip name={s} />
                      </span>
                    ))}
                    {t.services.length > 3 ? <span className="muted small">+{t.services.length - 3}</span> : null}
                  </span>
                </td>
                <td className="mono muted col-id">{shortId(t.traceId, 12)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {traces.isSuccess && sorted.length === 0 ? (
          <EmptyHint title={`No traces match in the ${rangeLabel(spec).toLowerCase()}`}>
            <span>Loosen the filters or widen the time range.</span>
            <button type="button" className="btn btn-small" onClick={() => setRange({ from: 'now-7d', to: 'now' })}>
              Search the last 7 days
            </button>
          </EmptyHint>
        ) : null}
      </div>
    </div>
  );
}

/** Trace ids that arrived with the latest refresh (live mode), to mark them for a moment. */
function useFreshIds(list: TraceSummary[] | undefined): Set<string> {
  const seen = useRef<Set<string> | null>(null);
  const [fresh, setFresh] = useState<Set<string>>(() => new Set());
  useEffect(() => {
    if (!list) return;
    const ids = list.map((t) => t.traceId);
    if (seen.current) {
      const added = ids.filter((id) => !seen.current!.has(id));
      setFresh(new Set(added));
      for (const id of ids) seen.current.add(id);
    } else seen.current = new Set(ids);
  }, [list]);
  return fresh;
}

/** Opens a trace by id (from a log line, a ticket, another tool), whatever the filters. */
function TraceIdLookup({ onOpen }: { onOpen: (traceId: string) => void }) {
  const [id, setId] = useState('');
  const clean = id.trim().toLowerCase();
  const valid = /^[0-9a-f]{16}([0-9a-f]{16})?$/.test(clean);
  return (
    <form
      className="trace-lookup"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) onOpen(clean);
      }}
    >
      <input
        className={`input mono${clean && !valid ? ' input-bad' : ''}`}
        value={id}
        onChange={(e) => setId(e.target.value)}
        placeholder="Trace ID"
        aria-label="Open a trace by id"
        spellCheck={false}
      />
      <button type="submit" className="btn" disabled={!valid}>
        Open
      </button>
    </form>
  );
}
