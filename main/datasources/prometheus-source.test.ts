// The built-in prometheus plugin against real servers: Debian's Prometheus and VictoriaMetrics,
// started here on free loopback ports, scraping an exporter of service-graph and span-metrics
// series. The map, the Services list and golden signals read through each source equal what
// the exporter exposed; PromQL errors come back readable; a stopped backend shows as
// unavailable and recovers; 401s, HTML pages and timeouts are named as such.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/core-harness';
import { buildPluginRuntime } from '../plugin-host/build-runtime';
import { startBackend, startExporter, until, type Backend } from '../testing/prom-backends';

const REPO = join(import.meta.dirname, '..', '..');
let h: Harness;
let buildDir: string;
let exporter: Awaited<ReturnType<typeof startExporter>>;
const backends: Record<string, Backend> = {};
let fallback: Backend;
let odd: Server;
let oddPort = 0;

const put = (name: string, settings: Record<string, unknown>) =>
  h.api(`/api/datasources/${name}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'prometheus', settings }) });

beforeAll(async () => {
  buildDir = mkdtempSync(join(REPO, 'dist-plugins-'));
  const runtime = await buildPluginRuntime(REPO, buildDir);
  exporter = await startExporter();
  const target = [{ port: exporter.port, path: '/metrics', job: 'otel-collector' }];
  [backends.prometheus, backends['victoria-metrics'], fallback] = await Promise.all([
    startBackend('prometheus', target),
    startBackend('victoria-metrics', target),
    startBackend('victoria-metrics', [{ port: exporter.port, path: '/metrics-http', job: 'shop/checkout' }]),
  ]);
  // A server that is not Prometheus: 401 with a token it does not like, an HTML login page, or silence.
  odd = createServer((req, res) => {
    if (req.url?.startsWith('/silent')) return;
    if (req.headers.authorization === 'Bearer wrong-token') {
      res.statusCode = 401;
      return res.end('unauthorized');
    }
    res.setHeader('content-type', 'text/html');
    res.end('<html><body><form>Sign in</form></body></html>');
  });
  await new Promise<void>((r) => odd.listen(0, '127.0.0.1', () => r()));
  oddPort = (odd.address() as { port: number }).port;
  h = await startHarness({ pluginRuntime: runtime });
  for (const [name, b] of Object.entries(backends)) expect((await put(name, { url: b.url })).status).toBe(200);
  expect((await put('http-only', { url: fallback.url })).status).toBe(200);
  const slo = (id: string, body: Record<string, unknown>) =>
    h.api(`/api/slos/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id, name: id, service: 'api', window: '1h', ...body }) });
  expect((await slo('api-availability', { sli: 'availability', objective: 99 })).status).toBe(200);
  expect((await slo('api-latency', { sli: 'latency', objective: 90, thresholdMs: 100 })).status).toBe(200);
  expect((await slo('api-latency-120', { sli: 'latency', objective: 90, thresholdMs: 120 })).status).toBe(200);
  expect((await slo('web-availability', { sli: 'availability', objective: 99, service: 'web' })).status).toBe(200);
  // Two the source cannot evaluate: a threshold under api's first bucket bound (50 ms), and a
  // service that sends nothing.
  expect((await slo('api-latency-1ms', { sli: 'latency', objective: 90, thresholdMs: 1 })).status).toBe(200);
  expect((await slo('ghost-latency', { sli: 'latency', objective: 90, thresholdMs: 100, service: 'ghost' })).status).toBe(200);
  // Enough scrapes for a 20-second window to be full on every backend.
  await new Promise((r) => setTimeout(r, 1000));
  for (const name of [...Object.keys(backends), 'http-only'])
    await until(`${name} to have 25 s of data`, async () => {
      const r = await h.api(`/api/metrics/query?source=${name}&query=${encodeURIComponent('count_over_time(up[40s])')}&step=0`);
      return r.status === 200 && (r.body.series[0]?.points[0]?.[1] ?? 0) >= 25;
    }, 90_000);
}, 180_000);

afterAll(async () => {
  await h?.close();
  await Promise.all([...Object.values(backends), fallback].map((b) => b?.close()));
  await exporter?.close();
  odd?.close();
  rmSync(buildDir, { recursive: true, force: true });
});

/**
 * Where a window over a backend's data should end: two seconds ago, or at its newest sample when
 * a busy machine let the last scrapes in later than that. A window ending past its data would
 * read the newest step short (both backends rate a step from the samples inside it).
 */
async function windowEnd(source: string): Promise<number> {
  const url = source === 'http-only' ? fallback.url : backends[source].url;
  const newest = 'max(timestamp({__name__=~"traces_service_graph_request_total|http_server_request_duration_seconds_count"}))';
  const r = (await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent(newest)}`)).json()) as { data: { result: Array<{ value: [number, string] }> } };
  const newestMs = Math.floor(Number(r.data.result[0]?.value[1]) * 1000);
  return Number.isFinite(newestMs) ? Math.min(Date.now() - 2_000, newestMs) : Date.now() - 2_000;
}

const windowQs = async (source: string) => {
  const to = await windowEnd(source);
  return `from=${to - 20_000}&to=${to}`;
};

describe.each(['prometheus', 'victoria-metrics'])('a %s source', (name) => {
  it('draws the map the exporter describes', async () => {
    const { status, body } = await h.api(`/api/service-map?source=${name}&${await windowQs(name)}`);
    expect(status).toBe(200);
    const edge = body.edges.find((e: { source: string; target: string }) => e.source === 'web' && e.target === 'api');
    expect(edge.connectionType).toBe('sync');
    expect(edge.errorRate).toBeCloseTo(0.1, 6);
    expect(edge.p50Ms).toBeCloseTo(50, 3);
    expect(edge.p95Ms).toBeCloseTo(175, 3);
    expect(edge.p99Ms).toBeCloseTo(235, 3);
    expect(edge.rps).toBeGreaterThan(7);
    expect(edge.rps).toBeLessThan(13);
    const db = body.nodes.find((n: { id: string }) => n.id === 'postgres');
    expect(db).toMatchObject({ type: 'database', errors: 0, writers: ['api'] });
    expect(body.edges.find((e: { target: string }) => e.target === 'postgres').connectionType).toBe('database');
    // api from the current span-metrics names, web from the older traces_spanmetrics_* ones.
    const api = body.nodes.find((n: { id: string }) => n.id === 'api');
    expect(api.errorRate).toBeCloseTo(0.1, 6);
    expect(api.p95Ms).toBeCloseTo(175, 3);
    expect(api.health).toBe('degraded');
    const web = body.nodes.find((n: { id: string }) => n.id === 'web');
    expect(web).toMatchObject({ errors: 0, health: 'healthy' });
    expect(web.p50Ms).toBeCloseTo(100, 3);
    expect(web.rps).toBeGreaterThan(3.5);
    expect(web.rps).toBeLessThan(6.5);
  });

  it('lists the services with their signals', async () => {
    const { status, body } = await h.api(`/api/services?source=${name}&${await windowQs(name)}`);
    expect(status).toBe(200);
    expect(body.map((s: { name: string }) => s.name).sort()).toEqual(['api', 'web']);
    const api = body.find((s: { name: string }) => s.name === 'api');
    expect(api.errorRate).toBeCloseTo(0.1, 6);
    expect(api.p95Ms).toBeCloseTo(175, 3);
  });

  it('gives golden signals of one service', async () => {
    const to = await windowEnd(name);
    const { status, body } = await h.api(`/api/services/api/golden-signals?source=${name}&from=${to - 20_000}&to=${to}&step=5`);
    expect(status).toBe(200);
    expect(body.totals.errorRate).toBeCloseTo(0.1, 6);
    expect(body.totals.p95Ms).toBeCloseTo(175, 3);
    const full = body.series.filter((p: { requests: number }) => p.requests > 0);
    expect(full.length).toBeGreaterThanOrEqual(2);
    for (const p of full) {
      expect(p.errorRate).toBeCloseTo(0.1, 6);
      expect(p.okP95Ms).toBeCloseTo(175, 3);
      expect(p.errP95Ms).toBeCloseTo(175, 3);
    }
    expect(body.operations.map((o: { name: string }) => o.name)).toEqual(['GET /items']);
    expect(body.upstream.map((u: { service: string }) => u.service)).toEqual(['web']);
    expect(body.downstream).toMatchObject([{ service: 'postgres', type: 'database', connectionType: 'database' }]);
  });

  it('gives the signals of one edge', async () => {
    const to = await windowEnd(name);
    const { status, body } = await h.api(`/api/service-map/edge?datasource=${name}&source=web&target=api&from=${to - 20_000}&to=${to}&step=5`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ source: 'web', target: 'api', connectionType: 'sync' });
    expect(body.totals.errorRate).toBeCloseTo(0.1, 6);
    expect(body.totals.p95Ms).toBeCloseTo(175, 3);
    expect(body.totals.p50Ms).toBeCloseTo(50, 3);
    expect(body.totals.p99Ms).toBeCloseTo(235, 3);
    expect(body.notice).toMatch(/server side/);
    // Whole steps of 5 s: the exporter adds 10 calls a second to this edge, 1 of them failed,
    // with the same latency buckets every second, so every step charts the same ratios and
    // latencies. A step's rate is the calls the backend holds for it: a scrape a busy machine
    // let fail leaves a step short (never long), so the rate is held to the exporter's over the
    // whole window and in the fullest step, and is never above it in any.
    const full = body.series.filter((p: { requests: number; time: number }) => p.requests > 0 && p.time + 5_000 <= to);
    expect(full.length).toBeGreaterThanOrEqual(2);
    expect(body.totals.rps).toBeGreaterThan(7);
    expect(body.totals.rps).toBeLessThan(13);
    expect(Math.max(...full.map((p: { rps: number }) => p.rps))).toBeGreaterThan(7);
    for (const p of full) {
      expect(p.errorRate).toBeCloseTo(0.1, 6);
      expect(p.rps).toBeCloseTo(p.requests / 5, 6);
      expect(p.rps).toBeLessThan(13);
      expect(p.okP50Ms).toBeCloseTo(50, 3);
      expect(p.okP95Ms).toBeCloseTo(175, 3);
      expect(p.okP99Ms).toBeCloseTo(235, 3);
    }
    const db = await h.api(`/api/service-map/edge?datasource=${name}&source=api&target=postgres&from=${to - 20_000}&to=${to}&step=5`);
    expect(db.body).toMatchObject({ connectionType: 'database', totals: { errors: 0 } });
  });

  it('computes SLOs from the source', async () => {
    const { status, body } = await h.api(`/api/slos?source=${name}`);
    expect(status).toBe(200);
    const byId = Object.fromEntries(body.slos.map((s: { slo: { id: string } }) => [s.slo.id, s]));
    // 10 % of api's requests fail: a 99 % objective burns at 10× and pages.
    expect(byId['api-availability'].sli).toBeCloseTo(0.9, 6);
    expect(byId['api-availability'].state).toBe('page');
    expect(byId['api-availability'].burnRates.find((b: { windowMs: number }) => b.windowMs === 300_000).burnRate).toBeCloseTo(10, 4);
    expect(byId['api-availability'].history.length).toBeGreaterThan(0);
    // Successful requests under 100 ms: 90 % of the 90 % that did not fail.
    expect(byId['api-latency'].sli).toBeCloseTo(0.81, 6);
    expect(byId['api-latency'].notice).toBeUndefined();
    // 120 ms is no bucket bound: counted at the 100 ms bound, and said so.
    expect(byId['api-latency-120'].sli).toBeCloseTo(0.81, 6);
    expect(byId['api-latency-120'].notice).toMatch(/no bound at 120 ms/);
    // The local store has no traffic for api: the same SLOs read locally have no data.
    expect((await h.api('/api/slos')).body.slos.every((s: { state: string }) => s.state === 'no_data')).toBe(true);
  });

  it('lists one service\'s SLOs, and an SLO it cannot evaluate shows its own error', async () => {
    const { status, body } = await h.api(`/api/slos?source=${name}`);
    expect(status).toBe(200);
    const byId = Object.fromEntries(body.slos.map((s: { slo: { id: string } }) => [s.slo.id, s]));
    expect(byId['api-latency-1ms'].error.message).toMatch(/no bound at or under 1 ms/);
    expect(byId['ghost-latency'].error.message).toMatch(/ghost has no latency histogram/);
    // The others are evaluated as if nothing failed.
    expect(byId['api-availability'].error).toBeUndefined();
    expect(byId['api-availability'].state).toBe('page');
    expect(byId['web-availability']).toMatchObject({ state: 'ok', sli: 1 });
    // A question the SLO asks wrongly says nothing against the source.
    expect((await h.api('/api/datasources')).body.datasources.find((d: { name: string }) => d.name === name)).toMatchObject({ status: 'ok' });
    // A service page asks for its own SLOs only.
    const web = await h.api(`/api/slos?source=${name}&service=web`);
    expect(web.body.slos.map((s: { slo: { id: string } }) => s.slo.id)).toEqual(['web-availability']);
    const api = await h.api(`/api/slos?source=${name}&service=api`);
    expect(api.body.slos.map((s: { slo: { id: string } }) => s.slo.id).sort()).toEqual(['api-availability', 'api-latency', 'api-latency-120', 'api-latency-1ms']);
    expect((await h.api('/api/slos?service=web')).body.slos.map((s: { slo: { id: string } }) => s.slo.id)).toEqual(['web-availability']);
    // A source that does not exist is the request's error, not each SLO's.
    expect((await h.api('/api/slos?source=nowhere')).status).toBe(404);
  });

  it('rates calls over the part of a long window it has data for', async () => {
    // An hour's window over a backend with about a minute of data: the exporter's own rates.
    const to = await windowEnd(name);
    const qs = `from=${to - 3_600_000}&to=${to}`;
    // Within 10 %: the exporter's counters start at zero at each backend's first scrape, so
    // neither Prometheus's extrapolation before the first sample nor VictoriaMetrics counting a
    // new counter's first value as an increase from zero adds calls; what is left is where the
    // last scrape fell. Rated over the whole hour, the same edge reads about 0.2/s.
    const near = (value: number, expected: number) => {
      expect(value).toBeGreaterThan(expected * 0.9);
      expect(value).toBeLessThan(expected * 1.1);
    };
    const map = (await h.api(`/api/service-map?source=${name}&${qs}`)).body;
    const edge = (s: string, t: string) => map.edges.find((e: { source: string; target: string }) => e.source === s && e.target === t);
    const node = (id: string) => map.nodes.find((n: { id: string }) => n.id === id);
    near(edge('web', 'api').rps, 10);
    near(edge('api', 'postgres').rps, 20);
    near(node('api').rps, 10);
    near(node('web').rps, 5);
    near(node('postgres').rps, 20);
    const services = (await h.api(`/api/services?source=${name}&${qs}`)).body;
    near(services.find((s: { name: string }) => s.name === 'api').rps, 10);
    const gs = (await h.api(`/api/services/api/golden-signals?source=${name}&${qs}`)).body;
    near(gs.totals.rps, 10);
    near(gs.operations[0].rps, 10);
    near(gs.upstream[0].rps, 10);
    near(gs.downstream[0].rps, 20);
    const edgeSignals = (await h.api(`/api/service-map/edge?datasource=${name}&source=web&target=api&${qs}`)).body;
    near(edgeSignals.totals.rps, 10);
  });

  it('charts a database node from the calls into it, and says why a node has nothing to chart', async () => {
    const to = await windowEnd(name);
    const db = await h.api(`/api/services/postgres/golden-signals?source=${name}&from=${to - 20_000}&to=${to}&step=5`);
    expect(db.status).toBe(200);
    expect(db.body.notice).toMatch(/Calls into postgres from the service-graph edges of its callers \(api\)/);
    expect(db.body.totals).toMatchObject({ errors: 0, errorRate: 0 });
    expect(db.body.totals.rps).toBeGreaterThan(18);
    expect(db.body.totals.rps).toBeLessThan(22);
    expect(db.body.totals.p99Ms).toBeLessThanOrEqual(5);
    const full = db.body.series.filter((p: { requests: number; time: number }) => p.requests > 0 && p.time + 5_000 <= to);
    expect(full.length).toBeGreaterThanOrEqual(2);
    // As for an edge: short steps are possible on a busy machine, long ones are not.
    expect(Math.max(...full.map((p: { rps: number }) => p.rps))).toBeGreaterThan(15);
    for (const p of full) {
      expect(p.rps).toBeCloseTo(p.requests / 5, 6);
      expect(p.rps).toBeLessThan(25);
    }
    expect(db.body.upstream.map((u: { service: string }) => u.service)).toEqual(['api']);
    const ghost = await h.api(`/api/services/ghost/golden-signals?source=${name}&from=${to - 20_000}&to=${to}&step=5`);
    expect(ghost.status).toBe(200);
    expect(ghost.body.series).toEqual([]);
    expect(ghost.body.notice).toMatch(/ghost has no span metrics of its own and no service-graph edge/);
  });

  it('passes PromQL through, and returns the server\'s error as it gave it', async () => {
    const ok = await h.api(`/api/metrics/query?source=${name}&query=${encodeURIComponent('sum(traces_service_graph_request_total)')}&${await windowQs(name)}&step=5`);
    expect(ok.status).toBe(200);
    expect(ok.body.resultType).toBe('matrix');
    expect(ok.body.series[0].points.length).toBeGreaterThanOrEqual(4);
    const bad = await h.api(`/api/metrics/query?source=${name}&query=${encodeURIComponent('sum(rate(up[1m])')}`);
    expect([bad.status, bad.body.error.code]).toEqual([400, "bad_query"]);
    expect(bad.body.error.code).toBe('bad_query');
    expect(bad.body.error.message).toMatch(/parse|unexpected|cannot|missing/i);
    const names = await h.api(`/api/metrics?source=${name}&${await windowQs(name)}&q=service_graph`);
    expect(names.body.map((m: { name: string }) => m.name)).toContain('traces_service_graph_request_total');
    // The builder's suggestions: the source's label names and values of one metric.
    const attrs = await h.api(`/api/metrics/traces_service_graph_request_server_seconds_bucket/attributes?source=${name}&${await windowQs(name)}`);
    expect(attrs.status).toBe(200);
    const keys = attrs.body.map((a: { key: string }) => a.key);
    expect(keys).toEqual(expect.arrayContaining(['client', 'server', 'connection_type']));
    expect(keys).not.toContain('le');
    expect(attrs.body.find((a: { key: string }) => a.key === 'client').values.map((v: { value: string }) => v.value).sort()).toEqual(['api', 'web']);
  });
});

describe('a backend younger than a step', () => {
  it('draws its first seconds in the filling step: charts agree with the KPIs', async () => {
    const young = await startBackend('prometheus', [{ port: exporter.port, path: '/metrics', job: 'otel-collector' }]);
    try {
      await until('a few scrapes', async () => {
        const r = await fetch(`${young.url}/api/v1/query?query=${encodeURIComponent('count_over_time(up[1m])')}`);
        return Number(((await r.json()) as { data: { result: Array<{ value: [number, string] }> } }).data.result[0]?.value[1] ?? 0) >= 4;
      });
      expect((await put('young', { url: young.url })).status).toBe(200);
      // The last hour at the default step (one minute): all of this backend's data is in the
      // newest, still filling, minute.
      const to = Date.now();
      const gs = await h.api(`/api/services/api/golden-signals?source=young&from=${to - 3_600_000}&to=${to}`);
      expect(gs.status).toBe(200);
      expect(gs.body.totals.errorRate).toBeCloseTo(0.1, 6);
      const last = gs.body.series.at(-1);
      expect(last.time).toBe(Math.floor(to / 60_000) * 60_000);
      expect(last.requests).toBeGreaterThan(0);
      expect(last.errorRate).toBeCloseTo(0.1, 6);
      expect(last.okP95Ms).toBeCloseTo(175, 3);
      // Its rate is over the seconds that passed, not the whole minute.
      expect(last.rps).toBeCloseTo(last.requests / Math.max(1, (to - last.time) / 1000), 1);
      const edge = await h.api(`/api/service-map/edge?datasource=young&source=web&target=api&from=${to - 3_600_000}&to=${to}`);
      expect(edge.body.series.at(-1).requests).toBeGreaterThan(0);
    } finally {
      await young.close();
    }
  });
});

describe('bad backends', () => {
  it('uses http_server_request_duration_seconds when there are no span metrics', async () => {
    const { status, body } = await h.api(`/api/service-map?source=http-only&${await windowQs('http-only')}`);
    expect(status).toBe(200);
    expect(body.nodes).toMatchObject([{ id: 'checkout', type: 'service' }]);
    expect(body.nodes[0].errorRate).toBeCloseTo(0.2, 6);
  });

  it('a stopped backend shows as unavailable, and recovers', async () => {
    await backends.prometheus.stop();
    const test = await h.api('/api/datasources/prometheus/test', { method: 'POST' });
    expect(test.body.status).toBe("unavailable");
    expect(test.body.message).toMatch(/cannot reach/);
    const map = await h.api(`/api/service-map?source=prometheus&from=${Date.now() - 22_000}&to=${Date.now() - 2_000}`);
    expect(map.status).toBe(502);
    const listed = (await h.api('/api/datasources')).body.datasources.find((d: { name: string }) => d.name === 'prometheus');
    expect(listed).toMatchObject({ status: 'unavailable' });
    expect(listed.error).toMatch(/cannot reach/);
    await backends.prometheus.start();
    await until('prometheus to be ok again', async () => (await h.api('/api/datasources/prometheus/test', { method: 'POST' })).body.status === 'ok');
    expect((await h.api('/api/datasources')).body.datasources.find((d: { name: string }) => d.name === 'prometheus')).toMatchObject({ status: 'ok', error: null });
  });

  it('names a 401, an HTML login page and a timeout', async () => {
    await put('bad-creds', { url: `http://127.0.0.1:${oddPort}`, auth: 'bearer', token: 'wrong-token' });
    const r401 = await h.api('/api/datasources/bad-creds/test', { method: 'POST' });
    expect(r401.body).toMatchObject({ status: 'error' });
    expect(r401.body.message).toMatch(/401/);
    await put('login-page', { url: `http://127.0.0.1:${oddPort}` });
    const html = await h.api('/api/datasources/login-page/test', { method: 'POST' });
    expect(html.body.status).toBe('error');
    expect(html.body.message).toMatch(/HTML page .*not the Prometheus API/);
    await put('silent', { url: `http://127.0.0.1:${oddPort}/silent`, timeoutSeconds: 1 });
    const silent = await h.api('/api/datasources/silent/test', { method: 'POST' });
    expect(silent.body.status).toBe('unavailable');
    expect(silent.body.message).toMatch(/did not answer within 1 s/);
    // The token never comes back.
    expect(JSON.stringify((await h.api('/api/datasources')).body)).not.toContain('wrong-token');
  });
});
