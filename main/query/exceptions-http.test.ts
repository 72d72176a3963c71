// Exceptions grouped from span events and log records sent over OTLP/HTTP into a real core.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/core-harness';
import type { ExceptionList } from '../../common/api/incident-schemas';

let h: Harness;
const MIN = 60_000;
const start = (Math.floor(Date.now() / MIN) - 40) * MIN;
const ns = (ms: number) => String(BigInt(ms) * 1_000_000n);
const s = (key: string, v: string) => ({ key, value: { stringValue: v } });
const resource = (service: string) => ({ attributes: [s('service.name', service)] });
let seq = 0;
const id = (len: number) => (++seq).toString(16).padStart(len, '0');

/** A server span at `ms` with one exception event, as an SDK's recordException writes it. */
function failingSpan(ms: number, type: string, message: string, traceId = id(32), spanId = id(16)) {
  return {
    traceId,
    spanId,
    name: 'POST /checkout',
    kind: 2,
    startTimeUnixNano: ns(ms),
    endTimeUnixNano: ns(ms + 30),
    status: { code: 2, message },
    events: [
      {
        timeUnixNano: ns(ms + 10),
        name: 'exception',
        attributes: [s('exception.type', type), s('exception.message', message), s('exception.stacktrace', `${type}: ${message}\n    at price (checkout/pricing.js:42:17)\n    at handle (checkout/routes.js:12:3)`)],
      },
    ],
  };
}

const stackSpan = failingSpan(start + 31 * MIN, 'TypeError', "Cannot read properties of undefined (reading 'qty')");

beforeAll(async () => {
  h = await startHarness();
  const spans = [
    // Seen before the window (in its look-back) and again inside it: not new.
    failingSpan(start + 5 * MIN, 'ConnectionError', 'connect ECONNREFUSED 10.0.0.5:5432'),
    failingSpan(start + 25 * MIN, 'ConnectionError', 'connect ECONNREFUSED 10.0.0.7:5432'),
    // Only inside the window, messages differing in a quoted value: one new group.
    failingSpan(start + 22 * MIN, 'TypeError', "Cannot read properties of undefined (reading 'price')"),
    failingSpan(start + 24 * MIN, 'TypeError', "Cannot read properties of undefined (reading 'sku')"),
    stackSpan,
    // An ordinary span whose events are not exceptions.
    { traceId: id(32), spanId: id(16), name: 'GET /cart', kind: 2, startTimeUnixNano: ns(start + 23 * MIN), endTimeUnixNano: ns(start + 23 * MIN + 5), events: [{ timeUnixNano: ns(start + 23 * MIN + 1), name: 'cache miss', attributes: [] }] },
  ];
  const traces = { resourceSpans: [{ resource: resource('checkout'), scopeSpans: [{ scope: { name: 'test' }, spans }] }] };
  expect((await fetch(`${h.otlp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(traces) })).status).toBe(200);
  const log = (ms: number, body: string, attributes: unknown[], traceId?: string, spanId?: string) => ({
    timeUnixNano: ns(ms),
    severityNumber: 17,
    severityText: 'ERROR',
    body: { stringValue: body },
    attributes,
    ...(traceId ? { traceId, spanId } : {}),
  });
  const logs = {
    resourceLogs: [
      {
        resource: resource('checkout'),
        scopeLogs: [
          {
            scope: { name: 'test' },
            // The exception the last span recorded, logged in that span too: one occurrence.
            logRecords: [log(start + 31 * MIN + 11, 'unhandled error', [s('exception.type', 'TypeError'), s('exception.message', "Cannot read properties of undefined (reading 'qty')")], stackSpan.traceId, stackSpan.spanId)],
          },
        ],
      },
      {
        resource: resource('payment'),
        scopeLogs: [
          {
            scope: { name: 'test' },
            logRecords: [
              log(start + 26 * MIN, 'charge failed', [s('exception.type', 'ProcessorTimeout'), s('exception.message', 'processor did not answer within 5000 ms')]),
              log(start + 27 * MIN, 'charge failed', [s('exception.type', 'ProcessorTimeout'), s('exception.message', 'processor did not answer within 5001 ms')]),
              log(start + 28 * MIN, 'a line with no exception', [s('http.route', '/charge')]),
            ],
          },
        ],
      },
    ],
  };
  expect((await fetch(`${h.otlp}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(logs) })).status).toBe(200);
  await h.waitForIngest({ spans: 6, logs: 4 });
}, 60_000);
afterAll(async () => {
  await h.close();
});

const window = `from=${start + 20 * MIN}&to=${start + 40 * MIN}`;

describe('GET /api/exceptions', () => {
  it('groups by service, type and fingerprint, with counts over time, first and last seen, stack trace and trace links', async () => {
    const { status, body } = await h.api<ExceptionList>(`/api/exceptions?${window}&buckets=20`);
    expect(status).toBe(200);
    expect(body.lookbackMs).toBe(20 * MIN);
    expect(body.capped).toBe(false);
    const byType = new Map(body.groups.map((g) => [`${g.service}/${g.type}`, g]));
    expect([...byType.keys()].sort()).toEqual(['checkout/ConnectionError', 'checkout/TypeError', 'payment/ProcessorTimeout']);

    const typeError = byType.get('checkout/TypeError')!;
    expect(typeError).toMatchObject({
      fingerprint: 'Cannot read properties of undefined (reading <STR>)',
      message: "Cannot read properties of undefined (reading 'qty')",
      count: 3,
      new: true,
      firstSeen: start + 22 * MIN + 10,
      lastSeen: start + 31 * MIN + 10,
    });
    expect(typeError.counts).toHaveLength(20);
    expect(typeError.counts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(typeError.counts[2]).toBe(1); // 22 min is the third minute of the window
    expect(typeError.stacktrace).toContain('at price (checkout/pricing.js:42:17)');
    expect(typeError.samples[0]).toMatchObject({ source: 'span', traceId: stackSpan.traceId, spanId: stackSpan.spanId, time: start + 31 * MIN + 10 });

    const connection = byType.get('checkout/ConnectionError')!;
    expect(connection).toMatchObject({ count: 1, new: false, firstSeen: start + 5 * MIN + 10, fingerprint: 'connect ECONNREFUSED <IP>' });

    const timeout = byType.get('payment/ProcessorTimeout')!;
    expect(timeout).toMatchObject({ count: 2, new: true, fingerprint: 'processor did not answer within <NUM> ms', stacktrace: null });
    expect(timeout.samples[0]).toMatchObject({ source: 'log', traceId: null });
    expect(timeout.samples[0].logId).toBeGreaterThan(0);
  });

  it('scopes to one service, and a service with none answers an empty list', async () => {
    const { body } = await h.api<ExceptionList>(`/api/exceptions?${window}&service=payment`);
    expect(body.groups.map((g) => g.type)).toEqual(['ProcessorTimeout']);
    const none = await h.api<ExceptionList>(`/api/exceptions?${window}&service=nobody`);
    expect(none.status).toBe(200);
    expect(none.body.groups).toEqual([]);
  });

  it('refuses a parameter the contract does not declare', async () => {
    const { status } = await h.api(`/api/exceptions?${window}&colour=red`);
    expect(status).toBe(400);
  });
});
