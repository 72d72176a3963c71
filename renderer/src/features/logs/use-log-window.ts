// Drives a LogWindow against the API for the Logs page: the first page and the histogram of a
// search (its total sizes the scrollbar), pages at either end as the viewport nears them, jumps,
// and the live tail. A search is a snapshot: a relative time range is resolved once when it
// starts and the list stays open upwards, where live records arrive.
//
// Live tail: the query below reads the `logs` table, so the live stream's `ingest` events that
// name `logs` invalidate it (at most once a second); each run fetches what arrived after the
// newest id held (`after=<id>`, ascending) and puts it on top. Paused, arrivals wait in a buffer.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { call } from '../../api/client';
import type { LogFilter } from '../../api/hooks';
import type { QueryMeta } from '../../api/query';
import { isRelative, resolveRange, type RangeSpec } from '../../app/time-range';
import type { LogHistogram, LogRecord } from '../../../../common/api/log-schemas';
import {
  MAX_LIMIT,
  emptyWindow,
  isJump,
  mergeNewer,
  mergeOlder,
  mergeTail,
  newerRequest,
  olderRequest,
  rowAt,
  timeAtRank,
  trimWindow,
  type LogOrder,
  type LogWindow,
  type PageRequest,
} from './log-window';
import { useLogHistogramPaced } from './use-log-histogram';

/** Records per request while scrolling; held records at most; how early to fetch ahead. */
export const PAGE = 500;
const MAX_HELD = 6000;
const MARGIN = 250;
const BUFFER_MAX = MAX_LIMIT;
const OPEN_END_MS = 86_400_000;

export interface LogWindowEvents {
  /** Held records moved by `rows` ranks (records inserted above, or a corrected estimate). */
  onShift?: (rows: number, reason: 'tail' | 'estimate') => void;
}

export interface LogWindowController {
  /** Changes whenever the held records do (re-render trigger). */
  version: number;
  status: 'loading' | 'ready' | 'error';
  error: unknown;
  total: number;
  /** The run held in memory (for a status line and tests). */
  held: { start: number; count: number };
  rowAt: (rank: number) => LogRecord | undefined;
  rankOf: (id: number) => number;
  /** The viewport shows ranks [first, last]: fetch what it needs. */
  ensure: (first: number, last: number) => void;
  events: React.MutableRefObject<LogWindowEvents>;
  /** Records above this id arrived with the live tail at `at` (to mark them for a moment). */
  fresh: { id: number; at: number };
  /** Arrivals waiting while paused (capped; `overflow` when more came). */
  buffered: number;
  overflow: boolean;
  loadingMore: boolean;
  restart: () => void;
  /** The search's histogram (severity bands over time, and the count). */
  histogram: UseQueryResult<LogHistogram>;
}

interface Snapshot {
  seq: number;
  startedAt: number;
  from: number;
  /** null: open upwards (a relative range, where live records arrive). */
  to: number | null;
  order: LogOrder;
  histogram: LogHistogram | null;
}

export function useLogWindow({
  range,
  filter,
  tail,
  paused,
}: {
  range: RangeSpec;
  filter: LogFilter;
  tail: boolean;
  paused: boolean;
}): LogWindowController {
  const [version, setVersion] = useState(0);
  const [status, setStatus] = useState<LogWindowController['status']>('loading');
  const [error, setError] = useState<unknown>(null);
  const [restarts, setRestarts] = useState(0);
  const [loadingMore, setLoadingMore] = useState(false);
  const win = useRef<LogWindow>(emptyWindow());
  const snap = useRef<Snapshot | null>(null);
  const events = useRef<LogWindowEvents>({});
  const busy = useRef<{ older: AbortController | null; newer: AbortController | null; jump: AbortController | null }>({ older: null, newer: null, jump: null });
  const viewport = useRef<[number, number]>([0, 40]);
  const lastJump = useRef<number | null>(null);
  const buffer = useRef<LogRecord[]>([]);
  const tailAdded = useRef(0);
  const fresh = useRef({ id: Infinity, at: 0 });
  const [buffered, setBuffered] = useState(0);
  const [overflow, setOverflow] = useState(false);
  const bump = useCallback(() => setVersion((v) => v + 1), []);

  const filterKey = JSON.stringify(filter);
  const searchKey = `${filterKey}|${range.from}|${range.to}|${restarts}`;
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const stableFilter = useMemo(() => filter, [filterKey]);

  const fetchPage = useCallback(
    (req: PageRequest, signal: AbortSignal) => {
      const s = snap.current!;
      const upper = s.to ?? Date.now() + OPEN_END_MS;
      return call(
        'logs',
        {
          ...stableFilter,
          order: req.order,
          limit: req.limit,
          before: req.before,
          after: req.after,
          from: Math.max(s.from, req.from ?? -Infinity),
          to: Math.min(upper, req.to ?? Infinity),
        },
        signal,
      );
    },
    [stableFilter],
  );

  // A new search: reset and load the newest page with the histogram.
  useEffect(() => {
    for (const c of Object.values(busy.current)) c?.abort();
    busy.current = { older: null, newer: null, jump: null };
    const resolved = resolveRange(range);
    const s: Snapshot = {
      seq: (snap.current?.seq ?? 0) + 1,
      startedAt: Date.now(),
      from: resolved.from,
      to: isRelative(range) ? null : resolved.to,
      order: stableFilter.q ? 'id' : 'time',
      histogram: null,
    };
    snap.current = s;
    win.current = emptyWindow();
    tailAdded.current = 0;
    fresh.current = { id: Infinity, at: 0 };
    buffer.current = [];
    lastJump.current = null;
    setBuffered(0);
    setOverflow(false);
    setStatus('loading');
    setError(null);
    bump();
    const ctl = new AbortController();
    busy.current.jump = ctl;
    // The first page shows at once; the count (for the scrollbar) comes with the histogram,
    // which over a million records takes the core far longer.
    fetchPage({ order: 'desc', limit: PAGE }, ctl.signal).then(
      (rows) => {
        if (snap.current !== s) return;
        const atOldest = rows.length < PAGE;
        win.current = {
          ...emptyWindow(rows.length),
          rows,
          atOldest,
          newestId: rows.reduce((m, r) => Math.max(m, r.id), 0),
        };
        busy.current.jump = null;
        setStatus('ready');
        bump();
      },
      (e: unknown) => {
        if (ctl.signal.aborted || snap.current !== s) return;
        busy.current.jump = null;
        setError(e);
        setStatus('error');
      },
    );
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [searchKey]);

  // The histogram is asked for once the first page is in: the core answers one request at a
  // time, and over a million records the count takes seconds the first rows should not wait.
  const histogramQuery = useLogHistogramPaced(range, filter, tail, status !== 'loading');
  const histogram = { data: histogramQuery.isPlaceholderData ? undefined : histogramQuery.data, fetchedAt: histogramQuery.dataUpdatedAt };

  // Adopt the first histogram fetched for this search (a cached one if recent): its total is the list's extent (plus
  // what the live tail adds), its buckets place jumps. Later refreshes do not move the list.
  const adoptable = histogram.data && status === 'ready' && snap.current && !snap.current.histogram && histogram.fetchedAt >= snap.current.startedAt - 30_000;
  useEffect(() => {
    const s = snap.current;
    if (!adoptable || !s || !histogram.data) return;
    s.histogram = histogram.data;
    const w = win.current;
    if (!w.atOldest) win.current = { ...w, total: Math.max(w.total, histogram.data.total + tailAdded.current, w.start + w.rows.length) };
    bump();
  }, [adoptable, histogram.data, bump]);

  const ensure = useCallback(
    (first: number, last: number) => {
      viewport.current = [first, last];
      const s = snap.current;
      if (!s || busy.current.jump) return;
      const w = win.current;
      if (isJump(w, first, last, PAGE)) {
        if (!s.histogram) return;
        // Do not chase a position the same estimate already failed to reach.
        if (lastJump.current === first) return;
        lastJump.current = first;
        void jump(first, last);
        return;
      }
      if (first - MARGIN < w.start && !w.atNewest) void extend('newer');
      if (last + MARGIN > w.start + w.rows.length && !w.atOldest) void extend('older');
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [fetchPage],
  );

  async function extend(dir: 'older' | 'newer') {
    if (busy.current[dir]) return;
    const s = snap.current!;
    const req = dir === 'older' ? olderRequest(win.current, s.order, PAGE) : newerRequest(win.current, s.order, PAGE);
    if (!req) return;
    const ctl = new AbortController();
    busy.current[dir] = ctl;
    setLoadingMore(true);
    try {
      const page = await fetchPage(req, ctl.signal);
      if (snap.current !== s || ctl.signal.aborted) return;
      if (dir === 'older') win.current = mergeOlder(win.current, page, req);
      else {
        const { window, shift } = mergeNewer(win.current, page, req);
        win.current = window;
        if (shift) events.current.onShift?.(shift, 'estimate');
      }
      const [first, last] = viewport.current;
      win.current = trimWindow(win.current, first, last, MAX_HELD);
      bump();
    } catch (e) {
      if (!ctl.signal.aborted) setError(e);
    } finally {
      if (busy.current[dir] === ctl) busy.current[dir] = null;
      setLoadingMore(!!(busy.current.older || busy.current.newer));
    }
    // The viewport may need more than one page (a fast scroll).
    const [first, last] = viewport.current;
    ensure(first, last);
  }

  async function jump(first: number, last: number) {
    const s = snap.current!;
    busy.current.older?.abort();
    busy.current.newer?.abort();
    busy.current.older = busy.current.newer = null;
    const ctl = new AbortController();
    busy.current.jump = ctl;
    setLoadingMore(true);
    try {
      const around = Math.max(0, Math.floor((first + last) / 2));
      const at = timeAtRank(s.histogram!, around);
      const olderReq: PageRequest = { order: 'desc', limit: PAGE, to: Math.floor(at) + 1 };
      const newerReq: PageRequest = { order: 'asc', limit: Math.round(PAGE / 2), from: Math.floor(at) + 1 };
      const [older, newer] = await Promise.all([fetchPage(olderReq, ctl.signal), fetchPage(newerReq, ctl.signal)]);
      if (snap.current !== s || ctl.signal.aborted) return;
      const total = win.current.total;
      let w: LogWindow = { ...emptyWindow(total), start: around, rows: older, atNewest: false, atOldest: older.length < PAGE, newestId: win.current.newestId };
      if (w.atOldest) w.total = around + older.length;
      const merged = mergeNewer(w, newer, newerReq);
      w = merged.window;
      w.newestId = Math.max(w.newestId, win.current.newestId);
      win.current = w;
      if (merged.shift) events.current.onShift?.(merged.shift, 'estimate');
      bump();
    } catch (e) {
      if (!ctl.signal.aborted) setError(e);
    } finally {
      if (busy.current.jump === ctl) busy.current.jump = null;
      setLoadingMore(false);
    }
    const [f, l] = viewport.current;
    ensure(f, l);
  }

  // Live tail (see the header comment). Runs on every invalidation while live.
  const tailing = tail && status === 'ready';
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  useQuery({
    queryKey: ['logs-tail', searchKey],
    enabled: tailing,
    meta: { tables: ['logs'] } satisfies QueryMeta,
    gcTime: 0,
    queryFn: async ({ signal }) => {
      const s = snap.current;
      if (!s) return 0;
      let after = Math.max(win.current.newestId, buffer.current.reduce((m, r) => Math.max(m, r.id), 0));
      let got = 0;
      for (let round = 0; round < 4; round++) {
        const rows = await call('logs', { ...stableFilter, order: 'asc', after, limit: MAX_LIMIT, from: s.from, to: Date.now() + OPEN_END_MS }, signal);
        if (snap.current !== s) return 0;
        if (rows.length) after = rows[rows.length - 1].id;
        got += rows.length;
        deliver(rows);
        if (rows.length < MAX_LIMIT) break;
      }
      return got;
    },
  });

  function deliver(rows: LogRecord[]) {
    if (!rows.length) return;
    if (pausedRef.current) {
      const room = BUFFER_MAX - buffer.current.length;
      if (rows.length > room) setOverflow(true);
      buffer.current = buffer.current.concat(rows.slice(0, Math.max(0, room)));
      setBuffered(buffer.current.length);
      return;
    }
    const before = win.current.newestId;
    const { window, added } = mergeTail(win.current, rows);
    if (added) fresh.current = { id: before, at: Date.now() };
    win.current = window;
    tailAdded.current += added;
    if (added) {
      events.current.onShift?.(added, 'tail');
      const [first, last] = viewport.current;
      win.current = trimWindow(win.current, first + added, last + added, MAX_HELD);
      bump();
    }
  }

  // Resuming delivers what waited; after an overflow the search starts again at the top.
  useEffect(() => {
    if (paused || (!buffer.current.length && !overflow)) return;
    if (overflow) {
      setRestarts((r) => r + 1);
      return;
    }
    const rows = buffer.current;
    buffer.current = [];
    setBuffered(0);
    deliver(rows);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [paused]);

  const w = win.current;
  return {
    version,
    status,
    error,
    total: w.total,
    held: { start: w.start, count: w.rows.length },
    rowAt: (rank: number) => rowAt(win.current, rank),
    rankOf: (id: number) => {
      const i = win.current.rows.findIndex((r) => r.id === id);
      return i < 0 ? -1 : win.current.start + i;
    },
    ensure,
    events,
    fresh: fresh.current,
    buffered,
    overflow,
    loadingMore,
    restart: () => setRestarts((r) => r + 1),
    histogram: histogramQuery,
  };
}
