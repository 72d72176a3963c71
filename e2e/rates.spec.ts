// Numbers that agree: a service that started mid-window shows its real rate, every row of the
// Services list reads in one unit, and the list and the service page show the same traffic,
// error rate and health for the same window.
import { expect, openUi, screenshotBothThemes, startLoupe, test as base, type Loupe } from './fixtures';

// A Loupe of this file's own, so the services seeded here are the only ones in their hour.
const test = base.extend<{}, { ratesLoupe: Loupe }>({
  ratesLoupe: [
    async ({}, use) => {
      const loupe = await startLoupe({ seed: false });
      await use(loupe);
      await loupe.stop();
    },
    { scope: 'worker', timeout: 60_000 },
  ],
});

// A whole past hour, shown as an absolute window so both screens ask for exactly the same one.
const W0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000;
const W1 = W0 + 3_600_000;
const attr = (key: string, v: string | number) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } });

async function send(loupe: Loupe, service: string, count: number, startMs: number, everyMs: number, failEvery: number) {
  const spans = Array.from({ length: count }, (_, i) => {
    const t = BigInt(startMs + i * everyMs) * 1_000_000n;
    const fail = i % failEvery === failEvery - 1;
    return {
      traceId: (service.length.toString(16) + i.toString(16)).padStart(32, 'c'),
      spanId: (i + 1).toString(16).padStart(16, '0'),
      name: 'POST /entries',
      kind: 2,
      startTimeUnixNano: String(t),
      endTimeUnixNano: String(t + 30_000_000n),
      attributes: [attr('http.response.status_code', fail ? 503 : 200)],
      ...(fail ? { status: { code: 2 } } : {}),
    };
  });
  for (let i = 0; i < spans.length; i += 1000) {
    const res = await fetch(`${loupe.otlpHttp}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [attr('service.name', service)] }, scopeSpans: [{ spans: spans.slice(i, i + 1000) }] }] }),
    });
    expect(res.status).toBe(200);
  }
}

test('a service started mid-window shows its real rate, in one unit, the same on the list and on its page', async ({ page, ratesLoupe }) => {
  // ledger: 2 requests a second from 15 minutes into the hour; archive: one every 50 s all hour.
  await send(ratesLoupe, 'ledger', 5400, W0 + 15 * 60_000, 500, 40);
  await send(ratesLoupe, 'archive', 72, W0, 50_000, 1000);
  const range = `from=${W0}&to=${W1}`;

  await openUi(page, ratesLoupe, `/services?${range}`);
  const table = page.getByTestId('services-table');
  const ledger = table.locator('tr[data-service="ledger"]');
  // 5400 requests over the 45 minutes ledger ran, not over the hour (1.50 req/s).
  await expect(ledger.locator('td[data-col="rps"]')).toHaveText('2.00 req/s');
  // A slow service reads in the same unit as the others, never req/min.
  await expect(table.locator('tr[data-service="archive"] td[data-col="rps"]')).toHaveText('0.02 req/s');
  await expect(ledger.locator('td[data-col="errors"]')).toHaveText('2.50%');
  const listHealth = await ledger.locator('.health-mark').getAttribute('title');
  expect(listHealth).toMatch(/^Degraded/);
  await screenshotBothThemes(page, 'services-rates');

  await ledger.getByRole('link', { name: 'ledger' }).click();
  await expect(page).toHaveURL(new RegExp(`/services/ledger\\?.*from=${W0}`));
  await expect(page.getByTestId('kpi-traffic')).toHaveText('2.00 req/s');
  await expect(page.getByTestId('kpi-errors')).toHaveText('2.50%');
  await expect(page.getByTestId('service-health')).toHaveText('Degraded');
  // The chart beside the headline is in the same unit.
  await expect(page.getByTestId('chart-traffic')).toContainText('2.00 req/s');
  await screenshotBothThemes(page, 'service-rates');
});

test('the service page lists the metrics the service sends, each opening the explorer charted for that service', async ({ page, ratesLoupe }) => {
  const points = [10, 20, 30].map((m, i) => ({ timeUnixNano: String(BigInt(W0 + m * 60_000) * 1_000_000n), asInt: String(4 + i) }));
  const res = await fetch(`${ratesLoupe.otlpHttp}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      resourceMetrics: [
        { resource: { attributes: [attr('service.name', 'ledger')] }, scopeMetrics: [{ metrics: [{ name: 'ledger.queue.depth', unit: '{entry}', gauge: { dataPoints: points } }] }] },
      ],
    }),
  });
  expect(res.status).toBe(200);

  await openUi(page, ratesLoupe, `/services/ledger?from=${W0}&to=${W1}`);
  const section = page.getByTestId('service-metrics');
  await expect(section.locator('a[data-metric="ledger.queue.depth"]')).toBeVisible();
  await section.scrollIntoViewIfNeeded();
  await screenshotBothThemes(page, 'service-metrics');
  await section.locator('a[data-metric="ledger.queue.depth"]').click();
  await expect(page).toHaveURL(/\/metrics\?.*service=ledger/);
  await expect(page.getByTestId('metric-list-service')).toContainText('ledger');
  await expect(page.getByTestId('metric-head')).toContainText('ledger.queue.depth');
  // Charted for ledger alone: the query carries its service.name filter.
  expect(decodeURIComponent(page.url())).toContain('service.name=ledger');
  await expect(page.locator('.recharts-surface').first()).toBeVisible();
  await screenshotBothThemes(page, 'metrics-for-service');
});
