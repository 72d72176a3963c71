import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { LoggerProvider, InMemoryLogRecordExporter, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { context, trace, SpanKind as ApiSpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { TelemetryBatch } from '../../common/model';
import { toHex } from '../../common/ids';
import { decodeOtlpProto } from './decode-proto';
import { decodeOtlpJson } from './decode-json';
import { DecodeError } from './proto-reader';

const FIXTURES = new URL('../../../shared/fixtures/otlp/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8');

/** A batch as plain comparable data (ids hex, bigint as strings, JSON fields parsed). */
function plain(b: TelemetryBatch): unknown {
  return JSON.parse(
    JSON.stringify(b, (k, v) => {
      if (typeof v === 'bigint') return v.toString();
      if (v instanceof Uint8Array) return toHex(v);
      if (v && typeof v === 'object' && v.type === 'Buffer' && Array.isArray(v.data)) return toHex(Uint8Array.from(v.data));
      if (typeof v === 'string' && (k === 'attributes' || k === 'events' || k === 'links' || k === 'detail') && /^[[{]/.test(v))
        return JSON.parse(v);
      return v;
    }),
  );
}

function sdkSpans() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'service.version': '2.1.0', 'deployment.environment.name': 'test' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('shop.checkout', '1.0.0');
  const root = tracer.startSpan('POST /checkout', {
    kind: ApiSpanKind.SERVER,
    attributes: { 'http.request.method': 'POST', 'http.route': '/checkout', 'http.response.status_code': 503, retries: 2, ratio: 0.25, ok: false, tags: ['a', 'b'] },
  });
  const child = tracer.startSpan(
    'SELECT orders',
    { kind: ApiSpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql', 'db.namespace': 'shop', 'server.address': 'db', 'server.port': 5432 } },
    trace.setSpan(context.active(), root),
  );
  child.addEvent('retry', { attempt: 1, 'error.type': 'timeout' });
  child.addLink({ context: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 }, attributes: { why: 'batch' } });
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'connection reset' });
  child.end();
  root.end();
  return exporter.getFinishedSpans();
}

describe('OTLP JSON fixtures', () => {
  it('decodes every field of the trace example', () => {
    const b = decodeOtlpJson('traces', fixture('trace.json'));
    expect(b.rejected).toBe(0);
    const group = b.spans[0];
    expect(JSON.parse(group.resource.attributes)).toEqual({ 'service.name': 'my.service' });
    expect(group.resource.serviceName).toBe('my.service');
    const scope = group.scopes[0].scope;
    expect(scope).toMatchObject({ name: 'my.library', version: '1.0.0' });
    expect(JSON.parse(scope.attributes)).toEqual({ 'my.scope.attribute': 'some scope attribute' });
    const span = group.scopes[0].items[0];
    expect(toHex(span.traceId)).toBe('5b8efff798038103d269b633813fc60c');
    expect(toHex(span.spanId)).toBe('eee19b7ec3c1b174');
    expect(toHex(span.parentSpanId)).toBe('eee19b7ec3c1b173');
    expect(span.name).toBe("I'm a server span");
    expect(span.kind).toBe(2);
    expect(span.startNs).toBe(1544712660000000000n);
    expect(span.endNs).toBe(1544712661000000000n);
    expect(JSON.parse(span.attributes)).toEqual({ 'my.span.attr': 'some value' });
  });

  it('decodes every attribute type of the logs example', () => {
    const b = decodeOtlpJson('logs', fixture('logs.json'));
    const log = b.logs[0].scopes[0].items[0];
    expect(log.timeNs).toBe(1544712660300000000n);
    expect(log.observedNs).toBe(1544712660300000000n);
    expect(log.severityNumber).toBe(10);
    expect(log.severityText).toBe('Information');
    expect(log.body).toBe('Example log record');
    expect(toHex(log.traceId)).toBe('5b8efff798038103d269b633813fc60c');
    expect(toHex(log.spanId)).toBe('eee19b7ec3c1b174');
    expect(JSON.parse(log.attributes)).toEqual({
      'string.attribute': 'some string',
      'boolean.attribute': true,
      'int.attribute': 10,
      'double.attribute': 637.704,
      'array.attribute': ['many', 'values'],
      'map.attribute': { 'some.map.key': 'some value' },
    });
  });

  it('decodes every metric kind of the metrics example', () => {
    const b = decodeOtlpJson('metrics', fixture('metrics.json'));
    expect(b.rejected).toBe(0);
    const metrics = b.metrics[0].scopes[0].items;
    const byName = Object.fromEntries(metrics.map((m) => [m.name, m]));
    expect(byName['my.counter']).toMatchObject({ kind: 'sum', temporality: 1, monotonic: true, unit: '1', description: 'I am a Counter' });
    expect(byName['my.counter'].points[0]).toMatchObject({ value: 5, startNs: 1544712660300000000n, timeNs: 1544712660300000000n });
    expect(byName['my.gauge'].points[0].value).toBe(10);
    const h = byName['my.histogram'].points[0];
    expect(h).toMatchObject({ count: 2, sum: 2, min: 0, max: 2 });
    expect(JSON.parse(h.detail)).toEqual({ bucketCounts: [1, 1], explicitBounds: [1] });
    const e = JSON.parse(byName['my.exponential.histogram'].points[0].detail);
    expect(e).toMatchObject({ scale: 0, zeroCount: 1, positive: { offset: 1, bucketCounts: [0, 2] } });
  });

  it('decodes the event example (a log record with an event name)', () => {
    const b = decodeOtlpJson('logs', fixture('events.json'));
    const rec = b.logs[0].scopes[0].items[0];
    expect(rec.eventName).not.toBe('');
    expect(JSON.parse(rec.attributes)).toBeTypeOf('object');
  });
});

describe('protobuf and JSON decode the same SDK data identically', () => {
  it('traces', () => {
    const spans = sdkSpans();
    const proto = decodeOtlpProto('traces', Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!));
    const json = decodeOtlpJson('traces', Buffer.from(JsonTraceSerializer.serializeRequest(spans)!).toString('utf8'));
    expect(proto.rejected).toBe(0);
    expect(plain(proto)).toEqual(plain(json));
    const [server, client] = [...proto.spans[0].scopes[0].items].sort((a, b) => a.kind - b.kind);
    expect(server.kind).toBe(2);
    expect(server.hints.httpStatusCode).toBe(503);
    expect(JSON.parse(server.attributes)).toEqual({
      'http.request.method': 'POST',
      'http.route': '/checkout',
      'http.response.status_code': 503,
      retries: 2,
      ratio: 0.25,
      ok: false,
      tags: ['a', 'b'],
    });
    expect(client.hints).toMatchObject({ dbSystem: 'postgresql', dbNamespace: 'shop', serverAddress: 'db', serverPort: 5432 });
    expect(client.statusCode).toBe(2);
    expect(client.statusMessage).toBe('connection reset');
    expect(JSON.parse(client.events)[0]).toMatchObject({ name: 'retry', attributes: { attempt: 1, 'error.type': 'timeout' } });
    expect(JSON.parse(client.links)[0]).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', attributes: { why: 'batch' } });
    expect(toHex(client.parentSpanId)).toBe(toHex(server.spanId));
  });

  it('logs', async () => {
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'cart' }),
      processors: [new SimpleLogRecordProcessor({ exporter })],
    });
    provider.getLogger('cart.logger').emit({ severityNumber: 17, severityText: 'ERROR', body: { reason: 'declined', code: 51 }, attributes: { 'user.id': 'u1' } });
    provider.getLogger('cart.logger').emit({ severityNumber: 9, body: 'added item', timestamp: 1_700_000_000_000 });
    await provider.forceFlush();
    const records = exporter.getFinishedLogRecords();
    expect(records).toHaveLength(2);
    const proto = decodeOtlpProto('logs', Buffer.from(ProtobufLogsSerializer.serializeRequest(records)!));
    const json = decodeOtlpJson('logs', Buffer.from(JsonLogsSerializer.serializeRequest(records)!).toString('utf8'));
    expect(proto.errors).toEqual([]);
    expect(plain(proto)).toEqual(plain(json));
    const [structured, text] = proto.logs[0].scopes[0].items;
    expect(JSON.parse(structured.bodyJson)).toEqual({ reason: 'declined', code: 51 });
    expect(text.body).toBe('added item');
    expect(text.timeNs).toBe(1_700_000_000_000_000_000n);
  });

  it('metrics, including histograms', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
    const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'pay' }), readers: [reader] });
    const meter = provider.getMeter('pay.meter');
    meter.createCounter('orders', { unit: '{order}' }).add(3, { region: 'eu' });
    const hist = meter.createHistogram('latency', { unit: 'ms' });
    for (const v of [1, 5, 50, 500]) hist.record(v, { route: '/pay' });
    meter.createObservableGauge('queue.depth').addCallback((r) => r.observe(7));
    await reader.forceFlush();
    const rm = exporter.getMetrics();
    const proto = decodeOtlpProto('metrics', Buffer.from(ProtobufMetricsSerializer.serializeRequest(rm[0])!));
    const json = decodeOtlpJson('metrics', Buffer.from(JsonMetricsSerializer.serializeRequest(rm[0])!).toString('utf8'));
    expect(plain(proto)).toEqual(plain(json));
    const byName = Object.fromEntries(proto.metrics[0].scopes[0].items.map((m) => [m.name, m]));
    expect(byName.orders).toMatchObject({ kind: 'sum', monotonic: true, temporality: 2, unit: '{order}' });
    expect(byName.orders.points[0].value).toBe(3);
    expect(byName.latency.points[0]).toMatchObject({ count: 4, sum: 556, min: 1, max: 500 });
    expect(byName['queue.depth'].points[0].value).toBe(7);
    await provider.shutdown();
  });
});

describe('malformed and implausible input', () => {
  const good = () => Buffer.from(ProtobufTraceSerializer.serializeRequest(sdkSpans())!);

  it('rejects truncated protobuf with where it broke', () => {
    const buf = good();
    for (const cut of [5, 40, buf.length - 3]) {
      expect(() => decodeOtlpProto('traces', buf.subarray(0, cut))).toThrow(DecodeError);
    }
    try {
      decodeOtlpProto('traces', buf.subarray(0, buf.length - 3));
    } catch (e) {
      expect((e as Error).message).toMatch(/resourceSpans\[0\]/);
    }
  });

  it('rejects bytes that are not protobuf', () => {
    expect(() => decodeOtlpProto('traces', Buffer.from('{"resourceSpans":[]}'))).toThrow(DecodeError);
    expect(() => decodeOtlpProto('logs', Buffer.from([0x00, 0x01, 0x02]))).toThrow(/field number 0/);
  });

  it('rejects invalid UTF-8 in strings', () => {
    const json = JSON.stringify({
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name: 'x', startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000000000001' }] }] }],
    });
    expect(decodeOtlpJson('traces', json).spans).toHaveLength(1);
    // protobuf: hand-build a span whose name is the byte 0xff
    const span = Buffer.from([0x0a, 16, ...Buffer.alloc(16, 1), 0x12, 8, ...Buffer.alloc(8, 2), 0x2a, 1, 0xff]);
    const scope = Buffer.concat([Buffer.from([0x12, span.length]), span]);
    const rs = Buffer.concat([Buffer.from([0x12, scope.length]), scope]);
    const req = Buffer.concat([Buffer.from([0x0a, rs.length]), rs]);
    expect(() => decodeOtlpProto('traces', req)).toThrow(/invalid UTF-8/);
  });

  it('rejects items with absurd timestamps or bad ids, keeping the rest', () => {
    const span = (id: string, start: string, end = start) => ({ traceId: '5b8efff798038103d269b633813fc60c', spanId: id, name: 'op', startTimeUnixNano: start, endTimeUnixNano: end });
    const body = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
          scopeSpans: [
            {
              spans: [
                span('0000000000000001', '1700000000000000000', '1700000000000001000'),
                span('0000000000000002', '5'),
                span('0000000000000003', '9999999999999999999'),
                span('0000000000000004', '1700000000000000000', '1600000000000000000'),
                span('00000000000005', '1700000000000000000'),
                span('0000000000000000', '1700000000000000000'),
              ],
            },
          ],
        },
      ],
    });
    const b = decodeOtlpJson('traces', body);
    expect(b.spans[0].scopes[0].items).toHaveLength(1);
    expect(b.rejected).toBe(5);
    expect(b.errors.join('\n')).toMatch(/spans\[1\]: startTimeUnixNano 5 ns .* before 1990/);
    expect(b.errors.join('\n')).toMatch(/spans\[2\].*more than 7 days in the future/);
    expect(b.errors.join('\n')).toMatch(/spans\[3\].*before startTimeUnixNano/);
    expect(b.errors.join('\n')).toMatch(/spans\[4\]: spanId must be 16 hex digits/);
    expect(b.errors.join('\n')).toMatch(/spans\[5\]: spanId is all zeroes/);
  });

  it('reports invalid JSON and wrong shapes as malformed', () => {
    expect(() => decodeOtlpJson('traces', '{"resourceSpans": [')).toThrow(/invalid JSON/);
    expect(() => decodeOtlpJson('traces', '{"resourceSpans": {}}')).toThrow(/"resourceSpans" must be an array/);
    expect(() => decodeOtlpJson('logs', '[1,2]')).toThrow(/expected a JSON object/);
  });

  it('cuts huge attribute values and counts them', () => {
    const big = 'x'.repeat(100_000);
    const body = JSON.stringify({
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1700000000000000000', body: { stringValue: big }, attributes: [{ key: 'payload', value: { stringValue: big } }] }] }] }],
    });
    const b = decodeOtlpJson('logs', body);
    const rec = b.logs[0].scopes[0].items[0];
    expect(rec.body.length).toBeLessThan(40_000);
    expect((JSON.parse(rec.attributes).payload as string).length).toBeLessThan(40_000);
    expect(b.truncated).toBe(2);
  });

  it('gzip is handled by the receiver, not the decoder: compressed bytes are malformed protobuf', () => {
    expect(() => decodeOtlpProto('traces', gzipSync(good()))).toThrow(DecodeError);
  });
});
