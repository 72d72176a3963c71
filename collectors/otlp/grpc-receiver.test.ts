import * as grpc from '@grpc/grpc-js';
import Database from 'better-sqlite3';
import protobuf from 'protobufjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SpanKind as ApiSpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { InMemoryMetricExporter, AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { IngestPipeline } from '../../main/ingest/pipeline';
import { OtlpGrpcReceiver } from './grpc-receiver';
import { Backpressure, type OtlpSink } from '../../common/ingest';

const resource = resourceFromAttributes({ 'service.name': 'cart', 'service.version': '3.0.1' });

const STATUS_PROTO = `
syntax = "proto3";
message Any { string type_url = 1; bytes value = 2; }
message Status { int32 code = 1; string message = 2; repeated Any details = 3; }
message Duration { int64 seconds = 1; int32 nanos = 2; }
message RetryInfo { Duration retry_delay = 1; }
message PartialSuccess { int64 rejected = 1; string error_message = 2; }
message ExportResponse { PartialSuccess partial_success = 1; }
`;
const proto = protobuf.parse(STATUS_PROTO, { keepCase: true }).root;

const TRACE_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

function rawCall(port: number, path: string, body: Buffer, options: grpc.ChannelOptions = {}): Promise<{ error: grpc.ServiceError | null; response?: Buffer }> {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), options);
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      path,
      (b: Buffer) => b,
      (b: Buffer) => b,
      body,
      new grpc.Metadata(),
      { deadline: Date.now() + 10_000 },
      (error, response) => {
        client.close();
        resolve({ error: error ?? null, response });
      },
    );
  });
}

function exportWith<T>(exporter: { export(items: T, cb: (r: ExportResult) => void): void }, items: T): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(items, resolve));
}

function sdkSpans() {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer('cart.http', '1.2.0');
  const root = tracer.startSpan('POST /cart/items', { kind: ApiSpanKind.SERVER, attributes: { 'http.route': '/cart/items', 'http.response.status_code': 201 } });
  const child = tracer.startSpan('HGET cart', { kind: ApiSpanKind.CLIENT, attributes: { 'db.system.name': 'redis' } }, trace.setSpan(context.active(), root));
  child.addEvent('cache miss', { key: 'cart:42' });
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'timeout' });
  child.end();
  root.end();
  return memory.getFinishedSpans();
}

describe('OTLP/gRPC receiver into the store', () => {
  let dir: string;
  let pipeline: IngestPipeline;
  let receiver: OtlpGrpcReceiver;
  let port: number;

  const query = <T>(sql: string, ...params: unknown[]): T[] => {
    const db = new Database(join(dir, 'loupe.db'), { readonly: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loupe-grpc-'));
    pipeline = await IngestPipeline.start({ dataDir: dir, mode: 'inline' });
    receiver = new OtlpGrpcReceiver({ host: '127.0.0.1', port: 0, sink: (p) => pipeline.submit({ kind: 'otlp', ...p }) });
    port = await receiver.listen();
  });

  afterAll(async () => {
    await receiver.close();
    await pipeline.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores spans sent by the OTel JS gRPC trace exporter, plain and gzip-compressed', async () => {
    for (const compression of [CompressionAlgorithm.NONE, CompressionAlgorithm.GZIP]) {
      const spans = sdkSpans();
      const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${port}`, compression });
      try {
        expect(await exportWith(exporter, spans)).toMatchObject({ code: ExportResultCode.SUCCESS });
      } finally {
        await exporter.shutdown();
      }
      const traceId = Buffer.from(spans[0].spanContext().traceId, 'hex');
      const rows = query<{ name: string; kind: number; status_code: number; status_message: string; events: string; parent: Buffer | null; service: string }>(
        `SELECT s.name, s.kind, s.status_code, s.status_message, s.events, s.parent_span_id AS parent, v.name AS service
         FROM spans s JOIN services v ON v.id = s.service_id WHERE s.trace_id = ? ORDER BY s.kind`,
        traceId,
      );
      expect(rows.map((r) => [r.name, r.kind, r.service])).toEqual([
        ['POST /cart/items', 2, 'cart'],
        ['HGET cart', 3, 'cart'],
      ]);
      expect(rows[1]).toMatchObject({ status_code: 2, status_message: 'timeout' });
      expect(rows[1].parent!.toString('hex')).toBe(spans.find((s) => s.name === 'POST /cart/items')!.spanContext().spanId);
      expect(JSON.parse(rows[1].events)[0]).toMatchObject({ name: 'cache miss', attributes: { key: 'cart:42' } });
    }
  });

  it('stores logs and metrics sent by the OTel JS gRPC exporters', async () => {
    const memoryLogs = new InMemoryLogRecordExporter();
    const loggerProvider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: memoryLogs })] });
    loggerProvider.getLogger('cart.log').emit({ severityNumber: SeverityNumber.WARN, severityText: 'WARN', body: 'cart 42 is almost full', attributes: { items: 99 } });
    await loggerProvider.forceFlush();
    expect(memoryLogs.getFinishedLogRecords()).toHaveLength(1);
    const logExporter = new OTLPLogExporter({ url: `http://127.0.0.1:${port}`, compression: CompressionAlgorithm.GZIP });
    try {
      expect(await exportWith(logExporter, memoryLogs.getFinishedLogRecords())).toMatchObject({ code: ExportResultCode.SUCCESS });
    } finally {
      await logExporter.shutdown();
      await loggerProvider.shutdown();
    }
    expect(query<{ body: string; severity_number: number }>('SELECT body, severity_number FROM logs')).toEqual([{ body: 'cart 42 is almost full', severity_number: 13 }]);

    const memoryMetrics = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter: memoryMetrics, exportIntervalMillis: 3_600_000 });
    const meterProvider = new MeterProvider({ resource, readers: [reader] });
    const counter = meterProvider.getMeter('cart.metrics').createCounter('cart.items.added', { unit: '{item}' });
    counter.add(3, { tier: 'gold' });
    counter.add(2, { tier: 'gold' });
    await reader.forceFlush();
    const metricExporter = new OTLPMetricExporter({ url: `http://127.0.0.1:${port}` });
    try {
      expect(await exportWith(metricExporter, memoryMetrics.getMetrics()[0])).toMatchObject({ code: ExportResultCode.SUCCESS });
    } finally {
      await metricExporter.shutdown();
      await meterProvider.shutdown();
    }
    const points = query<{ name: string; value: number; kind: string }>(
      'SELECT s.name, p.value, s.kind FROM metric_points p JOIN metric_series s ON s.id = p.series_id',
    );
    expect(points).toEqual([{ name: 'cart.items.added', value: 5, kind: 'sum' }]);
  });

  it('answers OK with partial_success when items were rejected', async () => {
    // ExportTraceServiceRequest with one span whose trace id is all zeroes:
    // resource_spans{ scope_spans{ spans{ trace_id=16x00, span_id=8x01, name="bad", start=..., end=... } } }
    const span = protobuf.Writer.create()
      .uint32(10).bytes(Buffer.alloc(16))
      .uint32(18).bytes(Buffer.alloc(8, 1))
      .uint32(42).string('bad')
      .uint32(57).fixed64(1714557600000000000)
      .uint32(65).fixed64(1714557600000000001)
      .finish();
    const scopeSpans = protobuf.Writer.create().uint32(18).bytes(span).finish();
    const resourceSpans = protobuf.Writer.create().uint32(18).bytes(scopeSpans).finish();
    const request = Buffer.from(protobuf.Writer.create().uint32(10).bytes(resourceSpans).finish());
    const { error, response } = await rawCall(port, TRACE_PATH, request);
    expect(error).toBeNull();
    const decoded = proto.lookupType('ExportResponse').toObject(proto.lookupType('ExportResponse').decode(response!), { longs: Number });
    expect(decoded.partial_success.rejected).toBe(1);
    expect(decoded.partial_success.error_message).toMatch(/traceId is all zeroes/);
  });

  it('answers INVALID_ARGUMENT for a malformed payload and stores nothing', async () => {
    const before = query<{ n: number }>('SELECT count(*) AS n FROM spans')[0].n;
    const { error } = await rawCall(port, TRACE_PATH, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]));
    expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    // The message says what is wrong and where.
    expect(error?.details).toBe('resourceSpans[0]: length 4294967295 runs past the end of its message (at byte 6)');
    expect(query<{ n: number }>('SELECT count(*) AS n FROM spans')[0].n).toBe(before);
    expect(receiver.stats.malformed).toBe(1);
  });

  it('accepts gzip-compressed messages from a plain gRPC client and refuses messages over the receive limit', async () => {
    const spans = sdkSpans();
    const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
    const gzip = { 'grpc.default_compression_algorithm': 2 };
    const ok = await rawCall(port, TRACE_PATH, body, gzip);
    expect(ok.error).toBeNull();
    expect(ok.response!.length).toBe(0); // nothing rejected: an empty ExportTraceServiceResponse
    expect(query<{ n: number }>('SELECT count(*) AS n FROM spans WHERE trace_id = ?', Buffer.from(spans[0].spanContext().traceId, 'hex'))[0].n).toBe(2);

    const small = new OtlpGrpcReceiver({ host: '127.0.0.1', port: 0, sink: (p) => pipeline.submit({ kind: 'otlp', ...p }), maxReceiveMessageBytes: 1024 });
    const smallPort = await small.listen();
    try {
      const big = await rawCall(smallPort, TRACE_PATH, Buffer.alloc(4096));
      expect(big.error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
      // 64 KiB of zeroes compresses to a few hundred bytes; decompressed it is over the limit.
      const bomb = await rawCall(smallPort, TRACE_PATH, Buffer.alloc(64 * 1024), gzip);
      expect(bomb.error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    } finally {
      await small.close();
    }
  });
});

describe('OTLP/gRPC receiver under failure', () => {
  let receiver: OtlpGrpcReceiver;
  let port: number;
  let sink: OtlpSink;

  beforeAll(async () => {
    receiver = new OtlpGrpcReceiver({ host: '127.0.0.1', port: 0, sink: (p) => sink(p) });
    port = await receiver.listen();
  });
  afterAll(() => receiver.close());
  afterEach(() => {
    sink = async () => ({ accepted: 0, duplicates: 0, rejected: 0, errors: [] });
  });

  function retryDelay(error: grpc.ServiceError): number | null {
    const [bin] = error.metadata.get('grpc-status-details-bin') as Buffer[];
    if (!bin) return null;
    const Status = proto.lookupType('Status');
    const status = Status.toObject(Status.decode(bin), { longs: Number }) as { code: number; details: Array<{ type_url: string; value: Uint8Array }> };
    expect(status.code).toBe(error.code);
    const detail = status.details.find((d) => d.type_url === 'type.googleapis.com/google.rpc.RetryInfo');
    if (!detail) return null;
    const RetryInfo = proto.lookupType('RetryInfo');
    return (RetryInfo.toObject(RetryInfo.decode(detail.value), { longs: Number }) as { retry_delay: { seconds: number } }).retry_delay.seconds;
  }

  it('answers RESOURCE_EXHAUSTED with RetryInfo when the ingest queue is full', async () => {
    sink = async () => {
      throw new Backpressure(3);
    };
    const { error } = await rawCall(port, TRACE_PATH, Buffer.alloc(0));
    expect(error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(retryDelay(error!)).toBe(3);
    expect(receiver.stats.throttled).toBe(1);
  });

  it('answers UNAVAILABLE when the store failed, so the exporter retries', async () => {
    sink = async () => ({ accepted: 0, duplicates: 0, rejected: 0, errors: [], failed: 'the store could not commit: disk I/O error' });
    const { error } = await rawCall(port, '/opentelemetry.proto.collector.logs.v1.LogsService/Export', Buffer.alloc(0));
    expect(error?.code).toBe(grpc.status.UNAVAILABLE);
    expect(error?.details).toMatch(/disk I\/O error/);
    expect(retryDelay(error!)).toBe(5);
  });

  it('answers UNIMPLEMENTED for other methods', async () => {
    const { error } = await rawCall(port, '/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export', Buffer.alloc(0));
    expect(error?.code).toBe(grpc.status.UNIMPLEMENTED);
  });
});
