// How demo services serve and call each other: JSON over the instrumented `node:http`. The
// server names the matched route so the server span and `http.server.request.duration` carry
// `http.route` (as a web framework's instrumentation would); the client balances between a
// service's versions and reports timeouts the way the HTTP conventions expect.
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { context, createContextKey, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { getRPCMetadata, RPCType, suppressTracing } from '@opentelemetry/core';
import { sleep } from './simulation';
import type { Endpoint } from './topology';
import type { HttpModule, ServiceTelemetry } from './telemetry';

export interface IncomingCall {
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface Reply {
  status: number;
  body?: unknown;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** Express-style template, e.g. `/products/:id`; becomes `http.route`. */
  path: string;
  handle(call: IncomingCall): Promise<Reply>;
}

/** A failure with the status the caller should see; anything else thrown becomes a 500. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function createServiceServer(telemetry: ServiceTelemetry, routes: readonly Route[]): Server {
  const compiled = routes.map((route) => ({ route, match: compileTemplate(route.path) }));
  const { log } = telemetry;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://service.local');
    let reply: Reply;
    let routeName = url.pathname;
    const found = compiled.find((c) => c.route.method === req.method && c.match(url.pathname));
    if (!found) {
      reply = { status: 404, body: { error: `no route for ${req.method} ${url.pathname}` } };
    } else {
      routeName = found.route.path;
      const metadata = getRPCMetadata(context.active());
      if (metadata?.type === RPCType.HTTP) metadata.route = routeName;
      try {
        const body = await readJson(req);
        reply = await found.route.handle({ params: found.match(url.pathname)!, query: url.searchParams, headers: req.headers, body });
      } catch (err) {
        reply = failureReply(err, telemetry);
      }
    }
    const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
    res.end(payload);

    const ms = Math.round(performance.now() - started);
    const attributes = { 'http.request.method': req.method ?? 'GET', 'http.route': routeName, 'http.response.status_code': reply.status, 'duration_ms': ms };
    const line = `${req.method} ${url.pathname} ${reply.status} in ${ms} ms`;
    if (reply.status >= 500) log.error(`request failed: ${line}`, attributes);
    else log.info(`request handled: ${line}`, attributes);
  }

  return telemetry.http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => void handle(req, res));
}

function failureReply(err: unknown, { log }: ServiceTelemetry): Reply {
  if (err instanceof HttpError) return { status: err.status, body: { error: err.message } };
  const error = err instanceof Error ? err : new Error(String(err));
  const span = trace.getActiveSpan();
  span?.recordException(error);
  span?.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  log.error(`unhandled error: ${error.message}`, { 'exception.type': error.name }, error);
  return { status: 500, body: { error: 'internal error' } };
}

function compileTemplate(template: string): (path: string) => Record<string, string> | null {
  const names: string[] = [];
  const pattern = template.replace(/:([a-zA-Z]+)/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  const regex = new RegExp(`^${pattern}$`);
  return (path) => {
    const m = regex.exec(path);
    if (!m) return null;
    return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
  };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through: reported as bad input below
  }
  throw new HttpError(400, 'request body must be a JSON object');
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Backoff before the n-th resend is `backoffMs * 2^(n-1)`, with jitter. */
  backoffMs: number;
  /** Statuses worth another attempt (the dependency or one of its instances is struggling). */
  retryOnStatus: readonly number[];
}

/** What the caller knows about an outgoing call and the HTTP instrumentation does not. */
interface OutgoingCall {
  peerService: string;
  resendCount: number;
}

const OUTGOING_CALL = createContextKey('shop.demo outgoing call');

/** The HTTP instrumentation's `startOutgoingSpanHook`: runs in the caller's context as the client
 * span starts, and adds `peer.service` (as a configured instrumentation would) and, on a retry,
 * `http.request.resend_count` (HTTP semantic conventions). */
export function outgoingCallAttributes(): Attributes {
  const call = context.active().getValue(OUTGOING_CALL) as OutgoingCall | undefined;
  if (!call) return {};
  return call.resendCount > 0 ? { 'peer.service': call.peerService, 'http.request.resend_count': call.resendCount } : { 'peer.service': call.peerService };
}

export interface CallResult {
  status: number;
  body: any;
}

/** The dependency did not answer: connection refused or reset, or no answer in time. */
export class DependencyUnavailable extends Error {
  constructor(
    readonly service: string,
    readonly reason: string,
    readonly timedOut: boolean,
  ) {
    super(`${service} unavailable: ${reason}`);
    this.name = 'DependencyUnavailable';
  }
}

const SLOW_CALL_MS = 400;

export class ServiceClient {
  private readonly balancer: WeightedRoundRobin;

  constructor(
    private readonly telemetry: ServiceTelemetry,
    readonly service: string,
    endpoints: readonly Endpoint[],
  ) {
    if (endpoints.length === 0) throw new Error(`no endpoint known for service "${service}"`);
    this.balancer = new WeightedRoundRobin(endpoints);
  }

  call(method: 'GET' | 'POST' | 'DELETE', path: string, opts: CallOptions = {}): Promise<CallResult> {
    return this.attempt(method, path, opts, 0);
  }

  /**
   * Calls with a client timeout per attempt and retries what is worth retrying: no answer in
   * time, a refused connection, or a status in `retryOnStatus`. Every attempt is its own CLIENT
   * span under the caller's span, possibly on another instance (the balancer moves on); resends
   * carry `http.request.resend_count`. Throws the last failure when every attempt failed.
   */
  async callWithRetries(method: 'GET' | 'POST' | 'DELETE', path: string, policy: RetryPolicy, opts: CallOptions = {}): Promise<CallResult> {
    for (let resend = 0; ; resend++) {
      const last = resend === policy.attempts - 1;
      try {
        const result = await this.attempt(method, path, opts, resend);
        if (last || !policy.retryOnStatus.includes(result.status)) return result;
        this.telemetry.log.warn(`retrying ${method} ${path} on ${this.service}: attempt ${resend + 1} answered ${result.status}`, {
          'peer.service': this.service,
          'http.request.resend_count': resend + 1,
          'http.response.status_code': result.status,
        });
      } catch (err) {
        if (last || !(err instanceof DependencyUnavailable)) throw err;
        this.telemetry.log.warn(`retrying ${method} ${path} on ${this.service}: attempt ${resend + 1} failed (${err.reason})`, {
          'peer.service': this.service,
          'http.request.resend_count': resend + 1,
          'error.type': err.timedOut ? 'timeout' : 'connection_error',
        });
      }
      await sleep(policy.backoffMs * 2 ** resend * (0.5 + Math.random()));
    }
  }

  private attempt(method: 'GET' | 'POST' | 'DELETE', path: string, opts: CallOptions, resendCount: number): Promise<CallResult> {
    const call: OutgoingCall = { peerService: this.service, resendCount };
    return context.with(context.active().setValue(OUTGOING_CALL, call), () => this.send(method, path, opts));
  }

  private send(method: 'GET' | 'POST' | 'DELETE', path: string, opts: CallOptions): Promise<CallResult> {
    const endpoint = this.balancer.next();
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const timeoutMs = opts.timeoutMs ?? 5000;
    const started = performance.now();
    return new Promise<CallResult>((resolve, reject) => {
      const req = this.telemetry.http.request(new URL(path, endpoint.url), {
        method,
        headers: {
          accept: 'application/json',
          ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
          ...opts.headers,
        },
      });
      req.setTimeout(timeoutMs, () => {
        const timeout = new Error(`no response within ${timeoutMs} ms`);
        timeout.name = 'TimeoutError';
        req.destroy(timeout);
      });
      req.on('error', (err) => reject(new DependencyUnavailable(this.service, err.message, err.name === 'TimeoutError')));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => reject(new DependencyUnavailable(this.service, err.message, false)));
        res.on('end', () => {
          const ms = Math.round(performance.now() - started);
          if (ms > SLOW_CALL_MS) {
            this.telemetry.log.warn(`slow dependency: ${this.service} took ${ms} ms for ${method} ${path}`, {
              'peer.service': this.service,
              'server.address': new URL(endpoint.url).hostname,
              duration_ms: ms,
            });
          }
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = null;
          try {
            body = text ? JSON.parse(text) : null;
          } catch {
            body = text;
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      });
      req.end(payload);
    });
  }
}

/** nginx's smooth weighted round-robin: 7:3 weights interleave instead of arriving in runs. */
class WeightedRoundRobin {
  private readonly current: number[];
  private readonly total: number;

  constructor(private readonly endpoints: readonly Endpoint[]) {
    this.current = endpoints.map(() => 0);
    this.total = endpoints.reduce((sum, e) => sum + e.weight, 0);
  }

  next(): Endpoint {
    let best = 0;
    for (let i = 0; i < this.endpoints.length; i++) {
      this.current[i] += this.endpoints[i].weight;
      if (this.current[i] > this.current[best]) best = i;
    }
    this.current[best] -= this.total;
    return this.endpoints[best];
  }
}

export interface UntracedRequest {
  body?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** A request kept out of the traces, for callers that are not instrumented in real life: a
 * shopper's browser, or a Kafka client's wire protocol. */
export function untracedRequest(http: HttpModule, method: string, url: URL, opts: UntracedRequest = {}): Promise<{ status: number; text: string }> {
  return context.with(suppressTracing(context.active()), () => {
    return new Promise<{ status: number; text: string }>((resolve, reject) => {
      const body = opts.body;
      const req = http.request(url, {
        method,
        signal: opts.signal,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
          ...opts.headers,
        },
      });
      const timeoutMs = opts.timeoutMs ?? 10_000;
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`${url.host} did not answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.end(body);
    });
  });
}
