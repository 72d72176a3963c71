// span_links (migration 013) through the real writer and retention: filled from spans already
// stored when the migration runs, kept by every newly stored span with links, emptied with the
// spans retention deletes; and a consumer whose producer is no longer in memory is still paired
// through its link on the map.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBatch, makeSpan, spanIdOf, traceIdOf } from '../testing/telemetry';
import { MIGRATIONS } from './migrations';
import { migrate, openDatabase, type Db } from './database';
import { StoreWriter } from './writer';
import { Retention } from './retention';
import { ReadStore } from '../query/read-store';
import { serviceMap } from '../query/service-map';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const T0 = BigInt(Date.now() - 5 * 60_000) * 1_000_000n;
const link = (trace: string, span: string) => ({ traceId: trace.padStart(32, '0'), spanId: span.padStart(16, '0'), traceState: '', attributes: {}, droppedAttributesCount: 0, flags: 1 });

/** A producer span in trace `trace` and a consumer starting trace `next`, linked to it. */
function hop(trace: string, next: string, opts: { consumerService?: string; destination?: boolean } = {}) {
  const hints = opts.destination === false ? {} : { messagingSystem: 'kafka', messagingDestination: 'orders' };
  const producer = makeSpan({ traceId: traceIdOf(trace), spanId: spanIdOf(`${trace}1`), startNs: T0, kind: 4, name: 'send orders', hints });
  const consumer = makeSpan({
    traceId: traceIdOf(next),
    spanId: spanIdOf(`${next}1`),
    startNs: T0 + 50_000_000n,
    kind: 5,
    name: 'process orders',
    links: JSON.stringify([link(trace, `${trace}1`)]),
    hints,
  });
  return { producer: makeBatch('checkout', [producer]), consumer: makeBatch(opts.consumerService ?? 'fulfillment', [consumer]) };
}

function open(): { db: Db; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'loupe-links-'));
  dirs.push(dir);
  return { db: openDatabase(dir), dir };
}

const linkRows = (db: Db) =>
  db.prepare('SELECT lower(hex(trace_id)) AS t, lower(hex(linked_trace_id)) AS linked FROM span_links ORDER BY 1').all() as Array<{ t: string; linked: string }>;

describe('span_links', () => {
  it('is filled from the spans stored before the migration, then kept at every insert', () => {
    const { db } = open();
    migrate(db, MIGRATIONS.filter((m) => m.version !== 13));
    const writer = new StoreWriter(db);
    const first = hop('a1', 'b1');
    writer.write([first.producer, first.consumer]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'span_links'").get()).toBeUndefined();

    migrate(db);
    expect(linkRows(db)).toEqual([{ t: 'b1'.padStart(32, '0'), linked: 'a1'.padStart(32, '0') }]);

    const second = hop('a2', 'b2');
    const fresh = new StoreWriter(db);
    fresh.write([second.producer, second.consumer]);
    // re-sent: stored once
    fresh.write([second.consumer]);
    expect(linkRows(db).map((r) => r.t)).toEqual(['b1', 'b2'].map((t) => t.padStart(32, '0')));
  });

  it('skips links whose ids are not ids, and empties with the spans retention deletes', () => {
    const { db } = open();
    migrate(db);
    const writer = new StoreWriter(db);
    const bad = makeSpan({ traceId: traceIdOf('c1'), spanId: spanIdOf('c11'), startNs: T0, kind: 5, links: JSON.stringify([{ traceId: 'zz', spanId: '' }]) });
    const h = hop('a3', 'b3');
    writer.write([makeBatch('fulfillment', [bad]), h.producer, h.consumer]);
    expect(linkRows(db)).toHaveLength(1);

    // everything is older than the age cap
    new Retention(db, { maxAgeHours: 1, maxSizeBytes: 1e12, rollupMaxAgeDays: 30 }).step(Date.now() + 2 * 3_600_000);
    expect(db.prepare('SELECT COUNT(*) AS n FROM spans').get()).toEqual({ n: 0 });
    expect(linkRows(db)).toEqual([]);
  });
});

describe('map edges through links, when the producer is no longer in memory', () => {
  it('pairs a consumer naming no destination with its stored producer once the halves expire', () => {
    const { db, dir } = open();
    migrate(db);
    const read = new ReadStore(dir, () => undefined);
    const h = hop('a4', 'b4', { consumerService: 'ledger', destination: false });
    new StoreWriter(db).write([h.producer]);
    // a new writer (the core restarted) sees only the consumer
    const fresh = new StoreWriter(db);
    fresh.write([h.consumer]);
    fresh.tick(Date.now() + 120_000);
    read.invalidateRollups(0);
    const edges = serviceMap(read, { from: Date.now() - 3_600_000, to: Date.now() + 60_000 }).edges;
    expect(edges.find((e) => e.source === 'checkout' && e.target === 'ledger')).toMatchObject({ connectionType: 'messaging', calls: 1 });
    read.close();
  });
});
