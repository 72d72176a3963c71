// Alert rules end to end: spans from the OpenTelemetry JS SDK over OTLP/HTTP into a real core,
// rules created through the HTTP API (written to alerts.yaml), evaluated by the core's loop,
// announced on the SSE stream and kept in the history: an error spike fires and resolves, a
// latency rise against the previous window fires on an edge, a new error type fires while a
// known one does not, and unusable rules are refused naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { context, trace, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { type Harness, startHarness } from '../testing/core-harness';
import type { AlertInstance, AlertList } from '../../common/api/alert-schemas';

let h: Harness;
const providers = new Map<string, BasicTracerProvider>();
const events: Array<{ event: string; data: AlertInstance }> = [];
let stream: AbortController;

function tracer(service: string): Tracer {
  let p = providers.get(service);
  if (!p) {
    p = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service }),
      // One export per flush: a batch arrives whole, as an SDK's batch processor sends it.
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${h.otlp}/v1/traces` }), { maxQueueSize: 10_000, maxExportBatchSize: 10_000, scheduledDelayMillis: 3_600_000 })],
    });
    providers.set(service, p);
  }
  return p.getTracer('alerts-test');
}

let sent = 0;
/** `count` server requests of `service` ending now (or at `atMs`), `failed` of them failing. */
async function requests(service: string, count: number, failed: number, opts: { ms?: number; atMs?: number } = {}): Promise<void> {
  const end = opts.atMs ?? Date.now();
  for (let i = 0; i < count; i++) {
    const span = tracer(service).startSpan('POST /pay', { kind: SpanKind.SERVER, startTime: end - (opts.ms ?? 5) });
    if (i < failed) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end(end);
  }
  sent += count;
  await providers.get(service)!.forceFlush();
  await h.waitForIngest({ spans: sent });
}

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const list = async () => (await h.api<AlertList>('/api/alerts')).body;
const ruleState = async (id: string) => (await list()).rules.find((r) => r.rule.id === id);
const put = (rule: Record<string, unknown>) =>
  h.api(`/api/alerts/rules/${rule.id as string}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });

beforeAll(async () => {
  h = await startHarness({ alertEveryMs: 300 });
  // The live stream, as the UI reads it.
  stream = new AbortController();
  const res = await fetch(`${h.ui}/api/events`, { headers: { authorization: `Bearer ${h.token}` }, signal: stream.signal });
  void (async () => {
    const reader = res.body!.getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += Buffer.from(value).toString('utf8');
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1] ?? '';
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event.startsWith('ruleAlert') && data) events.push({ event, data: JSON.parse(data) as AlertInstance });
        }
      }
    } catch {
      // stream closed at the end
    }
  })();
});

afterAll(async () => {
  stream?.abort();
  for (const p of providers.values()) await p.shutdown();
  await h?.close();
});

describe('alert rules through the real OTLP path', () => {
  it('an error spike fires within a bounded wait, is announced and kept, and resolves when the errors stop', async () => {
    await requests('payment', 20, 0);
    const created = await put({ id: 'pay-errors', name: 'Payment errors', kind: 'error_rate', service: 'payment', threshold: 20, window: '2m', minRequests: 5 });
    expect(created.status).toBe(200);
    expect(readFileSync(join(h.dataDir, 'alerts.yaml'), 'utf8')).toMatch(/id: pay-errors/);
    await until('the healthy rule to be evaluated', () => ruleState('pay-errors'), (s) => s?.lastEvaluated !== null && s?.state === 'ok');

    // 30 failures among 50 requests: 60 % > 20 %.
    await requests('payment', 30, 30);
    const firing = await until('the rule to fire', () => ruleState('pay-errors'), (s) => s?.state === 'firing');
    expect(firing!.firing).toHaveLength(1);
    const alert = firing!.firing[0];
    expect(alert.summary).toMatch(/^error rate 60\.0 % > 20 % over 2m$/);
    expect(alert.value).toBeCloseTo(60, 5);
    expect(alert.windowTo).toBeGreaterThan(alert.windowFrom);
    await until('the SSE ruleAlert event', async () => events, (e) => e.some((x) => x.event === 'ruleAlert' && x.data.ruleId === 'pay-errors'));

    // Healthy traffic: 30 / 350 = 8.6 %, below 20 % less the resolve margin.
    await requests('payment', 300, 0);
    await until('the alert to resolve', () => ruleState('pay-errors'), (s) => s?.state === 'ok' && s.firing.length === 0);
    await until('the SSE ruleAlertResolved event', async () => events, (e) => e.some((x) => x.event === 'ruleAlertResolved' && x.data.ruleId === 'pay-errors'));
    const history = (await h.api<AlertInstance[]>('/api/alerts/history?ruleId=pay-errors')).body;
    expect(history).toHaveLength(1);
    expect(history[0].state).toBe('resolved');
    expect(history[0].resolvedAt).toBeGreaterThanOrEqual(history[0].startedAt);
  }, 60_000);

  it('a rule with `for` waits as pending before it fires', async () => {
    // payment's error rate is still 8.6 %: over 5 %, but it must hold for a minute first.
    expect((await put({ id: 'pay-held', name: 'Payment errors held', kind: 'error_rate', service: 'payment', threshold: 5, window: '2m', for: '1m', minRequests: 5 })).status).toBe(200);
    const pending = await until('the rule to be pending', () => ruleState('pay-held'), (s) => s?.state === 'pending');
    expect(pending!.since).not.toBeNull();
    expect(pending!.firing).toEqual([]);
    // Several passes later it still waits (evaluated every 300 ms here).
    const evaluated = pending!.lastEvaluated!;
    await until('more passes', () => ruleState('pay-held'), (s) => (s?.lastEvaluated ?? 0) > evaluated + 1_000);
    expect((await ruleState('pay-held'))!.state).toBe('pending');
    expect((await h.api('/api/alerts/rules/pay-held', { method: 'DELETE' })).body).toEqual({ deleted: true });
  }, 30_000);

  it('a latency rise on an edge against the previous window fires', async () => {
    // checkout → payment: each call a CLIENT span of checkout parenting payment's SERVER span.
    const call = (atMs: number, ms: number) => {
      const client = tracer('checkout').startSpan('POST payment', { kind: SpanKind.CLIENT, startTime: atMs - ms, attributes: { 'peer.service': 'payment' } });
      const server = tracer('payment').startSpan('POST /pay', { kind: SpanKind.SERVER, startTime: atMs - ms + 1 }, trace.setSpan(context.active(), client));
      server.end(atMs - 1);
      client.end(atMs);
    };
    const now = Date.now();
    // The previous 2-minute window: fast calls; this one: ten times slower.
    for (let i = 0; i < 20; i++) call(now - 150_000 + i, 20);
    for (let i = 0; i < 20; i++) call(now - i, 200);
    await Promise.all([providers.get('checkout')!.forceFlush(), providers.get('payment')!.forceFlush()]);
    sent += 80;
    await h.waitForIngest({ spans: sent });
    const preview = await h.api('/api/alerts/preview', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'edge-p95', name: 'Checkout to payment slower', kind: 'latency', service: 'checkout', target: 'payment', mode: 'change', threshold: 50, window: '2m', minRequests: 5 }),
    });
    expect(preview.status).toBe(200);
    expect(preview.body.previous).toBeGreaterThan(15);
    expect(preview.body.value).toBeGreaterThan(150);
    expect(preview.body.breaching).toBe(true);
    expect((await put({ id: 'edge-p95', name: 'Checkout to payment slower', kind: 'latency', service: 'checkout', target: 'payment', mode: 'change', threshold: 50, window: '2m', minRequests: 5 })).status).toBe(200);
    const s = await until('the edge rule to fire', () => ruleState('edge-p95'), (x) => x?.state === 'firing');
    expect(s!.firing[0].target).toBe('payment');
    expect(s!.firing[0].summary).toMatch(/^p95 latency up \d+ % \(\d+ ms vs \d+(\.\d+)? ms the previous 2m\)$/);
  }, 60_000);

  it('a new error type fires; one the service had before the window does not', async () => {
    const failWith = (type: string, atMs: number, how: 'attribute' | 'exception') => {
      const span = tracer('inventory').startSpan('GET /stock', { kind: SpanKind.SERVER, startTime: atMs - 3, attributes: how === 'attribute' ? { 'error.type': type } : {} });
      if (how === 'exception') span.recordException({ name: type, message: 'boom' }, atMs - 1);
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.end(atMs);
    };
    // Known for an hour: TimeoutError.
    failWith('TimeoutError', Date.now() - 3_600_000, 'attribute');
    await providers.get('inventory')!.forceFlush();
    sent += 1;
    await h.waitForIngest({ spans: sent });
    expect((await put({ id: 'inv-new', name: 'Inventory new errors', kind: 'new_error_type', service: 'inventory', window: '10m' })).status).toBe(200);
    await until('the rule to be evaluated', () => ruleState('inv-new'), (s) => s?.lastEvaluated !== null && s?.state === 'ok');

    failWith('TimeoutError', Date.now(), 'attribute');
    failWith('TypeError', Date.now(), 'exception');
    await providers.get('inventory')!.forceFlush();
    sent += 2;
    await h.waitForIngest({ spans: sent });
    const s = await until('the new type to fire', () => ruleState('inv-new'), (x) => x?.state === 'firing');
    expect(s!.firing.map((a) => a.errorType)).toEqual(['TypeError']);
    expect(s!.current?.newTypes.map((t) => t.type)).toEqual(['TypeError']);
    expect(s!.firing[0].summary).toMatch(/new error type on inventory: TypeError/);
  }, 60_000);

  it('refuses unusable rules naming the field, and deleting a rule resolves its alerts', async () => {
    const bad = await put({ id: 'x1', name: 'x', kind: 'latency', service: 'payment' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/threshold/);
    const badKind = await put({ id: 'x2', name: 'x', kind: 'qps', service: 'payment', threshold: 1 });
    expect(badKind.status).toBe(400);
    expect(badKind.body.error.message).toMatch(/kind/);
    expect(readFileSync(join(h.dataDir, 'alerts.yaml'), 'utf8')).not.toMatch(/x1|x2/);

    expect((await h.api('/api/alerts/rules/inv-new', { method: 'DELETE' })).body).toEqual({ deleted: true });
    await until('the deleted rule to resolve its alert', async () => (await h.api<AlertInstance[]>('/api/alerts/history?ruleId=inv-new')).body, (hist) => hist.length === 1 && hist[0].state === 'resolved');
    expect((await list()).rules.map((r) => r.rule.id)).not.toContain('inv-new');
  }, 30_000);

  it('a hand-edited alerts.yaml with a mistake is reported with file and line, and the core keeps running', async () => {
    const path = join(h.dataDir, 'alerts.yaml');
    const text = readFileSync(path, 'utf8');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, text + '  - id: typo\n    name: Typo\n    kind: error_rate\n    service: payment\n    threshold: lots\n');
    const l = await until('the problem to be reported', list, (x) => x.problems.length > 0, 10_000);
    expect(l.problems[0]).toMatch(/alerts\.yaml:\d+: rule "typo" threshold:/);
    expect(l.rules.map((r) => r.rule.id)).toEqual(['pay-errors', 'edge-p95']);
    expect((await h.api('/api/health')).status).toBe(200);
  }, 20_000);
});

describe('alerts across a restart', () => {
  it('a firing alert is read back, not announced again, and resolves later', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dataDir = mkdtempSync(join(tmpdir(), 'loupe-alerts-restart-'));
    const send = async (core: Harness, failed: number, count: number) => {
      const p = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': 'cart' }),
        spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${core.otlp}/v1/traces` }), { maxQueueSize: 10_000, maxExportBatchSize: 10_000, scheduledDelayMillis: 3_600_000 })],
      });
      for (let i = 0; i < count; i++) {
        const span = p.getTracer('t').startSpan('GET /cart', { kind: SpanKind.SERVER });
        if (i < failed) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
      await p.shutdown();
    };
    const rules = async (core: Harness) => (await core.api<AlertList>('/api/alerts')).body.rules.find((r) => r.rule.id === 'cart-errors');
    try {
      let core = await startHarness({ dataDir, alertEveryMs: 300 });
      await core.api('/api/alerts/rules/cart-errors', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'cart-errors', name: 'Cart errors', kind: 'error_rate', service: 'cart', threshold: 10, window: '2m', minRequests: 5 }),
      });
      await send(core, 10, 20);
      await until('cart-errors to fire', () => rules(core), (s) => s?.state === 'firing');
      const first = (await rules(core))!.firing[0];
      await core.close();

      core = await startHarness({ dataDir, alertEveryMs: 300 });
      const back = await until('cart-errors evaluated after the restart', () => rules(core), (s) => (s?.lastEvaluated ?? null) !== null);
      expect(back!.state).toBe('firing');
      expect(back!.firing.map((a) => a.id)).toEqual([first.id]);
      expect((await core.api<AlertInstance[]>('/api/alerts/history?ruleId=cart-errors')).body).toHaveLength(1);
      await send(core, 0, 300);
      await until('cart-errors to resolve', () => rules(core), (s) => s?.state === 'ok');
      const history = (await core.api<AlertInstance[]>('/api/alerts/history?ruleId=cart-errors')).body;
      expect(history.map((a) => [a.id, a.state])).toEqual([[first.id, 'resolved']]);
      await core.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
