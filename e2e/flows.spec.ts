// Flows across queues: an order placed in checkout, shipped by fulfillment and settled by
// inventory, each consumer starting a new trace linked to the producer's span (sent as OTLP/JSON,
// what an SDK exports). The trace view lists linked traces both ways and expands them inline;
// the flow view shows the three traces and the two queue hops with their lag.
import { expect, openUi, screenshotBothThemes, startLoupe, test as base, type Loupe } from './fixtures';

// Its own store: the shared empty one must stay empty for the first-run screen's test.
const test = base.extend<{}, { flowsLoupe: Loupe }>({
  flowsLoupe: [
    async ({}, use) => {
      const loupe = await startLoupe({ seed: false });
      await use(loupe);
      await loupe.stop();
    },
    { scope: 'worker', timeout: 60_000 },
  ],
});

const hex = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const kafka = (destination: string, operation: string) => [
  str('messaging.system', 'kafka'),
  str('messaging.destination.name', destination),
  str('messaging.operation.type', operation),
];

interface SpanIn {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  at: number;
  ms: number;
  attributes?: ReturnType<typeof str>[];
  links?: Array<{ traceId: string; spanId: string }>;
  error?: boolean;
}

const t0 = BigInt(Date.now() - 90_000) * 1_000_000n;
const otlpSpan = (s: SpanIn) => ({
  traceId: s.traceId,
  spanId: s.spanId,
  parentSpanId: s.parentSpanId,
  name: s.name,
  kind: s.kind,
  startTimeUnixNano: String(t0 + BigInt(s.at * 1_000_000)),
  endTimeUnixNano: String(t0 + BigInt((s.at + s.ms) * 1_000_000)),
  attributes: s.attributes ?? [],
  links: s.links ?? [],
  status: s.error ? { code: 2, message: 'carrier refused the booking' } : {},
});

test('a trace shows its linked traces both ways, expands one inline, and opens the flow across the queues', async ({ page, flowsLoupe: loupe }) => {
  const placed = { traceId: hex(32), request: hex(16), send: hex(16) };
  const shipped = { traceId: hex(32), process: hex(16), book: hex(16), send: hex(16) };
  const settled = { traceId: hex(32), process: hex(16), db: hex(16) };
  const byService: Record<string, SpanIn[]> = {
    checkout: [
      { traceId: placed.traceId, spanId: placed.request, name: 'POST /orders', kind: 2, at: 0, ms: 140 },
      { traceId: placed.traceId, spanId: placed.send, parentSpanId: placed.request, name: 'send orders', kind: 4, at: 110, ms: 12, attributes: kafka('orders', 'send') },
    ],
    fulfillment: [
      { traceId: shipped.traceId, spanId: shipped.process, name: 'process orders', kind: 5, at: 1_450, ms: 320, attributes: kafka('orders', 'process'), links: [{ traceId: placed.traceId, spanId: placed.send }] },
      { traceId: shipped.traceId, spanId: shipped.book, parentSpanId: shipped.process, name: 'book carrier', kind: 1, at: 1_480, ms: 210, error: true },
      { traceId: shipped.traceId, spanId: shipped.send, parentSpanId: shipped.process, name: 'send shipments', kind: 4, at: 1_720, ms: 15, attributes: kafka('shipments', 'send') },
    ],
    inventory: [
      { traceId: settled.traceId, spanId: settled.process, name: 'process shipments', kind: 5, at: 2_600, ms: 60, attributes: kafka('shipments', 'process'), links: [{ traceId: shipped.traceId, spanId: shipped.send }] },
      { traceId: settled.traceId, spanId: settled.db, parentSpanId: settled.process, name: 'DELETE shopdb.reservations', kind: 3, at: 2_610, ms: 30, attributes: [str('db.system.name', 'postgresql'), str('db.namespace', 'shopdb')] },
    ],
  };
  const body = {
    resourceSpans: Object.entries(byService).map(([service, spans]) => ({
      resource: { attributes: [str('service.name', service)] },
      scopeSpans: [{ scope: { name: 'e2e' }, spans: spans.map(otlpSpan) }],
    })),
  };
  const res = await fetch(`${loupe.otlpHttp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);

  // The middle trace: where its message came from, and where its own went.
  await openUi(page, loupe, `/traces/${shipped.traceId}`);
  const linked = page.getByTestId('linked-traces');
  await expect(linked).toBeVisible();
  await expect(linked.getByText('Came from')).toBeVisible();
  await expect(linked.getByText('Went on to')).toBeVisible();
  const upstream = linked.locator(`[data-testid="linked-trace"][data-trace-id="${placed.traceId}"]`);
  const downstream = linked.locator(`[data-testid="linked-trace"][data-trace-id="${settled.traceId}"]`);
  await expect(upstream).toContainText('POST /orders');
  await expect(upstream).toContainText('kafka · orders');
  await expect(upstream).toContainText('lag 1.34s');
  await expect(downstream).toContainText('process shipments');

  // Expanded inline: the hop, then the linked trace's spans.
  await downstream.getByRole('button', { expanded: false }).click();
  await expect(downstream.getByTestId('linked-hop')).toContainText('send shipments');
  await expect(downstream.getByTestId('linked-spans')).toContainText('DELETE shopdb.reservations');
  await screenshotBothThemes(page, 'trace-linked');

  // The flow: three traces on one axis and two hops with their lag.
  await linked.getByTestId('open-flow').click();
  await expect(page).toHaveURL(new RegExp(`/flows/${shipped.traceId}$`));
  const flow = page.getByTestId('flow-page');
  await expect(flow.getByTestId('flow-trace')).toHaveCount(3);
  await expect(flow.getByTestId('flow-trace').nth(0)).toHaveAttribute('data-trace-id', placed.traceId);
  await expect(flow.getByTestId('flow-trace').nth(2)).toHaveAttribute('data-trace-id', settled.traceId);
  await expect(flow.getByTestId('flow-hop')).toHaveCount(2);
  const hops = flow.getByTestId('flow-hops');
  await expect(hops.locator('tbody tr')).toHaveCount(2);
  await expect(hops.locator('tbody tr').nth(0)).toContainText('kafka · orders');
  await expect(hops.locator('tbody tr').nth(1)).toContainText('kafka · shipments');
  await expect(hops.locator('tbody tr').nth(1)).toContainText('880ms');
  await expect(flow.getByText('1 error')).toBeVisible();
  await screenshotBothThemes(page, 'flow');

  // The flow has its own address, and its traces open from it.
  await page.reload();
  await expect(flow.getByTestId('flow-trace')).toHaveCount(3);
  await flow.getByTestId('flow-trace').nth(2).click();
  await expect(page).toHaveURL(new RegExp(`/traces/${settled.traceId}$`));
  await expect(page.getByTestId('linked-traces').locator(`[data-trace-id="${shipped.traceId}"]`)).toContainText('process orders');
});
