// OTLP/gRPC receiver: the TraceService, LogsService and MetricsService Export methods, unary,
// on 127.0.0.1:4317 by default. The services are declared by hand with pass-through
// (de)serializers, so the request bytes reach the sink untouched and are decoded once by
// Loupe's own protobuf decoder, exactly as OTLP/HTTP bodies are. gzip and deflate message
// compression is undone by grpc-js, bounded by the same receive limit.
//
// Status codes follow the OTLP/gRPC specification: OK (with partial_success when items were
// rejected), INVALID_ARGUMENT for a malformed request (not retryable), RESOURCE_EXHAUSTED when
// the ingest queue is full and UNAVAILABLE when the store failed, both with a
// google.rpc.RetryInfo so exporters retry after the given delay.
import * as grpc from '@grpc/grpc-js';
import { SpanStatusCode } from '@opentelemetry/api';
import { SELF_TELEMETRY_HEADER, ingestCounters, ingestTracer, untracedTracer } from './receiver-instrumentation';
import type { Signal } from '../../common/model';
import { Backpressure, type OtlpSink, type ReceiverStats } from '../../common/ingest';
import { exportResponse, statusBody } from './responses';

export interface GrpcReceiverOptions {
  host: string;
  port: number;
  sink: OtlpSink;
  /** Largest request message, after decompression, bytes (default 16 MiB). */
  maxReceiveMessageBytes?: number;
}

export const DEFAULT_MAX_RECEIVE_MESSAGE = 16 * 1024 * 1024;
/** Retry delay sent with UNAVAILABLE when the store failed (HTTP sends Retry-After: 5 too). */
const STORE_RETRY_SECONDS = 5;

const SERVICES: Array<{ signal: Signal; path: string }> = [
  { signal: 'traces', path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export' },
  { signal: 'logs', path: '/opentelemetry.proto.collector.logs.v1.LogsService/Export' },
  { signal: 'metrics', path: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export' },
];

const passThrough = (b: Buffer): Buffer => b;

function exportService(path: string): grpc.ServiceDefinition {
  return {
    Export: {
      path,
      requestStream: false,
      responseStream: false,
      requestSerialize: passThrough,
      requestDeserialize: passThrough,
      responseSerialize: passThrough,
      responseDeserialize: passThrough,
    },
  };
}


/** A failed call: the status code, its message and, for retryable ones, the delay to advise. */
interface Failure {
  code: grpc.status;
  message: string;
  retryDelaySeconds?: number;
}

function failureStatus(f: Failure): Partial<grpc.StatusObject> {
  const metadata = new grpc.Metadata();
  if (f.retryDelaySeconds !== undefined)
    metadata.set('grpc-status-details-bin', statusBody('protobuf', f.code, f.message, f.retryDelaySeconds));
  return { code: f.code, details: f.message, metadata };
}

export class OtlpGrpcReceiver {
  private server: grpc.Server | null = null;
  readonly stats: ReceiverStats = { requests: 0, malformed: 0, throttled: 0 };
  private readonly maxReceive: number;

  constructor(private readonly opts: GrpcReceiverOptions) {
    this.maxReceive = opts.maxReceiveMessageBytes ?? DEFAULT_MAX_RECEIVE_MESSAGE;
  }

  /** Starts listening; resolves with the bound port (useful with port 0). */
  async listen(): Promise<number> {
    const server = new grpc.Server({
      'grpc.max_receive_message_length': this.maxReceive,
      // Only empty or small responses are sent; keep the default send limit.
    });
    for (const { signal, path } of SERVICES) {
      server.addService(exportService(path), {
        Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => void this.handle(signal, call, callback),
      });
    }
    const host = this.opts.host.includes(':') && !this.opts.host.startsWith('[') ? `[${this.opts.host}]` : this.opts.host;
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${host}:${this.opts.port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
    });
    this.server = server;
    return port;
  }

  /** Stops accepting calls, lets running ones finish for a moment, then closes connections. */
  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        s.forceShutdown();
        resolve();
      }, 2000);
      s.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }

  private async handle(signal: Signal, call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>): Promise<void> {
    this.stats.requests++;
    const self = call.metadata.get(SELF_TELEMETRY_HEADER).length > 0;
    await (self ? untracedTracer : ingestTracer).startActiveSpan(
      `ingest ${signal}`,
      { attributes: { 'otlp.signal': signal, 'otlp.encoding': 'protobuf', 'rpc.system': 'grpc' } },
      async (span) => {
        let failure: Failure | null = null;
        try {
          const outcome = await this.opts.sink({
            signal,
            encoding: 'protobuf',
            body: call.request,
            source: `otlp/grpc ${signal} from ${call.getPeer()}`,
          });
          if (outcome.malformed) {
            this.stats.malformed++;
            failure = { code: grpc.status.INVALID_ARGUMENT, message: outcome.malformed };
          } else if (outcome.failed) {
            failure = { code: grpc.status.UNAVAILABLE, message: outcome.failed, retryDelaySeconds: STORE_RETRY_SECONDS };
          } else {
            ingestCounters().accepted.add(outcome.accepted, { signal });
            if (outcome.rejected) ingestCounters().rejected.add(outcome.rejected, { signal });
            span.setAttributes({ 'loupe.accepted': outcome.accepted, 'loupe.rejected': outcome.rejected, 'loupe.duplicates': outcome.duplicates });
            ingestCounters().requests.add(1, { signal, outcome: outcome.rejected ? 'partial' : 'ok' });
            const message = outcome.rejected ? outcome.errors.join('; ') : '';
            callback(null, exportResponse(signal, 'protobuf', outcome.rejected, message));
            return;
          }
        } catch (e) {
          if (e instanceof Backpressure) {
            this.stats.throttled++;
            failure = { code: grpc.status.RESOURCE_EXHAUSTED, message: e.message, retryDelaySeconds: e.retryAfterSeconds };
          } else failure = { code: grpc.status.INTERNAL, message: `internal error: ${(e as Error).message}` };
        } finally {
          if (failure) {
            span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
            span.setAttribute('rpc.grpc.status_code', failure.code);
            ingestCounters().requests.add(1, { signal, outcome: grpc.status[failure.code] });
            callback(failureStatus(failure));
          }
          span.end();
        }
      },
    );
  }
}
