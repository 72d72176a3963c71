// Spans keyed by their trace's reference (migration 014): a store written before it is
// numbered by arrival, its traces read whole, re-sent spans stay stored once, and new spans of
// old traces join them; after it, the writer gives references in order of first arrival.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBatch, makeSpan, spanIdOf, traceIdOf } from '../testing/telemetry';
import { migrate, openDatabase, type Db } from './database';
import { StoreWriter } from './writer';
import { Retention } from './retention';
import { ReadStore } from '../query/read-store';
import { getTrace } from '../query/traces';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const T0 = BigInt(Date.now() - 5 * 60_000) * 1_000_000n;
const span = (trace: string, id: string, offsetMs = 0) => makeSpan({ traceId: traceIdOf(trace), spanId: spanIdOf(id), startNs: T0 + BigInt(offsetMs) * 1_000_000n, name: `op ${id}` });
const spanIds = (store: ReadStore, trace: string) => getTrace(store, traceIdOf(trace).toString('hex')).spans.map((s) => s.spanId).sort();
const refs = (db: Db) => db.prepare('SELECT lower(hex(trace_id)) AS t, ref FROM traces ORDER BY ref').all() as Array<{ t: string; ref: number }>;

function open(): { db: Db; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'loupe-trace-ref-'));
  dirs.push(dir);
  return { db: openDatabase(dir), dir };
}

/** Takes the traces table back to its layout before migration 016 (keyed by trace id, the
 * reference a column of its own), rows as they are. */
function asBefore016(db: Db): void {
  db.exec(`CREATE TABLE traces_keyed (
      trace_id BLOB PRIMARY KEY, start_ns INTEGER NOT NULL, end_ns INTEGER NOT NULL, root_service TEXT NOT NULL,
      root_name TEXT NOT NULL, has_root INTEGER NOT NULL, span_count INTEGER NOT NULL, error_count INTEGER NOT NULL,
      services TEXT NOT NULL, first_received_ms INTEGER NOT NULL, ref INTEGER
    ) WITHOUT ROWID;
    INSERT INTO traces_keyed SELECT trace_id, start_ns, end_ns, root_service, root_name, has_root, span_count, error_count, services, first_received_ms, ref FROM traces;
    DROP TABLE traces;
    ALTER TABLE traces_keyed RENAME TO traces;
    CREATE INDEX traces_by_start ON traces (start_ns);
    CREATE INDEX traces_by_ref ON traces (ref);
    DELETE FROM schema_migrations WHERE version = 16;`);
}

/** Takes the store back to its layout before migration 014, rows as they are. */
function asBefore014(db: Db): void {
  asBefore016(db);
  db.exec(`DROP INDEX spans_by_trace_ref;
    ALTER TABLE spans DROP COLUMN trace_ref;
    CREATE UNIQUE INDEX spans_by_trace ON spans (trace_id, span_id);
    DROP INDEX traces_by_ref;
    ALTER TABLE traces DROP COLUMN ref;
    DELETE FROM schema_migrations WHERE version = 14;`);
}

describe('spans keyed by their trace', () => {
  it('numbers a store written before the change by arrival, and its traces stay whole', () => {
    const { db, dir } = open();
    migrate(db);
    const old = new StoreWriter(db);
    old.write([makeBatch('api', [span('b', 'b1'), span('b', 'b2', 5)])], Date.now() - 2000);
    old.write([makeBatch('api', [span('a', 'a1')]), makeBatch('db', [span('b', 'b3', 9)])], Date.now() - 1000);
    asBefore014(db);
    expect(db.prepare("SELECT name FROM pragma_table_info('spans') WHERE name = 'trace_ref'").get()).toBeUndefined();

    migrate(db);
    // Numbered in the order the traces first arrived: b before a.
    expect(refs(db).map((r) => [r.t.slice(-2), r.ref])).toEqual([['0b', 1], ['0a', 2]]);
    expect(db.prepare('SELECT count(*) FROM spans s JOIN traces t ON t.trace_id = s.trace_id WHERE s.trace_ref = t.ref').pluck().get()).toBe(4);

    const writer = new StoreWriter(db);
    // Re-sent: stored once. A late span of an old trace joins it; a new trace takes the next number.
    const again = writer.write([makeBatch('api', [span('b', 'b1'), span('b', 'b4', 12)]), makeBatch('api', [span('c', 'c1')])]);
    expect(again).toMatchObject({ spans: 2, duplicates: 1 });
    expect(refs(db).map((r) => [r.t.slice(-2), r.ref])).toEqual([['0b', 1], ['0a', 2], ['0c', 3]]);

    const store = new ReadStore(dir, () => undefined);
    try {
      expect(spanIds(store, 'b')).toEqual(['b1', 'b2', 'b3', 'b4'].map((id) => spanIdOf(id).toString('hex')).sort());
      expect(spanIds(store, 'a')).toEqual([spanIdOf('a1').toString('hex')]);
      expect(getTrace(store, traceIdOf('b').toString('hex')).spans).toHaveLength(4);
    } finally {
      store.db.close();
    }
  });

  it('keeps numbering after a restart and after retention removed the newest traces', () => {
    const { db } = open();
    migrate(db);
    new StoreWriter(db).write([makeBatch('api', [span('d', 'd1'), span('e', 'e1')])], Date.now() - 3 * 3_600_000);
    expect(refs(db).map((r) => r.ref)).toEqual([1, 2]);
    // Everything is past the age cap: both traces go with their spans.
    new Retention(db, { maxAgeHours: 1, maxSizeBytes: 1e12, rollupMaxAgeDays: 30 }).step();
    expect(refs(db)).toEqual([]);
    // A fresh writer (a restart) over an empty traces table starts again; a span re-sent later
    // is stored again (it was deleted), under its trace's new number.
    const writer = new StoreWriter(db);
    expect(writer.write([makeBatch('api', [span('d', 'd1'), span('f', 'f1')])])).toMatchObject({ spans: 2, duplicates: 0 });
    expect(refs(db).map((r) => r.ref)).toEqual([1, 2]);
    expect(writer.write([makeBatch('api', [span('f', 'f1'), span('d', 'd2')])])).toMatchObject({ spans: 1, duplicates: 1 });
    expect(db.prepare('SELECT count(*) FROM spans s JOIN traces t ON t.trace_id = s.trace_id WHERE s.trace_ref = t.ref').pluck().get()).toBe(3);
  });

  it('stores trace rows in order of arrival (migration 016): rows, references and reads stay as they were', () => {
    const { db, dir } = open();
    migrate(db);
    const old = new StoreWriter(db);
    old.write([makeBatch('api', [span('b', 'b1'), span('b', 'b2', 5)])], Date.now() - 2000);
    old.write([makeBatch('api', [span('a', 'a1')]), makeBatch('db', [span('b', 'b3', 9)])], Date.now() - 1000);
    asBefore016(db);
    expect(db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'traces'").pluck().get()).toMatch(/WITHOUT ROWID/);
    const rowsBefore = db.prepare('SELECT * FROM traces ORDER BY ref').all();

    migrate(db);
    // The reference is the row's id now, every summary as it was.
    expect(db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'traces'").pluck().get()).not.toMatch(/WITHOUT ROWID/);
    expect(db.prepare('SELECT rowid, ref FROM traces ORDER BY ref').raw().all()).toEqual([[1, 1], [2, 2]]);
    expect(db.prepare('SELECT * FROM traces ORDER BY ref').all()).toEqual(rowsBefore);

    // Later spans join their trace's row (one row per trace id), new traces take the next number.
    const writer = new StoreWriter(db);
    expect(writer.write([makeBatch('db', [span('a', 'a2', 3)]), makeBatch('api', [span('c', 'c1')])])).toMatchObject({ spans: 2, duplicates: 0 });
    expect(refs(db).map((r) => [r.t.slice(-2), r.ref])).toEqual([['0b', 1], ['0a', 2], ['0c', 3]]);
    expect(db.prepare('SELECT span_count FROM traces WHERE ref = 2').pluck().get()).toBe(2);
    expect(() => db.prepare('INSERT INTO traces (trace_id, start_ns, end_ns, root_service, root_name, has_root, span_count, error_count, services, first_received_ms) SELECT trace_id, 0, 0, ?, ?, 0, 0, 0, ?, 0 FROM traces WHERE ref = 1').run('x', 'y', '[]')).toThrow(/UNIQUE/);

    const store = new ReadStore(dir, () => undefined);
    try {
      expect(spanIds(store, 'b')).toEqual(['b1', 'b2', 'b3'].map((id) => spanIdOf(id).toString('hex')).sort());
      expect(spanIds(store, 'a')).toEqual(['a1', 'a2'].map((id) => spanIdOf(id).toString('hex')).sort());
    } finally {
      store.db.close();
    }
  });
});
