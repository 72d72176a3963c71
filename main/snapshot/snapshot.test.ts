// Snapshot round trip through the real store: import real inputs (the shared fixtures, and a
// generated busy window that spans several pages of every kind), write a snapshot, import it
// into an empty data directory, and compare what the screens read. Damaged, truncated and
// foreign files are refused and store nothing.
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZipFile } from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../collectors/import';
import { decodeOtlpObject } from '../../collectors/otlp/decode-json';
import { IngestPipeline } from '../ingest/pipeline';
import { ReadStore } from '../query/read-store';
import { listServices } from '../query/services';
import { serviceMap } from '../query/service-map';
import { goldenSignals } from '../query/golden-signals';
import { getTrace } from '../query/traces';
import { toHex } from '../../common/ids';
import { writeSnapshot } from './write-snapshot';
import { SnapshotRefused, importSnapshot } from './read-snapshot';
import { adoptSideData, snapshotExtras } from './side-data';
import { openDatabase } from '../store/database';
import { SLO_FILE, editSloFile, readSloFile } from '../slo/slo-file';
import type { SloDefinition } from '../../common/api/slo-schemas';

const FIXTURES = '/work/shared/fixtures';
const FIXTURE_FILES = ['otlp/trace.json', 'otlp/logs.json', 'otlp/metrics.json', 'otlp/events.json', 'zipkin/yelp.json', 'zipkin/messaging-kafka.json', 'zipkin/skew.json'].map(
  (f) => join(FIXTURES, f),
);

const tmp = mkdtempSync(join(tmpdir(), 'loupe-snapshot-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const kv = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** A busy 10 minutes of three services: 450 traces (front → orders → db), 2500 logs, 2 series of 1200 points. */
function busyWindow(t0Ms: number): { traces: unknown; logs: unknown; metrics: unknown } {
  const ns = (ms: number) => `${BigInt(Math.round(ms * 1000)) * 1000n}`;
  const spansOf: Record<string, unknown[]> = { front: [], orders: [] };
  for (let i = 0; i < 450; i++) {
    const traceId = hex(i + 1, 32);
    const start = t0Ms + i * 1000;
    const failed = i % 9 === 0;
    const http = (v: number) => ({ key: 'http.response.status_code', value: { intValue: String(v) } });
    spansOf.front.push(
      { traceId, spanId: hex(i * 4 + 1, 16), name: 'GET /checkout', kind: 2, startTimeUnixNano: ns(start), endTimeUnixNano: ns(start + 40 + (i % 7)), attributes: [http(failed ? 500 : 200)], status: failed ? { code: 2 } : {} },
      { traceId, spanId: hex(i * 4 + 2, 16), parentSpanId: hex(i * 4 + 1, 16), name: 'POST /orders', kind: 3, startTimeUnixNano: ns(start + 2), endTimeUnixNano: ns(start + 30), attributes: [http(failed ? 503 : 200)], status: failed ? { code: 2 } : {} },
    );
    spansOf.orders.push(
      { traceId, spanId: hex(i * 4 + 3, 16), parentSpanId: hex(i * 4 + 2, 16), name: 'POST /orders', kind: 2, startTimeUnixNano: ns(start + 3), endTimeUnixNano: ns(start + 29), attributes: [http(failed ? 503 : 200)], status: failed ? { code: 2 } : {} },
      { traceId, spanId: hex(i * 4 + 4, 16), parentSpanId: hex(i * 4 + 3, 16), name: 'INSERT orders', kind: 3, startTimeUnixNano: ns(start + 5), endTimeUnixNano: ns(start + 9), attributes: [kv('db.system.name', 'postgresql'), kv('db.namespace', 'shop'), kv('db.operation.name', 'INSERT')] },
    );
  }
  const resource = (name: string) => ({ attributes: [kv('service.name', name), kv('service.version', '1.2.0')] });
  const records = Array.from({ length: 2500 }, (_, i) => ({
    timeUnixNano: ns(t0Ms + i * 180),
    observedTimeUnixNano: ns(t0Ms + i * 180 + 3),
    severityNumber: i % 10 === 0 ? 17 : 9,
    severityText: i % 10 === 0 ? 'ERROR' : 'INFO',
    body: i % 25 === 0 ? { kvlistValue: { values: [kv('event', 'order.placed'), { key: 'n', value: { intValue: String(i) } }] } } : { stringValue: `order ${i} placed by user ${i % 17}` },
    attributes: [kv('code.function', 'placeOrder')],
    traceId: hex((i % 450) + 1, 32),
  }));
  const points = (offset: number) =>
    Array.from({ length: 1200 }, (_, i) => ({ startTimeUnixNano: ns(t0Ms), timeUnixNano: ns(t0Ms + i * 500 + offset), asDouble: i * 0.5, attributes: [kv('pool', 'main')] }));
  return {
    traces: { resourceSpans: Object.entries(spansOf).map(([name, spans]) => ({ resource: resource(name), scopeSpans: [{ scope: { name: 'shop', version: '1' }, spans }] })) },
    logs: { resourceLogs: [{ resource: resource('orders'), scopeLogs: [{ scope: { name: 'shop' }, logRecords: records }] }] },
    metrics: {
      resourceMetrics: [
        {
          resource: resource('orders'),
          scopeMetrics: [
            {
              scope: { name: 'shop' },
              metrics: [
                { name: 'db.client.connection.count', unit: '{connection}', gauge: { dataPoints: points(0) } },
                {
                  name: 'orders.placed',
                  unit: '{order}',
                  sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: points(100).map((p, i) => ({ ...p, asDouble: undefined, asInt: String(i) })) },
                },
              ],
            },
          ],
        },
      ],
    },
  };
}

async function storeWith(dir: string, fill: (p: IngestPipeline) => Promise<void>): Promise<void> {
  const pipeline = await IngestPipeline.start({ dataDir: dir, mode: 'inline' });
  try {
    await fill(pipeline);
  } finally {
    await pipeline.close();
  }
}

/** What the Services list, the map, golden signals and the trace view show for a window. */
function screens(dir: string, windows: { from: number; to: number } | Array<{ from: number; to: number }>) {
  const store = new ReadStore(dir, () => undefined);
  try {
    return { windows: [windows].flat().map((w) => rollupScreens(store, w)), ...rawScreens(store) };
  } finally {
    store.close();
  }
}

function rollupScreens(store: ReadStore, window: { from: number; to: number }) {
  {
    const services = listServices(store, window).map((s) => ({ name: s.name, requests: s.requests, errors: s.requestErrors, spans: s.spanCount, spanErrors: s.errorCount, p95: s.p95Ms }));
    const map = serviceMap(store, window);
    const edges = map.edges.map((e) => `${e.source}→${e.target} ${e.calls}/${e.errors}`).sort();
    const golden = services.map((s) => goldenSignals(store, { name: s.name, ...window }).totals);
    return { services: services.sort((a, b) => a.name.localeCompare(b.name)), edges, golden };
  }
}

function rawScreens(store: ReadStore) {
  {
    const traceIds = (store.pluck('SELECT trace_id FROM traces ORDER BY trace_id').all() as Buffer[]).map(toHex);
    const traces = traceIds.map((id) => {
      const t = getTrace(store, id);
      return { id, spans: t.spans.map((s) => `${s.spanId} ${s.name} ${s.startTimeUnixNano} ${JSON.stringify(s.attributes)} ${s.links.length}`).sort() };
    });
    const count = (sql: string) => store.pluck(sql).get() as number;
    return {
      traces,
      logs: count('SELECT count(*) FROM logs'),
      logBodies: (store.pluck('SELECT body FROM logs ORDER BY time_ns, body').all() as string[]).join('\n'),
      points: count('SELECT count(*) FROM metric_points'),
      series: (store.pluck('SELECT name || kind || unit || attributes FROM metric_series ORDER BY 1').all() as string[]).join('\n'),
    };
  }
}

async function snapshotOf(dir: string, file: string, window: { from: number; to: number }) {
  const store = new ReadStore(dir, () => undefined);
  try {
    const progress: string[] = [];
    const manifest = await writeSnapshot(store, window, snapshotExtras(dir, [], []), createWriteStream(file), (p) => progress.push(p.phase));
    return { manifest, progress };
  } finally {
    store.close();
  }
}

async function importInto(dir: string, file: string) {
  let result: Awaited<ReturnType<typeof importSnapshot>> | undefined;
  await storeWith(dir, async (p) => {
    result = await importSnapshot({ path: file }, (batch) => p.submitBatch(batch, 'snapshot'));
  });
  return result!;
}

async function plainZip(): Promise<Buffer> {
  const zip = new ZipFile();
  zip.addBuffer(Buffer.from('not telemetry'), 'README.txt');
  zip.end();
  const parts: Buffer[] = [];
  for await (const b of zip.outputStream) parts.push(b as Buffer);
  return Buffer.concat(parts);
}

describe('snapshot round trip', () => {
  const src = join(tmp, 'fixtures-src');
  const dst = join(tmp, 'fixtures-dst');
  const busySrc = join(tmp, 'busy-src');
  const file = join(tmp, 'fixtures.zip');
  const busyFile = join(tmp, 'busy.zip');
  const busyT0 = Date.parse('2026-11-30T10:00:00Z');
  const busyWindowMs = { from: busyT0, to: busyT0 + 600_000 };
  let fixtureWindow: { from: number; to: number };
  let traceWindows: Array<{ from: number; to: number }>;

  beforeAll(async () => {
    await storeWith(src, async (p) => {
      const summaries = await importFiles(FIXTURE_FILES, (batch, f) => p.submitBatch(batch, f));
      expect(summaries.every((s) => !s.failed && s.problems.length === 0)).toBe(true);
    });
    const db = new ReadStore(src, () => undefined);
    const range = db.stmt('SELECT min(start_ns) AS a, max(end_ns) AS b FROM traces').get() as { a: number; b: number };
    traceWindows = (db.stmt('SELECT start_ns AS a, end_ns AS b FROM traces ORDER BY start_ns').all() as Array<{ a: number; b: number }>).map((t) => ({
      from: Math.floor(t.a / 1e6) - 60_000,
      to: Math.ceil(t.b / 1e6) + 60_000,
    }));
    const logRange = db.stmt('SELECT min(time_ns) AS a, max(time_ns) AS b FROM logs').get() as { a: number; b: number };
    const pointRange = db.stmt('SELECT min(time_ns) AS a, max(time_ns) AS b FROM metric_points').get() as { a: number; b: number };
    db.close();
    fixtureWindow = {
      from: Math.floor(Math.min(range.a, logRange.a, pointRange.a) / 1e6) - 60_000,
      to: Math.ceil(Math.max(range.b, logRange.b, pointRange.b) / 1e6) + 60_000,
    };
    const busy = busyWindow(busyT0);
    await storeWith(busySrc, async (p) => {
      for (const [signal, body] of [['traces', busy.traces], ['logs', busy.logs], ['metrics', busy.metrics]] as const) {
        const outcome = await p.submitBatch(decodeOtlpObject(signal, body), 'test');
        expect(outcome.rejected).toBe(0);
      }
    });
  });

  it('gives the same services, map edges, golden signals, traces, logs and metrics for the shared fixtures', async () => {
    const { manifest } = await snapshotOf(src, file, fixtureWindow);
    expect(manifest.traces.items).toBe(49);
    const result = await importInto(dst, file);
    expect(result.spans).toBe(49);
    const before = screens(src, traceWindows);
    const after = screens(dst, traceWindows);
    expect(after.traces.length).toBe(4);
    expect(after.windows[0].services.length).toBeGreaterThan(0);
    expect(after.windows.some((w) => w.services.some((sv) => sv.requests > 0))).toBe(true);
    expect(after.logs).toBeGreaterThan(0);
    expect(after.points).toBeGreaterThan(0);
    expect(after).toEqual(before);
  });

  it('streams a busy window page by page and round-trips it exactly', async () => {
    // A deploy a pipeline announced and an SLO travel with the snapshot.
    const db = openDatabase(busySrc);
    db.prepare('INSERT INTO deploys (service, version, time_ms, instance, description, received_ms) VALUES (?, ?, ?, ?, ?, ?)').run('orders', '1.2.0', busyT0 + 60_000, null, 'rollout', Date.now());
    db.close();
    editSloFile(join(busySrc, SLO_FILE), 'front-availability', { id: 'front-availability', name: 'Checkout works', service: 'front', sli: 'availability', objective: 99.5, window: '7d' } satisfies SloDefinition);
    const { manifest, progress } = await snapshotOf(busySrc, busyFile, busyWindowMs);
    expect(manifest.traces.traces).toBe(450);
    expect(manifest.traces.lines).toBe(450);
    expect(manifest.logs).toEqual({ lines: 3, items: 2500 });
    expect(manifest.metrics).toEqual({ lines: 4, items: 2400 });
    expect(manifest.services).toEqual(['front', 'orders']);
    expect(progress.filter((p) => p === 'traces').length).toBeGreaterThan(2);
    expect([manifest.deploys, manifest.slos]).toEqual([1, 1]);
    const dst2 = join(tmp, 'busy-dst');
    const imported = await importInto(dst2, busyFile);
    expect(adoptSideData(dst2, imported)).toMatchObject({ slosAdded: ['front-availability'], deploysAdded: 1 });
    expect(readSloFile(join(dst2, SLO_FILE)).slos.map((s) => s.service)).toEqual(['front']);
    expect(adoptSideData(dst2, imported)).toMatchObject({ slosAdded: [], deploysAdded: 0 });
    const before = screens(busySrc, busyWindowMs);
    const after = screens(dst2, busyWindowMs);
    expect(after.windows[0].edges).toContain('front→orders 450/50');
    expect(after.windows[0].services.find((sv) => sv.name === 'front')).toMatchObject({ requests: 450, errors: 50 });
    expect(after).toEqual(before);
    // A second import of the same snapshot adds nothing.
    const again = await importInto(dst2, busyFile);
    expect(again.duplicates).toBe(450 * 4 + 2500 + 2400);
    expect(screens(dst2, busyWindowMs)).toEqual(before);
  });

  it('keeps only the chosen services: traces touching them, their logs and metrics', async () => {
    const store = new ReadStore(busySrc, () => undefined);
    const out = join(tmp, 'front.zip');
    const manifest = await writeSnapshot(store, { ...busyWindowMs, services: ['front'] }, {}, createWriteStream(out));
    store.close();
    expect(manifest.requestedServices).toEqual(['front']);
    expect(manifest.traces.traces).toBe(450);
    expect(manifest.logs.items).toBe(0);
    expect(manifest.metrics.items).toBe(0);
  });

  it('refuses truncated, damaged, altered and foreign files and stores nothing', async () => {
    await snapshotOf(busySrc, busyFile, busyWindowMs);
    const bytes = readFileSync(busyFile);
    const cases: Array<[string, Buffer, RegExp]> = [
      ['truncated.zip', bytes.subarray(0, Math.floor(bytes.length * 0.7)), /not a readable zip file \(truncated or corrupt\?\)/],
      ['damaged.zip', Buffer.from(bytes.map((b, i) => (i === 4000 ? b ^ 0xff : b))), /traces\.jsonl: .*damaged|traces\.jsonl.*invalid/],
      ['foreign.zip', await plainZip(), /a zip file, but not a Loupe snapshot: it has no manifest\.json/],
      ['notes.txt', Buffer.from('hello'), /not a readable zip file/],
    ];
    for (const [name, data, message] of cases) {
      const path = join(tmp, name);
      writeFileSync(path, data);
      const dir = join(tmp, `refused-${name}`);
      await expect(importInto(dir, path)).rejects.toThrow(message);
      await expect(importInto(dir, path)).rejects.toBeInstanceOf(SnapshotRefused);
      const after = screens(dir, busyWindowMs);
      expect([after.traces.length, after.logs, after.points]).toEqual([0, 0, 0]);
    }
  });
});
