// Traffic split and resilience signals per edge, from hand-built traces sent over OTLP/HTTP:
// checkout calls payment (1.4.0 and a 1.5.0 canary), retries some calls, times out on one and
// has one refused by its circuit breaker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/core-harness';

let h: Harness;
const attr = (key: string, v: string | number) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } });
const base = BigInt(Date.now() - 10 * 60_000) * 1_000_000n;
let seq = 0;
const id = (n = 16) => (++seq).toString(16).padStart(n, '0');

beforeAll(async () => {
  h = await startHarness();
  const checkout: object[] = [];
  const payment: Record<string, object[]> = { '1.4.0': [], '1.5.0': [] };
  const call = (trace: string, parent: string, t: bigint, o: { version?: string; fail?: boolean; attrs?: object[]; events?: object[]; statusMessage?: string }) => {
    const client = id();
    checkout.push({
      traceId: trace, spanId: client, parentSpanId: parent, name: 'POST /charge', kind: 3,
      startTimeUnixNano: String(t), endTimeUnixNano: String(t + 30_000_000n),
      status: o.fail ? { code: 2, message: o.statusMessage ?? '' } : {}, attributes: o.attrs ?? [], events: o.events ?? [],
    });
    if (o.version)
      payment[o.version].push({
        traceId: trace, spanId: id(), parentSpanId: client, name: 'POST /charge', kind: 2,
        startTimeUnixNano: String(t + 1_000_000n), endTimeUnixNano: String(t + 29_000_000n), status: o.fail ? { code: 2 } : {},
      });
  };
  for (let i = 0; i < 50; i++) {
    const trace = id(32);
    const root = id();
    const t = base + BigInt(i) * 1_000_000_000n;
    checkout.push({ traceId: trace, spanId: root, name: 'POST /checkout', kind: 2, startTimeUnixNano: String(t), endTimeUnixNano: String(t + 200_000_000n) });
    if (i < 40) call(trace, root, t, { version: i % 4 === 0 ? '1.5.0' : '1.4.0', fail: i % 4 === 0 && i % 8 === 0 });
    else if (i < 44) {
      // Three attempts from one parent: two retries.
      call(trace, root, t, { version: '1.5.0', fail: true });
      call(trace, root, t + 40_000_000n, { version: '1.5.0', fail: true });
      call(trace, root, t + 80_000_000n, { version: '1.4.0' });
    } else if (i === 44) call(trace, root, t, { fail: true, attrs: [attr('rpc.grpc.status_code', 4)] });
    else if (i === 45)
      call(trace, root, t, { fail: true, events: [{ name: 'exception', timeUnixNano: String(t), attributes: [attr('exception.type', 'io.github.resilience4j.circuitbreaker.CallNotPermittedException')] }] });
    else if (i === 46) call(trace, root, t, { version: '1.4.0', attrs: [attr('http.request.resend_count', 2)] });
    else call(trace, root, t, { version: '1.4.0', fail: true, attrs: [attr('error.type', 'TimeoutError')] });
  }
  const rs = (service: string, version: string, spans: object[]) => ({
    resource: { attributes: [attr('service.name', service), attr('service.version', version)] },
    scopeSpans: [{ spans }],
  });
  const body = { resourceSpans: [rs('checkout', '2.0.0', checkout), rs('payment', '1.4.0', payment['1.4.0']), rs('payment', '1.5.0', payment['1.5.0'])] };
  const res = await fetch(`${h.otlp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  await h.waitForIngest({ spans: checkout.length + payment['1.4.0'].length + payment['1.5.0'].length });
}, 60_000);
afterAll(async () => {
  await h.close();
});

describe('traffic split and resilience per edge', () => {
  it('splits the calls into payment by version, with RED per version', async () => {
    const { status, body } = await h.api('/api/service-map/edge/releases?source=checkout&target=payment');
    expect(status).toBe(200);
    // Answered calls: 40 single + 12 attempts + 1 resent + 3 timing out = 56; 1.5.0 took 10 + 8.
    const v15 = body.versions.find((v: { version: string }) => v.version === '1.5.0');
    const v14 = body.versions.find((v: { version: string }) => v.version === '1.4.0');
    expect(v15).toMatchObject({ calls: 18, errors: 13 });
    expect(v14.calls).toBe(38);
    expect(v15.share).toBeCloseTo(18 / 56);
    expect(v14.errorRate).toBeCloseTo(3 / 38);
  });

  it('counts retries, timeouts and calls the circuit breaker refused', async () => {
    const { body } = await h.api('/api/service-map/edge/releases?source=checkout&target=payment');
    // 4 parents × 2 retries, plus one span that says it was resent twice.
    expect(body.retries).toBe(10);
    // gRPC DEADLINE_EXCEEDED (never answered, attributed by its operation) and three error.type TimeoutError.
    expect(body.timeouts).toBe(4);
    expect(body.rejected).toBe(1);
    expect(body.calls).toBe(58);
    expect(body.storm).toBe(true);
  });

  it('lists the edge for the map with its split and its retry storm', async () => {
    const { body } = await h.api('/api/service-map/releases');
    const edge = body.edges.find((e: { source: string; target: string }) => e.source === 'checkout' && e.target === 'payment');
    expect(edge).toMatchObject({ storm: true, retries: 10 });
    expect(edge.versions.map((v: { version: string }) => v.version)).toEqual(['1.4.0', '1.5.0']);
  });

  it('is empty, not an error, for an edge nobody called', async () => {
    const { status, body } = await h.api('/api/service-map/edge/releases?source=payment&target=checkout');
    expect(status).toBe(200);
    expect(body).toMatchObject({ calls: 0, retries: 0, storm: false, versions: [] });
  });
});
