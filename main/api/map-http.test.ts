// The service map, golden signals and SLOs through HTTP, from OTLP sent to the receiver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness, type Harness } from '../testing/core-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  const now = BigInt(Date.now() - 60_000) * 1_000_000n;
  const attr = (key: string, v: string | number) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } });
  const resource = (name: string, version: string) => ({ attributes: [attr('service.name', name), attr('service.version', version)] });
  const spans = { web: [] as object[], api: [] as object[] };
  for (let i = 0; i < 40; i++) {
    const trace = (i + 1).toString(16).padStart(32, 'a');
    const t = now + BigInt(i) * 1_000_000n;
    const fail = i % 10 === 0;
    spans.web.push(
      { traceId: trace, spanId: '0000000000000001', name: 'GET /', kind: 2, startTimeUnixNano: String(t), endTimeUnixNano: String(t + 50_000_000n), attributes: [attr('http.response.status_code', fail ? 502 : 200)] },
      { traceId: trace, spanId: '0000000000000002', parentSpanId: '0000000000000001', name: 'GET /items', kind: 3, startTimeUnixNano: String(t + 1_000_000n), endTimeUnixNano: String(t + 40_000_000n), attributes: [attr('http.response.status_code', fail ? 500 : 200)] },
    );
    spans.api.push(
      { traceId: trace, spanId: '0000000000000003', parentSpanId: '0000000000000002', name: 'GET /items', kind: 2, startTimeUnixNano: String(t + 2_000_000n), endTimeUnixNano: String(t + 39_000_000n), attributes: [attr('http.response.status_code', fail ? 500 : 200)] },
      { traceId: trace, spanId: '0000000000000004', parentSpanId: '0000000000000003', name: 'INSERT items', kind: 3, startTimeUnixNano: String(t + 3_000_000n), endTimeUnixNano: String(t + 8_000_000n), attributes: [attr('db.system.name', 'postgresql'), attr('db.namespace', 'shop'), attr('db.operation.name', 'INSERT')] },
    );
  }
  for (const [name, list] of Object.entries(spans)) {
    const res = await fetch(`${h.otlp}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resourceSpans: [{ resource: resource(name, name === 'api' ? '2.0.0' : '1.0.0'), scopeSpans: [{ spans: list }] }] }),
    });
    expect(res.status).toBe(200);
  }
});
afterAll(async () => {
  await h.close();
});

describe('service map API', () => {
  it('returns nodes and edges with rates, errors and latency', async () => {
    const { status, body } = await h.api('/api/service-map');
    expect(status).toBe(200);
    const edge = body.edges.find((e: { source: string; target: string }) => e.source === 'web' && e.target === 'api');
    expect(edge).toMatchObject({ connectionType: 'sync', calls: 40, errors: 4, errorRate: 0.1 });
    expect(edge.p95Ms).toBeGreaterThan(30);
    expect(edge.rps).toBeGreaterThan(0);
    const db = body.nodes.find((n: { id: string }) => n.id === 'db:postgresql/shop');
    expect(db).toMatchObject({ type: 'database', calls: 40, shared: false, writers: ['api'] });
    expect(body.nodes.find((n: { id: string }) => n.id === 'api')).toMatchObject({ type: 'service', calls: 40, errors: 4, health: 'degraded' });
  });
});

describe('golden signals API', () => {
  it('splits latency by outcome, counts status classes and lists peers and versions', async () => {
    const { status, body } = await h.api('/api/services/api/golden-signals');
    expect(status).toBe(200);
    expect(body.totals).toMatchObject({ calls: 40, errors: 4 });
    const sum = (k: string) => body.series.reduce((n: number, b: Record<string, number>) => n + b[k], 0);
    expect(sum('http5xx')).toBe(4);
    expect(sum('http2xx')).toBe(36);
    const bucket = body.series.find((b: { requests: number }) => b.requests > 0);
    expect(bucket.okP50Ms).not.toBeNull();
    expect(body.upstream).toEqual([expect.objectContaining({ service: 'web', calls: 40 })]);
    expect(body.downstream).toEqual([expect.objectContaining({ service: 'db:postgresql/shop', type: 'database', calls: 40 })]);
    expect(body.versions).toEqual([expect.objectContaining({ version: '2.0.0', calls: 40 })]);
    expect(body.operations[0]).toMatchObject({ name: 'GET /items', calls: 40, http5xx: 4 });
    expect((await h.api('/api/services/nope/golden-signals')).status).toBe(404);
  });
});

describe('merged rollups stay current', () => {
  it('shows data that arrives late for minutes the map and the services list already merged', async () => {
    const old = BigInt(Date.now() - 40 * 60_000) * 1_000_000n;
    const send = (id: number) =>
      fetch(`${h.otlp}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          resourceSpans: [
            {
              resource: { attributes: [{ key: 'service.name', value: { stringValue: 'late' } }] },
              scopeSpans: [{ spans: [{ traceId: id.toString(16).padStart(32, 'd'), spanId: '0000000000000001', name: 'GET /', kind: 2, startTimeUnixNano: String(old), endTimeUnixNano: String(old + 1_000_000n) }] }],
            },
          ],
        }),
      });
    await send(1);
    const calls = async () => (await h.api('/api/service-map')).body.nodes.find((n: { id: string }) => n.id === 'late')?.calls;
    const listed = async () => (await h.api('/api/services?sparkline=30')).body.find((s: { name: string }) => s.name === 'late')?.requests;
    for (let i = 0; i < 50 && (await calls()) !== 1; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await calls()).toBe(1);
    expect(await listed()).toBe(1);
    await send(2);
    for (let i = 0; i < 50 && (await calls()) !== 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await calls()).toBe(2);
    expect(await listed()).toBe(2);
  });
});

describe('edges and peers', () => {
  it('gives one edge over time', async () => {
    const { status, body } = await h.api('/api/service-map/edge?source=web&target=api');
    expect(status).toBe(200);
    expect(body).toMatchObject({ source: 'web', target: 'api', connectionType: 'sync', totals: { calls: 40, errors: 4 } });
    expect(body.series.reduce((n: number, b: { requests: number }) => n + b.requests, 0)).toBe(40);
    expect(body.series.reduce((n: number, b: { otherErrors: number }) => n + b.otherErrors, 0)).toBe(4);
  });

  it('gives a database the signals its callers saw', async () => {
    const { status, body } = await h.api(`/api/services/${encodeURIComponent('db:postgresql/shop')}/golden-signals`);
    expect(status).toBe(200);
    expect(body.totals).toMatchObject({ calls: 40 });
    expect(body.upstream).toEqual([expect.objectContaining({ service: 'api', connectionType: 'database', calls: 40 })]);
  });

  it('finds the traces where a service called a peer', async () => {
    const viaService = await h.api('/api/traces?service=web&peer=api&limit=100');
    expect(viaService.body).toHaveLength(40);
    const viaDb = await h.api(`/api/traces?service=api&peer=${encodeURIComponent('db:postgresql/shop')}&limit=100`);
    expect(viaDb.body).toHaveLength(40);
    const failing = await h.api('/api/traces?service=web&peer=api&status=error&limit=100');
    expect(failing.body).toHaveLength(4);
    expect((await h.api(`/api/traces?service=web&peer=${encodeURIComponent('db:postgresql/shop')}`)).body).toHaveLength(0);
    expect((await h.api('/api/traces?peer=api')).status).toBe(400);
  });
});

describe('SLO API', () => {
  it('creates an SLO in slos.yaml and reports its status', async () => {
    const put = await h.api('/api/slos/api-availability', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'API availability', service: 'api', sli: 'availability', objective: 99, window: '7d' }),
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ total: 40, good: 36, sli: 0.9 });
    expect(put.body.budget.remaining).toBeLessThan(0);
    const file = join(h.dataDir, 'slos.yaml');
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toMatch(/id: api-availability/);
    const list = await h.api('/api/slos');
    expect(list.body.slos.map((s: { slo: { id: string } }) => s.slo.id)).toEqual(['api-availability']);
    const services = await h.api('/api/services');
    expect(services.body.find((s: { name: string }) => s.name === 'api').sloBurn).toBeGreaterThan(1);
    const bad = await h.api('/api/slos/x', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x', service: 'api', sli: 'latency', objective: 99, window: '7d' }) });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/thresholdMs/);
    expect(readFileSync(file, 'utf8')).not.toMatch(/id: x\b/);
    expect((await h.api('/api/slos/api-availability', { method: 'DELETE' })).body).toEqual({ deleted: true });
  });
});
