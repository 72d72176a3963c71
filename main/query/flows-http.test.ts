// Flows across queues: services instrumented with the real OpenTelemetry SDK export over OTLP/HTTP
// into a real core; consumers start a new trace per message with a span link to the producer's
// span. The API follows those links both ways and transitively, and the map counts each hop once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Link, type Span, type SpanContext } from '@opentelemetry/api';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Flow, LinkedTraces } from '../../common/api/flow-schemas';
import type { ServiceMap } from '../../common/api/service-schemas';
import { type Harness, startHarness } from '../testing/core-harness';

let h: Harness;
const providers = new Map<string, BasicTracerProvider>();
let spansSent = 0;

function tracer(service: string) {
  let p = providers.get(service);
  if (!p) {
    p = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service }),
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${h.otlp}/v1/traces` }))],
    });
    providers.set(service, p);
  }
  return p.getTracer('shop');
}

const kafka = (destination: string, operation: 'send' | 'process'): Attributes => ({
  'messaging.system': 'kafka',
  'messaging.destination.name': destination,
  'messaging.operation.type': operation,
});

/** Starts and ends one span; `parent` continues a trace, else the span is a new root. */
function span(service: string, name: string, o: { kind: SpanKind; attributes?: Attributes; links?: Link[]; parent?: SpanContext; error?: boolean }): SpanContext {
  const ctx = o.parent ? trace.setSpanContext(ROOT_CONTEXT, o.parent) : ROOT_CONTEXT;
  const s: Span = tracer(service).startSpan(name, { kind: o.kind, attributes: o.attributes, links: o.links, root: !o.parent }, ctx);
  if (o.error) s.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
  s.end();
  spansSent++;
  return s.spanContext();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Order {
  placed: string;
  shipped: string;
  restocked: string;
}
const orders: Order[] = [];
let orphanTrace = '';
let cycle: { x: string; y: string } = { x: '', y: '' };

beforeAll(async () => {
  h = await startHarness();
  for (let i = 0; i < 3; i++) {
    // order placed: checkout's request publishes to "orders"...
    const request = span('checkout', 'POST /api/checkout', { kind: SpanKind.SERVER });
    const sendOrder = span('checkout', 'send orders', { kind: SpanKind.PRODUCER, attributes: kafka('orders', 'send'), parent: request });
    await sleep(5);
    // ...fulfillment processes it in a new trace linked to the send, and publishes to "shipments"...
    const processOrder = span('fulfillment', 'process orders', { kind: SpanKind.CONSUMER, attributes: kafka('orders', 'process'), links: [{ context: sendOrder }], error: i === 1 });
    const sendShipment = span('fulfillment', 'send shipments', { kind: SpanKind.PRODUCER, attributes: kafka('shipments', 'send'), parent: processOrder });
    await sleep(5);
    // ...and inventory restocks in a third trace.
    const restock = span('inventory', 'process shipments', { kind: SpanKind.CONSUMER, attributes: kafka('shipments', 'process'), links: [{ context: sendShipment }] });
    orders.push({ placed: request.traceId, shipped: processOrder.traceId, restocked: restock.traceId });
  }

  // A consumer that is both the producer's child and linked to it is one hop, not two.
  const sendEmail = span('checkout', 'send emails', { kind: SpanKind.PRODUCER, attributes: kafka('emails', 'send') });
  span('mailer', 'process emails', { kind: SpanKind.CONSUMER, attributes: kafka('emails', 'process'), parent: sendEmail, links: [{ context: sendEmail }] });

  // Consumers that do not name the destination pair through their link: straight to the
  // producer's service when it named none either, else from the queue the producer named.
  const sendInvoice = span('billing', 'send invoice', { kind: SpanKind.PRODUCER });
  span('ledger', 'book invoice', { kind: SpanKind.CONSUMER, links: [{ context: sendInvoice }] });
  const sendRefund = span('payments', 'send refunds', { kind: SpanKind.PRODUCER, attributes: kafka('refunds', 'send') });
  span('ledger', 'book refund', { kind: SpanKind.CONSUMER, links: [{ context: sendRefund }] });

  // A link to a trace that never arrived.
  orphanTrace = span('ledger', 'replay', { kind: SpanKind.CONSUMER, links: [{ context: { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), traceFlags: 1 } }] }).traceId;

  // Two traces linking to each other: following links must end.
  const x1 = span('audit', 'audit start', { kind: SpanKind.INTERNAL });
  const y1 = span('audit', 'audit check', { kind: SpanKind.INTERNAL, links: [{ context: x1 }] });
  span('audit', 'audit close', { kind: SpanKind.INTERNAL, parent: x1, links: [{ context: y1 }] });
  cycle = { x: x1.traceId, y: y1.traceId };

  await Promise.all([...providers.values()].map((p) => p.forceFlush()));
  await h.waitForIngest({ spans: spansSent });
}, 60_000);

afterAll(async () => {
  await Promise.all([...providers.values()].map((p) => p.shutdown()));
  await h?.close();
});

describe('linked traces', () => {
  it('lists the traces a trace links to and those linking to it, with services, durations, errors and the hop', async () => {
    const [order] = orders;
    const { status, body } = await h.api<LinkedTraces>(`/api/traces/${order.shipped}/links`);
    expect(status).toBe(200);
    expect(body.linksTo.map((t) => t.traceId)).toEqual([order.placed]);
    expect(body.linkedFrom.map((t) => t.traceId)).toEqual([order.restocked]);
    expect(body.truncated).toBe(false);

    const placed = body.linksTo[0];
    expect(placed.trace).toMatchObject({ rootService: 'checkout', rootName: 'POST /api/checkout', spanCount: 2, errorCount: 0, services: ['checkout'] });
    expect(placed.trace!.durationMs).toBeGreaterThanOrEqual(0);
    expect(placed.hops).toHaveLength(1);
    const hop = placed.hops[0];
    expect(hop).toMatchObject({
      messagingSystem: 'kafka',
      destination: 'orders',
      from: { traceId: order.placed, stored: true, service: 'checkout', name: 'send orders', kind: 'PRODUCER' },
      to: { traceId: order.shipped, stored: true, service: 'fulfillment', name: 'process orders', kind: 'CONSUMER' },
    });
    expect(hop.lagMs).toBeGreaterThanOrEqual(5);

    expect(body.linkedFrom[0].trace).toMatchObject({ rootService: 'inventory', rootName: 'process shipments' });
    expect(body.linkedFrom[0].hops[0]).toMatchObject({ destination: 'shipments', from: { service: 'fulfillment', name: 'send shipments' }, to: { service: 'inventory' } });
  });

  it('shows the failing trace on the other end as failing', async () => {
    const { body } = await h.api<LinkedTraces>(`/api/traces/${orders[1].restocked}/links`);
    expect(body.linksTo[0].trace).toMatchObject({ traceId: orders[1].shipped, errorCount: 1 });
    expect(body.linksTo[0].hops[0].from.isError).toBe(false);
    expect(body.linkedFrom).toEqual([]);
  });

  it('names a linked trace that is not stored by its ids only', async () => {
    const { body } = await h.api<LinkedTraces>(`/api/traces/${orphanTrace}/links`);
    expect(body.linksTo).toHaveLength(1);
    expect(body.linksTo[0]).toMatchObject({ traceId: 'ab'.repeat(16), trace: null });
    expect(body.linksTo[0].hops[0]).toMatchObject({ from: { stored: false, service: null, spanId: 'cd'.repeat(8) }, to: { service: 'ledger' }, lagMs: null });
  });

  it('is a 404 for a trace not stored and a 400 for something that is not a trace id', async () => {
    expect((await h.api(`/api/traces/${'12'.repeat(16)}/links`)).status).toBe(404);
    expect((await h.api('/api/traces/order-42/links')).status).toBe(400);
    expect((await h.api(`/api/flows/${'12'.repeat(16)}`)).status).toBe(404);
  });
});

describe('flows', () => {
  it('assembles order placed → shipped → restocked across three traces from any of them', async () => {
    for (const [i, order] of orders.entries()) {
      for (const from of [order.placed, order.shipped, order.restocked]) {
        const { status, body } = await h.api<Flow>(`/api/flows/${from}`);
        expect(status).toBe(200);
        expect(body.traces.map((t) => t.traceId)).toEqual([order.placed, order.shipped, order.restocked]);
        // stages counted from the trace the flow was opened on
        const at = [order.placed, order.shipped, order.restocked].indexOf(from);
        expect(body.traces.map((t) => t.depth)).toEqual([0 - at, 1 - at, 2 - at].map((d) => d + 0));
        expect(body.hops.map((x) => [x.from.service, x.destination, x.to.service])).toEqual([
          ['checkout', 'orders', 'fulfillment'],
          ['fulfillment', 'shipments', 'inventory'],
        ]);
        for (const hop of body.hops) expect(hop.lagMs).toBeGreaterThanOrEqual(5);
        expect(body.services).toEqual(['checkout', 'fulfillment', 'inventory']);
        expect(body.errorCount).toBe(i === 1 ? 1 : 0);
        expect(body.truncated).toBeNull();
        expect(body.start).toBe(body.traces[0].trace!.start);
      }
    }
  });

  it('stops at maxDepth and maxTraces and says so', async () => {
    const [order] = orders;
    const shallow = (await h.api<Flow>(`/api/flows/${order.placed}?maxDepth=1`)).body;
    expect(shallow.traces.map((t) => t.traceId)).toEqual([order.placed, order.shipped]);
    expect(shallow.hops).toHaveLength(1);
    expect(shallow.truncated).toBe('maxDepth');
    const few = (await h.api<Flow>(`/api/flows/${order.restocked}?maxTraces=2`)).body;
    expect(few.traces.map((t) => t.traceId)).toEqual([order.shipped, order.restocked]);
    expect(few.truncated).toBe('maxTraces');
  });

  it('ends on traces that link to each other', async () => {
    const { body } = await h.api<Flow>(`/api/flows/${cycle.x}`);
    expect(body.traces.map((t) => t.traceId).sort()).toEqual([cycle.x, cycle.y].sort());
    expect(body.hops).toHaveLength(2);
    expect(body.truncated).toBeNull();
  });
});

describe('map edges through links', () => {
  it('counts every hop once, from the producer through the queue to the consumer in its new trace', async () => {
    const edgesNow = async () => (await h.api<ServiceMap>(`/api/service-map?from=${Date.now() - 3_600_000}&to=${Date.now() + 60_000}`)).body.edges;
    const deadline = Date.now() + 10_000;
    let edges = await edgesNow();
    while (!edges.some((e) => e.source === 'queue:kafka/refunds' && e.target === 'ledger') && Date.now() < deadline) {
      await sleep(100);
      edges = await edgesNow();
    }
    const calls = (source: string, target: string) => edges.find((e) => e.source === source && e.target === target)?.calls;
    expect(calls('checkout', 'queue:kafka/orders')).toBe(3);
    expect(calls('queue:kafka/orders', 'fulfillment')).toBe(3);
    expect(calls('fulfillment', 'queue:kafka/shipments')).toBe(3);
    expect(calls('queue:kafka/shipments', 'inventory')).toBe(3);
    expect(calls('checkout', 'fulfillment')).toBeUndefined();
    expect(calls('fulfillment', 'inventory')).toBeUndefined();
    // child and linked at once: one hop
    expect(calls('checkout', 'queue:kafka/emails')).toBe(1);
    expect(calls('queue:kafka/emails', 'mailer')).toBe(1);
    expect(calls('checkout', 'mailer')).toBeUndefined();
    // consumers naming no destination
    expect(edges.find((e) => e.source === 'billing' && e.target === 'ledger')).toMatchObject({ connectionType: 'messaging', calls: 1 });
    expect(edges.find((e) => e.source === 'queue:kafka/refunds' && e.target === 'ledger')).toMatchObject({ connectionType: 'messaging', calls: 1 });
    expect(calls('payments', 'ledger')).toBeUndefined();
  });
});
