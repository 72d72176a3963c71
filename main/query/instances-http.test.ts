// Instances and deploys derived from hand-built telemetry sent over OTLP/HTTP into a real core.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/core-harness';

let h: Harness;
const MIN = 60_000;
const start = (Math.floor(Date.now() / MIN) - 30) * MIN;
const attr = (key: string, v: string | number) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } });
let seq = 0;

function resourceSpans(resource: Array<ReturnType<typeof attr>>, minutes: number[]) {
  const spans = minutes.flatMap((m) =>
    [0, 1, 2].map((i) => {
      seq++;
      const t = BigInt(start + m * MIN + i * 5000) * 1_000_000n;
      return {
        traceId: seq.toString(16).padStart(32, '0'),
        spanId: seq.toString(16).padStart(16, '0'),
        name: 'GET /cart',
        kind: 2,
        startTimeUnixNano: String(t),
        endTimeUnixNano: String(t + 20_000_000n),
        status: i === 2 && m % 2 === 0 ? { code: 2 } : {},
      };
    }),
  );
  return { resource: { attributes: resource }, scopeSpans: [{ spans }] };
}
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const svc = (version: string, more: Array<ReturnType<typeof attr>>) => [attr('service.name', 'cart'), attr('service.version', version), ...more];

beforeAll(async () => {
  h = await startHarness();
  const body = {
    resourceSpans: [
      resourceSpans(svc('1.0', [attr('service.instance.id', 'c-1'), attr('host.name', 'h1')]), range(0, 20)),
      resourceSpans(svc('1.1', [attr('service.instance.id', 'c-1'), attr('host.name', 'h1')]), range(21, 29)),
      resourceSpans(svc('1.0', [attr('service.instance.id', 'c-2'), attr('host.name', 'h2')]), range(0, 10)),
      resourceSpans(svc('1.0', [attr('host.name', 'h3'), attr('process.pid', 4242)]), range(0, 29)),
    ],
  };
  const res = await fetch(`${h.otlp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  const cpu = {
    resourceMetrics: [
      {
        resource: { attributes: svc('1.1', [attr('service.instance.id', 'c-1'), attr('host.name', 'h1')]) },
        scopeMetrics: [{ metrics: [{ name: 'process.cpu.utilization', unit: '1', gauge: { dataPoints: [{ timeUnixNano: String(BigInt(start + 29 * MIN) * 1_000_000n), asDouble: 0.42 }] } }] }],
      },
    ],
  };
  expect((await fetch(`${h.otlp}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(cpu) })).status).toBe(200);
  await h.waitForIngest({ spans: 3 * (21 + 9 + 11 + 30), metricPoints: 1 });
}, 60_000);
afterAll(async () => {
  await h.close();
});

describe('instances', () => {
  it('lists each instance with version, host, RED and saturation, flagging the silent one stale', async () => {
    const { status, body } = await h.api(`/api/services/cart/instances?from=${start}&to=${Date.now()}`);
    expect(status).toBe(200);
    expect(body.versions).toEqual(['1.0', '1.1']);
    const find = (i: string, v: string) => body.instances.find((x: { instance: string; version: string }) => x.instance === i && x.version === v);
    expect(find('c-2', '1.0')).toMatchObject({ host: 'h2', stale: true, calls: 33, usualIntervalMs: MIN });
    expect(find('c-1', '1.1')).toMatchObject({ host: 'h1', stale: false, calls: 27, replacedBy: null });
    expect(find('c-1', '1.1').saturation.cpu).toBeCloseTo(0.42);
    expect(find('c-1', '1.0')).toMatchObject({ replacedBy: '1.1', firstSeen: start, lastSeen: start + 20 * MIN + 10_000 });
    // No service.instance.id: host.name and process.pid name it.
    expect(find('h3:4242', '1.0')).toMatchObject({ host: 'h3', calls: 90, errors: 15, stale: false });
    expect(find('h3:4242', '1.0').errorRate).toBeCloseTo(15 / 90);
  });

  it('is a 404 for a service never seen', async () => {
    expect((await h.api('/api/services/nope/instances')).status).toBe(404);
  });
});

describe('deploys', () => {
  it('derives a deploy from the first telemetry of a version, on the service and on the instance', async () => {
    const { body } = await h.api(`/api/deploys?service=cart&from=${start - MIN}&to=${Date.now()}`);
    const list = body as Array<{ version: string; instance: string | null; initial: boolean; time: number; description: string }>;
    expect(list.filter((d) => d.instance === null).map((d) => [d.version, d.initial, d.time])).toEqual([
      ['1.0', true, start],
      ['1.1', false, start + 21 * MIN],
    ]);
    expect(list.find((d) => d.instance === 'c-1')).toMatchObject({ version: '1.1', description: 'c-1: 1.0 → 1.1' });
  });

  it('stores deploys a pipeline announces, and checks what it is sent', async () => {
    const time = start + 25 * MIN;
    const posted = await h.api('/api/deploys', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service: 'cart', version: '1.2', time, description: 'pipeline #7' }),
    });
    expect(posted.status).toBe(200);
    const { body } = await h.api(`/api/deploys?service=cart&from=${start}&to=${Date.now()}`);
    expect(body).toContainEqual({ service: 'cart', version: '1.2', time, instance: null, source: 'api', initial: false, description: 'pipeline #7' });
    const bad = await h.api('/api/deploys', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ service: 'cart', version: '1', colour: 'red' }) });
    expect(bad.status).toBe(400);
    const anonymous = await fetch(`${h.ui.replace(/\/$/, '')}/api/deploys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ service: 'cart', version: '9' }) });
    expect(anonymous.status).toBe(401);
  });
});
