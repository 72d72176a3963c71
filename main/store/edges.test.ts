// Service-map derivation on hand-built traces, through the real writer and the map query.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpanHints, SpanRecord, TelemetryBatch } from '../../common/model';
import { makeBatch, makeSpan, spanIdOf, traceIdOf } from '../testing/telemetry';
import { migrate, openDatabase, type Db } from './database';
import { StoreWriter } from './writer';
import { ReadStore } from '../query/read-store';
import { serviceMap } from '../query/service-map';
import { importFile } from '../../collectors/import';
import { decodeOtlpProto } from '../../collectors/otlp/decode-proto';
import { encodeBatch } from '../../collectors/otlp/encode-proto';
import { fullCollection } from '../config/idle-collect';
import { until } from '../testing/prom-backends';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const T0 = BigInt(Date.now() - 5 * 60_000) * 1_000_000n;
let seq = 0;

interface S {
  trace: string;
  id: string;
  parent?: string;
  kind: 'server' | 'client' | 'producer' | 'consumer' | 'internal';
  hints?: SpanHints;
  error?: boolean;
  ms?: number;
}

const KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };

function span(s: S): SpanRecord {
  const start = T0 + BigInt(seq++) * 1000n;
  return makeSpan({
    traceId: traceIdOf(s.trace),
    spanId: spanIdOf(s.id),
    parentSpanId: s.parent ? spanIdOf(s.parent) : null,
    name: `${s.kind} ${s.id}`,
    kind: KIND[s.kind],
    startNs: start,
    endNs: start + BigInt((s.ms ?? 10) * 1_000_000),
    statusCode: s.error ? 2 : 0,
    hints: s.hints ?? {},
  });
}

const batch = (service: string, spans: S[]): TelemetryBatch => makeBatch(service, spans.map(span), { version: '1', namespace: 'shop' });

/** A writer whose commits tell the reader which rollup minutes changed, as the core does. */
class WiredWriter extends StoreWriter {
  constructor(
    db: Db,
    private readonly read: ReadStore,
  ) {
    super(db);
  }
  override write(...args: Parameters<StoreWriter['write']>) {
    const r = super.write(...args);
    if (r.oldestMinute !== null) this.read.invalidateRollups(r.oldestMinute);
    return r;
  }
  override tick(nowMs?: number) {
    const m = super.tick(nowMs);
    if (m !== null) this.read.invalidateRollups(m);
    return m;
  }
}

function setup(): { db: Db; writer: StoreWriter; dir: string; newWriter: () => StoreWriter; map: () => ReturnType<typeof serviceMap> } {
  const dir = mkdtempSync(join(tmpdir(), 'loupe-edges-'));
  dirs.push(dir);
  const db = openDatabase(dir);
  migrate(db);
  const read = new ReadStore(dir, () => undefined);
  const newWriter = () => new WiredWriter(db, read);
  return { db, writer: newWriter(), dir, newWriter, map: () => serviceMap(read, { from: Date.now() - 3_600_000, to: Date.now() + 60_000 }) };
}

const edge = (m: ReturnType<typeof serviceMap>, source: string, target: string) => m.edges.find((e) => e.source === source && e.target === target);

describe('edges from client/server pairs', () => {
  it('pairs halves in one batch, and across batches in either order', () => {
    const { writer, map } = setup();
    // one process exports both halves together
    writer.write([batch('web', [{ trace: 'a1', id: '1', kind: 'server' }, { trace: 'a1', id: '2', parent: '1', kind: 'client' }]), batch('api', [{ trace: 'a1', id: '3', parent: '2', kind: 'server', ms: 7 }])]);
    // the server half first, the client later
    writer.write([batch('api', [{ trace: 'a2', id: '3', parent: '2', kind: 'server', error: true }])]);
    writer.write([batch('web', [{ trace: 'a2', id: '1', kind: 'server' }, { trace: 'a2', id: '2', parent: '1', kind: 'client' }])]);
    const m = map();
    expect(edge(m, 'web', 'api')).toMatchObject({ connectionType: 'sync', calls: 2, errors: 1 });
    expect(m.nodes.find((n) => n.id === 'api')).toMatchObject({ type: 'service', calls: 2, errors: 1 });
  });

  it('a half waiting for its peer keeps nothing of the request it came in', async () => {
    const { writer, map } = setup();
    const collect = fullCollection()!;
    // The decoder's ids are views of the request's body. A client whose server has not sent
    // yet waits up to a minute, and so would the whole body (up to 64 MiB decompressed) if it
    // kept them.
    let freed = false;
    const bodies = new FinalizationRegistry(() => (freed = true));
    (() => {
      const [{ body }] = encodeBatch(batch('web', [{ trace: 'f1', id: '1', kind: 'server' }, { trace: 'f1', id: '2', parent: '1', kind: 'client' }]));
      const own = Buffer.alloc(body.length); // a body of its own, as each request has
      body.copy(own);
      bodies.register(own.buffer, 'body');
      writer.write([decodeOtlpProto('traces', own)]);
    })();
    await until('the request body collected while its client half waits', async () => {
      collect();
      await new Promise((r) => setTimeout(r, 10));
      return freed || undefined;
    }, 10_000);
    // The half still waits, and pairs when its server comes.
    writer.write([batch('api', [{ trace: 'f1', id: '3', parent: '2', kind: 'server' }])]);
    expect(edge(map(), 'web', 'api')).toMatchObject({ connectionType: 'sync', calls: 1 });
  });

  it('counts every retry as a call, and a client nobody answered as a call to its peer', () => {
    const { writer, map } = setup();
    const attempts: S[] = [{ trace: 'b1', id: '1', kind: 'server' }];
    const servers: S[] = [];
    for (let i = 0; i < 3; i++) {
      attempts.push({ trace: 'b1', id: `c${i}`, parent: '1', kind: 'client', error: i < 2, hints: { peerService: 'payments', httpStatusCode: i < 2 ? 503 : 200 } });
      servers.push({ trace: 'b1', id: `d${i}`, parent: `c${i}`, kind: 'server', error: i < 2 });
    }
    // a fourth attempt timed out: no server span ever arrives
    attempts.push({ trace: 'b1', id: 'c9', parent: '1', kind: 'client', error: true, hints: { peerService: 'payments' } });
    writer.write([batch('checkout', attempts), batch('payments', servers)]);
    writer.tick(Date.now() + 120_000); // past the pairing TTL
    const e = edge(map(), 'checkout', 'payments');
    expect(e).toMatchObject({ calls: 4, errors: 3 });
  });

  it('pairs halves stored before a restart, by asking the store when they expire', () => {
    const { writer, map, newWriter } = setup();
    writer.write([batch('web', [{ trace: 'c1', id: '1', kind: 'server' }, { trace: 'c1', id: '2', parent: '1', kind: 'client' }])]);
    // a new writer (the process restarted) sees only the server half
    const fresh = newWriter();
    fresh.write([batch('api', [{ trace: 'c1', id: '3', parent: '2', kind: 'server' }])]);
    expect(edge(map(), 'web', 'api')).toBeUndefined();
    fresh.tick(Date.now() + 120_000);
    expect(edge(map(), 'web', 'api')).toMatchObject({ calls: 1 });
  });

  it('settles halves as they pass their TTL, oldest first, and keeps a trace\'s younger halves waiting', () => {
    const { writer, map } = setup();
    const t0 = Date.now();
    writer.write([batch('web', [{ trace: 'e1', id: '1', kind: 'server' }, { trace: 'e1', id: '2', parent: '1', kind: 'client', hints: { peerService: 'payments' } }])], t0);
    writer.write([batch('web', [{ trace: 'e1', id: '4', parent: '1', kind: 'client', hints: { peerService: 'payments' } }])], t0 + 50_000);
    writer.tick(t0 + 70_000); // only the first client is past the 60 s TTL
    expect(edge(map(), 'web', 'payments')).toMatchObject({ calls: 1 });
    // the younger client of the same trace still waits, and pairs with its server
    writer.write([batch('api', [{ trace: 'e1', id: '5', parent: '4', kind: 'server' }])], t0 + 71_000);
    expect(edge(map(), 'web', 'api')).toMatchObject({ calls: 1 });
    writer.tick(t0 + 200_000);
    expect(edge(map(), 'web', 'payments')).toMatchObject({ calls: 1 });
  });

  it('settles each half on its own time, whatever became of older halves of its trace', () => {
    const { writer, map } = setup();
    const t0 = Date.now();
    writer.write([batch('web', [{ trace: 'f1', id: '1', kind: 'server' }, { trace: 'f1', id: '2', parent: '1', kind: 'client' }])], t0);
    writer.write([batch('shop', [{ trace: 'f2', id: '1', kind: 'server' }, { trace: 'f2', id: '2', parent: '1', kind: 'client', hints: { peerService: 'stock' } }])], t0 + 10_000);
    writer.write([batch('web', [{ trace: 'f1', id: '4', parent: '1', kind: 'client', hints: { peerService: 'payments' } }])], t0 + 20_000);
    writer.write([batch('api', [{ trace: 'f1', id: '3', parent: '2', kind: 'server' }])], t0 + 30_000); // answers web's first client
    writer.tick(t0 + 75_000); // shop's client (10 s) is past the 60 s TTL, web's second (20 s) is not
    expect(edge(map(), 'shop', 'stock')).toMatchObject({ calls: 1 });
    expect(edge(map(), 'web', 'payments')).toBeUndefined();
    writer.tick(t0 + 85_000);
    expect(edge(map(), 'web', 'payments')).toMatchObject({ calls: 1 });
    expect(edge(map(), 'web', 'api')).toMatchObject({ calls: 1 });
  });

  it('makes virtual nodes for unanswered peers: peer.service, then server.address', () => {
    const { writer, map } = setup();
    writer.write([
      batch('checkout', [
        { trace: 'd1', id: '1', kind: 'server' },
        { trace: 'd1', id: '2', parent: '1', kind: 'client', hints: { serverAddress: 'api.stripe.com', serverPort: 443 } },
        { trace: 'd1', id: '3', parent: '1', kind: 'client' }, // nothing names the peer: no edge
        { trace: 'd1', id: '4', parent: '1', kind: 'internal' },
      ]),
    ]);
    writer.tick(Date.now() + 120_000);
    const m = map();
    expect(edge(m, 'checkout', 'ext:api.stripe.com:443')).toMatchObject({ connectionType: 'virtual', calls: 1 });
    expect(m.nodes.find((n) => n.id === 'ext:api.stripe.com:443')).toMatchObject({ type: 'external', name: 'api.stripe.com:443', calls: 1 });
    expect(m.edges).toHaveLength(1);
  });

  it('does not count a re-sent span twice', () => {
    const { writer, map } = setup();
    const pair = [batch('web', [{ trace: 'e1', id: '1', kind: 'server' }, { trace: 'e1', id: '2', parent: '1', kind: 'client' }]), batch('api', [{ trace: 'e1', id: '3', parent: '2', kind: 'server' }])];
    writer.write(pair);
    writer.write(pair);
    writer.tick(Date.now() + 120_000);
    expect(edge(map(), 'web', 'api')).toMatchObject({ calls: 1 });
  });
});

describe('databases and queues', () => {
  it('draws database nodes and flags one written by more than one service as shared', () => {
    const { writer, map } = setup();
    const db = (id: string, op: string): S => ({ trace: 'f1', id, parent: '1', kind: 'client', hints: { dbSystem: 'postgresql', dbNamespace: 'shopdb', dbOperation: op } });
    writer.write([
      batch('cart', [{ trace: 'f1', id: '1', kind: 'server' }, db('2', 'INSERT'), db('3', 'SELECT')]),
      batch('checkout', [db('4', 'UPDATE')]),
      batch('search', [db('5', 'SELECT')]),
      batch('cart', [{ trace: 'f1', id: '6', parent: '1', kind: 'client', hints: { dbSystem: 'redis', dbQueryStart: 'SET cart:42 …' } }]),
    ]);
    const m = map();
    const shopdb = m.nodes.find((n) => n.id === 'db:postgresql/shopdb')!;
    expect(shopdb).toMatchObject({ type: 'database', name: 'shopdb', system: 'postgresql', calls: 4, shared: true, writers: ['cart', 'checkout'] });
    expect(edge(m, 'search', 'db:postgresql/shopdb')).toMatchObject({ connectionType: 'database', calls: 1 });
    const redis = m.nodes.find((n) => n.id === 'db:redis/')!;
    expect(redis).toMatchObject({ type: 'database', name: 'redis', shared: false, writers: ['cart'] });
  });

  it('a database only one service writes to is not shared, however many read it', () => {
    const { writer, map } = setup();
    const db = (svc: string, op: string) => batch(svc, [{ trace: 'f2', id: `${svc.length}${op.length}`, parent: '1', kind: 'client', hints: { dbSystem: 'mysql', dbNamespace: 'users', dbOperation: op } }]);
    writer.write([db('accounts', 'INSERT'), db('profile', 'SELECT'), db('search', 'SELECT')]);
    expect(map().nodes.find((n) => n.id === 'db:mysql/users')).toMatchObject({ shared: false, writers: ['accounts'] });
  });

  it('routes messaging through a queue node, as async edges', () => {
    const { writer, map } = setup();
    const m = { messagingSystem: 'kafka', messagingDestination: 'orders' };
    writer.write([
      batch('checkout', [{ trace: '91', id: '1', kind: 'server' }, { trace: '91', id: '2', parent: '1', kind: 'producer', hints: m }]),
      batch('fulfillment', [{ trace: '91', id: '3', parent: '2', kind: 'consumer', hints: m, ms: 40 }]),
      // a producer/consumer pair without messaging attributes still pairs, as an async edge
      batch('billing', [{ trace: '92', id: '1', kind: 'producer' }]),
      batch('ledger', [{ trace: '92', id: '2', parent: '1', kind: 'consumer' }]),
    ]);
    const map1 = map();
    expect(edge(map1, 'checkout', 'queue:kafka/orders')).toMatchObject({ connectionType: 'messaging', calls: 1 });
    expect(edge(map1, 'queue:kafka/orders', 'fulfillment')).toMatchObject({ connectionType: 'messaging', calls: 1 });
    expect(map1.nodes.find((n) => n.id === 'queue:kafka/orders')).toMatchObject({ type: 'queue', name: 'orders', system: 'kafka' });
    expect(edge(map1, 'billing', 'ledger')).toMatchObject({ connectionType: 'messaging', calls: 1 });
    expect(edge(map1, 'checkout', 'fulfillment')).toBeUndefined();
  });
});

describe('edges from real trace files', () => {
  async function importInto(writer: StoreWriter, file: string) {
    for await (const chunk of importFile(file)) writer.write([chunk.batch], Date.now());
    writer.tick(Date.now() + 120_000);
  }

  it('Zipkin shared client/server spans pair into edges (yelp.json)', async () => {
    const { writer, db } = setup();
    await importInto(writer, new URL('../../../shared/fixtures/zipkin/yelp.json', import.meta.url).pathname);
    const edges = db.prepare('SELECT source, target, connection_type AS type, sum(calls) AS calls FROM rollup_edge_minute GROUP BY source, target').all() as Array<{ source: string; target: string; type: string; calls: number }>;
    expect(edges.length).toBeGreaterThan(0);
    expect(edges.every((e) => e.source !== e.target)).toBe(true);
    expect(edges.some((e) => e.type === 'sync')).toBe(true);
  });

  it('Zipkin producer/consumer spans give async edges (messaging-kafka.json)', async () => {
    const { writer, db } = setup();
    await importInto(writer, new URL('../../../shared/fixtures/zipkin/messaging-kafka.json', import.meta.url).pathname);
    const types = db.prepare('SELECT DISTINCT connection_type FROM rollup_edge_minute').pluck().all();
    expect(types).toContain('messaging');
  });
});
