// What a user sees: services with their rates, trace search into a waterfall, log search into a
// trace, themes, the first-run screen, import, keyboard and the signed-out page.
import { join } from 'node:path';
import { DEMO_BUILT, expect, openUi, screenshotBothThemes, test } from './fixtures';
import { KNOWN_TRACE_ID, SEED_SERVICES } from './seed';

test('the Services page lists every service with its request rate, error rate and latency', async ({ page, loupe }) => {
  await openUi(page, loupe, '/services');
  const table = page.getByTestId('services-table');
  for (const name of SEED_SERVICES) await expect(table.locator(`tr[data-service="${name}"]`)).toBeVisible();

  const orders = table.locator('tr[data-service="orders"]');
  await expect(orders.locator('td').nth(1)).toHaveText(/^[\d.]+ req\/(s|min)$/);
  // Declined payments make orders fail more than 10% of the time: Kiali's "failing" colour.
  await expect(orders.locator('td.err-failing')).toHaveText(/%$/);
  await expect(orders.getByText('1.5.0-rc.1')).toBeVisible();
  await expect(table.locator('tr[data-service="products"] td.err-healthy')).toHaveText('0%');
  await expect(orders.locator('svg.sparkline')).toBeVisible();
  await screenshotBothThemes(page, 'services');

  // Filtering and sorting.
  await page.getByLabel('Filter services').fill('bill');
  await expect(table.locator('tbody tr')).toHaveCount(1);
  await page.getByLabel('Filter services').fill('');
  await table.getByRole('button', { name: /^Service/ }).click();
  await expect(table.locator('th[aria-sort="ascending"]')).toHaveText(/Service/);
  const names = await table.locator('tbody tr[data-service]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-service') ?? ''));
  expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));

  // A service opens its page, and the page its traces.
  await orders.getByRole('link', { name: 'orders' }).click();
  await expect(page).toHaveURL(/\/services\/orders/);
  await page.getByTestId('service-page').getByRole('link', { name: 'Traces', exact: true }).click();
  await expect(page).toHaveURL(/\/traces\?.*service=orders/);
  await expect(page.getByLabel('Service', { exact: true })).toHaveValue('orders');
});

test('searching traces and opening one shows its waterfall across services and the span details', async ({ page, loupe }) => {
  await openUi(page, loupe, '/traces');
  await expect(page.getByTestId('trace-scatter').locator('circle.dot').first()).toBeVisible();
  await page.getByLabel('Service', { exact: true }).selectOption('billing');
  await page.getByLabel('Status').selectOption('error');
  await expect(page).toHaveURL(/service=billing/);
  await expect(page).toHaveURL(/status=error/);
  const rows = page.getByTestId('traces-table').locator('tbody tr');
  await expect(rows.first()).toContainText('POST /checkout');
  await expect(page.getByTestId('trace-scatter').locator('circle.dot-error').first()).toBeVisible();
  await screenshotBothThemes(page, 'traces');

  await page.goto(`${loupe.url}/traces/${KNOWN_TRACE_ID}`);
  const waterfall = page.getByTestId('waterfall');
  await expect(waterfall.locator('[data-span-id]')).toHaveCount(10);
  for (const service of ['storefront', 'orders', 'basket', 'billing']) await expect(waterfall.locator('.wf-svc', { hasText: service }).first()).toBeVisible();
  await expect(page.getByTestId('trace-header')).toContainText('POST /checkout');
  await expect(page.getByTestId('trace-header')).toContainText('6 errors');

  await waterfall.locator('[data-span-id]', { hasText: 'payment.Payment/Charge' }).click();
  await expect(page).toHaveURL(/span=[0-9a-f]{16}/);
  const detail = page.getByTestId('span-detail');
  await expect(detail).toContainText('card declined: insufficient funds');
  await expect(detail.getByRole('heading', { name: /Span attributes/ })).toBeVisible();
  await expect(detail.getByRole('heading', { name: /Resource attributes/ })).toBeVisible();
  await expect(detail.getByRole('row', { name: /^service\.name billing/ })).toBeVisible();
  await expect(detail.locator('.event-name', { hasText: 'exception' })).toBeVisible();
  await screenshotBothThemes(page, 'trace-view');

  // Collapse the checkout server span: its descendants disappear from the waterfall.
  await waterfall.locator('[data-span-id]', { hasText: 'POST /api/checkout' }).getByRole('button', { name: 'Collapse' }).click();
  await expect(waterfall.locator('[data-span-id]')).toHaveCount(3);

  // The trace's logs, in their own tab.
  await page.getByRole('tab', { name: /Logs/ }).click();
  await expect(page.getByTestId('trace-logs')).toContainText('payment declined by the card gateway');
  await screenshotBothThemes(page, 'trace-logs');
});

test('full-text log search highlights the matches and a trace link opens the trace', async ({ page, loupe }) => {
  await openUi(page, loupe, '/logs');
  await expect(page.getByTestId('log-histogram').locator('.recharts-bar-rectangle').first()).toBeVisible();
  await page.getByLabel('Service', { exact: true }).selectOption('billing');
  const search = page.getByLabel('Full-text search');
  await search.fill('insufficient funds');
  await search.press('Enter');
  await expect(page).toHaveURL(/q=insufficient/);
  const list = page.getByTestId('log-list');
  await expect(list.locator('[data-log-id]').first()).toContainText('payment declined');
  await expect(list.locator('mark', { hasText: /^insufficient$/i }).first()).toBeVisible();
  await expect(list.locator('mark', { hasText: /^funds$/i }).first()).toBeVisible();
  // Only matching records are listed.
  for (const row of await list.locator('[data-log-id] .log-body').allTextContents()) expect(row).toMatch(/insufficient.funds/i);
  await screenshotBothThemes(page, 'logs');

  // A row opens its details.
  await list.locator('[data-log-id]').first().click();
  await expect(page.getByTestId('log-detail')).toContainText('CardDeclinedError');
  await screenshotBothThemes(page, 'log-detail');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('log-detail')).toHaveCount(0);

  await list.locator('[data-log-id]').first().locator('.log-trace a').click();
  await expect(page).toHaveURL(/\/traces\/[0-9a-f]{32}/);
  await expect(page.getByTestId('waterfall').locator('[data-span-id]').first()).toBeVisible();
  await expect(page.getByTestId('span-detail')).toContainText('billing');
});

test('in live mode a new service appears without reloading', async ({ page, loupe }) => {
  await openUi(page, loupe, '/services');
  const table = page.getByTestId('services-table');
  await expect(table.locator('tr[data-service="orders"]')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Live' })).toHaveAttribute('aria-pressed', 'true');
  const now = BigInt(Date.now()) * 1_000_000n;
  const res = await fetch(`${loupe.otlpHttp}/v1/traces`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'latecomer' } }] },
          scopeSpans: [
            {
              spans: [
                { traceId: 'aa'.repeat(16), spanId: 'bb'.repeat(8), name: 'GET /late', kind: 2, startTimeUnixNano: String(now - 5_000_000n), endTimeUnixNano: String(now) },
              ],
            },
          ],
        },
      ],
    }),
  });
  expect(res.ok).toBe(true);
  await expect(table.locator('tr[data-service="latecomer"]')).toBeVisible({ timeout: 8000 });
});

test('the theme switch changes the palette and is remembered', async ({ page, loupe }) => {
  await openUi(page, loupe, '/services');
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.getByRole('radio', { name: 'Light theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  const light = await background();
  await page.getByRole('radio', { name: 'Dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const dark = await background();
  expect(light).toBe('rgb(245, 246, 248)');
  expect(dark).toBe('rgb(14, 16, 22)');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByRole('radio', { name: 'Light theme' }).click();
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  expect(await background()).toBe('rgb(245, 246, 248)');
});

test('with no data yet, the first screen shows the OTLP endpoint and a Start demo button', async ({ page, emptyLoupe }) => {
  await openUi(page, emptyLoupe, '/');
  const empty = page.getByTestId('empty-state');
  await expect(empty).toBeVisible();
  const port = new URL(
    await page.evaluate(() => fetch('/api/health', { credentials: 'same-origin' }).then((r) => r.json()).then((h: { endpoints: { otlpHttp: string } }) => h.endpoints.otlpHttp)),
  ).port;
  await expect(page.getByTestId('otlp-endpoint')).toContainText(`OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:${port}`);
  const start = empty.getByRole('button', { name: 'Start demo' });
  await expect(start).toBeEnabled();
  await screenshotBothThemes(page, 'empty-state');
  if (DEMO_BUILT) {
    await start.click();
    await expect(page.getByTestId('services-table').locator('tbody tr[data-service]').first()).toBeVisible({ timeout: 45_000 });
    await screenshotBothThemes(page, 'demo-services');
  }
});

test('importing a file shows what was imported and links to the trace', async ({ page, loupe }) => {
  await openUi(page, loupe, '/traces');
  await page.getByTestId('import-input').setInputFiles(join('/work/shared/fixtures/otlp/trace.json'));
  const panel = page.getByTestId('import-panel');
  await expect(panel).toContainText('Imported');
  await expect(panel.locator('.import-counts')).toContainText(/1 span(?!s)/);
  await screenshotBothThemes(page, 'import');
  await panel.getByRole('link', { name: /Open trace 5b8efff79803/ }).click();
  await expect(page).toHaveURL(/\/traces\/5b8efff798038103d269b633813fc60c/);
  const waterfall = page.getByTestId('waterfall');
  await expect(waterfall.locator('[data-span-id]')).toHaveCount(1);
  // Its parent was never sent: the span is shown at the root, marked as an orphan.
  await expect(waterfall.locator('.wf-orphan')).toBeVisible();
});

test('keyboard: g-shortcuts navigate, / focuses search, j/k move, ? lists the shortcuts', async ({ page, loupe }) => {
  await openUi(page, loupe, '/services');
  await expect(page.getByTestId('services-table').locator('tbody tr[data-service]').first()).toBeVisible();
  await page.keyboard.press('j');
  await expect(page.getByTestId('services-table').locator('tbody tr').nth(1)).toHaveClass(/row-selected/);
  await page.keyboard.press('/');
  await expect(page.getByLabel('Filter services')).toBeFocused();
  await page.keyboard.press('Escape');
  await page.keyboard.press('g');
  await page.keyboard.press('l');
  await expect(page).toHaveURL(/\/logs/);
  await page.keyboard.press('g');
  await page.keyboard.press('t');
  await expect(page).toHaveURL(/\/traces/);
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toBeVisible();
  await screenshotBothThemes(page, 'shortcuts');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
});

test('the time range and filters live in the URL', async ({ page, loupe }) => {
  await openUi(page, loupe, '/traces');
  await page.getByRole('button', { name: 'Last 1 hour' }).click();
  await screenshotBothThemes(page, 'time-picker');
  await page.getByRole('button', { name: /Last 15 minutes/ }).click();
  await expect(page).toHaveURL(/from=now-15m/);
  await page.getByLabel('Service', { exact: true }).selectOption('products');
  const url = page.url();
  await page.goto(url);
  await expect(page.getByRole('button', { name: 'Last 15 minutes' })).toBeVisible();
  await expect(page.getByLabel('Service', { exact: true })).toHaveValue('products');
  await expect(page.getByTestId('traces-table').locator('tbody tr').first()).toContainText('storefront');
});

test('the ingest indicator shows totals and recent ingest errors', async ({ page, loupe }) => {
  // A malformed OTLP request is rejected, counted and listed.
  await fetch(`${loupe.otlpHttp}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"resourceSpans": [' });
  await openUi(page, loupe, '/services');
  const indicator = page.getByTestId('health-indicator');
  await expect(indicator).toContainText('spans');
  await indicator.click();
  const pop = page.getByRole('dialog', { name: 'Ingest health' });
  await expect(pop).toContainText('Recent ingest errors');
  await expect(pop.locator('.error-list li').first()).toBeVisible();
  await screenshotBothThemes(page, 'ingest-health');
});

test('without the session token the UI explains how to open it', async ({ browser, loupe }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${loupe.url}/services`);
  await expect(page.getByText('Open Loupe through the URL printed by')).toBeVisible();
  await context.close();
});
