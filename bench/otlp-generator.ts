// Builds realistic OTLP/protobuf export requests quickly (a tiny encoder, not the SDK, so
// generating millions of spans does not dominate a benchmark run): services with HTTP
// server spans, database client spans and outgoing calls, ~8 attributes each.
import { mulberry32 } from '../common/random';
import { ProtoWriter } from '../collectors/otlp/proto-writer';

/** The shared protobuf writer with the shorthands the generator's many fixed messages use. */
class Writer extends ProtoWriter {
  constructor() {
    super(1 << 20);
  }
  bytes(field: number, b: Uint8Array): void {
    this.bytesField(field, b);
  }
  string(field: number, s: string): void {
    this.stringField(field, s);
  }
  /** Writes a length-delimited sub-message produced by `fn`. */
  message(field: number, fn: () => void): void {
    const mark = this.begin(field);
    fn();
    this.end(mark);
  }
  attr(key: string, value: string | number | boolean): void {
    this.message(9, () => this.kv(key, value));
  }
  kv(key: string, value: string | number | boolean): void {
    this.string(1, key);
    this.message(2, () => {
      if (typeof value === 'string') this.string(1, value);
      else if (typeof value === 'boolean') this.boolField(2, value);
      else if (Number.isInteger(value)) this.int64Field(3, value);
      else this.doubleField(4, value);
    });
  }
}

export interface GeneratorOptions {
  services: number;
  /** Spans per trace (a server span, its db calls and downstream calls). */
  spansPerTrace: number;
  /** Start time of the first trace (ms); traces are spread over `spreadMs`. */
  startMs: number;
  spreadMs: number;
  seed?: number;
}

const ROUTES = ['/api/cart', '/api/checkout', '/api/products/:id', '/api/users/:id', '/api/search', '/healthz'];

/**
 * One export request holding `traces` whole traces; each trace's spans are grouped under the
 * resource of the service that produced them, as an SDK batch would.
 */
export function tracesRequest(opts: GeneratorOptions, traces: number, firstTrace: number): { body: Buffer; spans: number; traceIds: string[] } {
  const w = new Writer();
  const { byService, count, traceIds } = generateTraces(w, opts, traces, firstTrace);
  for (const [service, writers] of byService) writeResourceSpans(w, service, writers);
  return { body: w.take(), spans: count, traceIds };
}

/**
 * The same traces as export requests the way SDKs send them: one request per service (its own
 * resource), each holding that service's spans.
 */
export function perServiceRequests(opts: GeneratorOptions, traces: number, firstTrace: number): { bodies: Buffer[]; spans: number } {
  const w = new Writer();
  const { byService, count } = generateTraces(w, opts, traces, firstTrace);
  const bodies: Buffer[] = [];
  for (const [service, writers] of byService) {
    w.pos = 0;
    writeResourceSpans(w, service, writers);
    bodies.push(w.take());
  }
  return { bodies, spans: count };
}

function writeResourceSpans(w: Writer, service: number, writers: Array<() => void>): void {
  w.message(1, () => {
    w.message(1, () => {
      w.message(1, () => w.kv('service.name', `svc-${service}`));
      w.message(1, () => w.kv('service.version', `1.${service % 4}.0`));
      w.message(1, () => w.kv('host.name', 'bench-host'));
      w.message(1, () => w.kv('telemetry.sdk.language', 'nodejs'));
    });
    w.message(2, () => {
      w.message(1, () => {
        w.string(1, '@opentelemetry/instrumentation-http');
        w.string(2, '0.200.0');
      });
      for (const write of writers) w.message(2, write);
    });
  });
}

function generateTraces(
  w: Writer,
  opts: GeneratorOptions,
  traces: number,
  firstTrace: number,
): { byService: Map<number, Array<() => void>>; count: number; traceIds: string[] } {
  const rand = mulberry32((opts.seed ?? 1) * 1_000_003 + firstTrace);
  const byService = new Map<number, Array<() => void>>();
  let count = 0;
  const traceIds: string[] = [];
  for (let t = 0; t < traces; t++) {
    const n = firstTrace + t;
    const traceId = Buffer.alloc(16);
    traceId.writeUInt32BE(n >>> 0, 12);
    traceId.writeUInt32BE((opts.seed ?? 1) >>> 0, 0);
    traceId.writeUInt32BE(0x6c6f7570, 4);
    traceIds.push(traceId.toString('hex'));
    const start = BigInt(Math.floor(opts.startMs + rand() * opts.spreadMs)) * 1_000_000n;
    const rootService = n % opts.services;
    const route = ROUTES[n % ROUTES.length];
    const total = BigInt(Math.floor(2_000_000 + rand() * 80_000_000));
    const failed = rand() < 0.02;
    const spans: Array<{ service: number; write: () => void }> = [];
    const rootId = Buffer.alloc(8);
    rootId.writeUInt32BE(n >>> 0, 4);
    rootId[0] = 1;
    spans.push({
      service: rootService,
      write: () => {
        w.bytes(1, traceId);
        w.bytes(2, rootId);
        w.string(5, `GET ${route}`);
        w.tag(6, 0);
        w.varint(2);
        w.fixed64Field(7, start);
        w.fixed64Field(8, start + total);
        w.attr('http.request.method', 'GET');
        w.attr('http.route', route);
        w.attr('url.path', route.replace(':id', String(n % 997)));
        w.attr('http.response.status_code', failed ? 503 : 200);
        w.attr('server.address', 'localhost');
        w.attr('server.port', 8080);
        w.attr('user_agent.original', 'Mozilla/5.0 (X11; Linux x86_64)');
        w.attr('network.protocol.version', '1.1');
        if (failed) w.message(15, () => { w.tag(3, 0); w.varint(2); w.string(2, 'upstream unavailable'); });
      },
    });
    for (let k = 1; k < opts.spansPerTrace; k++) {
      const child = Buffer.alloc(8);
      child.writeUInt32BE(n >>> 0, 4);
      child[0] = 2;
      child[1] = k;
      const childStart = start + BigInt(Math.floor(Number(total) * (k / (opts.spansPerTrace + 1))));
      const childDur = BigInt(Math.floor(200_000 + rand() * 5_000_000));
      // Every third child is an HTTP call answered by another service: a client span here and
      // a server span (its child) there, so the map has real service-to-service edges.
      const isCall = k % 3 === 2 && k + 1 < opts.spansPerTrace;
      const callee = (rootService + k) % opts.services === rootService ? (rootService + 1) % opts.services : (rootService + k) % opts.services;
      spans.push({
        service: rootService,
        write: () => {
          w.bytes(1, traceId);
          w.bytes(2, child);
          w.bytes(4, rootId);
          w.string(5, isCall ? `GET /internal/${k}` : 'SELECT shop.items');
          w.tag(6, 0);
          w.varint(3);
          w.fixed64Field(7, childStart);
          w.fixed64Field(8, childStart + childDur);
          if (!isCall) {
            w.attr('db.system.name', 'postgresql');
            w.attr('db.namespace', `shop${rootService % 10}`);
            w.attr('db.operation.name', k % 4 === 1 ? 'INSERT' : 'SELECT');
            w.attr('db.query.text', 'SELECT * FROM items WHERE id = $1');
            w.attr('server.address', 'db.internal');
            w.attr('server.port', 5432);
          } else {
            w.attr('http.request.method', 'GET');
            w.attr('server.address', `svc-${callee}`);
            w.attr('server.port', 8080);
            w.attr('http.response.status_code', failed ? 500 : 200);
            w.attr('url.full', `http://svc-${callee}:8080/internal/${k}`);
            if (failed) w.message(15, () => { w.tag(3, 0); w.varint(2); });
          }
        },
      });
      if (isCall) {
        k++;
        const server = Buffer.alloc(8);
        server.writeUInt32BE(n >>> 0, 4);
        server[0] = 3;
        server[1] = k;
        spans.push({
          service: callee,
          write: () => {
            w.bytes(1, traceId);
            w.bytes(2, server);
            w.bytes(4, child);
            w.string(5, `GET /internal/:step`);
            w.tag(6, 0);
            w.varint(2);
            w.fixed64Field(7, childStart + 100_000n);
            w.fixed64Field(8, childStart + childDur - 100_000n);
            w.attr('http.request.method', 'GET');
            w.attr('http.route', '/internal/:step');
            w.attr('http.response.status_code', failed ? 500 : 200);
            w.attr('server.address', `svc-${callee}`);
            w.attr('server.port', 8080);
            if (failed) w.message(15, () => { w.tag(3, 0); w.varint(2); });
          },
        });
      }
    }
    for (const s of spans) {
      const list = byService.get(s.service) ?? [];
      list.push(s.write);
      byService.set(s.service, list);
      count++;
    }
  }
  return { byService, count, traceIds };
}

const WORDS = ['order', 'cart', 'payment', 'declined', 'timeout', 'retry', 'inventory', 'reserved', 'shipped', 'user', 'session',
  'cache', 'miss', 'hit', 'connection', 'reset', 'pool', 'exhausted', 'slow', 'query', 'deadlock', 'checkout', 'completed', 'started',
  'request', 'handled', 'invalid', 'coupon', 'applied', 'refund', 'issued', 'warehouse', 'sync', 'failed', 'succeeded'];

/** An OTLP/protobuf logs export request of `count` records spread over the window. */
export function logsRequest(opts: GeneratorOptions, count: number, first: number): { body: Buffer; records: number } {
  const rand = mulberry32((opts.seed ?? 7) * 7_000_001 + first);
  const w = new Writer();
  const byService = new Map<number, Array<() => void>>();
  for (let i = 0; i < count; i++) {
    const n = first + i;
    const service = n % opts.services;
    const time = BigInt(Math.floor(opts.startMs + rand() * opts.spreadMs)) * 1_000_000n + BigInt(n % 1000);
    const sev = rand();
    const [num, text] = sev < 0.02 ? [17, 'ERROR'] : sev < 0.08 ? [13, 'WARN'] : sev < 0.7 ? [9, 'INFO'] : [5, 'DEBUG'];
    const words = Array.from({ length: 6 + Math.floor(rand() * 8) }, () => WORDS[Math.floor(rand() * WORDS.length)]);
    const body = `${words.join(' ')} id=${n} took ${Math.floor(rand() * 900)}ms`;
    const traceId = Buffer.alloc(16);
    traceId.writeUInt32BE(n >>> 0, 12);
    traceId.writeUInt32BE(0x6c6f6773, 0);
    const list = byService.get(service) ?? [];
    list.push(() => {
      w.fixed64Field(1, time);
      w.fixed64Field(11, time);
      w.tag(2, 0);
      w.varint(num);
      w.string(3, text);
      w.message(5, () => w.string(1, body));
      w.message(6, () => w.kv('code.function', `handler${n % 37}`));
      w.message(6, () => w.kv('user.id', `u-${n % 5003}`));
      w.bytes(9, traceId);
    });
    byService.set(service, list);
  }
  for (const [service, writers] of byService) {
    w.message(1, () => {
      w.message(1, () => {
        w.message(1, () => w.kv('service.name', `svc-${service}`));
        w.message(1, () => w.kv('host.name', 'bench-host'));
      });
      w.message(2, () => {
        w.message(1, () => w.string(1, 'bench.logger'));
        for (const write of writers) w.message(2, write);
      });
    });
  }
  return { body: w.take(), records: count };
}

/** One trace of `spans` spans (a wide, deep tree across a few services) as OTLP JSON. */
export function bigTraceJson(spans: number, startMs: number): { body: string; traceId: string } {
  const traceId = 'b16b16b16b16b16b16b16b16b16b16b1'.slice(0, 32);
  const services = ['edge', 'api', 'worker', 'store'];
  const byService: object[][] = services.map(() => []);
  const start = BigInt(startMs) * 1_000_000n;
  for (let i = 0; i < spans; i++) {
    const parent = i === 0 ? null : Math.floor((i - 1) / 4);
    const depth = Math.floor(Math.log2(i + 1));
    const s = start + BigInt(i) * 20_000n;
    byService[depth % services.length].push({
      traceId,
      spanId: (i + 1).toString(16).padStart(16, '0'),
      ...(parent === null ? {} : { parentSpanId: (parent + 1).toString(16).padStart(16, '0') }),
      name: `step ${i % 50}`,
      kind: i === 0 ? 2 : 1,
      startTimeUnixNano: String(s),
      endTimeUnixNano: String(s + 500_000n + BigInt((spans - i) * 1000)),
      attributes: [{ key: 'i', value: { intValue: String(i) } }],
    });
  }
  return {
    traceId,
    body: JSON.stringify({
      resourceSpans: services.map((name, k) => ({
        resource: { attributes: [{ key: 'service.name', value: { stringValue: name } }] },
        scopeSpans: [{ scope: { name: 'bench' }, spans: byService[k] }],
      })),
    }),
  };
}
