import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpanRecord } from '../../common/model';
import { makeBatch, makeSpan, spanIdOf, traceIdOf } from '../testing/telemetry';
import * as H from '../../common/latency-histogram';
import { Backpressure } from '../../common/ingest';
import { migrate, openDatabase } from './database';
import { MIGRATIONS } from './migrations';
import { StoreWriter } from './writer';
import { Retention } from './retention';
import { IngestPipeline } from '../ingest/pipeline';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'loupe-store-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const id = traceIdOf;
const sid = spanIdOf;
const T0 = 1_700_000_000_000_000_000n;

function span(trace: string, spanId: string, parent: string | null, o: Partial<SpanRecord> = {}): SpanRecord {
  return makeSpan({ traceId: id(trace), spanId: sid(spanId), parentSpanId: parent ? sid(parent) : null, startNs: T0, ...o });
}

const batchOf = (service: string, spans: SpanRecord[]) => makeBatch(service, spans, { version: '1.0' });

describe('migrations', () => {
  it('refuses a store whose applied migration was edited', () => {
    const db = openDatabase(tempDir());
    migrate(db);
    const edited = MIGRATIONS.map((m) => (m.version === 1 ? { ...m, sql: m.sql + '\n-- edited' } : m));
    expect(() => migrate(db, edited)).toThrow(/migration 1 "initial" changed after it was applied/);
    db.close();
  });

  it('refuses a store written by a newer version', () => {
    const db = openDatabase(tempDir());
    migrate(db);
    db.prepare("INSERT INTO schema_migrations VALUES (999, 'future', 'x', 0)").run();
    expect(() => migrate(db)).toThrow(/newer Loupe/);
    db.close();
  });
});

describe('the writer', () => {
  it('keeps one summary per trace across batches, with the root found when it arrives late', () => {
    const db = openDatabase(tempDir());
    migrate(db);
    const w = new StoreWriter(db);
    // the child arrives first from its own service, the root later from the frontend
    w.write([batchOf('cart', [span('a1', '2', '1', { name: 'GET /cart', startNs: T0 + 1_000_000n, endNs: T0 + 5_000_000n, statusCode: 2 })])]);
    let t = db.prepare('SELECT * FROM traces').get() as Record<string, unknown>;
    expect(t).toMatchObject({ root_service: 'cart', root_name: 'GET /cart', has_root: 0, span_count: 1, error_count: 1 });
    w.write([batchOf('frontend', [span('a1', '1', null, { name: 'GET /', startNs: T0, endNs: T0 + 20_000_000n })])]);
    t = db.prepare('SELECT * FROM traces').get() as Record<string, unknown>;
    expect(t).toMatchObject({ root_service: 'frontend', root_name: 'GET /', has_root: 1, span_count: 2, error_count: 1 });
    expect(JSON.parse(t.services as string)).toEqual(['cart', 'frontend']);
    expect(Number(t.end_ns) - Number(t.start_ns)).toBe(20_000_000);
  });

  it('commits bookkeeping written alongside with the batches, and the batches without it when it fails', () => {
    const db = openDatabase(tempDir());
    migrate(db);
    const w = new StoreWriter(db);
    const note = db.prepare("INSERT INTO ingest_stats (key, value) VALUES ('note', 1) ON CONFLICT (key) DO UPDATE SET value = value + 1");
    const notes = () => db.prepare("SELECT value FROM ingest_stats WHERE key = 'note'").pluck().get() ?? 0;
    expect(w.write([batchOf('api', [span('c1', '1', null)])], Date.now(), () => note.run())).toMatchObject({ spans: 1 });
    expect(notes()).toBe(1);
    const failing = () => {
      note.run();
      throw new Error('bookkeeping failed');
    };
    expect(w.write([batchOf('api', [span('c2', '1', null)])], Date.now(), failing)).toMatchObject({ spans: 1 });
    // The span and its trace are stored; the note the failing bookkeeping wrote is undone.
    expect(db.prepare('SELECT count(*) FROM spans').pluck().get()).toBe(2);
    expect(db.prepare('SELECT count(*) FROM traces').pluck().get()).toBe(2);
    expect(notes()).toBe(1);
  });

  it('counts nothing twice when a batch is re-sent', () => {
    const db = openDatabase(tempDir());
    migrate(db);
    const w = new StoreWriter(db);
    const b = batchOf('api', [span('b1', '1', null), span('b1', '2', '1', { kind: 3 })]);
    const first = w.write([b]);
    const again = w.write([b]);
    expect(first).toMatchObject({ spans: 2, duplicates: 0 });
    expect(again).toMatchObject({ spans: 0, duplicates: 2 });
    expect(db.prepare('SELECT span_count FROM traces').pluck().get()).toBe(2);
    expect(db.prepare('SELECT spans, calls FROM rollup_service_minute').get()).toEqual({ spans: 2, calls: 1 });
  });

  it('stores only the new spans of a batch that partly repeats an earlier one', () => {
    const db = openDatabase(tempDir());
    migrate(db);
    const w = new StoreWriter(db);
    const spans = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => span('9f', (from + i + 1).toString(16), null));
    expect(w.write([batchOf('api', spans(0, 100))])).toMatchObject({ spans: 100, duplicates: 0 });
    // 64 already stored (two whole multi-row chunks collide), 36 new
    expect(w.write([batchOf('api', spans(36, 136))])).toMatchObject({ spans: 36, duplicates: 64 });
    expect(db.prepare('SELECT count(*) FROM spans').pluck().get()).toBe(136);
    expect(db.prepare('SELECT span_count FROM traces').pluck().get()).toBe(136);
  });

  it('rolls up requests per service and minute with mergeable latency histograms', () => {
    const db = openDatabase(tempDir());
    migrate(db);
    const w = new StoreWriter(db);
    const spans: SpanRecord[] = [];
    for (let i = 0; i < 100; i++) {
      const ms = BigInt(i + 1);
      spans.push(span(`c${i}`, '1', null, { endNs: T0 + ms * 1_000_000n, hints: i >= 90 ? { httpStatusCode: 503 } : {} }));
      spans.push(span(`c${i}`, '2', '1', { kind: 3 })); // a client span: not a request into the service
    }
    w.write([batchOf('checkout', spans.slice(0, 100))]);
    w.write([batchOf('checkout', spans.slice(100))]);
    const r = db.prepare('SELECT * FROM rollup_service_minute').get() as { calls: number; errors: number; spans: number; span_errors: number; hist_ok: Buffer; hist_err: Buffer };
    expect(r).toMatchObject({ calls: 100, errors: 10, spans: 200, span_errors: 10 });
    const all = H.merge(H.decode(r.hist_ok), H.decode(r.hist_err));
    expect(H.total(all)).toBe(100);
    expect(H.quantileMs(all, 0.5)).toBeCloseTo(50, -0.5);
    expect(H.quantileMs(all, 0.99)).toBeCloseTo(99, -0.7);
    expect(H.total(H.decode(r.hist_err))).toBe(10);
  });
});

describe('retention', () => {
  it('deletes raw data older than the age cap, oldest first, and drops empty trace summaries', () => {
    const db = openDatabase(tempDir());
    migrate(db);
    const w = new StoreWriter(db);
    const now = Date.now();
    w.write([batchOf('old', [span('d1', '1', null)])], now - 10 * 3_600_000);
    w.write([batchOf('new', [span('d2', '1', null)])], now);
    const r = new Retention(db, { maxAgeHours: 5, maxSizeBytes: 1e12, rollupMaxAgeDays: 30 });
    const report = r.step(now);
    expect(report.deleted.spans).toBe(1);
    expect(report.traces).toBe(1);
    expect(db.prepare('SELECT hex(trace_id) FROM traces').pluck().all()).toEqual([id('d2').toString('hex').toUpperCase()]);
    expect(db.prepare('SELECT count(*) FROM spans').pluck().get()).toBe(1);
  });

  it('deletes the oldest raw data when over the size cap, keeping the newest', () => {
    const db = openDatabase(tempDir());
    migrate(db);
    const w = new StoreWriter(db);
    const big = JSON.stringify({ payload: 'x'.repeat(2000) });
    const t = Date.now();
    for (let b = 0; b < 20; b++) {
      const spans = Array.from({ length: 500 }, (_, i) => span(`${b.toString(16)}f${i.toString(16).padStart(4, "0")}`, '1', null, { attributes: big }));
      w.write([batchOf('svc', spans)], t - (20 - b) * 1000);
    }
    const r = new Retention(db, { maxAgeHours: 1000, maxSizeBytes: 8 * 1024 * 1024, rollupMaxAgeDays: 30 });
    const before = r.usedBytes();
    expect(before).toBeGreaterThan(8 * 1024 * 1024);
    r.step(t);
    expect(r.usedBytes()).toBeLessThan(8 * 1024 * 1024);
    const oldest = db.prepare('SELECT min(received_ms) FROM spans').pluck().get() as number;
    expect(oldest).toBeGreaterThan(t - 20 * 1000);
    // the newest batch is intact
    expect(db.prepare('SELECT count(*) FROM spans WHERE received_ms = ?').pluck().get(t - 1000)).toBe(500);
  });

  it('keeps the rollups of imported history as long as its raw rows, then ages them with them', () => {
    const db = openDatabase(tempDir());
    migrate(db);
    const w = new StoreWriter(db);
    const now = Date.now();
    // Spans from 2024, received now (an imported file): their rollup minutes are long past 30 days.
    const t2024 = 1_717_200_000_000_000_000n;
    w.write([batchOf('imported', [span('e1', '1', null, { startNs: t2024 }), span('e2', '1', null, { startNs: t2024 + 60_000_000_000n })])], now);
    const serviceRollups = () => db.prepare('SELECT count(*) FROM rollup_service_minute').pluck().get() as number;
    expect(serviceRollups()).toBe(2);
    const r = new Retention(db, { maxAgeHours: 5, maxSizeBytes: 1e12, rollupMaxAgeDays: 30 });
    r.step(now);
    expect(db.prepare('SELECT count(*) FROM spans').pluck().get()).toBe(2);
    expect(serviceRollups()).toBe(2);
    // Once the raw rows age out, their summaries may go too.
    const later = now + 6 * 3_600_000;
    new Retention(db, { maxAgeHours: 5, maxSizeBytes: 1e12, rollupMaxAgeDays: 30 }).step(later);
    expect(db.prepare('SELECT count(*) FROM spans').pluck().get()).toBe(0);
    expect(serviceRollups()).toBe(0);
  });
});

describe('the ingest queue', () => {
  it('refuses work past its bound with Backpressure, then accepts again', async () => {
    const p = await IngestPipeline.start({ dataDir: tempDir(), mode: 'inline', maxPendingJobs: 1 });
    const b = batchOf('q', [span('f1', '1', null)]);
    const first = p.submitBatch(b, 'test');
    await expect(p.submitBatch(b, 'test')).rejects.toBeInstanceOf(Backpressure);
    expect(p.throttled).toBe(1);
    expect((await first).accepted).toBe(1);
    expect((await p.submitBatch(batchOf('q', [span('f2', '1', null)]), 'test')).accepted).toBe(1);
    await p.close();
  });
});
