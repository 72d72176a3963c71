// The Logs page's list: the scrollbar covers every matching record (a million and more), the
// rows come from a LogWindow that holds only the records around the viewport.
//
// Rows have one fixed height, so the first visible position is scrollTop / height and nothing
// is measured. A hand-written window rather than @tanstack/react-virtual: that one keeps a
// measurement per item, rebuilt when the count changes — a million entries, rebuilt on every
// live arrival. Browsers also cap an element's height (Chromium near 33.5M px, Firefox near
// 17.8M), so beyond MAX_PX the scroll range is scaled: the scrollbar maps onto the whole list,
// the wheel moves row by row (handled here), and the rows sit in a layer that stays in view.
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { LogRecord } from '../../../../common/api/log-schemas';
import { formatCount } from '../../ui/format';
import { LogCells, logBand } from './LogCells';
import type { LogWindowController } from './use-log-window';

export const ROW = 26;
const MAX_PX = 15_000_000;
const OVERSCAN = 12;

export interface LogListHandle {
  scrollToRank: (rank: number) => void;
  scrollToTop: () => void;
}

export function LogWindowList({
  ctl,
  matcher,
  cursorId,
  onSelect,
  handle,
  onFollowing,
  testId = 'log-list',
}: {
  ctl: LogWindowController;
  matcher: RegExp | null;
  cursorId: number | null;
  onSelect: (log: LogRecord, rank: number) => void;
  handle?: React.MutableRefObject<LogListHandle | null>;
  /** Whether the view is pinned to the newest record. */
  onFollowing?: (following: boolean) => void;
  testId?: string;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const vTop = useRef(0);
  const [vh, setVh] = useState(600);
  const [, setTick] = useState(0);
  const frame = useRef<number | null>(null);
  const [newCount, setNewCount] = useState(0);
  const following = useRef(true);

  const total = ctl.total;
  const totalPx = total * ROW;
  const scaled = totalPx > MAX_PX;
  const spacer = scaled ? MAX_PX : totalPx;
  const maxV = Math.max(0, totalPx - vh);
  const scale = scaled ? maxV / Math.max(1, spacer - vh) : 1;
  const geometry = useRef({ scale, maxV });
  geometry.current = { scale, maxV };

  const setFollowing = useCallback(
    (on: boolean) => {
      if (following.current === on) return;
      following.current = on;
      if (on) setNewCount(0);
      onFollowing?.(on);
    },
    [onFollowing],
  );

  const schedule = useCallback(() => {
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      setTick((t) => t + 1);
    });
  }, []);

  /** Moves the view to a virtual offset (unscaled px) and the scrollbar with it. */
  const moveTo = useCallback(
    (v: number) => {
      const { scale: s, maxV: m } = geometry.current;
      vTop.current = Math.max(0, Math.min(m, v));
      const el = scroller.current;
      if (el) {
        const st = vTop.current / s;
        if (Math.abs(el.scrollTop - st) > 0.5) el.scrollTop = st;
      }
      setFollowing(vTop.current < ROW / 2);
      schedule();
    },
    [schedule, setFollowing],
  );

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setVh(el.clientHeight));
    ro.observe(el);
    setVh(el.clientHeight);
    return () => ro.disconnect();
  }, []);

  // Keep the scrollbar where the view is when the extent or the scale changes.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (vTop.current > maxV) vTop.current = maxV;
    const st = vTop.current / scale;
    if (Math.abs(el.scrollTop - st) > 0.5) el.scrollTop = st;
  }, [scale, maxV, spacer]);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const onScroll = () => {
      const { scale: s } = geometry.current;
      // Our own scrollTop writes echo back as scroll events: ignore those.
      if (Math.abs(el.scrollTop - vTop.current / s) < 1) return;
      vTop.current = el.scrollTop * s;
      setFollowing(vTop.current < ROW / 2);
      schedule();
    };
    const onWheel = (e: WheelEvent) => {
      if (geometry.current.scale <= 1 || e.ctrlKey) return;
      e.preventDefault();
      const unit = e.deltaMode === 1 ? ROW : e.deltaMode === 2 ? el.clientHeight : 1;
      moveTo(vTop.current + e.deltaY * unit);
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      el.removeEventListener('scroll', onScroll);
      el.removeEventListener('wheel', onWheel);
    };
  }, [moveTo, schedule, setFollowing]);

  // Records inserted above (live tail) keep a reader's place; following, the view stays on top.
  useEffect(() => {
    ctl.events.current.onShift = (rows, reason) => {
      if (reason === 'tail' && following.current) {
        schedule();
        return;
      }
      vTop.current += rows * ROW;
      if (reason === 'tail') setNewCount((n) => n + rows);
      schedule();
    };
  }, [ctl.events, schedule]);

  useEffect(() => {
    if (!handle) return;
    handle.current = {
      scrollToRank: (rank) => {
        const top = rank * ROW;
        if (top < vTop.current) moveTo(top);
        else if (top + ROW > vTop.current + vh) moveTo(top + ROW - vh);
      },
      scrollToTop: () => moveTo(0),
    };
  }, [handle, moveTo, vh]);

  const first = Math.max(0, Math.floor(vTop.current / ROW));
  const last = Math.min(total - 1, Math.floor((vTop.current + vh) / ROW));
  useEffect(() => {
    if (total > 0) ctl.ensure(Math.max(0, first - OVERSCAN), Math.min(total - 1, last + OVERSCAN));
  });

  const from = Math.max(0, first - OVERSCAN);
  const to = Math.min(total - 1, last + OVERSCAN);
  // Scaled: rows sit in a layer pinned to the viewport; otherwise at their own offsets.
  const rowTop = (rank: number) => (scaled ? rank * ROW - vTop.current : rank * ROW);
  const items = [];
  for (let rank = from; rank <= to; rank++) {
    const log = ctl.rowAt(rank);
    items.push(
      log ? (
        <LogRowView
          key={log.id}
          log={log}
          rank={rank}
          top={rowTop(rank)}
          matcher={matcher}
          selected={log.id === cursorId}
          fresh={log.id > ctl.fresh.id && Date.now() - ctl.fresh.at < 2500}
          onSelect={onSelect}
        />
      ) : (
        <div key={`p${rank}`} className="log-row log-row-pending" style={{ transform: `translateY(${rowTop(rank)}px)`, height: ROW }} aria-hidden>
          <span className="skeleton" style={{ width: '70%' }} />
          <span className="skeleton" style={{ width: '80%' }} />
          <span className="skeleton" style={{ width: '60%' }} />
          <span className="skeleton" style={{ width: `${40 + ((rank * 37) % 50)}%` }} />
        </div>
      ),
    );
  }

  return (
    <div className="log-list log-window" data-testid={testId} data-total={total} data-held={ctl.held.count} data-held-start={ctl.held.start}>
      <div className="log-head" role="row">
        <span>Time</span>
        <span>Severity</span>
        <span>Service</span>
        <span>Body</span>
        <span>Trace</span>
      </div>
      <div className="log-scroll" ref={scroller} role="table" aria-rowcount={total} tabIndex={-1}>
        {scaled ? (
          <div className="log-layer" style={{ height: vh, marginBottom: -vh }}>
            {items}
          </div>
        ) : null}
        <div className="log-spacer" style={{ height: spacer }}>
          {scaled ? null : items}
        </div>
      </div>
      {total > 0 ? (
        <div className="log-foot">
          <span className="log-position mono" aria-live="off" data-testid="log-position">
            {(first + 1).toLocaleString()}–{(last + 1).toLocaleString()} of {total.toLocaleString()}
          </span>
        </div>
      ) : null}
      {newCount > 0 ? (
        <button type="button" className="new-pill" onClick={() => moveTo(0)} data-testid="new-pill">
          ↑ {formatCount(newCount)} new
        </button>
      ) : null}
    </div>
  );
}

function LogRowView({
  log: l,
  rank,
  top,
  matcher,
  selected,
  fresh,
  onSelect,
}: {
  log: LogRecord;
  rank: number;
  top: number;
  matcher: RegExp | null;
  selected: boolean;
  /** Just arrived with the live tail. */
  fresh: boolean;
  onSelect: (log: LogRecord, rank: number) => void;
}) {
  return (
    <div
      className={`log-row${selected ? ' log-selected' : ''}${fresh ? ' log-row-new' : ''} ${logBand(l.severityNumber)}`}
      style={{ transform: `translateY(${top}px)`, height: ROW }}
      onClick={() => onSelect(l, rank)}
      role="row"
      aria-rowindex={rank + 1}
      aria-selected={selected}
      data-log-id={l.id}
    >
      <LogCells log={l} matcher={matcher} />
    </div>
  );
}
