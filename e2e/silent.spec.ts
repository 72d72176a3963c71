// A service that stops sending is called out: a "silent" badge with when it was last seen on the
// Services list and a call-out above it, a mark on its map node, and its source in Settings. It
// clears when the service sends again.
import { expect, openUi, screenshotBothThemes, startLoupe, test as base, type Loupe } from './fixtures';

// A Loupe of this file's own, calling a source silent after 3 s of quiet (60 s by default), so
// the test need not wait a minute; the rule is otherwise the same (5 usual intervals).
const test = base.extend<{}, { quietLoupe: Loupe }>({
  quietLoupe: [
    async ({}, use) => {
      const loupe = await startLoupe({ seed: false, args: ['--silent-after', '3'] });
      await use(loupe);
      await loupe.stop();
    },
    { scope: 'worker', timeout: 60_000 },
  ],
});

const hex = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');

/** One server span of `service` calling `peer`, as OTLP/JSON over OTLP/HTTP (what an SDK sends). */
async function sendSpan(loupe: Loupe, service: string, peer?: string): Promise<void> {
  const now = BigInt(Date.now()) * 1_000_000n;
  const traceId = hex(32);
  const server = { traceId, spanId: hex(16), name: 'GET /stock', kind: 2, startTimeUnixNano: String(now - 20_000_000n), endTimeUnixNano: String(now), status: {} };
  const spans = [{ service, spans: [server] }];
  if (peer) {
    const client = { traceId, spanId: hex(16), parentSpanId: server.spanId, name: 'GET', kind: 3, startTimeUnixNano: String(now - 15_000_000n), endTimeUnixNano: String(now - 5_000_000n), status: {}, attributes: [{ key: 'peer.service', value: { stringValue: peer } }] };
    spans[0].spans.push(client);
  }
  const body = {
    resourceSpans: spans.map((s) => ({ resource: { attributes: [{ key: 'service.name', value: { stringValue: s.service } }] }, scopeSpans: [{ scope: { name: 'e2e' }, spans: s.spans }] })),
  };
  const res = await fetch(`${loupe.otlpHttp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
}

test('a service that stops sending is called silent on the list, the map and in Settings, and clears when it sends again', async ({ page, quietLoupe }) => {
  test.setTimeout(120_000);
  // Both services send at a steady rhythm (arrivals a second or more apart count separately)…
  for (let i = 0; i < 6; i++) {
    await Promise.all([sendSpan(quietLoupe, 'inventory'), sendSpan(quietLoupe, 'checkout', 'inventory')]);
    await page.waitForTimeout(1_100);
  }
  // …then inventory stops, while checkout keeps sending.
  let keepSending = true;
  const checkout = (async () => {
    while (keepSending) {
      await sendSpan(quietLoupe, 'checkout', 'inventory');
      await new Promise((r) => setTimeout(r, 1_100));
    }
  })();
  try {
    await openUi(page, quietLoupe, '/services?from=now-15m&to=now');
    const row = page.locator('tr[data-service="inventory"]');
    await expect(row.getByTestId('silent-badge')).toContainText(/silent · last seen (\d+s ago|just now)/, { timeout: 40_000 });
    await expect(page.locator('tr[data-service="checkout"]').getByTestId('silent-badge')).toHaveCount(0);
    await expect(page.getByTestId('silent-callout')).toContainText('1 service went silent — inventory');
    await screenshotBothThemes(page, 'services-silent');

    await openUi(page, quietLoupe, '/map?from=now-15m&to=now');
    const node = page.locator('[data-node-id][data-silent]');
    await expect(node).toHaveCount(1, { timeout: 30_000 });
    await expect(node.locator('.node-name')).toHaveText('inventory');
    await screenshotBothThemes(page, 'map-silent');

    await openUi(page, quietLoupe, '/settings#sources');
    const src = page.getByTestId('source-activity');
    await expect(src.locator('tr[data-source-row="inventory/otlp-http"]')).toContainText('silent', { timeout: 30_000 });
    await expect(src.locator('tr[data-source-row="checkout/otlp-http"]')).toContainText('sending');
    await src.scrollIntoViewIfNeeded();
    await screenshotBothThemes(page, 'settings-sources');

    // Inventory sends again: the badge and the call-out go away.
    await sendSpan(quietLoupe, 'inventory');
    await openUi(page, quietLoupe, '/services?from=now-15m&to=now');
    await expect(page.locator('tr[data-service="inventory"]')).toBeVisible({ timeout: 30_000 });
    await expect(page.locator('tr[data-service="inventory"]').getByTestId('silent-badge')).toHaveCount(0, { timeout: 30_000 });
    await expect(page.getByTestId('silent-callout')).toHaveCount(0);
  } finally {
    keepSending = false;
    await checkout;
  }
});
