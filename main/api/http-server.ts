// The UI/API server: serves the renderer and the typed API on loopback. Every /api request
// needs the session token (Authorization: Bearer, or the cookie set when the UI is opened
// through its tokened URL), and Host/Origin must name this server (DNS-rebinding safe).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { z } from 'zod';
import { api, EVENTS_PATH, type Endpoint } from '../../common/api/contract';
import { QueryError } from '../query/traces';
import { unknownParameters } from './unknown-params';

export const SESSION_COOKIE = 'loupe_session';

/** A handler result that is already JSON, as text or UTF-8 bytes (sent as is; parsed only to
 * validate in tests). */
export class RawJson {
  constructor(readonly text: string | Buffer) {}
}

/** A handler result streamed as a file download rather than JSON. */
export class FileDownload {
  constructor(
    readonly filename: string,
    readonly contentType: string,
    readonly write: (out: ServerResponse) => Promise<void>,
  ) {}
}

/** `signal` fires when the client goes away before its answer was sent. */
export type Handler = (input: any, ctx: { req: IncomingMessage; body?: Buffer; signal?: AbortSignal }) => unknown | Promise<unknown>;

export interface ApiServerOptions {
  host: string;
  port: number;
  token: string;
  /** Folder with the built renderer (index.html, assets/). */
  staticDir: string | null;
  /** Extra host names accepted in Host/Origin (when bound to a non-loopback address). */
  allowedHosts?: string[];
  endpoints: Record<string, Endpoint>;
  handlers: Record<string, Handler>;
  /** Largest request body (uploads), bytes. */
  maxBodyBytes?: number;
  /** When set, the API is read only: every method but GET is refused (403 read_only) with this message. */
  readOnly?: string;
  log?: (line: string) => void;
}

interface Route {
  endpoint: Endpoint;
  name: string;
  pattern: RegExp;
  params: string[];
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

/** The CSP the UI runs under, in the browser and in Electron alike. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const tracer = trace.getTracer('loupe.api');

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class ApiServer {
  private server: Server | null = null;
  private readonly routes: Route[];
  private readonly sseClients = new Set<ServerResponse>();
  private heartbeat: NodeJS.Timeout | null = null;
  port = 0;
  private readonly validateOutput = process.env.LOUPE_VALIDATE_OUTPUT === '1';

  constructor(private readonly opts: ApiServerOptions) {
    this.routes = Object.entries(opts.endpoints).map(([name, endpoint]) => {
      const params: string[] = [];
      const pattern = new RegExp(
        '^' +
          endpoint.path.replace(/:([A-Za-z]+)/g, (_m, p: string) => {
            params.push(p);
            return '([^/]+)';
          }) +
          '$',
      );
      return { endpoint, name, pattern, params };
    });
    // Static paths win over parameterised ones (/api/logs/histogram before /api/logs/:id).
    this.routes.sort((a, b) => a.params.length - b.params.length);
    for (const r of this.routes) if (!opts.handlers[r.name]) throw new Error(`no handler for API method ${r.name}`);
  }

  async listen(): Promise<number> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.heartbeat = setInterval(() => this.broadcast('heartbeat', { time: Date.now() }), 15_000);
    this.heartbeat.unref();
    return this.port;
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const c of this.sseClients) c.end();
    this.sseClients.clear();
    const s = this.server;
    this.server = null;
    if (s)
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
  }

  /** Sends a Server-Sent Event to every connected UI. */
  broadcast(event: string, data: unknown): void {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const c of this.sseClients) c.write(frame);
  }

  private allowedHost(host: string | undefined): boolean {
    if (!host) return false;
    const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase();
    const port = host.match(/:(\d+)$/)?.[1];
    if (port !== undefined && Number(port) !== this.port) return false;
    const ok = ['127.0.0.1', 'localhost', '::1', ...(this.opts.allowedHosts ?? [])];
    if (this.opts.host !== '127.0.0.1' && this.opts.host !== '::1' && this.opts.host !== '0.0.0.0' && this.opts.host !== '::')
      ok.push(this.opts.host);
    return ok.includes(name);
  }

  private authorized(req: IncomingMessage): boolean {
    const want = Buffer.from(this.opts.token);
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const cookie = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    for (const candidate of [bearer, cookie]) {
      if (!candidate) continue;
      const got = Buffer.from(candidate);
      if (got.length === want.length && timingSafeEqual(got, want)) return true;
    }
    return false;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://loupe.invalid');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    try {
      if (!this.allowedHost(req.headers.host))
        throw new ApiError(421, 'bad_host', `Host "${req.headers.host ?? ''}" is not this Loupe server; open it as http://127.0.0.1:${this.port}/`);
      const origin = req.headers.origin;
      if (origin && origin !== 'null') {
        let originHost: string | undefined;
        try {
          originHost = new URL(origin).host;
        } catch {
          originHost = undefined;
        }
        if (!this.allowedHost(originHost)) throw new ApiError(403, 'bad_origin', `requests from ${origin} are not allowed`);
      }
      if (url.pathname.startsWith('/api/')) {
        if (!this.authorized(req))
          throw new ApiError(401, 'unauthorized', 'missing or wrong session token: open Loupe through the URL that `loupe serve` printed');
        if (url.pathname === EVENTS_PATH) return this.openEvents(req, res);
        return await this.handleApi(req, res, url);
      }
      return this.serveStatic(req, res, url);
    } catch (e) {
      this.sendError(res, e);
    }
  }

  private async handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    let route: Route | undefined;
    let match: RegExpExecArray | null = null;
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.pattern.exec(url.pathname);
      if (!m) continue;
      pathMatched = true;
      if (r.endpoint.method === method) {
        route = r;
        match = m;
        break;
      }
    }
    if (!route || !match)
      throw pathMatched
        ? new ApiError(405, 'method_not_allowed', `${method} is not supported on ${url.pathname}`)
        : new ApiError(404, 'not_found', `no API method at ${url.pathname}`);
    // Refused before the body is read: a read-only view neither stores nor changes anything.
    if (this.opts.readOnly && method !== 'GET') throw new ApiError(403, 'read_only', this.opts.readOnly);
    const r = route;
    const m = match;
    await tracer.startActiveSpan(`${method} ${r.endpoint.path}`, { kind: 1 }, async (span) => {
      try {
        const raw: Record<string, unknown> = {};
        for (const [k, v] of url.searchParams) {
          const prev = raw[k];
          raw[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
        }
        let body: Buffer | undefined;
        if (method !== 'GET') {
          body = await readBody(req, this.opts.maxBodyBytes ?? 512 * 1024 * 1024);
          if (!r.endpoint.raw && body.length > 0) {
            let parsed: unknown;
            try {
              parsed = JSON.parse(body.toString('utf8'));
            } catch (e) {
              throw new ApiError(400, 'bad_json', `the request body is not valid JSON: ${(e as Error).message}`);
            }
            if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
              throw new ApiError(400, 'bad_body', 'the request body must be a JSON object');
            Object.assign(raw, parsed);
          }
        }
        r.params.forEach((p, i) => (raw[p] = decodeURIComponent(m[i + 1])));
        const unknown = unknownParameters(r.endpoint.input, raw);
        if (unknown.length) throw new ApiError(400, 'unknown_parameter', `${r.endpoint.path} does not take ${unknown.map((k) => `"${k}"`).join(', ')}`);
        const parsed = r.endpoint.input.safeParse(raw);
        if (!parsed.success) throw new ApiError(400, 'bad_input', describeZodError(parsed.error));
        // A client that goes away (closed tab, aborted fetch) stops its query.
        const gone = new AbortController();
        const onClose = () => {
          if (!res.writableFinished) gone.abort();
        };
        res.once('close', onClose);
        let result: unknown;
        try {
          result = await this.opts.handlers[r.name](parsed.data, { req, body, signal: gone.signal });
        } finally {
          res.off('close', onClose);
        }
        if (result instanceof FileDownload) {
          res.statusCode = 200;
          res.setHeader('Content-Type', result.contentType);
          res.setHeader('Cache-Control', 'no-store');
          res.setHeader('Content-Disposition', `attachment; filename="${result.filename.replace(/[^\w.-]/g, '_')}"`);
          await result.write(res);
          span.setAttribute('http.response.status_code', 200);
          return;
        }
        if (this.validateOutput) {
          const check = r.endpoint.output.safeParse(result instanceof RawJson ? JSON.parse(result.text.toString()) : result);
          if (!check.success) throw new ApiError(500, 'bad_output', `${r.name} returned a value outside its contract: ${describeZodError(check.error)}`);
        }
        const json = result instanceof RawJson ? (typeof result.text === 'string' ? Buffer.from(result.text) : result.text) : Buffer.from(JSON.stringify(result));
        res.statusCode = 200;
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.setHeader('Cache-Control', 'no-store');
        res.setHeader('Content-Length', json.length);
        res.end(json);
        span.setAttribute('http.response.status_code', 200);
      } catch (e) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
        throw e;
      } finally {
        span.end();
      }
    });
  }

  private openEvents(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(`retry: 2000\nevent: hello\ndata: ${JSON.stringify({ time: Date.now() })}\n\n`);
    this.sseClients.add(res);
    req.on('close', () => this.sseClients.delete(res));
  }

  private serveStatic(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new ApiError(405, 'method_not_allowed', `${req.method} is not supported here`);
    // Opening the UI through its tokened URL trades the token for an HttpOnly cookie and
    // drops it from the address bar (and from history).
    const token = url.searchParams.get('token');
    if (token !== null) {
      const valid = token.length === this.opts.token.length && timingSafeEqual(Buffer.from(token), Buffer.from(this.opts.token));
      if (valid) {
        url.searchParams.delete('token');
        res.setHeader('Set-Cookie', `${SESSION_COOKIE}=${this.opts.token}; HttpOnly; SameSite=Strict; Path=/`);
        res.statusCode = 302;
        res.setHeader('Location', url.pathname + (url.search ? url.search : ''));
        res.end();
        return;
      }
    }
    const dir = this.opts.staticDir;
    if (!dir || !existsSync(join(dir, 'index.html'))) {
      res.statusCode = 503;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end('The Loupe UI is not built. Run `npm run build` in the Loupe folder, then reload.\n');
      return;
    }
    let file = normalize(join(dir, decodeURIComponent(url.pathname)));
    if (!file.startsWith(normalize(dir + sep)) && file !== normalize(dir)) throw new ApiError(404, 'not_found', 'not found');
    const isAsset = url.pathname.startsWith('/assets/');
    if (!existsSync(file) || statSync(file).isDirectory()) {
      if (isAsset || extname(url.pathname)) throw new ApiError(404, 'not_found', `${url.pathname} not found`);
      file = join(dir, 'index.html'); // client-side route
    }
    res.statusCode = 200;
    res.setHeader('Content-Type', MIME[extname(file)] ?? 'application/octet-stream');
    res.setHeader('Cache-Control', isAsset ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (extname(file) === '.html') {
      res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      res.setHeader('X-Frame-Options', 'DENY');
    }
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  }

  private sendError(res: ServerResponse, e: unknown): void {
    let status = 500;
    let code = 'internal';
    let message = (e as Error)?.message ?? String(e);
    if (e instanceof ApiError) {
      status = e.status;
      code = e.code;
    } else if (e instanceof QueryError) {
      status = e.status;
      code = e.code;
    } else if (e instanceof HttpBodyError) {
      status = e.status;
      code = 'body_too_large';
    } else if (isClientError(e)) {
      // A module's own "not found" / "bad request" (the catalog's, plugins'): the client's
      // mistake, answered as such so the UI neither retries nor reports a fault of ours; or a
      // query stopped at its time budget (503).
      status = e.status;
      code = e.code;
      if (status === 503 && !res.headersSent) res.setHeader('Retry-After', '5');
    } else if (isBusyStore(e)) {
      status = 503;
      code = 'store_busy';
      if (!res.headersSent) res.setHeader('Retry-After', '2');
    } else this.opts.log?.(`loupe: API error: ${(e as Error)?.stack ?? message}`);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (status === 500) message = `internal error: ${message}`;
    const body = Buffer.from(JSON.stringify({ error: { code, message } }));
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', body.length);
    res.end(body);
  }
}

/** Any error that says it is the client's: a 4xx status and a code. */
function isClientError(e: unknown): e is { status: number; code: string; message: string } {
  const x = e as { status?: unknown; code?: unknown } | null;
  return typeof x?.status === 'number' && ((x.status >= 400 && x.status < 500) || x.status === 503) && typeof x.code === 'string';
}

/** SQLite could not answer now (locked, full, out of memory): retry later, nothing is wrong with the request. */
function isBusyStore(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED|FULL|NOMEM|IOERR)/.test(code);
}

class HttpBodyError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpBodyError(413, `the request body exceeds ${max} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

export function describeZodError(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`).join('; ');
}

export { api };
