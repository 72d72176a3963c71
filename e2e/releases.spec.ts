// Releases as the on-call engineer sees them: when payment 1.5.0 was deployed (markers on the
// service's charts and a timeline), which instance runs it and which one went quiet, and a
// canary judgement that fails the new version and names the metrics that failed.
import { expect, openUi, screenshotBothThemes, startLoupe, test as base, type Loupe } from './fixtures';

// A Loupe of this file's own: the shared empty one may already run the demo (started from the
// first screen by another spec), whose payment instances would mix with the ones seeded here.
const test = base.extend<{}, { releasesLoupe: Loupe }>({
  releasesLoupe: [
    async ({}, use) => {
      const loupe = await startLoupe({ seed: false });
      await use(loupe);
      await loupe.stop();
    },
    { scope: 'worker', timeout: 60_000 },
  ],
});

const MIN = 60_000;
const attr = (key: string, v: string | number) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } });

/** Payment over the last 40 minutes: 1.4.0 on pay-1 and pay-2 (pay-2 goes silent 10 minutes
 * ago), 1.5.0 deployed 15 minutes ago on pay-3, failing one call in four and slower. */
async function seedPayment(loupe: Loupe): Promise<number> {
  const start = (Math.floor(Date.now() / MIN) - 40) * MIN;
  let n = 0;
  const instance = (id: string, version: string, from: number, to: number, errorEvery: number, latencyMs: number) => {
    const spans: object[] = [];
    for (let m = from; m < to; m++)
      for (let i = 0; i < 12; i++) {
        n++;
        const t = BigInt(start + m * MIN + i * 4000) * 1_000_000n;
        const ms = latencyMs * (0.8 + 0.4 * (((n * 7919) % 100) / 100));
        const fail = n % errorEvery === 0;
        spans.push({
          traceId: n.toString(16).padStart(32, '0'),
          spanId: n.toString(16).padStart(16, '0'),
          name: 'POST /charge',
          kind: 2,
          startTimeUnixNano: String(t),
          endTimeUnixNano: String(t + BigInt(Math.round(ms * 1e6))),
          status: fail ? { code: 2 } : {},
          attributes: [attr('http.response.status_code', fail ? 500 : 200)],
        });
      }
    return { resource: { attributes: [attr('service.name', 'payment'), attr('service.version', version), attr('service.instance.id', id), attr('host.name', `node-${id}`)] }, scopeSpans: [{ spans }] };
  };
  const body = {
    resourceSpans: [instance('pay-1', '1.4.0', 0, 40, 50, 40), instance('pay-2', '1.4.0', 0, 30, 50, 40), instance('pay-3', '1.5.0', 25, 40, 4, 75)],
  };
  const res = await fetch(`${loupe.otlpHttp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return start;
}

test.describe.configure({ mode: 'serial' });

test('the service page marks the deploy on its charts and lists instances and deploys', async ({ page, releasesLoupe }) => {
  await seedPayment(releasesLoupe);
  await openUi(page, releasesLoupe, '/services/payment');
  await expect(page.getByTestId('instances-table').getByTestId('instance-row')).toHaveCount(3);
  // The deploy of 1.5.0 is drawn on every time chart of the page.
  const markers = page.getByTestId('chart-marker');
  await expect(markers.first()).toBeVisible();
  expect(await markers.count()).toBeGreaterThanOrEqual(3);
  await expect(markers.first()).toContainText('1.5.0');
  await expect(page.getByTestId('deploy-timeline')).toContainText('1.5.0');
  await page.getByTestId('service-kpis').scrollIntoViewIfNeeded();
  await screenshotBothThemes(page, 'service-deploy-markers');
});

test('the instances view flags the instance that went quiet', async ({ page, releasesLoupe }) => {
  await openUi(page, releasesLoupe, '/releases?service=payment&tab=instances');
  const rows = page.getByTestId('instance-row');
  await expect(rows).toHaveCount(3);
  await expect(rows.filter({ hasText: 'pay-2' })).toContainText('stale');
  await expect(rows.filter({ hasText: 'pay-3' })).toContainText('1.5.0');
  await expect(rows.filter({ hasText: 'pay-1' })).not.toContainText('stale');
  await screenshotBothThemes(page, 'releases-instances');
});

test('a canary run fails 1.5.0 and says which metrics failed', async ({ page, releasesLoupe }) => {
  await openUi(page, releasesLoupe, '/releases?service=payment&tab=canary');
  await page.getByTestId('canary-baseline').selectOption('1.4.0');
  await page.getByTestId('canary-canary').selectOption('1.5.0');
  await page.getByTestId('canary-run').click();
  await expect(page.getByTestId('canary-verdict')).toHaveText('Fail');
  await expect(page.getByTestId('canary-score')).toHaveText('0');
  const errorRate = page.getByTestId('canary-metric').filter({ hasText: 'error rate' });
  await expect(errorRate).toContainText('High');
  await expect(errorRate).toContainText('critical');
  await expect(page.getByTestId('canary-metric').filter({ hasText: 'latency p50' })).toContainText('High');
  // Both samples are drawn side by side.
  await expect(errorRate.locator('circle.dot-canary').first()).toBeVisible();
  await expect(errorRate.locator('circle.dot-baseline').first()).toBeVisible();
  await screenshotBothThemes(page, 'releases-canary');
});

/** checkout → payment calls over the last 10 minutes: 1.5.0 answers a quarter of them, and
 * every third call is retried twice after failing. */
async function seedCheckout(loupe: Loupe): Promise<void> {
  const base = BigInt(Date.now() - 10 * MIN) * 1_000_000n;
  let n = 10_000_000;
  const id = (w: number) => (++n).toString(16).padStart(w, '0');
  const checkout: object[] = [];
  const payment: Record<string, object[]> = { '1.4.0': [], '1.5.0': [] };
  for (let i = 0; i < 60; i++) {
    const trace = id(32);
    const root = id(16);
    const t = base + BigInt(i) * 5_000_000_000n;
    checkout.push({ traceId: trace, spanId: root, name: 'POST /checkout', kind: 2, startTimeUnixNano: String(t), endTimeUnixNano: String(t + 300_000_000n) });
    const attempts = i % 3 === 0 ? 3 : 1;
    for (let a = 0; a < attempts; a++) {
      const client = id(16);
      const version = i % 4 === 0 ? '1.5.0' : '1.4.0';
      const fail = a < attempts - 1;
      const ts = t + BigInt(a) * 60_000_000n;
      checkout.push({ traceId: trace, spanId: client, parentSpanId: root, name: 'POST /charge', kind: 3, startTimeUnixNano: String(ts), endTimeUnixNano: String(ts + 50_000_000n), status: fail ? { code: 2 } : {} });
      payment[version].push({ traceId: trace, spanId: id(16), parentSpanId: client, name: 'POST /charge', kind: 2, startTimeUnixNano: String(ts + 1_000_000n), endTimeUnixNano: String(ts + 49_000_000n), status: fail ? { code: 2 } : {} });
    }
  }
  const rs = (service: string, version: string, spans: object[]) => ({ resource: { attributes: [attr('service.name', service), attr('service.version', version)] }, scopeSpans: [{ spans }] });
  const body = { resourceSpans: [rs('checkout', '2.0.0', checkout), rs('payment', '1.4.0', payment['1.4.0']), rs('payment', '1.5.0', payment['1.5.0'])] };
  const res = await fetch(`${loupe.otlpHttp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
}

test('the map calls out the retry storm and the edge drawer shows the traffic split', async ({ page, releasesLoupe }) => {
  await seedCheckout(releasesLoupe);
  await openUi(page, releasesLoupe, '/map');
  const chip = page.getByTestId('map-releases').getByRole('button', { name: /retry storm · checkout → payment/ });
  await expect(chip).toBeVisible();
  await chip.click();
  const section = page.getByTestId('edge-releases');
  await expect(section.getByTestId('retry-storm')).toBeVisible();
  await expect(section.getByTestId('edge-versions')).toContainText('1.5.0');
  await expect(section.getByTestId('edge-versions')).toContainText('1.4.0');
  await section.scrollIntoViewIfNeeded();
  await screenshotBothThemes(page, 'map-edge-releases');
});
