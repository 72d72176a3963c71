// What is new during an incident: the Exceptions page (and the service page's section) groups
// exceptions by type and fingerprint and marks the new ones, and a group opens to its stack
// trace and to the trace at the span that recorded it; the Logs explorer's Patterns view
// clusters log bodies, marks patterns new since the last deploy, and a click filters the
// records to one pattern. Data is sent as OTLP/JSON over OTLP/HTTP, as an SDK would.
import { expect, openUi, screenshotBothThemes, startLoupe, test as base, type Loupe } from './fixtures';

const test = base.extend<{}, { errorsLoupe: Loupe }>({
  errorsLoupe: [
    async ({}, use) => {
      const loupe = await startLoupe({ seed: false });
      await use(loupe);
      await loupe.stop();
    },
    { scope: 'worker', timeout: 60_000 },
  ],
});

const MIN = 60_000;
const ns = (ms: number) => String(BigInt(Math.round(ms)) * 1_000_000n);
const s = (key: string, v: string) => ({ key, value: { stringValue: v } });
const id = (len: number) => Array.from({ length: len }, () => Math.floor(Math.random() * 16).toString(16)).join('');

async function post(loupe: Loupe, path: '/v1/traces' | '/v1/logs', body: unknown): Promise<void> {
  const res = await fetch(`${loupe.otlpHttp}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status, `${path} answered ${res.status}`).toBe(200);
}

function failingSpan(ms: number, type: string, message: string) {
  return {
    traceId: id(32),
    spanId: id(16),
    name: 'POST /checkout',
    kind: 2,
    startTimeUnixNano: ns(ms),
    endTimeUnixNano: ns(ms + 40),
    status: { code: 2, message },
    events: [
      {
        timeUnixNano: ns(ms + 12),
        name: 'exception',
        attributes: [
          s('exception.type', type),
          s('exception.message', message),
          s('exception.stacktrace', `${type}: ${message}\n    at priceOf (/srv/checkout/pricing.js:42:17)\n    at Array.map (<anonymous>)\n    at total (/srv/checkout/pricing.js:18:22)\n    at handle (/srv/checkout/routes.js:64:9)`),
        ],
      },
    ],
  };
}

test('exceptions are grouped, the new ones marked, and a group leads to its stack trace and its span', async ({ page, errorsLoupe }) => {
  test.setTimeout(90_000);
  const now = Date.now();
  const newest = failingSpan(now - 30_000, 'TypeError', "Cannot read properties of undefined (reading 'price')");
  const spans = [
    // Seen before the window (in its look-back) and in it: recurring, not new.
    failingSpan(now - 8 * MIN, 'ConnectionError', 'connect ECONNREFUSED 10.0.0.5:5432'),
    failingSpan(now - 3 * MIN, 'ConnectionError', 'connect ECONNREFUSED 10.0.0.9:5432'),
    failingSpan(now - 2 * MIN, 'ConnectionError', 'connect ECONNREFUSED 10.0.0.5:5432'),
    // Only in the window: new.
    failingSpan(now - 2 * MIN, 'TypeError', "Cannot read properties of undefined (reading 'sku')"),
    failingSpan(now - 90_000, 'TypeError', "Cannot read properties of undefined (reading 'qty')"),
    newest,
  ];
  await post(errorsLoupe, '/v1/traces', { resourceSpans: [{ resource: { attributes: [s('service.name', 'checkout')] }, scopeSpans: [{ scope: { name: 'e2e' }, spans }] }] });
  await post(errorsLoupe, '/v1/logs', {
    resourceLogs: [
      {
        resource: { attributes: [s('service.name', 'payment')] },
        scopeLogs: [{ scope: { name: 'e2e' }, logRecords: [{ timeUnixNano: ns(now - 60_000), severityNumber: 17, severityText: 'ERROR', body: { stringValue: 'charge failed' }, attributes: [s('exception.type', 'ProcessorTimeout'), s('exception.message', 'no answer within 5000 ms')] }] }],
      },
    ],
  });

  await openUi(page, errorsLoupe, '/services?from=now-5m&to=now');
  // g x goes to the Exceptions page, keeping the time range.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('g');
  await page.keyboard.press('x');
  await expect(page).toHaveURL(/\/exceptions/, { timeout: 10_000 });
  await openUi(page, errorsLoupe, '/exceptions?from=now-5m&to=now');

  const rows = page.getByTestId('exception-group');
  await expect(rows).toHaveCount(3, { timeout: 15_000 });
  const typeError = rows.filter({ hasText: 'TypeError' });
  await expect(typeError).toContainText("Cannot read properties of undefined (reading <STR>)");
  await expect(typeError.getByTestId('exception-new')).toBeVisible();
  await expect(typeError.locator('td.num')).toHaveText('3');
  await expect(rows.filter({ hasText: 'ConnectionError' }).getByTestId('exception-new')).toHaveCount(0);
  await expect(rows.filter({ hasText: 'ConnectionError' })).toContainText('connect ECONNREFUSED <IP>');
  await expect(rows.filter({ hasText: 'ProcessorTimeout' })).toContainText('payment');
  await expect(page.getByTestId('exceptions-summary')).toContainText('3 groups, 6 occurrences');
  await expect(page.getByTestId('exceptions-summary')).toContainText('2 new');

  await typeError.click();
  const detail = page.getByTestId('exception-detail');
  await expect(detail.getByTestId('exception-stack')).toContainText('at priceOf (/srv/checkout/pricing.js:42:17)');
  await expect(detail).toContainText("reading 'price'");
  await screenshotBothThemes(page, 'exceptions');

  // "Only new" hides the recurring group.
  await page.getByLabel('Only new').click();
  await expect(page).toHaveURL(/new=1/);
  await expect(rows).toHaveCount(2);
  await page.getByLabel('Only new').click();
  await expect(rows).toHaveCount(3);

  // The newest occurrence opens its trace at the span that recorded it (the group stayed open).
  await expect(detail).toBeVisible();
  await page.getByTestId('exception-trace-link').first().click();
  await expect(page).toHaveURL(new RegExp(`/traces/${newest.traceId}\\?.*span=${newest.spanId}`));
  await expect(page.locator(`[data-span-id="${newest.spanId}"]`)).toHaveAttribute('aria-selected', 'true', { timeout: 15_000 });

  // The service page has the same groups for its service.
  await openUi(page, errorsLoupe, '/services/checkout?from=now-5m&to=now');
  const section = page.getByTestId('service-exceptions');
  await expect(section.getByTestId('exception-group')).toHaveCount(2, { timeout: 15_000 });
  await expect(section).toContainText('1 new');
  await section.scrollIntoViewIfNeeded();
  await screenshotBothThemes(page, 'service-exceptions');
});

test('log patterns: templates with counts, new since the last deploy, capped clustering said, a click filters the records', async ({ page, errorsLoupe }) => {
  test.setTimeout(90_000);
  const now = Date.now();
  const deployAt = now - 4 * MIN;
  const records: Array<{ ms: number; body: string; sev: number }> = [];
  for (let i = 0; i < 140; i++) records.push({ ms: now - 10 * MIN + i * 4_000, body: `request handled: GET /products/sku-${1000 + (i % 9)} ${i % 5 ? 200 : 304} in ${3 + (i % 11)} ms`, sev: 9 });
  for (let i = 0; i < 12; i++) records.push({ ms: deployAt + 20_000 + i * 10_000, body: `payment declined for order 7c9e6679-7425-40de-944b-e07fc1f90a${10 + i}: card ${i % 2 ? 'expired' : 'stolen'}`, sev: 17 });
  await post(errorsLoupe, '/v1/logs', {
    resourceLogs: [
      {
        resource: { attributes: [s('service.name', 'storefront')] },
        scopeLogs: [{ scope: { name: 'e2e' }, logRecords: records.map((r) => ({ timeUnixNano: ns(r.ms), severityNumber: r.sev, severityText: r.sev > 16 ? 'ERROR' : 'INFO', body: { stringValue: r.body } })) }],
      },
    ],
  });
  const deploy = await fetch(`${errorsLoupe.url}/api/deploys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${errorsLoupe.token}` },
    body: JSON.stringify({ service: 'storefront', version: '4.2.0', time: deployAt }),
  });
  expect(deploy.status).toBe(200);

  await openUi(page, errorsLoupe, '/logs?from=now-15m&to=now&service=storefront');
  await page.getByRole('radio', { name: 'Patterns' }).click();
  const rows = page.getByTestId('pattern-row');
  await expect(rows).toHaveCount(2, { timeout: 15_000 });
  // The new pattern is listed first and marked; the recurring one is not.
  await expect(rows.first()).toContainText('payment declined for order');
  await expect(rows.first().getByTestId('pattern-new')).toBeVisible();
  await expect(rows.nth(1).getByTestId('pattern-new')).toHaveCount(0);
  await expect(rows.nth(1)).toContainText('140');
  await expect(page.getByTestId('patterns-since')).toContainText('1 new since the deploy of storefront 4.2.0');
  await expect(page.getByTestId('patterns-stats')).toContainText('152 records clustered into 2 patterns');
  await screenshotBothThemes(page, 'log-patterns');

  // A click shows that pattern's records.
  await rows.first().click();
  await expect(page).toHaveURL(/pattern=payment/);
  await expect(page.getByTestId('pattern-filter')).toContainText('payment declined for order');
  await expect(page.getByTestId('log-list')).toHaveAttribute('data-total', '12', { timeout: 15_000 });
  await expect(page.getByTestId('log-list')).not.toContainText('request handled');
  await screenshotBothThemes(page, 'log-pattern-records');

  // Clustering fewer records than match is said, with the way out.
  await openUi(page, errorsLoupe, '/logs?from=now-15m&to=now&service=storefront&view=patterns&plimit=100');
  await expect(page.getByTestId('patterns-capped')).toContainText('from the newest 100');
  await expect(page.getByTestId('patterns-capped').getByRole('button', { name: /Cluster up to 100/ })).toBeVisible();
});
