// The built-in prometheus-scrape plugin end to end: a real Prometheus (Debian's 2.42, started here
// on a free loopback port) is scraped at its own /metrics; the metrics arrive through the
// plugin's ingest source and read back through /api/metrics with the right kinds and values.
// Targets behind auth (bearer, basic, extra headers) are scraped with the credentials kept as
// data-source secrets, and are down with a 401 that says so without them.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/core-harness';
import { buildPluginRuntime } from '../plugin-host/build-runtime';
import { startBackend, until, type Backend } from '../testing/prom-backends';
import { parseExposition } from '../../plugins/prometheus-scrape/exposition';

const REPO = join(import.meta.dirname, '..', '..');
let h: Harness;
let buildDir: string;
let prom: Backend;
let broken: Server;
let brokenUrl = '';
let guarded: Server;
let guardedUrl = '';
const TOKEN = 'scrape-token-4f1c9e';
const PASSWORD = 'scrape-password-77a0';
/** What the guarded exporter saw last: the credentials arrive as configured. */
const seen: Array<{ path: string; authorization: string | undefined; tenant: string | undefined }> = [];

const put = (name: string, settings: Record<string, unknown>) =>
  h.api(`/api/datasources/${name}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'prometheus-scrape', settings }) });

type Point = { value: number | null; count?: number | null; sum?: number | null; detail?: Record<string, any> };
type Series = { attributes: Record<string, string>; resource: Record<string, string>; points: Point[] };
const latest = async (name: string, match: Record<string, string>): Promise<Point | undefined> => {
  const { body } = await h.api<Series[]>(`/api/metrics/${encodeURIComponent(name)}/points?from=${Date.now() - 120_000}&limit=500`);
  const series = body.find((s) => Object.entries(match).every(([k, v]) => s.attributes[k] === v));
  return series?.points.at(-1);
};

beforeAll(async () => {
  buildDir = mkdtempSync(join(REPO, 'dist-plugins-'));
  const runtime = await buildPluginRuntime(REPO, buildDir);
  prom = await startBackend('prometheus', []);
  // A target whose page has unreadable lines among good ones.
  broken = createServer((_req, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end('# TYPE shop_orders_total counter\nshop_orders_total{shop="a"} 41\nshop_orders_total{shop="b" 3\nshop_queue_depth{shop="a"} seven\n');
  });
  await new Promise<void>((r) => broken.listen(0, '127.0.0.1', () => r()));
  brokenUrl = `http://127.0.0.1:${(broken.address() as { port: number }).port}/metrics`;
  // An exporter behind auth: /metrics wants the bearer token, /basic wants user and password
  // and an X-Tenant header; anything else is a 401, as a reverse proxy in front of it answers.
  guarded = createServer((req, res) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization, tenant: req.headers['x-tenant'] as string | undefined });
    const basic = `Basic ${Buffer.from(`scraper:${PASSWORD}`).toString('base64')}`;
    const ok = req.url === '/metrics' ? req.headers.authorization === `Bearer ${TOKEN}` : req.headers.authorization === basic && req.headers['x-tenant'] === 'shop';
    if (!ok) {
      res.writeHead(401, 'Unauthorized', { 'www-authenticate': 'Bearer' });
      return res.end('unauthorized');
    }
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(`# TYPE guarded_items_total counter\nguarded_items_total{path="${req.url}"} ${req.url === '/metrics' ? 7 : 11}\n`);
  });
  await new Promise<void>((r) => guarded.listen(0, '127.0.0.1', () => r()));
  guardedUrl = `http://127.0.0.1:${(guarded.address() as { port: number }).port}`;
  h = await startHarness({ pluginRuntime: runtime });
}, 120_000);

afterAll(async () => {
  await h?.close();
  await prom?.close();
  broken?.close();
  guarded?.close();
  rmSync(buildDir, { recursive: true, force: true });
});

describe('a prometheus-scrape source', () => {
  it('scrapes a real Prometheus into the local store with the right kinds', async () => {
    const put1 = await put('self', { targets: [`${prom.url}/metrics`], intervalSeconds: 1, job: 'prometheus' });
    expect(put1.status).toBe(200);
    expect(put1.body.status).toBe('ok');
    const wanted = ['prometheus_http_requests_total', 'prometheus_http_request_duration_seconds', 'go_gc_duration_seconds', 'go_goroutines', 'prometheus_build_info', 'up'];
    const metrics = await until(
      'the scraped metrics to be listed',
      async () => {
        const { body } = await h.api<Array<{ name: string; kind: string; monotonic: boolean; temporality: string; services: string[]; description: string }>>('/api/metrics');
        return wanted.every((n) => body.some((m) => m.name === n)) && body;
      },
      30_000,
    );
    const kind = (n: string) => metrics.find((m) => m.name === n)!;
    expect(kind('prometheus_http_requests_total')).toMatchObject({ kind: 'sum', monotonic: true, temporality: 'cumulative', services: ['prometheus'] });
    expect(kind('prometheus_http_requests_total').description).toMatch(/HTTP requests/i);
    expect(kind('prometheus_http_request_duration_seconds')).toMatchObject({ kind: 'histogram', temporality: 'cumulative' });
    expect(kind('go_gc_duration_seconds')).toMatchObject({ kind: 'summary' });
    expect(kind('go_goroutines')).toMatchObject({ kind: 'gauge' });

    const build = await latest('prometheus_build_info', {});
    expect(build?.value).toBe(1);
    expect(await latest('up', {})).toMatchObject({ value: 1 });
    const targets = (await h.api('/api/datasources')).body.datasources.find((d: { name: string }) => d.name === 'self').targets;
    expect(targets).toMatchObject([{ target: `${prom.url}/metrics`, up: true, lastError: null }]);
  });

  it('stores the values Prometheus exposed: counters, histogram buckets, summaries', async () => {
    // Nothing queries this Prometheus's API any more, so its /api/v1/query series stand still;
    // read them from its own page and wait until a scrape after that has been stored.
    const page = parseExposition(await (await fetch(`${prom.url}/metrics`)).text());
    const family = (n: string) => page.families.find((f) => f.name === n)!;
    const handler = '/api/v1/query';
    const requests = family('prometheus_http_requests_total').samples.find((s) => s.labels.handler === handler && s.labels.code === '200')!;
    expect(requests.value).toBeGreaterThan(0);
    const counter = await until('the counter to be stored', async () => {
      const p = await latest('prometheus_http_requests_total', { handler, code: '200' });
      return p?.value === requests.value && p;
    }, 20_000);
    expect(counter.value).toBe(requests.value);

    const buckets = family('prometheus_http_request_duration_seconds').samples.filter((s) => s.labels.handler === handler && s.name.endsWith('_bucket'));
    const count = family('prometheus_http_request_duration_seconds').samples.find((s) => s.labels.handler === handler && s.name.endsWith('_count'))!.value;
    const histogram = (await latest('prometheus_http_request_duration_seconds', { handler }))!;
    expect(histogram.count).toBe(count);
    const bounds = histogram.detail!.explicitBounds as number[];
    const counts = histogram.detail!.bucketCounts as number[];
    expect(bounds).toEqual(buckets.filter((b) => b.labels.le !== '+Inf').map((b) => Number(b.labels.le)));
    // Stored per bucket; exposed cumulative.
    let cumulative = 0;
    counts.forEach((c, i) => {
      cumulative += Number(c);
      expect(cumulative).toBe(buckets[i].value);
    });

    const gc = (await latest('go_gc_duration_seconds', {}))!;
    const quantiles = (gc.detail!.quantileValues as Array<{ quantile: number }>).map((q) => q.quantile);
    expect(quantiles).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it('counts unreadable lines per target and keeps the good ones', async () => {
    expect((await put('shop', { targets: [brokenUrl, 'http://127.0.0.1:1/metrics'], intervalSeconds: 1 })).status).toBe(200);
    const orders = await until('the good line to be stored', () => latest('shop_orders_total', { shop: 'a' }), 20_000);
    expect(orders.value).toBe(41);
    const targets = await until('both targets to report', async () => {
      const t = (await h.api('/api/datasources')).body.datasources.find((d: { name: string }) => d.name === 'shop').targets;
      return t.length === 2 && t.every((x: { lastScrape: number | null }) => x.lastScrape !== null) && t;
    });
    const good = targets.find((t: { target: string }) => t.target === brokenUrl);
    expect(good.up).toBe(true);
    expect(good.lastError).toMatch(/^2 unreadable lines skipped; line 3: .*line 4: shop_queue_depth: "seven" is not a number/);
    const down = targets.find((t: { target: string }) => t.target !== brokenUrl);
    expect(down).toMatchObject({ up: false });
    expect(down.lastError).toMatch(/cannot reach http:\/\/127.0.0.1:1\/metrics/);
    // The source's test names the target that is down.
    const test = await h.api('/api/datasources/shop/test', { method: 'POST' });
    expect(test.body.status).toBe('error');
    expect(test.body.message).toMatch(/127.0.0.1:1/);
  });

  it('scrapes a target behind auth with the credentials kept as secrets; without them it is down with a 401', async () => {
    const target = `${guardedUrl}/metrics`;
    const targetOf = async (name: string) => (await h.api('/api/datasources')).body.datasources.find((d: { name: string }) => d.name === name).targets[0];
    // No credentials: saved, and the target's health says what the exporter answered.
    const open = await put('guarded', { targets: [target], intervalSeconds: 1 });
    expect(open.status).toBe(200);
    expect(open.body.status).toBe('error');
    expect(open.body.error).toMatch(/answered 401 Unauthorized: check the credentials \(auth: none\)/);
    const down = await until('the target to report the 401', async () => {
      const t = await targetOf('guarded');
      return t?.lastScrape !== null && t;
    });
    expect(down).toMatchObject({ target, up: false });
    expect(down.lastError).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics answered 401 Unauthorized: check the credentials \(auth: none\)$/);
    // bearer without a token is refused before anything is sent.
    const noToken = await put('guarded', { targets: [target], intervalSeconds: 1, auth: 'bearer' });
    expect(noToken.status).toBe(400);
    expect(noToken.body.error.message).toMatch(/auth is "bearer" but no token is set/);

    // With the token: scraped and stored, the target up.
    const withToken = await put('guarded', { targets: [target], intervalSeconds: 1, auth: 'bearer', token: TOKEN });
    expect(withToken.status).toBe(200);
    expect(withToken.body.status).toBe('ok');
    const items = await until('the guarded counter to be stored', () => latest('guarded_items_total', { path: '/metrics' }), 20_000);
    expect(items.value).toBe(7);
    await until('the target to be up', async () => (await targetOf('guarded'))?.up === true);
    expect(seen.at(-1)).toMatchObject({ path: '/metrics', authorization: `Bearer ${TOKEN}` });
    // Edited without the token (a form leaves a secret empty when unchanged): the stored one stays.
    expect((await put('guarded', { targets: [target], intervalSeconds: 2, auth: 'bearer' })).body.status).toBe('ok');

    // Basic auth and an extra header, on another target.
    const basic = await put('guarded-basic', { targets: [`${guardedUrl}/basic`], intervalSeconds: 1, auth: 'basic', username: 'scraper', password: PASSWORD, headers: { 'X-Tenant': 'shop' } });
    expect(basic.body.status).toBe('ok');
    expect((await until('the basic-auth counter to be stored', () => latest('guarded_items_total', { path: '/basic' }), 20_000)).value).toBe(11);

    // The secrets are never returned, nor written to datasources.yaml; the settings say which are set.
    const listed = (await h.api('/api/datasources')).body;
    const text = JSON.stringify(listed);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(PASSWORD);
    const entry = listed.datasources.find((d: { name: string }) => d.name === 'guarded');
    expect(entry.secretsSet).toEqual(['token']);
    expect(entry.settings).toMatchObject({ auth: 'bearer', targets: [target] });
    expect(listed.datasources.find((d: { name: string }) => d.name === 'guarded-basic')).toMatchObject({ secretsSet: ['password'], settings: { username: 'scraper', headers: { 'X-Tenant': 'shop' } } });
    const yaml = readFileSync(listed.file, 'utf8');
    expect(yaml).toContain('guarded-basic');
    expect(yaml).not.toContain(TOKEN);
    expect(yaml).not.toContain(PASSWORD);
    await h.api('/api/datasources/guarded', { method: 'DELETE' });
    await h.api('/api/datasources/guarded-basic', { method: 'DELETE' });
  });
});
