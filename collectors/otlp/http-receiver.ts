// OTLP/HTTP receiver: POST /v1/traces, /v1/logs, /v1/metrics with protobuf or JSON bodies,
// optionally gzip-compressed. Status codes follow the OTLP/HTTP specification: 200 (with
// partial_success when items were rejected), 400 malformed, 413 too large, 415 unsupported
// media type or encoding, 429 queue full and 503 store unavailable, with Retry-After.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzip, inflate } from 'node:zlib';
import { promisify } from 'node:util';
import { SpanStatusCode } from '@opentelemetry/api';
import { SELF_TELEMETRY_HEADER, ingestCounters, ingestTracer, untracedTracer } from './receiver-instrumentation';
import type { Signal } from '../../common/model';
import { Backpressure, type OtlpSink, type ReceiverStats } from '../../common/ingest';
import { RpcCode, exportResponse, statusBody } from './responses';

const gunzipAsync = promisify(gunzip) as (buf: Buffer, opts: { maxOutputLength: number }) => Promise<Buffer>;
const inflateAsync = promisify(inflate) as (buf: Buffer, opts: { maxOutputLength: number }) => Promise<Buffer>;

export interface HttpReceiverOptions {
  host: string;
  port: number;
  sink: OtlpSink;
  /** Largest request body accepted as sent (compressed), bytes. */
  maxBodyBytes?: number;
  /** Largest body after decompression (gzip-bomb guard), bytes. */
  maxDecompressedBytes?: number;
}

export const DEFAULT_MAX_BODY = 16 * 1024 * 1024;
export const DEFAULT_MAX_DECOMPRESSED = 64 * 1024 * 1024;

const PATHS: Record<string, Signal> = { '/v1/traces': 'traces', '/v1/logs': 'logs', '/v1/metrics': 'metrics' };


class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly rpcCode: number = RpcCode.INVALID_ARGUMENT,
  ) {
    super(message);
  }
}

export class OtlpHttpReceiver {
  private server: Server | null = null;
  readonly stats: ReceiverStats = { requests: 0, malformed: 0, throttled: 0 };
  private readonly maxBody: number;
  private readonly maxDecompressed: number;

  constructor(private readonly opts: HttpReceiverOptions) {
    this.maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
    this.maxDecompressed = opts.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED;
  }

  async listen(): Promise<number> {
    const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => void this.handle(req, res));
    server.headersTimeout = 30_000;
    server.requestTimeout = 120_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const signal = PATHS[path];
    const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const encoding: 'protobuf' | 'json' = contentType === 'application/json' ? 'json' : 'protobuf';
    this.stats.requests++;
    if (!signal) {
      req.resume();
      return this.sendStatus(res, encoding, 404, RpcCode.UNIMPLEMENTED, `unknown path ${path}; OTLP/HTTP accepts POST /v1/traces, /v1/logs and /v1/metrics`);
    }
    if (req.method !== 'POST') {
      req.resume();
      res.setHeader('Allow', 'POST');
      return this.sendStatus(res, encoding, 405, RpcCode.UNIMPLEMENTED, `${req.method} is not supported on ${path}; use POST`);
    }
    // Loupe's own exported telemetry is not traced again (see self-telemetry).
    const t = req.headers[SELF_TELEMETRY_HEADER] ? untracedTracer : ingestTracer;
    await t.startActiveSpan(`ingest ${signal}`, { attributes: { 'otlp.signal': signal, 'otlp.encoding': encoding } }, async (span) => {
      try {
        if (contentType !== 'application/x-protobuf' && contentType !== 'application/json') {
          req.resume();
          throw new HttpError(
            415,
            `unsupported Content-Type "${req.headers['content-type'] ?? ''}"; send application/x-protobuf or application/json`,
          );
        }
        // Refuse before reading when the queue is full: an overloaded core spends nothing on
        // bodies it cannot take, and the thread that serves the UI stays free.
        const refused = this.opts.sink.refusal?.(Math.max(0, Number(req.headers['content-length'] ?? 0) || 0));
        if (refused) {
          req.resume();
          throw refused;
        }
        const body = await this.readBody(req);
        const outcome = await this.opts.sink({
          signal,
          encoding,
          body,
          source: `otlp/http ${signal} from ${req.socket.remoteAddress ?? '?'}`,
        });
        if (outcome.malformed) {
          this.stats.malformed++;
          throw new HttpError(400, outcome.malformed);
        }
        if (outcome.failed) throw new HttpError(503, outcome.failed, RpcCode.UNAVAILABLE);
        ingestCounters().accepted.add(outcome.accepted, { signal });
        if (outcome.rejected) ingestCounters().rejected.add(outcome.rejected, { signal });
        span.setAttributes({ 'loupe.accepted': outcome.accepted, 'loupe.rejected': outcome.rejected, 'loupe.duplicates': outcome.duplicates });
        ingestCounters().requests.add(1, { signal, outcome: outcome.rejected ? 'partial' : 'ok' });
        const message = outcome.rejected ? outcome.errors.join('; ') : '';
        this.send(res, encoding, 200, exportResponse(signal, encoding, outcome.rejected, message));
      } catch (e) {
        let err: HttpError;
        if (e instanceof HttpError) err = e;
        else if (e instanceof Backpressure) {
          this.stats.throttled++;
          res.setHeader('Retry-After', String(e.retryAfterSeconds));
          err = new HttpError(429, e.message, RpcCode.RESOURCE_EXHAUSTED);
        } else err = new HttpError(500, `internal error: ${(e as Error).message}`, RpcCode.INTERNAL);
        if (err.status === 503 && !res.hasHeader('Retry-After')) res.setHeader('Retry-After', '5');
        span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
        span.setAttribute('http.response.status_code', err.status);
        ingestCounters().requests.add(1, { signal, outcome: String(err.status) });
        this.sendStatus(res, encoding, err.status, err.rpcCode, err.message);
      } finally {
        span.end();
      }
    });
  }

  private async readBody(req: IncomingMessage): Promise<Buffer> {
    const declared = Number(req.headers['content-length'] ?? -1);
    if (declared > this.maxBody) {
      req.resume();
      throw new HttpError(413, `request body of ${declared} bytes exceeds the ${this.maxBody}-byte limit`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    await new Promise<void>((resolve, reject) => {
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.maxBody) {
          req.removeAllListeners('data');
          req.resume();
          reject(new HttpError(413, `request body exceeds the ${this.maxBody}-byte limit`));
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => resolve());
      req.on('error', (e) => reject(new HttpError(400, `reading the request failed: ${e.message}`)));
    });
    const raw = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
    const ce = (req.headers['content-encoding'] ?? 'identity').toString().trim().toLowerCase();
    if (ce === '' || ce === 'identity') return raw;
    if (ce !== 'gzip' && ce !== 'deflate')
      throw new HttpError(415, `unsupported Content-Encoding "${ce}"; send gzip, deflate or identity`);
    try {
      return await (ce === 'gzip' ? gunzipAsync : inflateAsync)(raw, { maxOutputLength: this.maxDecompressed });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ERR_BUFFER_TOO_LARGE' || /Cannot create a Buffer larger/.test((e as Error).message))
        throw new HttpError(413, `decompressed body exceeds the ${this.maxDecompressed}-byte limit`);
      throw new HttpError(400, `the body is not valid ${ce}: ${(e as Error).message}`);
    }
  }

  private send(res: ServerResponse, encoding: 'protobuf' | 'json', status: number, body: Buffer): void {
    res.statusCode = status;
    res.setHeader('Content-Type', encoding === 'json' ? 'application/json' : 'application/x-protobuf');
    res.setHeader('Content-Length', body.length);
    res.end(body);
  }

  private sendStatus(res: ServerResponse, encoding: 'protobuf' | 'json', status: number, code: number, message: string): void {
    this.send(res, encoding, status, statusBody(encoding, code, message));
  }
}
