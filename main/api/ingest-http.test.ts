// OTLP/HTTP in, API out: the real receiver, writer and API server on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { context, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { LoggerProvider, BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startHarness, type Harness } from '../testing/core-harness';

const FIXTURES = new URL('../../../shared/fixtures/otlp/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES));

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const post = (path: string, body: Buffer | string, headers: Record<string, string>) =>
  fetch(h.otlp + path, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers });

function protoSpans(n = 3, traceSeed = 1) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': `bulk-${traceSeed}` }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const t = provider.getTracer('t');
  for (let i = 0; i < n; i++) t.startSpan(`op-${i}`).end();
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!);
}

describe('OTLP/HTTP JSON fixtures come back whole through the API', () => {
  it('trace', async () => {
    const res = await post('/v1/traces', fixture('trace.json'), { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const { body } = await h.api('/api/traces/5B8EFFF798038103D269B633813FC60C');
    expect(body.traceId).toBe('5b8efff798038103d269b633813fc60c');
    expect(body.spans[0]).toMatchObject({
      spanId: 'eee19b7ec3c1b174',
      parentSpanId: 'eee19b7ec3c1b173',
      service: 'my.service',
      name: "I'm a server span",
      kind: 'SERVER',
      startTimeUnixNano: '1544712660000000000',
      endTimeUnixNano: '1544712661000000000',
      durationMs: 1000,
      attributes: { 'my.span.attr': 'some value' },
      resource: { attributes: { 'service.name': 'my.service' } },
      scope: { name: 'my.library', version: '1.0.0', attributes: { 'my.scope.attribute': 'some scope attribute' } },
    });
    const list = await h.api('/api/traces?from=1544712600000&to=1544712700000');
    expect(list.body).toEqual([
      expect.objectContaining({ traceId: '5b8efff798038103d269b633813fc60c', rootService: 'my.service', spanCount: 1, durationMs: 1000 }),
    ]);
    // ISO-8601 parameters mean the same window
    const iso = await h.api('/api/traces?from=2018-12-13T14:50:00Z&to=2018-12-13T14:52:00Z');
    expect(iso.body.map((t: { traceId: string }) => t.traceId)).toEqual(['5b8efff798038103d269b633813fc60c']);
  });

  it('logs', async () => {
    expect((await post('/v1/logs', fixture('logs.json'), { 'content-type': 'application/json' })).status).toBe(200);
    const { body } = await h.api('/api/logs?from=1544712600000&to=1544712700000&q=example');
    expect(body).toHaveLength(1);
    expect(body[0]).toMatchObject({
      timeUnixNano: '1544712660300000000',
      observedTimeUnixNano: '1544712660300000000',
      service: 'my.service',
      severityNumber: 10,
      severityText: 'Information',
      body: 'Example log record',
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      attributes: {
        'string.attribute': 'some string',
        'boolean.attribute': true,
        'int.attribute': 10,
        'double.attribute': 637.704,
        'array.attribute': ['many', 'values'],
        'map.attribute': { 'some.map.key': 'some value' },
      },
    });
    // a trace's logs come whenever they happened: no default window with a trace id
    const byTrace = await h.api('/api/logs?traceId=5b8efff798038103d269b633813fc60c');
    expect(byTrace.body).toHaveLength(1);
    const one = await h.api(`/api/logs/${byTrace.body[0].id}`);
    expect(one.body).toEqual(byTrace.body[0]);
    expect((await h.api('/api/logs/999999')).status).toBe(404);
    expect((await h.api('/api/logs/histogram?from=1544712600000&to=1544712700000')).body.total).toBe(1);
  });

  it('metrics of every kind', async () => {
    expect((await post('/v1/metrics', fixture('metrics.json'), { 'content-type': 'application/json' })).status).toBe(200);
    const { body } = await h.api('/api/metrics?from=0&service=my.service');
    expect(body.map((m: { name: string; kind: string }) => `${m.name}:${m.kind}`).sort()).toEqual([
      'my.counter:sum',
      'my.exponential.histogram:exponential_histogram',
      'my.gauge:gauge',
      'my.histogram:histogram',
    ]);
    const hist = await h.api('/api/metrics/my.histogram/points?from=1544712600000&to=1544712700000');
    expect(hist.body[0].points[0]).toMatchObject({ count: 2, sum: 2, min: 0, max: 2, detail: { bucketCounts: [1, 1], explicitBounds: [1] } });
    expect(hist.body[0].attributes).toEqual({ 'my.histogram.attr': 'some value' });
  });

  it('a summary metric (hand-built: the SDKs do not produce summaries)', async () => {
    const summary = {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'legacy' } }] },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'rpc.latency',
                  unit: 's',
                  summary: {
                    dataPoints: [
                      {
                        timeUnixNano: '1700000000000000000',
                        count: '10',
                        sum: 4.5,
                        quantileValues: [
                          { quantile: 0.5, value: 0.3 },
                          { quantile: 0.99, value: 1.2 },
                        ],
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    expect((await post('/v1/metrics', JSON.stringify(summary), { 'content-type': 'application/json' })).status).toBe(200);
    const { body } = await h.api('/api/metrics/rpc.latency/points?from=1699999990000&to=1700000010000');
    expect(body[0]).toMatchObject({ kind: 'summary', service: 'legacy' });
    expect(body[0].points[0]).toMatchObject({ count: 10, sum: 4.5, detail: { quantileValues: [{ quantile: 0.5, value: 0.3 }, { quantile: 0.99, value: 1.2 }] } });
  });
});

describe('the real OTel JS SDK exporters', () => {
  it('protobuf and JSON trace exporters, logs and metrics, with gzip', async () => {
    const resource = resourceFromAttributes({ 'service.name': 'sdk-shop', 'service.version': '1.0.0' });
    const protoProvider = new BasicTracerProvider({
      resource,
      spanProcessors: [new BatchSpanProcessor(new ProtoTraceExporter({ url: `${h.otlp}/v1/traces`, compression: 'gzip' as never }))],
    });
    const jsonProvider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'sdk-json' }),
      spanProcessors: [new BatchSpanProcessor(new JsonTraceExporter({ url: `${h.otlp}/v1/traces` }))],
    });
    const tracer = protoProvider.getTracer('shop');
    const root = tracer.startSpan('GET /cart', { kind: SpanKind.SERVER, attributes: { 'http.route': '/cart', 'http.response.status_code': 500 } });
    const child = tracer.startSpan('SELECT cart', { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql' } }, trace.setSpan(context.active(), root));
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'deadlock' });
    child.end();
    root.end();
    jsonProvider.getTracer('json').startSpan('json-op').end();

    const logProvider = new LoggerProvider({
      resource,
      processors: [new BatchLogRecordProcessor({ exporter: new ProtoLogExporter({ url: `${h.otlp}/v1/logs` }) })],
    });
    logProvider.getLogger('shop').emit({
      severityNumber: 17,
      severityText: 'ERROR',
      body: 'cart load failed: deadlock',
      attributes: { 'cart.id': 'c-42' },
      context: trace.setSpan(context.active(), root),
    });

    const protoReader = new PeriodicExportingMetricReader({ exporter: new ProtoMetricExporter({ url: `${h.otlp}/v1/metrics` }), exportIntervalMillis: 60_000 });
    const jsonReader = new PeriodicExportingMetricReader({ exporter: new JsonMetricExporter({ url: `${h.otlp}/v1/metrics` }), exportIntervalMillis: 60_000 });
    const meters = [new MeterProvider({ resource, readers: [protoReader] }), new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'sdk-json' }), readers: [jsonReader] })];
    for (const mp of meters) {
      mp.getMeter('m').createHistogram('http.server.request.duration', { unit: 's' }).record(0.12, { 'http.route': '/cart' });
      mp.getMeter('m').createCounter('cart.adds').add(2);
    }

    await Promise.all([protoProvider.forceFlush(), jsonProvider.forceFlush(), logProvider.forceFlush(), protoReader.forceFlush(), jsonReader.forceFlush()]);

    const traceId = root.spanContext().traceId;
    const { status, body } = await h.api(`/api/traces/${traceId}`);
    expect(status).toBe(200);
    expect(body.spans.map((s: { name: string }) => s.name).sort()).toEqual(['GET /cart', 'SELECT cart']);
    const server = body.spans.find((s: { kind: string }) => s.kind === 'SERVER');
    expect(server).toMatchObject({ isError: true, attributes: { 'http.route': '/cart', 'http.response.status_code': 500 } });
    const client = body.spans.find((s: { kind: string }) => s.kind === 'CLIENT');
    expect(client).toMatchObject({ parentSpanId: root.spanContext().spanId, status: { code: 'ERROR', message: 'deadlock' } });

    const logs = await h.api(`/api/logs?from=0&traceId=${traceId}`);
    expect(logs.body[0]).toMatchObject({ body: 'cart load failed: deadlock', severityText: 'ERROR', spanId: root.spanContext().spanId, attributes: { 'cart.id': 'c-42' } });

    const services = await h.api('/api/services');
    const shop = services.body.find((s: { name: string }) => s.name === 'sdk-shop');
    expect(shop).toMatchObject({ requests: 1, requestErrors: 1, errorRate: 1, versions: ['1.0.0'] });
    expect(services.body.map((s: { name: string }) => s.name)).toContain('sdk-json');

    const metrics = await h.api('/api/metrics?service=sdk-json');
    expect(metrics.body.map((m: { name: string }) => m.name).sort()).toEqual(['cart.adds', 'http.server.request.duration']);
    await Promise.all([protoProvider.shutdown(), jsonProvider.shutdown(), logProvider.shutdown(), ...meters.map((m) => m.shutdown())]);
  });

  it('re-sending a batch stores nothing twice', async () => {
    const body = protoSpans(5, 7);
    const headers = { 'content-type': 'application/x-protobuf' };
    const before = (await h.api('/api/health')).body.ingest;
    expect((await post('/v1/traces', body, headers)).status).toBe(200);
    expect((await post('/v1/traces', body, headers)).status).toBe(200);
    expect((await post('/v1/traces', gzipSync(body), { ...headers, 'content-encoding': 'gzip' })).status).toBe(200);
    const after = (await h.api('/api/health')).body.ingest;
    expect(after.spans - before.spans).toBe(5);
    expect(after.duplicates - before.duplicates).toBe(10);
    const svc = (await h.api('/api/services?from=0')).body.find((s: { name: string }) => s.name === 'bulk-7');
    expect(svc.spanCount).toBe(5);
    const logsBody = fixture('logs.json');
    const l0 = (await h.api('/api/health')).body.ingest.logs;
    await post('/v1/logs', logsBody, { 'content-type': 'application/json' });
    expect((await h.api('/api/health')).body.ingest.logs).toBe(l0);
  });
});

describe('bad input gets the right status, stores nothing, and the core stays up', () => {
  async function counts() {
    const { body } = await h.api('/api/health');
    return { spans: body.ingest.spans, logs: body.ingest.logs, metricPoints: body.ingest.metricPoints };
  }

  it('truncated protobuf → 400 naming where, as a google.rpc.Status', async () => {
    const before = await counts();
    const full = protoSpans(4, 11);
    const res = await post('/v1/traces', full.subarray(0, full.length - 7), { 'content-type': 'application/x-protobuf' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    const text = Buffer.from(await res.arrayBuffer()).toString('latin1');
    expect(text).toMatch(/resourceSpans\[0\]/);
    expect(await counts()).toEqual(before);
  });

  it('invalid JSON → 400 with the parser message, counted as a malformed request', async () => {
    const before = (await h.api('/api/health')).body.ingest.malformedRequests;
    const res = await post('/v1/logs', '{"resourceLogs": [ {', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toMatch(/invalid JSON/);
    expect((await h.api('/api/health')).body.ingest.malformedRequests).toBe(before + 1);
  });

  it('invalid UTF-8 in a JSON body → 400', async () => {
    const res = await post('/v1/logs', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toMatch(/UTF-8/);
  });

  it('wrong content type → 415; unknown encoding → 415; wrong method → 405; unknown path → 404', async () => {
    expect((await post('/v1/traces', 'hello', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post('/v1/traces', 'x', { 'content-type': 'application/json', 'content-encoding': 'br' })).status).toBe(415);
    expect((await fetch(h.otlp + '/v1/traces')).status).toBe(405);
    expect((await post('/v1/profiles', '{}', { 'content-type': 'application/json' })).status).toBe(404);
  });

  it('a gzip bomb → 413 without decompressing it all', async () => {
    const bomb = gzipSync(Buffer.alloc(200 * 1024 * 1024, 0x20)); // 200 MiB of spaces, ~200 KiB compressed
    const res = await post('/v1/traces', bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    expect((await res.json()).message).toMatch(/decompressed body exceeds/);
  });

  it('an oversize body → 413', async () => {
    const res = await post('/v1/traces', Buffer.alloc(17 * 1024 * 1024, 0x20), { 'content-type': 'application/json' });
    expect(res.status).toBe(413);
  });

  it('absurd timestamps → 200 with partial_success naming each item, nothing stored', async () => {
    const before = await counts();
    const span = (id: string, start: string) => ({ traceId: '11111111111111111111111111111111', spanId: id, name: 'x', startTimeUnixNano: start, endTimeUnixNano: start });
    const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span('0000000000000001', '12'), span('0000000000000002', '99999999999999999999')] }] }] });
    const res = await post('/v1/traces', body, { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    const json = await res.json();
    expect(json.partialSuccess.rejectedSpans).toBe('2');
    expect(json.partialSuccess.errorMessage).toMatch(/spans\[0\].*before 1990/);
    expect(await counts()).toEqual(before);
    const health = (await h.api('/api/health')).body;
    expect(health.ingest.rejected).toBeGreaterThanOrEqual(2);
    expect(health.recentErrors.map((e: { message: string }) => e.message).join('\n')).toMatch(/before 1990/);
  });

  it('the core is still up and answering', async () => {
    const { status, body } = await h.api('/api/health');
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
  });
});

describe('the API guards itself', () => {
  it('needs the session token', async () => {
    expect((await fetch(h.ui + '/api/health')).status).toBe(401);
    expect((await fetch(h.ui + '/api/health', { headers: { authorization: 'Bearer wrong-token-xxxxxxxxx' } })).status).toBe(401);
    const body = await (await fetch(h.ui + '/api/health')).json();
    expect(body.error.code).toBe('unauthorized');
  });

  it('trades the tokened URL for a cookie', async () => {
    const res = await fetch(`${h.ui}/traces?token=${h.token}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/traces');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const ok = await fetch(h.ui + '/api/health', { headers: { cookie: cookie.split(';')[0] } });
    expect(ok.status).toBe(200);
  });

  it('refuses other Host and Origin values (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const u = new URL(h.ui);
        const req = request({ host: u.hostname, port: u.port, path: '/api/health', headers: { authorization: `Bearer ${h.token}`, ...headers } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await status({ host: 'evil.example:80' })).toBe(421);
    expect(await status({ host: `localhost:${new URL(h.ui).port}`, origin: 'http://evil.example' })).toBe(403);
    expect(await status({ host: `127.0.0.1:${new URL(h.ui).port}` })).toBe(200);
  });

  it('explains bad parameters with a 400 error envelope', async () => {
    const bad = await h.api('/api/traces?from=yesterday-ish');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'bad_input' });
    expect(bad.body.error.message).toMatch(/from: "yesterday-ish" is neither unix milliseconds nor an ISO-8601 time/);
    const badId = await h.api('/api/traces/not-a-trace');
    expect(badId.status).toBe(400);
    const missing = await h.api('/api/traces/00000000000000000000000000000001');
    expect(missing.status).toBe(404);
    const badAttr = await h.api('/api/traces?service=x&attr=novalue');
    expect(badAttr.status).toBe(400);
    expect((await h.api('/api/nothing-here')).status).toBe(404);
  });
});
