import { describe, expect, it } from 'vitest';
import type { LogHistogram, LogRecord } from '../../../../common/api/log-schemas';
import {
  emptyWindow,
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

function rec(id: number, time: number): LogRecord {
  return {
    id,
    cursor: `${Math.round(time * 1e6)}:${id}`,
    time,
    timeUnixNano: String(Math.round(time * 1e6)),
    observedTimeUnixNano: '0',
    service: 'svc',
    severityNumber: 9,
    severityText: 'INFO',
    body: `record ${id}`,
    traceId: '',
    spanId: '',
    eventName: '',
    attributes: {},
  };
}

/** The API's semantics: inclusive whole-millisecond bounds, id bounds, order, limit. */
function serve(all: LogRecord[], order: LogOrder, req: PageRequest): LogRecord[] {
  const from = req.from !== undefined ? Math.floor(req.from) : -Infinity;
  const to = req.to !== undefined ? Math.floor(req.to) : Infinity;
  const dir = req.order === 'asc' ? 1 : -1;
  return all
    .filter((r) => r.time >= from && r.time <= to && (req.before === undefined || r.id < req.before) && (req.after === undefined || r.id > req.after))
    .sort((a, b) => (order === 'id' ? (a.id - b.id) * dir : (a.time - b.time || a.id - b.id) * dir))
    .slice(0, req.limit);
}

/** Newest first, as the list shows them. */
const listOrder = (all: LogRecord[], order: LogOrder) => serve(all, order, { order: 'desc', limit: Infinity });

/** 3,000 records at a steady rate, with bursts sharing a millisecond and some arriving late. */
function dataset(): LogRecord[] {
  const out: LogRecord[] = [];
  let id = 1;
  for (let i = 0; i < 3000; i++) {
    const t = 1_000_000 + i * 1.37;
    out.push(rec(id++, t));
    if (i % 100 === 0) for (let k = 0; k < 30; k++) out.push(rec(id++, Math.floor(t) + 0.25));
  }
  // Late arrivals: higher ids, older times.
  for (let i = 0; i < 50; i++) out.push(rec(id++, 1_000_000 + i * 40.1));
  return out;
}

function pageOlderToEnd(w: LogWindow, all: LogRecord[], order: LogOrder, page: number): LogWindow {
  for (let guard = 0; guard < 10_000; guard++) {
    const req = olderRequest(w, order, page);
    if (!req) return w;
    w = mergeOlder(w, serve(all, order, req), req);
  }
  throw new Error('paging did not end');
}

describe('log window paging', () => {
  for (const order of ['time', 'id'] as const) {
    it(`pages older by keyset to exactly the whole list (${order} order), ties and late arrivals included`, () => {
      const all = dataset();
      const first = serve(all, order, { order: 'desc', limit: 200 });
      let w: LogWindow = { ...emptyWindow(all.length), rows: first };
      w = pageOlderToEnd(w, all, order, 200);
      expect(w.atOldest).toBe(true);
      expect(w.total).toBe(all.length);
      expect(w.rows.map((r) => r.id)).toEqual(listOrder(all, order).map((r) => r.id));
    });
  }

  it('gets through a millisecond holding more records than one request returns', () => {
    const all: LogRecord[] = [];
    for (let i = 0; i < 300; i++) all.push(rec(all.length + 1, 2000 + i));
    for (let i = 0; i < 5200; i++) all.push(rec(all.length + 1, 1999.5));
    for (let i = 0; i < 300; i++) all.push(rec(all.length + 1, 1000 + i));
    const first = serve(all, 'time', { order: 'desc', limit: 400 });
    const w = pageOlderToEnd({ ...emptyWindow(all.length), rows: first }, all, 'time', 400);
    expect(w.rows.map((r) => r.id)).toEqual(listOrder(all, 'time').map((r) => r.id));
  });

  it('after a jump, pages newer back to the top and lines up with the list', () => {
    const all = dataset();
    const list = listOrder(all, 'time');
    // Start somewhere in the middle, at an estimated position that is off by 40.
    const mid = list[1500];
    const req: PageRequest = { order: 'desc', limit: 200, to: Math.floor(mid.time) + 1 };
    const page = serve(all, 'time', req);
    let w: LogWindow = { ...emptyWindow(all.length), start: 1540, rows: page, atNewest: false };
    let shifted = 0;
    for (let guard = 0; guard < 1000; guard++) {
      const r = newerRequest(w, 'time', 200);
      if (!r) break;
      const merged = mergeNewer(w, serve(all, 'time', r), r);
      w = merged.window;
      shifted += merged.shift;
    }
    expect(w.atNewest).toBe(true);
    expect(w.start).toBe(0);
    expect(shifted).not.toBe(0);
    const held = w.rows.map((r) => r.id);
    expect(held).toEqual(list.slice(0, held.length).map((r) => r.id));
  });

  it('puts live arrivals on top when the run holds the top, and moves the run down otherwise', () => {
    const base: LogWindow = { ...emptyWindow(3), rows: [rec(3, 30), rec(2, 20), rec(1, 10)], newestId: 3 };
    const top = mergeTail(base, [rec(3, 30), rec(4, 40), rec(5, 50)]);
    expect(top.added).toBe(2);
    expect(top.window.rows.map((r) => r.id)).toEqual([5, 4, 3, 2, 1]);
    expect(top.window.total).toBe(5);
    expect(top.window.newestId).toBe(5);

    const deep = mergeTail({ ...base, start: 100, total: 500, atNewest: false }, [rec(4, 40)]);
    expect(deep.window.start).toBe(101);
    expect(deep.window.total).toBe(501);
    expect(rowAt(deep.window, 101)?.id).toBe(3);
  });

  it('trims the far side, keeping the viewport', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => rec(1000 - i, 1000 - i));
    const w: LogWindow = { ...emptyWindow(5000), start: 2000, rows, atNewest: false };
    const t = trimWindow(w, 2800, 2830, 300);
    expect(t.rows).toHaveLength(300);
    expect(t.start).toBeLessThanOrEqual(2800);
    expect(t.start + t.rows.length).toBeGreaterThan(2830);
    expect(rowAt(t, 2815)?.id).toBe(rowAt(w, 2815)?.id);
  });
});

describe('time at a list position', () => {
  const h: LogHistogram = {
    start: 0,
    stepMs: 1000,
    bands: ['INFO', 'ERROR'],
    counts: [
      [100, 0, 300, 100],
      [0, 0, 100, 0],
    ],
    total: 600,
  };
  it('walks from the newest bucket and interpolates inside one', () => {
    // Newest bucket [3000, 4000) holds ranks 0–99.
    expect(timeAtRank(h, 0)).toBe(4000);
    expect(timeAtRank(h, 50)).toBe(3500);
    // The next non-empty bucket [2000, 3000) holds ranks 100–499.
    expect(timeAtRank(h, 300)).toBe(2500);
    // The empty bucket is skipped: rank 500 is in [0, 1000).
    expect(timeAtRank(h, 550)).toBe(500);
    expect(timeAtRank(h, 10_000)).toBe(0);
  });
});
