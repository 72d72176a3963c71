// Log search: full text, service, severity, trace and attribute filters; the severity histogram
// over the window; a list that covers every match (windowed, see LogWindowList) with a live
// tail; the record drawer; the Patterns view (view=patterns) and one pattern's records
// (pattern=). The address is the state: q, service, sev, traceId, attr, log, view, pattern, since.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { call } from '../../api/client';
import { useAttributeKeys, useAttributeValues, useServices, type LogFilter } from '../../api/hooks';
import { useLive } from '../../api/live';
import { useShortcuts } from '../../app/shortcuts';
import { useSetParam, useUpdateParams } from '../../app/url-state';
import { isRelative, rangeLabel, useTimeRange } from '../../app/time-range';
import { SEVERITY_MINIMUMS } from '../../ui/colors';
import { Combobox } from '../../ui/Combobox';
import { formatCount } from '../../ui/format';
import { EmptyHint, ErrorBanner, SkeletonBlock, Spinner } from '../../ui/states';
import type { LogRecord } from '../../../../common/api/log-schemas';
import { buildMatcher } from './highlight';
import { LogDetail } from './LogDetail';
import { LogHistogramChart } from './LogHistogramChart';
import { LogWindowList, type LogListHandle } from './LogWindowList';
import { useLogWindow } from './use-log-window';
import { DEFAULT_PATTERN_LIMIT, MAX_PATTERN_LIMIT, PatternsView } from './PatternsView';
import './logs-explorer.css';

export function LogsPage() {
  const { spec, setRange } = useTimeRange();
  const [params] = useSearchParams();
  const update = useUpdateParams();
  const q = params.get('q') ?? '';
  const service = params.get('service') ?? '';
  const minSeverity = Number(params.get('sev') ?? 0) || 0;
  const traceId = params.get('traceId') ?? '';
  const spanId = params.get('spanId') ?? '';
  const attrs = params.getAll('attr');
  const attrKey = attrs.join('\u0000');
  const openId = params.get('log') ? Number(params.get('log')) : null;
  const view = params.get('view') === 'patterns' ? 'patterns' : 'records';
  const pattern = params.get('pattern') ?? '';
  const since = params.get('since') ?? 'deploy';
  const patternLimit = Math.min(MAX_PATTERN_LIMIT, Number(params.get('plimit')) || DEFAULT_PATTERN_LIMIT);

  const filter: LogFilter = useMemo(
    () => ({
      q: q || undefined,
      service: service || undefined,
      minSeverity: minSeverity || undefined,
      traceId: traceId || undefined,
      spanId: spanId || undefined,
      attr: attrKey ? attrKey.split('\u0000') : undefined,
      pattern: pattern || undefined,
    }),
    [q, service, minSeverity, traceId, spanId, attrKey, pattern],
  );
  const services = useServices(spec);
  const live = useLive();
  const matcher = useMemo(() => buildMatcher(q), [q]);
  const [following, setFollowing] = useState(true);
  // Live tail is the app's Live switch: pausing here pauses it everywhere, and the switch in the
  // top bar pauses the tail. One idea, one state.
  const ctl = useLogWindow({ range: spec, filter, tail: live.live, paused: false });
  const histogram = ctl.histogram;
  const list = useRef<LogListHandle | null>(null);

  const set = useSetParam();

  const [draftQ, setDraftQ] = useState(q);
  useEffect(() => setDraftQ(q), [q]);
  const [draftTrace, setDraftTrace] = useState(traceId);
  useEffect(() => setDraftTrace(traceId), [traceId]);

  // The drawer's record: from the list when held there, else fetched by id (deep links).
  const single = useQuery({
    queryKey: ['log', openId],
    queryFn: ({ signal }) => call('log', { id: openId! }, signal),
    enabled: openId !== null,
    staleTime: Infinity,
  });
  const openLog = single.data;

  const [cursor, setCursor] = useState<{ id: number; rank: number } | null>(null);
  const moveCursor = (delta: number) => {
    const fromRank = cursor ? (ctl.rankOf(cursor.id) >= 0 ? ctl.rankOf(cursor.id) : cursor.rank) : -1;
    const rank = Math.max(0, Math.min(ctl.total - 1, fromRank + delta));
    const log = ctl.rowAt(rank);
    if (!log) return;
    setCursor({ id: log.id, rank });
    list.current?.scrollToRank(rank);
    if (openId !== null) set('log', String(log.id), true);
  };
  useShortcuts({
    j: () => moveCursor(1),
    k: () => moveCursor(-1),
    Enter: () => cursor && set('log', String(cursor.id)),
  });
  const onSelect = useCallback(
    (log: LogRecord, rank: number) => {
      setCursor({ id: log.id, rank });
      set('log', String(log.id));
    },
    [set],
  );

  // The list's own count once the search's histogram sized it: it grows with the live tail, so
  // the header and the list never disagree.
  const total = histogram.data && ctl.status === 'ready' ? ctl.total : undefined;
  const filtered = !!(q || service || minSeverity || traceId || spanId || attrs.length || pattern);
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
            {filtered ? (
              <button
                type="button"
                className="btn"
                onClick={() =>
                  update((p) => {
                    for (const k of ['q', 'service', 'sev', 'traceId', 'spanId', 'attr', 'log', 'pattern']) p.delete(k);
                  })
                }
              >
                Clear
              </button>
            ) : null}
          </div>
        </div>
        <AttributeFilters
          range={spec}
          service={service}
          attrs={attrs}
          spanId={spanId}
          onChange={(next) =>
            update((p) => {
              p.delete('attr');
              for (const a of next) p.append('attr', a);
              p.delete('log');
            })
          }
          onClearSpan={() => set('spanId', null)}
        />
      </form>
      {pattern ? (
        <div className="active-filters pattern-filter">
          <span className="filter-chip mono" data-testid="pattern-filter">
            pattern {pattern}
            <button type="button" aria-label="Remove the pattern filter" onClick={() => set('pattern', null)}>
              ×
            </button>
          </span>
        </div>
      ) : null}
      <div className="segmented logs-view-switch" role="radiogroup" aria-label="Show">
        {(['records', 'patterns'] as const).map((v) => (
          <button
            key={v}
            type="button"
            role="radio"
            aria-checked={view === v}
            className={`seg${view === v ? ' seg-active' : ''}`}
            onClick={() => set('view', v === 'records' ? null : v)}
          >
            {v === 'records' ? 'Records' : 'Patterns'}
          </button>
        ))}
      </div>
      {histogram.isError ? <ErrorBanner error={histogram.error} onRetry={() => void histogram.refetch()} what="Log search failed" /> : null}
      {ctl.status === 'error' && !histogram.isError ? <ErrorBanner error={ctl.error} onRetry={ctl.restart} what="Log search failed" /> : null}
      <div className="panel">
        {histogram.data ? (
          <LogHistogramChart data={histogram.data} onPickBucket={(from, to) => setRange({ from: String(from), to: String(to) })} />
        ) : (
          <SkeletonBlock height={110} />
        )}
      </div>
      {view === 'patterns' ? (
        <PatternsView
          range={spec}
          filter={filter}
          since={since}
          limit={patternLimit}
          onSince={(v) => set('since', v === 'deploy' ? null : v)}
          onLimit={(n) => set('plimit', String(n))}
          onPick={(template) =>
            update((p) => {
              p.set('pattern', template);
              p.delete('view');
              p.delete('log');
            })
          }
        />
      ) : (
      <>
      <TailBar
        live={live.live}
        allowed={live.allowed}
        streamOpen={live.status === 'open'}
        following={following}
        loading={ctl.loadingMore}
        onStart={() => {
          if (!isRelative(spec)) setRange({ from: 'now-15m', to: 'now' });
          live.setLive(true);
          list.current?.scrollToTop();
        }}
        onPause={() => live.setLive(false)}
      />
      <div className="logs-main">
        {ctl.status === 'loading' ? (
          <SkeletonBlock height={300} />
        ) : ctl.status === 'ready' && ctl.total === 0 ? (
          <EmptyHint title={`No log records match in the ${rangeLabel(spec).toLowerCase()}`}>
            <span>{live.live ? 'Live tail is on: new records will appear here. ' : ''}Loosen the search or widen the time range.</span>
            <button type="button" className="btn btn-small" onClick={() => setRange({ from: 'now-7d', to: 'now' })}>
              Search the last 7 days
            </button>
          </EmptyHint>
        ) : ctl.status === 'ready' ? (
          <LogWindowList ctl={ctl} matcher={matcher} cursorId={openId ?? cursor?.id ?? null} onSelect={onSelect} handle={list} onFollowing={setFollowing} />
        ) : null}
        {openId !== null && openLog ? <LogDetail log={openLog} onClose={() => set('log', null)} /> : null}
        {openId !== null && single.isError ? <ErrorBanner error={single.error} what={`Could not open log record ${openId}`} /> : null}
      </div>
      </>
      )}
    </div>
  );
}

function TailBar({
  live,
  allowed,
  streamOpen,
  following,
  loading,
  onStart,
  onPause,
}: {
  live: boolean;
  allowed: boolean;
  streamOpen: boolean;
  following: boolean;
  loading: boolean;
  onStart: () => void;
  onPause: () => void;
}) {
  return (
    <div className={`tail-bar${live ? ' tail-on' : ''}`} data-testid="tail-bar">
      {!allowed ? (
        <>
          <span className="tail-dot" aria-hidden />
          <span className="muted">A fixed time range: the list does not grow.</span>
          <button type="button" className="btn btn-small" onClick={onStart}>
            Tail the last 15 minutes
          </button>
        </>
      ) : !live ? (
        <>
          <span className="tail-dot tail-dot-paused" aria-hidden />
          <b>Paused</b>
          <span className="muted">Live updates are paused on every page; new records are added when you resume.</span>
          <button type="button" className="btn btn-small btn-primary" onClick={onStart} title="Resume live updates (the Live switch in the top bar)">
            Resume
          </button>
        </>
      ) : (
        <>
          <span className="tail-dot" aria-hidden />
          <b>Live tail</b>
          <span className="muted">
            {!streamOpen ? 'connecting…' : following ? 'following the newest records' : 'new records arrive above; scroll to the top to follow'}
          </span>
          <button type="button" className="btn btn-small" onClick={onPause} title="Pause live updates on every page (the Live switch in the top bar)">
            Pause
          </button>
        </>
      )}
      {loading ? (
        <span className="tail-stats muted small">
          <Spinner />
        </span>
      ) : null}
    </div>
  );
}

function AttributeFilters({
  range,
  service,
  attrs,
  spanId,
  onChange,
  onClearSpan,
}: {
  range: { from: string; to: string };
  service: string;
  attrs: string[];
  spanId: string;
  onChange: (attrs: string[]) => void;
  onClearSpan: () => void;
}) {
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const keys = useAttributeKeys(range, 'logs', service);
  const values = useAttributeValues(range, 'logs', key.trim(), service);
  const add = () => {
    const k = key.trim();
    if (!k) return;
    onChange([...new Set([...attrs, `${k}=${value.trim()}`])]);
    setKey('');
    setValue('');
  };
  return (
    <div className="form-row form-row-attrs">
      <div className="field field-attr">
        <span>Attribute</span>
        <div
          className="attr-input"
          onKeyDown={(e) => {
            // Enter in the value adds the filter instead of submitting the search.
            if (e.key === 'Enter' && key.trim() && (e.target as HTMLElement).getAttribute('aria-label') === 'Log attribute value') {
              e.preventDefault();
              add();
            }
          }}
        >
          <Combobox
            label="Log attribute key"
            value={key}
            onChange={setKey}
            suggestions={(keys.data ?? []).map((k) => ({ value: k.key, hint: formatCount(k.count) }))}
            placeholder="key"
            loading={keys.isFetching}
            mono
          />
          <span className="attr-eq">=</span>
          <Combobox
            label="Log attribute value"
            value={value}
            onChange={setValue}
            suggestions={(values.data ?? []).map((v) => ({ value: v.value, hint: formatCount(v.count) }))}
            placeholder="value"
            loading={values.isFetching}
            mono
          />
          <button type="button" className="btn btn-small" onClick={add} disabled={!key.trim()} title="Add this attribute filter">
            Add
          </button>
        </div>
      </div>
      <div className="active-filters">
        {spanId ? (
          <span className="filter-chip mono">
            span {spanId}
            <button type="button" aria-label="Remove the span filter" onClick={onClearSpan}>
              ×
            </button>
          </span>
        ) : null}
        {attrs.map((a) => (
          <span key={a} className="filter-chip mono">
            {a}
            <button type="button" aria-label={`Remove ${a}`} onClick={() => onChange(attrs.filter((x) => x !== a))}>
              ×
            </button>
          </span>
        ))}
      </div>
    </div>
  );
}
