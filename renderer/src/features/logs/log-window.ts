// A window of a log list too long to hold (a million records and more): the scrollbar stands
// for every matching record (the count comes from the histogram), but only a contiguous run
// of records around the viewport is in memory. The run grows page by page at either end with
// keyset requests and is trimmed on the far side; a jump far away (dragging the scrollbar)
// starts a new run at the time the histogram says that position corresponds to.
//
// The order is the API's: newest first by time (ties by id), or by id when a full-text query
// is set (FTS5 hands matches out in rowid order). Keyset requests follow the same order:
//   by time — older: `to` = the last record's millisecond (inclusive, so records sharing that
//             millisecond come back and are dropped as already held); newer: `from` = the first
//             record's millisecond, ascending;
//   by id   — older: `before` = last id; newer: `after` = first id, ascending.
import type { LogHistogram, LogRecord } from '../../../../common/api/log-schemas';

export type LogOrder = 'time' | 'id';

export interface LogWindow {
  /** Records the list stands for (the scrollbar's extent). */
  total: number;
  /** List position (rank) of rows[0]. */
  start: number;
  /** A contiguous run of the list, in list order. */
  rows: LogRecord[];
  /** rows[0] is the newest record of the list; rows[last] the oldest. */
  atNewest: boolean;
  atOldest: boolean;
  /** The highest record id seen (live tail continues after it). */
  newestId: number;
  /**
   * A millisecond holding more records than one request returns is paged through by id; once
   * that runs dry, the next request continues past the millisecond.
   */
  olderDoneMs?: number;
  newerDoneMs?: number;
}

export interface PageRequest {
  order: 'asc' | 'desc';
  limit: number;
  from?: number;
  to?: number;
  before?: number;
  after?: number;
}

export const MAX_LIMIT = 5000;

export function emptyWindow(total = 0): LogWindow {
  return { total, start: 0, rows: [], atNewest: true, atOldest: false, newestId: 0 };
}

const msFloor = (r: LogRecord) => Math.floor(r.time);

/** How many held records at the tail end share the last record's millisecond. */
function tailSameMs(rows: LogRecord[]): number {
  if (!rows.length) return 0;
  const ms = msFloor(rows[rows.length - 1]);
  let k = 0;
  for (let i = rows.length - 1; i >= 0 && msFloor(rows[i]) <= ms; i--) k++;
  return k;
}

/** How many held records at the head share the first record's millisecond (or are older). */
function headSameMs(rows: LogRecord[]): number {
  if (!rows.length) return 0;
  const ms = msFloor(rows[0]);
  let k = 0;
  for (let i = 0; i < rows.length && msFloor(rows[i]) >= ms; i++) k++;
  return k;
}

/** Held records whose time is exactly on a millisecond boundary `ms` (an inclusive bound returns them again). */
function onBoundary(rows: LogRecord[], ms: number): number {
  let k = 0;
  for (const r of rows) if (r.time === ms) k++;
  return k;
}

/** The request for the page after the last held record (older records). */
export function olderRequest(w: LogWindow, order: LogOrder, page: number): PageRequest | null {
  if (w.atOldest || !w.rows.length) return null;
  const last = w.rows[w.rows.length - 1];
  if (order === 'id') return { order: 'desc', limit: page, before: last.id };
  const ms = msFloor(last);
  if (w.olderDoneMs === ms) return { order: 'desc', limit: Math.min(MAX_LIMIT, page + onBoundary(w.rows, ms)), to: ms };
  const repeat = tailSameMs(w.rows);
  // More records share this millisecond than one request holds: page through it by id.
  if (repeat + page > MAX_LIMIT) return { order: 'desc', limit: page, before: last.id, from: ms, to: ms + 1 };
  return { order: 'desc', limit: page + repeat, to: ms + 1 };
}

/** The request for the page before the first held record (newer records), ascending. */
export function newerRequest(w: LogWindow, order: LogOrder, page: number): PageRequest | null {
  if (w.atNewest || !w.rows.length) return null;
  const first = w.rows[0];
  if (order === 'id') return { order: 'asc', limit: page, after: first.id };
  const ms = msFloor(first);
  if (w.newerDoneMs === ms) return { order: 'asc', limit: page, from: ms + 1 };
  const repeat = headSameMs(w.rows);
  if (repeat + page > MAX_LIMIT) return { order: 'asc', limit: page, after: first.id, from: ms, to: ms + 1 };
  return { order: 'asc', limit: page + repeat, from: ms };
}

const withinOneMs = (req: PageRequest) => req.from !== undefined && req.to !== undefined && req.to - req.from === 1;

function maxId(rows: LogRecord[], start: number): number {
  let m = start;
  for (const r of rows) if (r.id > m) m = r.id;
  return m;
}

/** Appends an older page (newest first, as the API returned it). */
export function mergeOlder(w: LogWindow, page: LogRecord[], req: PageRequest): LogWindow {
  const held = new Set(w.rows.map((r) => r.id));
  const fresh = page.filter((r) => !held.has(r.id));
  const rows = w.rows.concat(fresh);
  const short = page.length < req.limit;
  // Paging inside one millisecond: a short page ends that millisecond, not the list.
  const inMs = withinOneMs(req);
  const atOldest = short && !inMs;
  const next: LogWindow = { ...w, rows, atOldest, newestId: maxId(fresh, w.newestId) };
  if (inMs && short) next.olderDoneMs = req.from;
  if (atOldest) next.total = next.start + rows.length;
  else if (next.start + rows.length > next.total) next.total = next.start + rows.length;
  return next;
}

/**
 * Prepends a newer page (oldest first, as an ascending request returns it). Returns the new
 * window and `shift`: how many ranks the held records moved (when the run turns out to reach
 * the newest record at another position than estimated), for the view to follow.
 */
export function mergeNewer(w: LogWindow, page: LogRecord[], req: PageRequest): { window: LogWindow; shift: number } {
  const held = new Set(w.rows.map((r) => r.id));
  const fresh = page.filter((r) => !held.has(r.id)).reverse();
  const short = page.length < req.limit;
  const inMs = withinOneMs(req);
  const rows = fresh.concat(w.rows);
  let start = w.start - fresh.length;
  let shift = 0;
  const atNewest = short && !inMs;
  if (atNewest && start !== 0) {
    shift = -start;
    start = 0;
  } else if (start < 0) {
    shift = -start;
    start = 0;
  }
  const total = Math.max(w.total + Math.max(0, shift), start + rows.length);
  const next: LogWindow = { ...w, rows, start, atNewest, total, newestId: maxId(fresh, w.newestId) };
  if (inMs && short) next.newerDoneMs = req.from;
  return { window: next, shift };
}

/** Records that arrived after `newestId` (live tail), ascending; they go above everything. */
export function mergeTail(w: LogWindow, arrivedAsc: LogRecord[]): { window: LogWindow; added: number } {
  const fresh = arrivedAsc.filter((r) => r.id > w.newestId);
  if (!fresh.length) return { window: w, added: 0 };
  const newestId = maxId(fresh, w.newestId);
  if (w.atNewest && w.start === 0) {
    const held = new Set(w.rows.map((r) => r.id));
    const add = fresh.filter((r) => !held.has(r.id)).reverse();
    return { window: { ...w, rows: add.concat(w.rows), total: w.total + add.length, newestId }, added: add.length };
  }
  // The run does not hold the top of the list: everything held moves down by the arrivals.
  return { window: { ...w, start: w.start + fresh.length, total: w.total + fresh.length, newestId, atNewest: false }, added: fresh.length };
}

/** Drops held records far from the viewport [first, last] so at most `max` stay. */
export function trimWindow(w: LogWindow, first: number, last: number, max: number): LogWindow {
  if (w.rows.length <= max) return w;
  const center = (first + last) / 2;
  let lo = Math.round(center - max / 2) - w.start;
  lo = Math.max(0, Math.min(w.rows.length - max, lo));
  const hi = lo + max;
  return {
    ...w,
    rows: w.rows.slice(lo, hi),
    start: w.start + lo,
    atNewest: lo === 0 ? w.atNewest : false,
    atOldest: hi >= w.rows.length ? w.atOldest : false,
  };
}

/**
 * The time (unix ms) at which the record at list position `rank` is expected, from the
 * histogram's per-bucket counts: walk from the newest bucket and interpolate inside the one
 * that holds the rank.
 */
export function timeAtRank(h: LogHistogram, rank: number): number {
  const buckets = h.counts[0]?.length ?? 0;
  const per = new Array<number>(buckets).fill(0);
  for (const band of h.counts) for (let i = 0; i < buckets; i++) per[i] += band[i];
  let seen = 0;
  for (let i = buckets - 1; i >= 0; i--) {
    if (per[i] === 0) continue;
    if (seen + per[i] > rank) {
      const into = (rank - seen) / per[i];
      return h.start + (i + 1 - into) * h.stepMs;
    }
    seen += per[i];
  }
  return h.start;
}

/** The held record at a list position, if any. */
export function rowAt(w: LogWindow, rank: number): LogRecord | undefined {
  return w.rows[rank - w.start];
}

/** Whether the viewport [first, last] is far enough from the held run to start a new one. */
export function isJump(w: LogWindow, first: number, last: number, page: number): boolean {
  if (!w.rows.length) return true;
  const end = w.start + w.rows.length;
  return last < w.start - page || first > end + page;
}
