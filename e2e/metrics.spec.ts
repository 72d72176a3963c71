// The metrics explorer as an on-call engineer uses it: find a metric, chart every kind (the
// demo's gauge, counter and histogram; an exponential histogram and a summary sent over OTLP),
// group by an attribute, follow an exemplar to its trace, share the chart through its URL.
import { expect, openUi, screenshotBothThemes, test, type Loupe } from './fixtures';
import { KNOWN_TRACE_ID } from './seed';

const str = (key: string, v: string) => ({ key, value: { stringValue: v } });
const ns = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;

/** A histogram with an exemplar pointing at the seeded trace, an exponential histogram and a summary. */
async function sendOtlpMetrics(loupe: Loupe): Promise<void> {
  const now = Date.now();
  const minutes = Array.from({ length: 8 }, (_, i) => now - (8 - i) * 60_000);
  const body = {
    resourceMetrics: [
      {
        resource: { attributes: [str('service.name', 'billing'), str('service.instance.id', 'billing-1')] },
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'billing.charge.duration',
                unit: 's',
                histogram: {
                  aggregationTemporality: 1,
                  dataPoints: minutes.map((t, i) => ({
                    attributes: [str('payment.method', i % 2 ? 'card' : 'wallet')],
                    startTimeUnixNano: ns(t - 60_000),
                    timeUnixNano: ns(t),
                    count: '100',
                    sum: 40,
                    explicitBounds: [0.05, 0.1, 0.25, 0.5, 1],
                    bucketCounts: ['10', '30', '40', '15', '4', '1'],
                    exemplars: i === 5 ? [{ timeUnixNano: ns(t - 5_000), asDouble: 0.8, traceId: KNOWN_TRACE_ID, spanId: '00f067aa0ba902b7' }] : [],
                  })),
                },
              },
              {
                name: 'billing.gc.pause',
                unit: 'ms',
                exponentialHistogram: {
                  aggregationTemporality: 1,
                  dataPoints: minutes.map((t) => ({ startTimeUnixNano: ns(t - 60_000), timeUnixNano: ns(t), count: '12', scale: 1, zeroCount: '0', positive: { offset: 2, bucketCounts: ['2', '4', '4', '2'] } })),
                },
              },
              {
                name: 'billing.legacy.latency',
                unit: 'ms',
                summary: { dataPoints: minutes.map((t) => ({ timeUnixNano: ns(t), count: '10', sum: 50, quantileValues: [{ quantile: 0.5, value: 4 }, { quantile: 0.99, value: 20 }] })) },
              },
            ],
          },
        ],
      },
    ],
  };
  const res = await fetch(`${loupe.otlpHttp}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.ok).toBe(true);
}

async function openMetric(page: import('@playwright/test').Page, name: string): Promise<void> {
  await page.getByLabel('Search metrics').fill(name);
  await page.locator(`.metric-item[data-metric="${name}"]`).click({ timeout: 30_000 });
  await expect(page.getByTestId('metric-head')).toContainText(name);
}

test('each metric kind is charted: gauge, counter as a rate, histograms with a heatmap, summary', async ({ loupe, page }) => {
  test.setTimeout(120_000);
  await sendOtlpMetrics(loupe);
  await openUi(page, loupe, '/services');
  await page.keyboard.press('g');
  await page.keyboard.press('m');
  await expect(page).toHaveURL(/\/metrics/);
  await expect(page.locator('.metric-item[data-metric="billing.charge.duration"]')).toBeVisible();

  // Histogram: percentiles and the bucket heatmap; the exemplar is drawn.
  await openMetric(page, 'billing.charge.duration');
  const chart = page.getByTestId('metric-chart');
  await expect(chart.locator('.metric-legend-item')).toHaveCount(3);
  await expect(chart.locator('.metric-legend')).toContainText('p95');
  await expect(page.getByTestId('bucket-heatmap')).toBeVisible();
  await expect(chart.getByTestId('exemplar').first()).toBeVisible();
  await expect(chart.locator('.chart-axis-label')).toContainText('duration');
  await screenshotBothThemes(page, 'metrics-histogram');

  // Exponential histogram and summary.
  await openMetric(page, 'billing.gc.pause');
  await expect(page.getByTestId('bucket-heatmap')).toBeVisible();
  await expect(chart.locator('.recharts-line-curve').first()).toHaveAttribute('d', /L/);
  await openMetric(page, 'billing.legacy.latency');
  await expect(chart.locator('.metric-legend')).toContainText('p50');
  await expect(chart.locator('.metric-legend')).toContainText('p99');

  if (process.env.LOUPE_E2E_DEMO === '0') return;
  // The demo's gauge and counter (they arrive every few seconds once the demo runs).
  // The list is filtered by the last search; search for the demo's metric and wait for it.
  await page.getByLabel('Search metrics').fill('shop.queue.depth');
  await expect(page.locator('.metric-item[data-metric="shop.queue.depth"]')).toBeVisible({ timeout: 60_000 });
  await openMetric(page, 'shop.queue.depth');
  // A line needs two points: the demo exports every few seconds (live mode redraws the chart).
  await expect(chart.locator('.recharts-line-curve').first()).toHaveAttribute('d', /L/, { timeout: 60_000 });
  await expect(page.locator('.metric-head .metric-kind')).toHaveText('gauge');
  await page.getByLabel('Search metrics').fill('shop.checkouts');
  await expect(page.locator('.metric-item[data-metric="shop.checkouts"]')).toBeVisible({ timeout: 60_000 });
  await openMetric(page, 'shop.checkouts');
  await expect(page.locator('.metric-head .metric-kind')).toHaveText('counter');
  await expect(chart.locator('.chart-axis-label')).toContainText('per second');
  await expect(chart.locator('.recharts-line-curve').first()).toHaveAttribute('d', /L/, { timeout: 60_000 });
  await screenshotBothThemes(page, 'metrics-counter');
});

test('group-by splits a metric into one series per value, and the chart lives in the URL', async ({ loupe, page }) => {
  test.setTimeout(120_000);
  await sendOtlpMetrics(loupe);
  await openUi(page, loupe, '/metrics');
  await openMetric(page, 'billing.charge.duration');
  const query = page.getByTestId('query-A');
  await query.getByLabel('Group by of query A').fill('payment.me');
  await page.getByRole('option', { name: /payment\.method/ }).click();
  await expect(query.getByTestId('metric-group')).toHaveText(/payment\.method/);
  const legend = page.getByTestId('metric-chart').locator('.metric-legend-item');
  await expect(legend).toHaveCount(6);
  await expect(page.getByTestId('metric-chart').locator('.metric-legend')).toContainText('payment.method=card');
  await expect(page.getByTestId('metric-chart').locator('.metric-legend')).toContainText('payment.method=wallet');

  // A filter narrows to one value; hiding a series is kept in the URL too.
  await query.getByLabel('Filter key of query A').fill('payment.method');
  await query.getByLabel('Filter value of query A').fill('card');
  await query.getByRole('button', { name: 'Add filter' }).click();
  await expect(legend).toHaveCount(3);
  await legend.first().click();
  await expect(legend.first()).toHaveAttribute('aria-pressed', 'false');
  const url = page.url();
  await page.goto(url);
  await expect(page.getByTestId('query-A').getByTestId('metric-filter')).toContainText('payment.method = card');
  await expect(page.getByTestId('metric-chart').locator('.metric-legend-item').first()).toHaveAttribute('aria-pressed', 'false');
  await screenshotBothThemes(page, 'metrics-group-by');
});

test('an exemplar on the chart opens the trace that produced it', async ({ loupe, page }) => {
  await sendOtlpMetrics(loupe);
  await openUi(page, loupe, '/metrics');
  await openMetric(page, 'billing.charge.duration');
  // Each test sends the metrics again, so there may be one exemplar per test so far.
  const dot = page.getByTestId('metric-chart').getByTestId('exemplar').last();
  await expect(dot).toBeVisible();
  await dot.click();
  await expect(page).toHaveURL(new RegExp(`/traces/${KNOWN_TRACE_ID}`));
  await expect(page.locator('.wf-row').first()).toBeVisible();
});
