// Deterministic telemetry for the end-to-end tests: a small shop of services sending traces
// (HTTP, RPC, database and messaging spans, errors, events, an orphan) and logs correlated with
// them, as OTLP/JSON over OTLP/HTTP — the same path an SDK exporter takes.
import { mulberry32 as rng } from '../common/random';

type AnyValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };
type KV = { key: string; value: AnyValue };

function kv(attrs: Record<string, string | number | boolean>): KV[] {
  return Object.entries(attrs).map(([key, v]) => ({
    key,
    value:
      typeof v === 'string'
        ? { stringValue: v }
        : typeof v === 'boolean'
          ? { boolValue: v }
          : Number.isInteger(v)
            ? { intValue: String(v) }
            : { doubleValue: v },
  }));
}

const KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;

interface Span {
  service: string;
  version: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, string | number | boolean>;
  events: Array<{ timeNs: bigint; name: string; attributes: Record<string, string | number | boolean> }>;
  status: { code: number; message?: string };
}

interface Log {
  service: string;
  version: string;
  timeNs: bigint;
  severity: number;
  severityText: string;
  body: string;
  traceId: string;
  spanId: string;
  attributes: Record<string, string | number | boolean>;
}

// Names distinct from the demo system's, so both can run side by side.
export const SEED_SERVICES = ['storefront', 'orders', 'billing', 'stock', 'products', 'basket', 'mailer'];

/** A trace id the tests can open directly: a checkout whose payment was declined. */
export const KNOWN_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
/** Words that appear only in the declined payment's log line. */
export const KNOWN_LOG_WORDS = 'insufficient funds';

export interface SeedData {
  spans: Span[];
  logs: Log[];
}

export function generate(now = Date.now(), traces = 240, seed = 7): SeedData {
  const rand = rng(seed);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
  const spans: Span[] = [];
  const logs: Log[] = [];
  const ms = (x: number) => BigInt(Math.round(x * 1e6));
  const windowMs = 25 * 60_000;

  for (let i = 0; i < traces; i++) {
    const known = i === traces - 1;
    const traceId = known ? KNOWN_TRACE_ID : hex(32);
    const t0 = ms(now - 20_000 - (windowMs * (traces - i)) / traces + rand() * 2000) * 1n;
    const kindOfTrace = known ? 0 : rand() < 0.45 ? 0 : rand() < 0.6 ? 1 : 2;
    const checkoutVersion = rand() < 0.7 ? '1.4.2' : '1.5.0-rc.1';
    const add = (
      service: string,
      parent: Span | null,
      name: string,
      kind: number,
      startMs: number,
      durMs: number,
      attributes: Span['attributes'] = {},
      version = '1.0.0',
    ): Span => {
      const s: Span = {
        service,
        version: service === 'orders' ? checkoutVersion : version,
        traceId,
        spanId: hex(16),
        parentSpanId: parent?.spanId ?? '',
        name,
        kind,
        startNs: t0 + ms(startMs),
        endNs: t0 + ms(startMs + durMs),
        attributes,
        events: [],
        status: { code: 0 },
      };
      spans.push(s);
      return s;
    };
    const log = (s: Span, atMs: number, severity: number, severityText: string, body: string, attributes: Log['attributes'] = {}) =>
      logs.push({
        service: s.service,
        version: s.version,
        timeNs: t0 + ms(atMs),
        severity,
        severityText,
        body,
        traceId,
        spanId: s.spanId,
        attributes,
      });

    if (kindOfTrace === 0) {
      // Checkout: frontend → checkout → cart, payment, inventory (+postgres) and an async email.
      const declined = known || rand() < 0.2;
      const slow = !known && rand() < 0.08;
      const total = 80 + rand() * 60 + (slow ? 900 : 0);
      const root = add('storefront', null, 'POST /checkout', KIND.SERVER, 0, total, {
        'http.request.method': 'POST',
        'http.route': '/checkout',
        'url.path': '/checkout',
        'http.response.status_code': declined ? 502 : 200,
        'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64)',
      });
      log(root, 0.5, 9, 'INFO', `checkout started for session ${hex(8)}`, { 'session.id': hex(8) });
      const call = add('storefront', root, 'POST', KIND.CLIENT, 2, total - 6, { 'http.request.method': 'POST', 'server.address': 'orders', 'http.response.status_code': declined ? 502 : 200 });
      const co = add('orders', call, 'POST /api/checkout', KIND.SERVER, 3, total - 9, { 'http.request.method': 'POST', 'http.route': '/api/checkout', 'http.response.status_code': declined ? 502 : 200, 'app.order.items': 1 + Math.floor(rand() * 4) });
      const validate = add('orders', co, 'validate cart', KIND.INTERNAL, 4, 6);
      const cartCall = add('orders', validate, 'cart.GetCart', KIND.CLIENT, 5, 4, { 'rpc.system': 'grpc', 'rpc.service': 'cart.Cart', 'rpc.method': 'GetCart' });
      const cartSrv = add('basket', cartCall, 'cart.Cart/GetCart', KIND.SERVER, 5.4, 3.2, { 'rpc.system': 'grpc', 'rpc.grpc.status_code': 0 });
      add('basket', cartSrv, 'HGETALL', KIND.CLIENT, 5.8, 1.1, { 'db.system.name': 'redis', 'db.operation.name': 'HGETALL', 'server.address': 'redis' });
      const payCall = add('orders', co, 'payment.Charge', KIND.CLIENT, 12, 30 + (slow ? 850 : 0), { 'rpc.system': 'grpc', 'rpc.service': 'payment.Payment', 'rpc.method': 'Charge' });
      const paySrv = add('billing', payCall, 'payment.Payment/Charge', KIND.SERVER, 13, 28 + (slow ? 848 : 0), { 'rpc.system': 'grpc', 'rpc.grpc.status_code': declined ? 9 : 0, 'app.payment.amount': Math.round(rand() * 30000) / 100, 'app.payment.currency': 'EUR' }, '2.3.0');
      const gateway = add('billing', paySrv, 'POST api.cardgateway.example/charges', KIND.CLIENT, 15, 22 + (slow ? 840 : 0), { 'http.request.method': 'POST', 'server.address': 'api.cardgateway.example', 'http.response.status_code': declined ? 402 : 200 }, '2.3.0');
      if (declined) {
        for (const s of [paySrv, payCall, co, root]) s.status = { code: 2, message: s === paySrv ? 'card declined: insufficient funds' : 'payment failed' };
        paySrv.events.push({ timeNs: gateway.endNs + ms(0.4), name: 'exception', attributes: { 'exception.type': 'CardDeclinedError', 'exception.message': 'card declined: insufficient funds', 'exception.stacktrace': 'CardDeclinedError: card declined: insufficient funds\n    at charge (payment/charge.ts:88:11)\n    at Payment.Charge (payment/server.ts:41:5)' } });
        log(paySrv, 38, 17, 'ERROR', `payment declined by the card gateway: insufficient funds (card ending ${Math.floor(1000 + rand() * 8999)})`, { 'app.payment.gateway': 'cardgateway', 'error.type': 'CardDeclinedError' });
        log(co, 44, 17, 'ERROR', 'checkout failed: payment service returned FAILED_PRECONDITION', { 'rpc.grpc.status_code': 9 });
        log(root, total - 1, 13, 'WARN', 'responding 502 to POST /checkout', { 'http.response.status_code': 502 });
      } else {
        paySrv.events.push({ timeNs: gateway.endNs + ms(0.2), name: 'payment.authorized', attributes: { 'app.payment.auth_code': hex(6) } });
        log(paySrv, 40 + (slow ? 848 : 0), 9, 'INFO', `payment authorized ${hex(6)}`);
        const inv = add('stock', co, 'inventory.Inventory/ReserveItems', KIND.SERVER, 46 + (slow ? 850 : 0), 18, { 'rpc.system': 'grpc' }, '3.1.4');
        add('stock', inv, 'UPDATE shop.stock', KIND.CLIENT, 48 + (slow ? 850 : 0), 12, { 'db.system.name': 'postgresql', 'db.namespace': 'shop', 'db.operation.name': 'UPDATE', 'db.query.text': 'UPDATE stock SET reserved = reserved + $1 WHERE sku = $2' }, '3.1.4');
        if (rand() < 0.3) log(inv, 62 + (slow ? 850 : 0), 13, 'WARN', `stock low for sku SKU-${Math.floor(rand() * 900 + 100)}: 3 left`);
        const pub = add('orders', co, 'orders publish', KIND.PRODUCER, 66 + (slow ? 850 : 0), 3, { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders', 'messaging.operation.type': 'send' });
        const orderId = `ord_${hex(10)}`;
        log(co, 70 + (slow ? 850 : 0), 9, 'INFO', `order placed ${orderId}`, { 'app.order.id': orderId });
        const consume = add('mailer', pub, 'orders process', KIND.CONSUMER, total + 15, 40, { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders', 'messaging.operation.type': 'process' }, '0.9.1');
        add('mailer', consume, 'render template order-confirmation', KIND.INTERNAL, total + 17, 9, {}, '0.9.1');
        add('mailer', consume, 'POST smtp relay', KIND.CLIENT, total + 28, 24, { 'server.address': 'smtp.internal', 'network.protocol.name': 'smtp' }, '0.9.1');
        log(consume, total + 54, 9, 'INFO', `confirmation email sent for ${orderId}`);
      }
    } else if (kindOfTrace === 1) {
      // Product list: frontend → catalog → postgres.
      const total = 20 + rand() * 40;
      const root = add('storefront', null, 'GET /products', KIND.SERVER, 0, total, { 'http.request.method': 'GET', 'http.route': '/products', 'http.response.status_code': 200 });
      const c = add('storefront', root, 'GET', KIND.CLIENT, 1, total - 3, { 'http.request.method': 'GET', 'server.address': 'products' });
      const s = add('products', c, 'GET /api/products', KIND.SERVER, 1.5, total - 4, { 'http.request.method': 'GET', 'http.route': '/api/products', 'http.response.status_code': 200 }, '5.0.2');
      add('products', s, 'SELECT shop.products', KIND.CLIENT, 3, total * 0.6, { 'db.system.name': 'postgresql', 'db.namespace': 'shop', 'db.operation.name': 'SELECT', 'db.query.text': 'SELECT id, name, price FROM products LIMIT $1' }, '5.0.2');
      if (rand() < 0.2) log(s, total - 5, 5, 'DEBUG', `served ${Math.floor(rand() * 40 + 10)} products from the database`);
    } else {
      // Product page with a cache miss now and then; sometimes the client span's parent is lost.
      const total = 8 + rand() * 20;
      const orphan = rand() < 0.05;
      const root = add('storefront', null, 'GET /product/{id}', KIND.SERVER, 0, total, { 'http.request.method': 'GET', 'http.route': '/product/{id}', 'http.response.status_code': 200 });
      const c = add('storefront', root, 'GET', KIND.CLIENT, 1, total - 2, { 'http.request.method': 'GET', 'server.address': 'products' });
      const s = add('products', c, 'GET /api/products/{id}', KIND.SERVER, 1.3, total - 3, { 'http.request.method': 'GET', 'http.route': '/api/products/{id}', 'http.response.status_code': 200 }, '5.0.2');
      if (orphan) s.parentSpanId = hex(16);
      const miss = rand() < 0.3;
      add('products', s, 'GET', KIND.CLIENT, 2, miss ? 1.2 : 0.4, { 'db.system.name': 'redis', 'db.operation.name': 'GET' }, '5.0.2');
      if (miss) {
        add('products', s, 'SELECT shop.products', KIND.CLIENT, 3.5, total - 7, { 'db.system.name': 'postgresql', 'db.namespace': 'shop', 'db.operation.name': 'SELECT' }, '5.0.2');
        log(s, 3.3, 5, 'DEBUG', 'cache miss for product, reading from the database');
      }
    }
  }
  return { spans, logs };
}

function resourceOf(service: string, version: string) {
  return {
    attributes: kv({
      'service.name': service,
      'service.namespace': 'shop',
      'service.version': version,
      'deployment.environment.name': 'local',
      'telemetry.sdk.language': service === 'billing' ? 'go' : service === 'stock' ? 'java' : 'nodejs',
      'telemetry.sdk.name': 'opentelemetry',
      'host.name': 'laptop',
    }),
  };
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

export function toOtlpTraces(spans: Span[]) {
  return {
    resourceSpans: [...groupBy(spans, (s) => `${s.service}\u0000${s.version}`).values()].map((list) => ({
      resource: resourceOf(list[0].service, list[0].version),
      scopeSpans: [
        {
          scope: { name: `shop/${list[0].service}`, version: '1.0.0' },
          spans: list.map((s) => ({
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId,
            name: s.name,
            kind: s.kind,
            startTimeUnixNano: s.startNs.toString(),
            endTimeUnixNano: s.endNs.toString(),
            attributes: kv(s.attributes),
            events: s.events.map((e) => ({ timeUnixNano: e.timeNs.toString(), name: e.name, attributes: kv(e.attributes) })),
            status: s.status.code ? { code: s.status.code, message: s.status.message ?? '' } : {},
          })),
        },
      ],
    })),
  };
}

export function toOtlpLogs(logs: Log[]) {
  return {
    resourceLogs: [...groupBy(logs, (l) => `${l.service}\u0000${l.version}`).values()].map((list) => ({
      resource: resourceOf(list[0].service, list[0].version),
      scopeLogs: [
        {
          scope: { name: `shop/${list[0].service}` },
          logRecords: list.map((l) => ({
            timeUnixNano: l.timeNs.toString(),
            observedTimeUnixNano: l.timeNs.toString(),
            severityNumber: l.severity,
            severityText: l.severityText,
            body: { stringValue: l.body },
            attributes: kv(l.attributes),
            traceId: l.traceId,
            spanId: l.spanId,
          })),
        },
      ],
    })),
  };
}

async function post(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
}

/** Sends the generated telemetry to an OTLP/HTTP endpoint (e.g. http://127.0.0.1:4318). */
export async function seed(otlpHttp: string, opts: { now?: number; traces?: number } = {}): Promise<SeedData> {
  const data = generate(opts.now ?? Date.now(), opts.traces ?? 240);
  const chunk = 400;
  for (let i = 0; i < data.spans.length; i += chunk) await post(`${otlpHttp}/v1/traces`, toOtlpTraces(data.spans.slice(i, i + chunk)));
  for (let i = 0; i < data.logs.length; i += chunk) await post(`${otlpHttp}/v1/logs`, toOtlpLogs(data.logs.slice(i, i + chunk)));
  return data;
}
