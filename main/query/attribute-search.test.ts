// Trace search through the attribute index (migration 015): what the postings find is what a
// walk over every span finds — across written parts and the tail, after a restart, with
// numbers, booleans and other filters — and the walk takes over where the index cannot answer
// (a store indexed only from now on, a resource carrying the key).
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeOtlpJson } from '../../collectors/otlp/decode-json';
import { DEFAULT_SEARCH_PATTERNS } from '../../common/search-attributes';
import { setSearchPatterns } from '../../collectors/otlp/normalize';
import { migrate, openDatabase, type Db } from '../store/database';
import { Retention } from '../store/retention';
import { StoreWriter } from '../store/writer';
import { addSearchKeys } from '../store/write/attribute-index';
import { indexedTraceRefs } from './attribute-search';
import { ReadStore } from './read-store';
import { sampleAttributes, searchTraces, type TraceSearchInput } from './traces';

const dirs: string[] = [];
afterEach(() => {
  setSearchPatterns(DEFAULT_SEARCH_PATTERNS);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(): { db: Db; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'loupe-attr-search-'));
  dirs.push(dir);
  const db = openDatabase(dir);
  migrate(db);
  return { db, dir };
}

const NOW_MS = Date.now();
const hex = (n: number, len: number) => n.toString(16).padStart(len, '0');
type Attr = [string, string | number | boolean];
const value = (v: Attr[1]) =>
  typeof v === 'string' ? { stringValue: v } : typeof v === 'boolean' ? { boolValue: v } : Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };

/** One OTLP/JSON request: a span per item, of `service`. */
function request(service: string, spans: Array<{ trace: number; span: number; ageMs: number; name?: string; error?: boolean; attrs: Attr[] }>, resource: Attr[] = []) {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [['service.name', service] as Attr, ...resource].map(([key, v]) => ({ key, value: value(v) })) },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: spans.map((s) => {
              const startNs = BigInt(NOW_MS - s.ageMs) * 1_000_000n;
              return {
                traceId: hex(s.trace, 32),
                spanId: hex(s.span, 16),
                name: s.name ?? 'GET /users/:id',
                kind: 2,
                startTimeUnixNano: String(startNs),
                endTimeUnixNano: String(startNs + 5_000_000n),
                status: { code: s.error ? 2 : 0 },
                attributes: s.attrs.map(([key, v]) => ({ key, value: value(v) })),
              };
            }),
          },
        ],
      },
    ],
  });
}

const SERVICES = ['api', 'cart', 'shop'];
/** Trace t: a span in two of the services, with routes, paths, statuses and a flag that vary by t. */
function writeTraces(writer: StoreWriter, from: number, to: number, perWrite = 20): void {
  for (let start = from; start < to; start += perWrite) {
    const batches = [];
    for (let t = start; t < Math.min(to, start + perWrite); t++) {
      const ageMs = (to - t) * 50;
      const a = SERVICES[t % 3];
      const b = SERVICES[(t + 1) % 3];
      batches.push(
        decodeOtlpJson('traces', request(a, [{ trace: t, span: 2 * t, ageMs, error: t % 7 === 0, attrs: [['url.path', `/users/${t % 41}`], ['http.response.status_code', t % 7 === 0 ? 503 : 200], ['http.request.method', 'GET']] }])),
        decodeOtlpJson('traces', request(b, [{ trace: t, span: 2 * t + 1, ageMs: ageMs - 1, name: 'SELECT users', attrs: [['db.system.name', 'postgresql'], ['db.namespace', `shop${t % 5}`], ['rpc.retry', t % 2 === 0], ['app.tenant', `tenant-${t % 13}`]] }])),
      );
    }
    writer.write(batches);
  }
}

const ids = (store: ReadStore, q: Partial<TraceSearchInput>) =>
  searchTraces(store, { from: NOW_MS - 3_600_000, to: NOW_MS + 60_000, attr: [], limit: 10_000, ...q })
    .map((t) => t.traceId)
    .sort();

/** The same search with the index set aside: every key indexed only from the far future. */
function walked(db: Db, store: ReadStore, q: Partial<TraceSearchInput>): string[] {
  const saved = db.prepare('SELECT pattern, since_ns FROM search_keys').all() as Array<{ pattern: string; since_ns: number }>;
  db.prepare('UPDATE search_keys SET since_ns = 9000000000000000000').run();
  try {
    return ids(store, q);
  } finally {
    const put = db.prepare('UPDATE search_keys SET since_ns = ? WHERE pattern = ?');
    for (const s of saved) put.run(s.since_ns, s.pattern);
  }
}

/** Whether the index (rather than the walk) answers a search of one service and attribute. */
function answeredByIndex(store: ReadStore, service: string, attr: string): boolean {
  const serviceIds = store.pluck('SELECT id FROM services WHERE name = ?').all(service) as number[];
  const [key, v] = attr.split('=');
  const where = [`s.service_id IN (${serviceIds.map(() => '?').join(',')})`];
  return indexedTraceRefs(
    store,
    { where, params: serviceIds, serviceIds, filters: [{ key, value: v }], fromNs: BigInt(NOW_MS - 3_600_000) * 1_000_000n, toNs: BigInt(NOW_MS) * 1_000_000n },
    () => true,
  );
}

const QUERIES: Array<Partial<TraceSearchInput>> = [
  { service: 'api', attr: ['url.path=/users/7'] },
  { service: 'cart', attr: ['url.path=/users/7'] },
  { attr: ['url.path=/users/12'] },
  { service: 'shop', attr: ['http.response.status_code=503'] },
  { service: 'shop', attr: ['http.response.status_code=503.0'] },
  { service: 'api', attr: ['http.response.status_code=503'], status: 'error' },
  { service: 'cart', attr: ['db.namespace=shop3', 'rpc.retry=true'] },
  { service: 'cart', attr: ['rpc.retry=1'] },
  { service: 'api', attr: ['db.namespace=shop2'], operation: 'SELECT users' },
  { service: 'api', attr: ['url.path=/users/40'], operation: 'SELECT users' },
  { service: 'api', attr: ['url.path=/nowhere'] },
];

describe('trace search through the attribute index', () => {
  it('finds what a walk over the spans finds, in written parts and in the tail', () => {
    const { db, dir } = open();
    const writer = new StoreWriter(db);
    writeTraces(writer, 0, 1500);
    const parts = db.prepare('SELECT count(*) FROM attr_parts').pluck().get() as number;
    expect(parts).toBeGreaterThanOrEqual(2);
    // Some spans wait in the tail (after the last part).
    const tail = db.prepare('SELECT count(*) FROM spans WHERE id > (SELECT indexed_span_id FROM attr_index_state)').pluck().get() as number;
    expect(tail).toBeGreaterThan(0);

    const store = new ReadStore(dir);
    for (const q of QUERIES) {
      const found = ids(store, q);
      expect(found, JSON.stringify(q)).toEqual(walked(db, store, q));
    }
    // Not vacuous: the rare path of one service is found, and only with that service.
    expect(ids(store, { service: 'api', attr: ['url.path=/users/7'] }).length).toBeGreaterThan(5);
    expect(ids(store, { service: 'api', attr: ['http.response.status_code=503.0'] })).toEqual(ids(store, { service: 'api', attr: ['http.response.status_code=503'] }));
    // The index answered those; an unindexed key (app.tenant) is answered by the walk, all the same.
    expect(answeredByIndex(store, 'api', 'url.path=/users/7')).toBe(true);
    expect(answeredByIndex(store, 'cart', 'app.tenant=tenant-3')).toBe(false);
    expect(ids(store, { service: 'cart', attr: ['app.tenant=tenant-3'] }).length).toBeGreaterThan(0);
    // The search form's key suggestions say which span attributes are indexed; a key seen on
    // resources only (service.name) says nothing, as indexing it would not help.
    const keys = sampleAttributes(store, { service: 'cart', signal: 'traces' }) as Array<{ key: string; indexed?: boolean }>;
    const indexed = Object.fromEntries(keys.map((k) => [k.key, k.indexed]));
    expect(indexed).toMatchObject({ 'url.path': true, 'db.namespace': true, 'rpc.retry': true, 'app.tenant': false });
    expect(keys.find((k) => k.key === 'service.name')).toEqual({ key: 'service.name', count: expect.any(Number) });
    store.close();
  });

  it('gives the page of the newest traces when more match than the limit', () => {
    const { db, dir } = open();
    writeTraces(new StoreWriter(db), 0, 1200);
    const store = new ReadStore(dir);
    const q = { from: NOW_MS - 3_600_000, to: NOW_MS + 60_000, service: 'api', attr: ['http.request.method=GET'], limit: 20 };
    const page = searchTraces(store, q);
    const all = searchTraces(store, { ...q, limit: 10_000 });
    expect(page.map((t) => t.traceId)).toEqual(all.slice(0, 20).map((t) => t.traceId));
    expect(page.map((t) => t.start)).toEqual([...page.map((t) => t.start)].sort((a, b) => b - a));
    store.close();
  });

  it('merges each 16 parts of a level into one as they age, and finds the same traces, newest first', () => {
    const { db, dir } = open();
    const writer = new StoreWriter(db);
    const store = new ReadStore(dir);
    const q = { from: NOW_MS - 3_600_000, to: NOW_MS + 60_000, service: 'api', attr: ['http.request.method=GET'], limit: 20 };
    // 9,000 traces: 17 parts written (one per 512 traces), the first 16 merged into one.
    writeTraces(writer, 0, 9000);
    const levels = db.prepare('SELECT level, count(*) AS n FROM attr_parts GROUP BY level ORDER BY level').all() as Array<{ level: number; n: number }>;
    expect(levels.find((l) => l.level === 1)?.n).toBe(1);
    expect(levels.find((l) => l.level === 0)!.n).toBeLessThan(16);
    // Levels fall as part numbers rise, and every posting belongs to a part.
    const byPart = db.prepare('SELECT level FROM attr_parts ORDER BY part').pluck().all() as number[];
    expect(byPart).toEqual([...byPart].sort((a, b) => b - a));
    expect(db.prepare('SELECT count(*) FROM attr_postings WHERE part NOT IN (SELECT part FROM attr_parts)').pluck().get()).toBe(0);
    // A merged posting lists each of its traces once, ascending.
    const blob = db.prepare('SELECT refs FROM attr_postings WHERE part = (SELECT part FROM attr_parts WHERE level = 1) ORDER BY length(refs) DESC LIMIT 1').pluck().get() as Buffer;
    const refs = Array.from({ length: blob.length / 4 }, (_, i) => blob.readUInt32LE(i * 4));
    expect(refs.length).toBeGreaterThan(512);
    expect(refs).toEqual([...new Set(refs)].sort((a, b) => a - b));

    for (const query of QUERIES) expect(ids(store, query), JSON.stringify(query)).toEqual(walked(db, store, query));
    expect(ids(store, QUERIES[0]).length).toBeGreaterThan(50);
    const page = searchTraces(store, q);
    const all = searchTraces(store, { ...q, limit: 10_000 });
    expect(page.map((t) => t.traceId)).toEqual(all.slice(0, 20).map((t) => t.traceId));
    store.close();
  });

  it('merges the parts of a store written before merging between writes, when little data arrives', () => {
    const { db } = open();
    const writer = new StoreWriter(db);
    // 40 parts as a store before migration 017 has them (level 0), a posting each.
    const part = db.prepare('INSERT INTO attr_parts (part, last_span_id, min_ns, max_ns) VALUES (?, ?, ?, ?)');
    const posting = db.prepare('INSERT INTO attr_postings (part, h, refs) VALUES (?, ?, ?)');
    for (let i = 1; i <= 40; i++) {
      part.run(i, i * 10, i * 1000, i * 1000 + 999);
      const refs = Buffer.alloc(8);
      refs.writeUInt32LE(i, 0);
      refs.writeUInt32LE(100 + i, 4);
      posting.run(i, 7, refs);
    }
    writer.tick();
    const parts = db.prepare('SELECT part, level, last_span_id, min_ns, max_ns FROM attr_parts ORDER BY part').all() as Array<Record<string, number>>;
    expect(parts.map((p) => [p.part, p.level])).toEqual([[16, 1], [32, 1], ...Array.from({ length: 8 }, (_, k) => [33 + k, 0])]);
    expect(parts[0]).toMatchObject({ last_span_id: 160, min_ns: 1000, max_ns: 16_999 });
    const refs = db.prepare('SELECT refs FROM attr_postings WHERE part = 16 AND h = 7').pluck().get() as Buffer;
    const expected = [...Array.from({ length: 16 }, (_, k) => k + 1), ...Array.from({ length: 16 }, (_, k) => 101 + k)];
    expect(Array.from({ length: refs.length / 4 }, (_, k) => refs.readUInt32LE(k * 4))).toEqual(expected);
    expect(db.prepare('SELECT count(*) FROM attr_postings').pluck().get()).toBe(10);
  });

  it('rebuilds the postings of the tail after a restart, and drops parts whose spans retention removed', () => {
    const { db, dir } = open();
    writeTraces(new StoreWriter(db), 0, 700);
    const indexedBefore = db.prepare('SELECT indexed_span_id FROM attr_index_state').pluck().get() as number;
    const maxId = db.prepare('SELECT max(id) FROM spans').pluck().get() as number;
    expect(maxId).toBeGreaterThan(indexedBefore);

    // A new writer (the old one's waiting postings are gone with it) writes the next part.
    const writer = new StoreWriter(db);
    writeTraces(writer, 700, 1400);
    expect(db.prepare('SELECT indexed_span_id FROM attr_index_state').pluck().get() as number).toBeGreaterThan(maxId);
    const store = new ReadStore(dir);
    for (const q of QUERIES.slice(0, 4)) expect(ids(store, q), JSON.stringify(q)).toEqual(walked(db, store, q));

    // Retention takes the oldest spans (received long ago); parts covering only them go too.
    const partsBefore = db.prepare('SELECT count(*) FROM attr_parts').pluck().get() as number;
    db.prepare('UPDATE spans SET received_ms = 0 WHERE id <= ?').run(indexedBefore);
    new Retention(db, { maxAgeHours: 1, maxSizeBytes: 1e12, rollupMaxAgeDays: 30 }).step();
    const oldest = db.prepare('SELECT min(id) FROM spans').pluck().get() as number;
    expect(oldest).toBeGreaterThan(indexedBefore);
    const partsAfter = db.prepare('SELECT count(*) FROM attr_parts').pluck().get() as number;
    expect(partsAfter).toBeLessThan(partsBefore);
    expect(db.prepare('SELECT count(*) FROM attr_parts WHERE last_span_id < ?').pluck().get(oldest)).toBe(0);
    expect(db.prepare('SELECT count(*) FROM attr_postings WHERE part NOT IN (SELECT part FROM attr_parts)').pluck().get()).toBe(0);
    for (const q of QUERIES.slice(0, 4)) expect(ids(store, q), JSON.stringify(q)).toEqual(walked(db, store, q));
    store.close();
  });

  it('walks the spans of a store written before the index, and where a resource carries the key', () => {
    const { db, dir } = open();
    writeTraces(new StoreWriter(db), 0, 600);
    // Back to the layout before migration 015, rows as they are, and forward again.
    db.exec(`DROP TABLE search_keys; DROP TABLE attr_parts; DROP TABLE attr_postings; DROP TABLE attr_index_state;
      DELETE FROM schema_migrations WHERE version IN (15, 17);`);
    migrate(db);
    expect(db.prepare('SELECT count(*) FROM attr_postings').pluck().get()).toBe(0);
    const store = new ReadStore(dir);
    const q = { service: 'api', attr: ['url.path=/users/7'] };
    expect(ids(store, q).length).toBeGreaterThan(2);
    expect(answeredByIndex(store, 'api', 'url.path=/users/7')).toBe(false);

    // A resource with url.path: its spans match through it, which postings cannot know.
    const writer = new StoreWriter(db);
    writer.write([decodeOtlpJson('traces', request('api', [{ trace: 9_999, span: 9_999, ageMs: 10, attrs: [] }], [['url.path', '/users/7']]))]);
    expect(ids(store, q)).toContain(hex(9_999, 32));
    store.close();
  });

  it('keeps the tail short when spans carry no indexed attribute', () => {
    const { db } = open();
    const writer = new StoreWriter(db);
    for (let w = 0; w < 50; w++)
      writer.write([decodeOtlpJson('traces', request('plain', Array.from({ length: 400 }, (_, i) => ({ trace: 1_000_000 + w, span: w * 1000 + i, ageMs: 100, attrs: [['app.step', i] as Attr] }))))]);
    // 20,000 spans, none with an indexed key: no part to write, but the tail moved on.
    expect(db.prepare('SELECT count(*) FROM attr_parts').pluck().get()).toBe(0);
    const tail = db.prepare('SELECT count(*) FROM spans WHERE id > (SELECT indexed_span_id FROM attr_index_state)').pluck().get() as number;
    expect(tail).toBeLessThan(8192);
  });

  it("indexes the user's own keys from when they are added", () => {
    const { db, dir } = open();
    // Added an hour ago (so every span of the test is after it); the decoders take it up.
    setSearchPatterns(addSearchKeys(db, ['app.tenant'], NOW_MS - 3_600_000 - 120_000));
    const writer = new StoreWriter(db);
    writeTraces(writer, 0, 1100);
    const store = new ReadStore(dir);
    const q = { service: 'cart', attr: ['app.tenant=tenant-3'] };
    expect(ids(store, q).length).toBeGreaterThan(5);
    expect(ids(store, q)).toEqual(walked(db, store, q));
    expect(answeredByIndex(store, 'cart', 'app.tenant=tenant-3')).toBe(true);
    expect(db.prepare("SELECT pattern, origin FROM search_keys WHERE origin = 'user'").all()).toEqual([{ pattern: 'app.tenant', origin: 'user' }]);
    store.close();
  });
});
