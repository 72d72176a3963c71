// The full-text histogram counted from the in-memory marks equals the one read through the
// `logs_marks` index, on a real store: windows that do not start on a second, records on the
// window's last millisecond with and without a sub-millisecond part, service and severity
// filters; and it stays equal after retention removes the oldest records, after new records
// arrive, and after the store empties and gives the same ids out again.
import { afterEach, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyBatch, type LogRecordRow, type TelemetryBatch } from '../../common/model';
import { migrate, openDatabase, type Db } from '../store/database';
import { StoreWriter } from '../store/writer';
import { LogMarks } from './log-marks';
import { logHistogram } from './logs';
import { ReadStore } from './read-store';

const dirs: string[] = [];
const stores: ReadStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const WORDS = ['payment', 'declined', 'deadlock', 'refund', 'timeout', 'retry', 'cache', 'miss'];

function logBatch(service: string, items: LogRecordRow[]): TelemetryBatch {
  const b = emptyBatch();
  b.logs.push({
    resource: { attributes: JSON.stringify({ 'service.name': service }), droppedAttributesCount: 0, schemaUrl: '', serviceName: service, serviceNamespace: '', serviceVersion: '', environment: '' },
    scopes: [{ scope: { name: 'test', version: '', attributes: '{}', droppedAttributesCount: 0, schemaUrl: '' }, items }],
  });
  return b;
}

function record(timeNs: bigint, severityNumber: number, body: string): LogRecordRow {
  return { timeNs, observedNs: timeNs, severityNumber, severityText: '', body, bodyJson: '', traceId: null, spanId: null, flags: 0, eventName: '', attributes: '{}', droppedAttributesCount: 0 };
}

/** `n` records over the hour before `endMs`, in 3 services, with every severity number. */
function writeLogs(writer: StoreWriter, endMs: number, n: number, seed: number): void {
  let s = seed;
  const rand = () => ((s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const byService = new Map<string, LogRecordRow[]>();
  for (let i = 0; i < n; i++) {
    const ms = Math.floor(endMs - rand() * 3_600_000);
    // A third of the records on a whole millisecond, the rest with a sub-millisecond part.
    const ns = BigInt(ms) * 1_000_000n + (i % 3 === 0 ? 0n : BigInt(1 + Math.floor(rand() * 999_999)));
    const body = Array.from({ length: 4 }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
    const service = `svc-${i % 3}`;
    const list = byService.get(service) ?? [];
    list.push(record(ns, i % 25, body));
    byService.set(service, list);
  }
  writer.write([...byService].map(([service, items]) => logBatch(service, items)));
}

function setup(): { dir: string; db: Db; writer: StoreWriter; plain: ReadStore; marked: ReadStore } {
  const dir = mkdtempSync(join(tmpdir(), 'loupe-marks-'));
  dirs.push(dir);
  const db = openDatabase(dir);
  migrate(db);
  const writer = new StoreWriter(db);
  const plain = new ReadStore(dir, () => undefined);
  const marked = new ReadStore(dir, () => undefined);
  marked.logMarks = new LogMarks(marked);
  stores.push(plain, marked);
  return { dir, db, writer, plain, marked };
}

/** Every query below, through both stores: the same counts, and the marks were used. */
function expectSame(plain: ReadStore, marked: ReadStore, endMs: number, label: string): void {
  const queries = [
    { q: 'deadlock' },
    { q: 'payment declined' },
    { q: 'refund OR timeout', service: 'svc-1' },
    { q: 'cache', minSeverity: 13 },
    { q: 'retry', minSeverity: 10, service: 'svc-2' },
    { q: 'miss', from: endMs - 3_600_000 + 333, to: endMs - 1_234_567 },
    { q: 'nothingmatches' },
  ];
  const counted = marked.logMarks!.counted;
  for (const base of queries)
    for (const buckets of [7, 60]) {
      const input = { attr: [], limit: 100, from: endMs - 3_600_000, to: endMs, buckets, ...base };
      const expected = logHistogram(plain, input);
      const got = logHistogram(marked, input);
      expect(got, `${label}: ${JSON.stringify(base)} in ${buckets} buckets`).toEqual(expected);
      if (base.q !== 'nothingmatches') expect(expected.total, JSON.stringify(base)).toBeGreaterThan(0);
    }
  expect(marked.logMarks!.counted - counted, `${label}: every query counted from the marks`).toBe(queries.length * 2);
}

it('counts a full-text histogram as the index does, through retention, new records and reused ids', () => {
  const { db, writer, plain, marked } = setup();
  const endMs = Math.floor(Date.now() / 1000) * 1000 - 7;
  writeLogs(writer, endMs, 6_000, 1);
  // Records on the window's last millisecond: in when exactly on it, out with a sub-ms part.
  writer.write([logBatch('svc-0', [record(BigInt(endMs) * 1_000_000n, 17, 'deadlock edge'), record(BigInt(endMs) * 1_000_000n + 1n, 17, 'deadlock edge')])]);
  expectSame(plain, marked, endMs, 'first load');
  expect(marked.logMarks!.size).toBe(6_002);

  // Retention removes the oldest ids (and their full-text entries), and more arrive.
  const gone = db.prepare('DELETE FROM logs WHERE id <= 2500 RETURNING id').pluck().all() as number[];
  const dropFts = db.prepare('DELETE FROM logs_fts WHERE rowid = ?');
  for (const id of gone) dropFts.run(id);
  writeLogs(writer, endMs, 3_000, 2);
  expectSame(plain, marked, endMs, 'after retention and new records');
  expect(marked.logMarks!.size).toBe(6_002 - 2_500 + 3_000);

  // The store empties; SQLite then gives ids from 1 again, to different records.
  const all = db.prepare('DELETE FROM logs RETURNING id').pluck().all() as number[];
  for (const id of all) dropFts.run(id);
  writeLogs(writer, endMs, 2_000, 3);
  expect(db.prepare('SELECT min(id) FROM logs').pluck().get()).toBe(1);
  expectSame(plain, marked, endMs, 'after the ids were given out again');
  expect(marked.logMarks!.size).toBe(2_000);
});

it('loads a large store in steps, and a query only loads what it can finish', () => {
  const { writer, plain, marked } = setup();
  const endMs = Math.floor(Date.now() / 1000) * 1000;
  writeLogs(writer, endMs, 5_000, 4);
  const marks = new LogMarks(marked, { queryRows: 1_000 });
  marked.logMarks = marks;
  // More left than a query may load: nothing is loaded and the index answers, the same counts.
  expect(marks.catchUp(1_000, { onlyToFinish: true })).toBe('loading');
  expect(marks.size).toBe(0);
  const input = { attr: [], limit: 100, from: endMs - 3_600_000, to: endMs, buckets: 30, q: 'deadlock' };
  expect(logHistogram(marked, input)).toEqual(logHistogram(plain, input));
  expect(marks.counted).toBe(0);
  // Between queries it loads in steps until it holds every record.
  const states = [];
  for (let i = 0; i < 10; i++) states.push(marks.catchUp(1_500));
  expect(states.slice(0, 4)).toEqual(['loading', 'loading', 'loading', 'ready']);
  expect(marks.size).toBe(5_000);
  expect(logHistogram(marked, input)).toEqual(logHistogram(plain, input));
  expect(marks.counted).toBe(1);
});

it('is not used for a store larger than it may hold', () => {
  const { writer, plain, marked } = setup();
  marked.logMarks = new LogMarks(marked, { maxRecords: 1_000 });
  const endMs = Math.floor(Date.now() / 1000) * 1000;
  writeLogs(writer, endMs, 3_000, 5);
  expect(marked.logMarks.catchUp()).toBe('unusable');
  expect(marked.logMarks.size).toBe(0);
  const input = { attr: [], limit: 100, from: endMs - 3_600_000, to: endMs, buckets: 30, q: 'refund' };
  expect(logHistogram(marked, input)).toEqual(logHistogram(plain, input));
  expect(marked.logMarks.counted).toBe(0);
});
