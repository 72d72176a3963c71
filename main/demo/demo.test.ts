// The demo shop end to end: its real processes export OTLP to a real receiver and store, and
// what lands in SQLite is what a new user would see in Loupe in the first seconds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpHttpReceiver } from '../../collectors/otlp/http-receiver';
import { IngestPipeline } from '../ingest/pipeline';
import { startDemo, type RunningDemo } from './index';
import { bundleDemoService, type DemoBundle } from '../testing/demo-bundle';
import { ReadStore } from '../query/read-store';
import { assembleFlow } from '../query/flows';

/** The demo runs until what the tests look at has arrived, within this bound. */
const ENOUGH_DATA_WITHIN_MS = 100_000;
const CLIENT = 3;
const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

let bundle: DemoBundle | undefined;
let dataDir: string;
let db: Database.Database;
let demo: RunningDemo;
/** The processes the demo ran, taken before it stopped (the live list empties on stop). */
let demoProcesses: RunningDemo['processes'] = [];
const demoLog: string[] = [];

beforeAll(async () => {
  bundle = await bundleDemoService('dist-demo-');

  dataDir = mkdtempSync(join(tmpdir(), 'loupe-demo-'));
  const pipeline = await IngestPipeline.start({ dataDir, mode: 'inline' });
  const receiver = new OtlpHttpReceiver({ host: '127.0.0.1', port: 0, sink: (p) => pipeline.submit({ kind: 'otlp', ...p }) });
  const port = await receiver.listen();
  try {
    demo = await startDemo({
      otlpEndpoint: `http://127.0.0.1:${port}`,
      rps: 20,
      serviceScript: bundle.script,
      log: (line) => demoLog.push(line),
    });
    await untilEnoughData(join(dataDir, 'loupe.db'));
  } finally {
    demoProcesses = demo?.processes ?? [];
    await demo?.stop();
    await receiver.close();
    await pipeline.close();
  }
  db = new Database(join(dataDir, 'loupe.db'), { readonly: true });
}, 180_000);

afterAll(() => {
  db?.close();
  bundle?.remove();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Waits, bounded, until every version of payment has served enough charges to compare medians,
 * an order has gone through the queue and a retry-capable call to payment was made. */
async function untilEnoughData(file: string): Promise<void> {
  const deadline = Date.now() + ENOUGH_DATA_WITHIN_MS;
  let seen = 'nothing yet';
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    let live: Database.Database | undefined;
    try {
      live = new Database(file, { readonly: true, fileMustExist: true });
      const perVersion = live
        .prepare(`SELECT r.service_version AS version, COUNT(*) AS n FROM spans s JOIN resources r ON r.id = s.resource_id JOIN services sv ON sv.id = s.service_id
                  WHERE sv.name = 'payment' AND s.kind = ${SERVER} GROUP BY 1`)
        .all() as Array<{ version: string; n: number }>;
      const consumed = (live.prepare(`SELECT COUNT(*) AS n FROM spans WHERE kind = ${CONSUMER}`).get() as { n: number }).n;
      // Shipments are the last hop of an order's flow (checkout → orders → fulfillment → shipments → inventory).
      const settled = (live.prepare(`SELECT COUNT(*) AS n FROM spans WHERE kind = ${CONSUMER} AND ${attr('messaging.destination.name', 'spans')} = 'shipments'`).get() as { n: number }).n;
      seen = `payment spans ${JSON.stringify(perVersion)}, consumer spans ${consumed}, shipments consumed ${settled}`;
      if (perVersion.length === 2 && perVersion.every((v) => v.n >= 30) && consumed >= 3 && settled >= 2) return;
    } catch {
      // the store is not created yet
    } finally {
      live?.close();
    }
  }
  throw new Error(`the demo did not produce enough data within ${ENOUGH_DATA_WITHIN_MS / 1000} s: ${seen}`);
}

const rows = <T>(sql: string, ...params: unknown[]) => db.prepare(sql).all(...params) as T[];
const one = <T>(sql: string, ...params: unknown[]) => db.prepare(sql).get(...params) as T;
const attr = (name: string, alias = 's') => `json_extract(${alias}.attributes, '$."${name}"')`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

describe('the demo shop, as Loupe stores it', () => {
  it('shows at least six services of the "shop" namespace in the "demo" environment', () => {
    const services = rows<{ name: string }>(`SELECT name FROM services WHERE namespace = 'shop'`).map((r) => r.name);
    expect(services.length).toBeGreaterThanOrEqual(6);
    expect(services).toEqual(expect.arrayContaining(demo.services));
    const environments = rows<{ environment: string }>('SELECT DISTINCT environment FROM resources').map((r) => r.environment);
    expect(environments).toEqual(['demo']);
  });

  it('has traces that cross at least four services', () => {
    const widest = one<{ services: number }>('SELECT COUNT(DISTINCT service_id) AS services FROM spans GROUP BY trace_id ORDER BY services DESC LIMIT 1');
    expect(widest.services).toBeGreaterThanOrEqual(4);
  });

  it('pairs HTTP client spans with the server spans of the services they called', () => {
    const { clients, paired } = one<{ clients: number; paired: number }>(`
      SELECT COUNT(*) AS clients,
             SUM(EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = c.trace_id AND s.parent_span_id = c.span_id
                         AND s.kind = ${SERVER} AND s.service_id != c.service_id)) AS paired
      FROM spans c WHERE c.kind = ${CLIENT} AND ${attr('http.request.method', 'c')} IS NOT NULL`);
    expect(clients).toBeGreaterThan(50);
    // A request cut off by a timeout still reaches its server, so nearly all pair up.
    expect(paired / clients).toBeGreaterThan(0.95);
    const route = one<{ n: number }>(`SELECT COUNT(*) AS n FROM spans s WHERE kind = ${SERVER} AND ${attr('http.route')} = '/products/:sku'`);
    expect(route.n).toBeGreaterThan(0);
  });

  it('shows "shopdb" written by more than one service, and a Redis cache', () => {
    const writers = rows<{ name: string }>(`
      SELECT DISTINCT sv.name FROM spans s JOIN services sv ON sv.id = s.service_id
      WHERE s.kind = ${CLIENT} AND ${attr('db.system.name')} = 'postgresql' AND ${attr('db.namespace')} = 'shopdb'
        AND ${attr('db.operation.name')} IN ('INSERT', 'UPDATE', 'DELETE')`).map((r) => r.name);
    expect(writers.length).toBeGreaterThanOrEqual(2);
    const query = one<{ text: string }>(`SELECT ${attr('db.query.text')} AS text FROM spans s WHERE ${attr('db.namespace')} = 'shopdb' LIMIT 1`);
    expect(query.text).toMatch(/\$1/);
    const cache = one<{ n: number }>(`SELECT COUNT(*) AS n FROM spans s WHERE kind = ${CLIENT} AND ${attr('db.system.name')} = 'redis'`);
    expect(cache.n).toBeGreaterThan(0);
  });

  it('carries order messages from a producer to a consumer in another service, the consumer starting a new trace linked to the producer', () => {
    const consumers = rows<{ traceId: string; parent: Buffer | null; links: string; consumer: string; destination: string; operation: string }>(`
      SELECT hex(c.trace_id) AS traceId, c.parent_span_id AS parent, c.links, cs.name AS consumer,
             ${attr('messaging.destination.name', 'c')} AS destination, ${attr('messaging.operation.type', 'c')} AS operation
      FROM spans c JOIN services cs ON cs.id = c.service_id
      WHERE c.kind = ${CONSUMER} AND ${attr('messaging.system', 'c')} = 'kafka'`);
    expect(consumers.length).toBeGreaterThan(0);
    // Placed orders go to fulfillment, and shipped ones from there to inventory.
    const producerOf: Record<string, string> = { orders: 'checkout', shipments: 'fulfillment' };
    const consumerOf: Record<string, string> = { orders: 'fulfillment', shipments: 'inventory' };
    expect([...new Set(consumers.map((c) => c.destination))].sort()).toEqual(['orders', 'shipments']);
    for (const c of consumers) {
      expect(c).toMatchObject({ consumer: consumerOf[c.destination], operation: 'process' });
      // A root span of its own trace...
      expect(c.parent).toBeNull();
      const links = JSON.parse(c.links) as Array<{ traceId: string; spanId: string }>;
      expect(links).toHaveLength(1);
      // ...linked to the producer's span, in the sender's trace.
      const producer = one<{ service: string; traceId: string; kind: number } | undefined>(
        `SELECT sv.name AS service, hex(p.trace_id) AS traceId, p.kind FROM spans p JOIN services sv ON sv.id = p.service_id
         WHERE p.trace_id = unhex(?) AND p.span_id = unhex(?)`,
        links[0].traceId,
        links[0].spanId,
      );
      if (!producer) continue; // produced before the store saw it, or still in flight
      expect(producer).toMatchObject({ service: producerOf[c.destination], kind: PRODUCER });
      expect(producer.traceId).not.toBe(c.traceId);
    }
    const found = one<{ n: number }>(`
      SELECT COUNT(*) AS n FROM spans c JOIN spans p
        ON p.trace_id = unhex(json_extract(c.links, '$[0].traceId')) AND p.span_id = unhex(json_extract(c.links, '$[0].spanId'))
      WHERE c.kind = ${CONSUMER} AND p.kind = ${PRODUCER}`);
    expect(found.n).toBeGreaterThan(0);
  });

  it('follows an order across its three traces: placed in checkout, shipped by fulfillment, settled by inventory', () => {
    const store = new ReadStore(dataDir, () => undefined);
    try {
      const settling = rows<{ traceId: string }>(`
        SELECT lower(hex(c.trace_id)) AS traceId FROM spans c
        WHERE c.kind = ${CONSUMER} AND ${attr('messaging.destination.name', 'c')} = 'shipments' ORDER BY c.start_ns LIMIT 20`);
      const flows = settling.map((t) => assembleFlow(store, { traceId: t.traceId, maxTraces: 50, maxDepth: 10 }));
      const whole = flows.find((f) => f.traces.length === 3);
      expect(whole, `flows seen: ${flows.map((f) => f.traces.length).join(', ')}`).toBeDefined();
      expect(whole!.traces[0].trace?.services).toContain('checkout');
      expect(whole!.traces.slice(1).map((t) => t.trace?.rootService)).toEqual(['fulfillment', 'inventory']);
      expect(whole!.hops.map((h) => [h.from.service, h.destination, h.to.service])).toEqual([
        ['checkout', 'orders', 'fulfillment'],
        ['fulfillment', 'shipments', 'inventory'],
      ]);
      for (const hop of whole!.hops) expect(hop.lagMs).toBeGreaterThanOrEqual(0);
      expect(whole!.services).toEqual(expect.arrayContaining(['checkout', 'payment', 'fulfillment', 'inventory']));
    } finally {
      store.close();
    }
  });

  it('runs payment on three instances, the canary version 1.5.0 on one of them, slower', () => {
    const durations = rows<{ version: string; instance: string; ms: number }>(`
      SELECT r.service_version AS version, json_extract(r.attributes, '$."service.instance.id"') AS instance, s.duration_ns / 1e6 AS ms
      FROM spans s JOIN resources r ON r.id = s.resource_id JOIN services sv ON sv.id = s.service_id
      WHERE sv.name = 'payment' AND s.kind = ${SERVER}`);
    const byVersion = (v: string) => durations.filter((d) => d.version === v);
    expect([...new Set(durations.map((d) => d.version))].sort()).toEqual(['1.4.2', '1.5.0']);
    expect(new Set(byVersion('1.4.2').map((d) => d.instance)).size).toBe(2);
    expect(new Set(byVersion('1.5.0').map((d) => d.instance)).size).toBe(1);
    // Medians, not means: one slow outlier must not decide it either way. The canary is built
    // 80 ms slower at the median; a loaded machine adds delay to both versions alike, so at least
    // 30 charges each and a quarter of that difference leave no room for chance.
    expect(median(byVersion('1.5.0').map((d) => d.ms))).toBeGreaterThan(median(byVersion('1.4.2').map((d) => d.ms)) + 20);
    // The canary takes its share of the calls (2 of 8 by weight), not all and not none.
    const share = byVersion('1.5.0').length / durations.length;
    expect(share).toBeGreaterThan(0.12);
    expect(share).toBeLessThan(0.4);
  });

  it("names the peer on checkout's calls to payment, one CLIENT span per attempt", () => {
    const calls = rows<{ peer: string; resend: number | null; parent: string }>(`
      SELECT ${attr('peer.service')} AS peer, ${attr('http.request.resend_count')} AS resend, hex(s.parent_span_id) AS parent
      FROM spans s JOIN services sv ON sv.id = s.service_id
      WHERE sv.name = 'checkout' AND s.kind = ${CLIENT} AND s.name = 'POST' AND ${attr('peer.service')} = 'payment'`);
    expect(calls.length).toBeGreaterThan(10);
    // Resends, when any happened, sit under the same parent as a first attempt.
    for (const resend of calls.filter((c) => c.resend !== null)) {
      expect(resend.resend).toBeGreaterThanOrEqual(1);
      expect(calls.some((c) => c.parent === resend.parent && c.resend === null)).toBe(true);
    }
  });

  it('has failed spans', () => {
    const failed = one<{ n: number }>('SELECT COUNT(*) AS n FROM spans WHERE is_error = 1');
    expect(failed.n).toBeGreaterThan(0);
  });

  it('has logs of several severities tied to stored spans', () => {
    const correlated = one<{ n: number }>(`
      SELECT COUNT(*) AS n FROM logs l
      WHERE EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = l.trace_id AND s.span_id = l.span_id)`);
    expect(correlated.n).toBeGreaterThan(50);
    const severities = rows<{ severity_text: string }>('SELECT DISTINCT severity_text FROM logs').map((r) => r.severity_text);
    expect(severities).toEqual(expect.arrayContaining(['DEBUG', 'INFO']));
    expect(severities.some((s) => s === 'WARN' || s === 'ERROR')).toBe(true);
  });

  it('has HTTP duration histograms, runtime metrics and business metrics', () => {
    const series = (name: string) => one<{ kind: string; points: number } | undefined>(`
      SELECT ms.kind, COUNT(mp.id) AS points FROM metric_series ms JOIN metric_points mp ON mp.series_id = ms.id
      WHERE ms.name = ? GROUP BY ms.kind`, name);
    expect(series('http.server.request.duration')).toMatchObject({ kind: 'histogram' });
    expect(series('nodejs.eventloop.delay.p99')?.points).toBeGreaterThan(0);
    expect(series('v8js.memory.heap.used')?.points).toBeGreaterThan(0);
    expect(series('process.cpu.utilization')?.points).toBeGreaterThan(0);
    expect(series('shop.orders.placed')?.points).toBeGreaterThan(0);
    expect(series('shop.cart.size')).toMatchObject({ kind: 'histogram' });
    expect(series('shop.queue.depth')?.points).toBeGreaterThan(0);
    const pool = rows<{ state: string }>(`SELECT DISTINCT json_extract(attributes, '$."db.client.connection.state"') AS state FROM metric_series WHERE name = 'db.client.connection.count'`);
    expect(pool.map((p) => p.state).sort()).toEqual(['idle', 'used']);
  });

  it('leaves no demo process running after stop', () => {
    expect(demoProcesses.length).toBeGreaterThanOrEqual(8);
    expect(demo.processes).toEqual([]);
    const alive = demoProcesses.filter((p) => {
      try {
        process.kill(p.pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
  });
});
