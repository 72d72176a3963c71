// Rates, error rates and health through HTTP, as the Services list, the service page and the
// map show them: rated over the part of the window the data covers, and the same numbers on
// every screen for the same window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/core-harness';

let h: Harness;
// A whole hour two hours ago, so "now" plays no part.
const W0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000;
const W1 = W0 + 3_600_000;
const WINDOW = `from=${W0}&to=${W1}`;
const STEADY = 1800; // one request every 2 s for the whole hour: 0.5/s
const LATE = 3360; // one request a second from 4 minutes in: 1/s over 56 minutes

const attr = (key: string, v: string | number) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } });

function serverSpans(count: number, startMs: number, everyMs: number, failEvery: number, seed: string) {
  return Array.from({ length: count }, (_, i) => {
    const t = BigInt(startMs + i * everyMs) * 1_000_000n;
    const fail = failEvery > 0 && i % failEvery === 0;
    return {
      traceId: (seed + i.toString(16)).padStart(32, '0'),
      spanId: (i + 1).toString(16).padStart(16, '0'),
      name: 'GET /pay',
      kind: 2,
      startTimeUnixNano: String(t),
      endTimeUnixNano: String(t + 20_000_000n),
      attributes: [attr('http.response.status_code', fail ? 500 : 200)],
      ...(fail ? { status: { code: 2 } } : {}),
    };
  });
}

async function send(service: string, spans: object[]) {
  for (let i = 0; i < spans.length; i += 1000) {
    const res = await fetch(`${h.otlp}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [attr('service.name', service)] }, scopeSpans: [{ spans: spans.slice(i, i + 1000) }] }] }),
    });
    expect(res.status).toBe(200);
  }
}

beforeAll(async () => {
  h = await startHarness();
  await send('steady', serverSpans(STEADY, W0, 2000, 0, 'a1'));
  await send('late', serverSpans(LATE, W0 + 240_000, 1000, 50, 'b2'));
  await h.waitForIngest({ spans: STEADY + LATE });
}, 60_000);
afterAll(async () => {
  await h.close();
});

describe('rates over the part of the window the data covers', () => {
  it('a service that started 4 minutes into the hour shows its real rate on the list, its page and the map', async () => {
    const list = await h.api(`/api/services?${WINDOW}`);
    expect(list.status).toBe(200);
    const late = list.body.find((s: { name: string }) => s.name === 'late');
    expect(late.requests).toBe(LATE);
    // 3360 requests over 56 minutes, not over 60 (which read 0.93/s).
    expect(late.rps).toBeCloseTo(1, 3);
    expect(list.body.find((s: { name: string }) => s.name === 'steady').rps).toBeCloseTo(0.5, 3);

    const page = await h.api(`/api/services/late/golden-signals?${WINDOW}`);
    expect(page.body.totals.rps).toBeCloseTo(1, 3);
    expect(page.body.operations[0].rps).toBeCloseTo(1, 3);

    const map = await h.api(`/api/service-map?${WINDOW}`);
    expect(map.body.nodes.find((n: { id: string }) => n.id === 'late').rps).toBeCloseTo(1, 3);
  });

  it('the list and the service page agree on requests, error rate, rate and health for the same window', async () => {
    const list = await h.api(`/api/services?${WINDOW}`);
    for (const name of ['late', 'steady']) {
      const row = list.body.find((s: { name: string }) => s.name === name);
      const { body } = await h.api(`/api/services/${name}/golden-signals?${WINDOW}`);
      expect({ requests: row.requests, errors: row.requestErrors, errorRate: row.errorRate, rps: row.rps, health: row.health }).toEqual({
        requests: body.totals.calls,
        errors: body.totals.errors,
        errorRate: body.totals.errorRate,
        rps: body.totals.rps,
        health: body.totals.health,
      });
    }
    const late = list.body.find((s: { name: string }) => s.name === 'late');
    expect(late.requestErrors).toBe(68); // every 50th of 3360
    expect(late.health).toBe('degraded');
    const map = await h.api(`/api/service-map?${WINDOW}`);
    expect(map.body.nodes.find((n: { id: string }) => n.id === 'late')).toMatchObject({ calls: late.requests, errorRate: late.errorRate, rps: late.rps, health: late.health });
  });

  it('the page’s headline traffic is what its chart shows while the service runs', async () => {
    const { body } = await h.api(`/api/services/late/golden-signals?${WINDOW}&step=60`);
    const running = body.series.filter((p: { time: number }) => p.time >= W0 + 240_000 && p.time < W1);
    expect(running).toHaveLength(56);
    for (const p of running) expect(p.rps).toBeCloseTo(body.totals.rps, 3);
  });

  it('sparklines keep the window’s shape: a steady service is flat, a late one starts at zero', async () => {
    // 40 parts of 61 minutes: some parts hold two minutes, so counts would saw up and down.
    const { body } = await h.api(`/api/services?${WINDOW}&sparkline=40`);
    const steady = body.find((s: { name: string }) => s.name === 'steady');
    expect(steady.sparkline).toHaveLength(40);
    for (const v of steady.sparkline) expect(v).toBeCloseTo(0.5, 2);
    const late = body.find((s: { name: string }) => s.name === 'late');
    expect(late.sparkline[0]).toBe(0);
    expect(late.sparkline.slice(4)).toEqual(late.sparkline.slice(4).map(() => expect.closeTo(1, 2)));
  });
});
