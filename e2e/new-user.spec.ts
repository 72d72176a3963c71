// The screens a new user tripped on, as they read now: the Logs position under the rows (not
// over the last one), long attribute keys in the span details, Compare in the navigation with
// recent traces to pick, the service page's charts with their units, an unknown service, and an
// address that is no page.
import { KNOWN_TRACE_ID } from './seed';
import { expect, openUi, screenshotBothThemes, test } from './fixtures';

test('logs: the position readout sits below the rows, never over the last one', async ({ page, loupe }) => {
  test.setTimeout(120_000);
  await openUi(page, loupe, '/logs?service=billing&from=now-1h&to=now');
  const list = page.getByTestId('log-list');
  const position = page.getByTestId('log-position');
  await expect(position).toBeVisible({ timeout: 30_000 });
  // The readout is below the scrolling rows, not laid over them: no row can be under it, the
  // last one included once scrolled to the end.
  const scroller = list.locator('.log-scroll');
  await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
  const rows = (await scroller.boundingBox())!;
  const pill = (await position.boundingBox())!;
  expect(pill.y).toBeGreaterThanOrEqual(rows.y + rows.height - 0.5);
  await screenshotBothThemes(page, 'new-user-logs');
});

test('trace view: long attribute keys wrap in the span details, and the panel can be widened', async ({ page, loupe }) => {
  test.setTimeout(120_000);
  await openUi(page, loupe, `/traces/${KNOWN_TRACE_ID}`);
  await page.getByTestId('waterfall').locator('[data-span-id]', { hasText: 'payment.Payment/Charge' }).first().click();
  const detail = page.getByTestId('span-detail');
  const key = detail.locator('.attr-table th', { hasText: 'rpc.grpc.status_code' }).first();
  await expect(key).toBeVisible();
  // The whole key is shown: nothing cut off at the cell's edge.
  expect(await key.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
  const before = (await detail.boundingBox())!.width;
  const handle = page.getByTestId('span-detail-resize');
  const box = (await handle.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 40);
  await page.mouse.down();
  await page.mouse.move(box.x - 120, box.y + 40, { steps: 5 });
  await page.mouse.up();
  await expect.poll(async () => (await detail.boundingBox())!.width).toBeGreaterThan(before + 80);
  await screenshotBothThemes(page, 'new-user-span-detail');
});

test('Compare is in the navigation and offers recent traces to pick as A and B', async ({ page, loupe }) => {
  test.setTimeout(120_000);
  await openUi(page, loupe, '/services');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Compare' }).click();
  await expect(page).toHaveURL(/\/compare/);
  const recent = page.getByTestId('compare-recent');
  const rows = recent.locator('tbody tr[data-trace-id]');
  await expect(rows.first()).toBeVisible({ timeout: 30_000 });
  await screenshotBothThemes(page, 'new-user-compare-empty');
  // The list holds still while the user picks (new traces do not push rows away).
  const first = (await rows.nth(0).getAttribute('data-trace-id'))!;
  const second = (await rows.nth(1).getAttribute('data-trace-id'))!;
  await recent.locator(`tr[data-trace-id="${first}"]`).getByRole('button', { name: /as A$/ }).click();
  await expect(page).toHaveURL(new RegExp(`a=${first}`));
  // The one picked as A cannot be B too.
  await expect(recent.locator(`tr[data-trace-id="${first}"]`).getByRole('button', { name: /as B$/ })).toBeDisabled();
  await recent.locator(`tr[data-trace-id="${second}"]`).getByRole('button', { name: /as B$/ }).click();
  await expect(page).toHaveURL(new RegExp(`b=${second}`));
  await expect(page.getByRole('tab', { name: 'Structural diff' })).toBeVisible({ timeout: 20_000 });
});

test('the service page labels each chart axis with its unit and ticks traffic with even decimals', async ({ page, loupe }) => {
  test.setTimeout(120_000);
  await openUi(page, loupe, '/services/orders');
  const traffic = page.getByTestId('chart-traffic');
  await expect(traffic.locator('.chart-axis-unit')).toHaveText('req/s', { timeout: 30_000 });
  for (const id of ['chart-latency-ok', 'chart-errors']) await expect(page.getByTestId(id).locator('.chart-axis-unit')).not.toHaveText('');
  // Tick labels (the time axis's read 23:10 and are left out by the pattern).
  const yTicks = async () => (await traffic.locator('text').allTextContents()).map((t) => t.trim()).filter((t) => /^\d+(\.\d+)?$/.test(t));
  await expect.poll(async () => (await yTicks()).length).toBeGreaterThan(1);
  const ticks = await yTicks();
  const decimals = new Set(ticks.map((t) => (t.split('.')[1] ?? '').length));
  expect([...decimals], `ticks ${ticks.join(', ')}`).toHaveLength(1);
  await screenshotBothThemes(page, 'new-user-service-charts');
});

test('an unknown service and an unknown address each say so, with ways on', async ({ page, loupe }) => {
  test.setTimeout(120_000);
  await openUi(page, loupe, '/services/no-such-service');
  const missing = page.getByTestId('service-not-found');
  await expect(missing).toContainText('No service called “no-such-service”', { timeout: 30_000 });
  await expect(page.getByRole('button', { name: 'Retry' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Add an SLO' })).toHaveCount(0);
  await expect(missing.getByRole('link', { name: 'All services' })).toBeVisible();
  await screenshotBothThemes(page, 'new-user-unknown-service');

  await openUi(page, loupe, '/no/such/page');
  const notFound = page.getByTestId('not-found');
  await expect(notFound).toContainText('No page at this address');
  await expect(notFound).toContainText('/no/such/page');
  await screenshotBothThemes(page, 'new-user-not-found');
  await notFound.getByRole('link', { name: 'Services' }).click();
  await expect(page).toHaveURL(/\/services/);
});
