// Alert rules in the UI: a rule created in the form (checked field by field, with a preview of
// the value now) fires when the service's errors spike — on the Alerts page with the owner and
// links to the window's traces and logs, as a count in the navigation, as a toast and as a
// browser notification (permission asked from a click) — and resolves when the errors stop.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, openUi, screenshotBothThemes, startLoupe, test as base, type Loupe } from './fixtures';

const CATALOG = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payment
  annotations:
    pagerduty.com/service-id: PPAY001
    loupe.dev/runbook: https://runbooks.example.com/payment
spec:
  type: service
  lifecycle: production
  owner: group:team-payments
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-payments
spec:
  type: team
  children: []
`;

// A Loupe of this file's own that evaluates its rules every second (15 s by default).
const test = base.extend<{}, { alertLoupe: Loupe & { dir: string } }>({
  alertLoupe: [
    async ({}, use) => {
      const dir = mkdtempSync(join(tmpdir(), 'loupe-alerts-'));
      writeFileSync(join(dir, 'catalog-info.yaml'), CATALOG);
      const loupe = await startLoupe({ seed: false, args: ['--catalog', dir, '--alert-every', '1'] });
      await use({ ...loupe, dir });
      await loupe.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 60_000 },
  ],
});

const hex = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');

/** `count` server requests of payment as OTLP/JSON over OTLP/HTTP, `failed` of them failing. */
async function requests(loupe: Loupe, count: number, failed: number): Promise<void> {
  const now = BigInt(Date.now()) * 1_000_000n;
  const spans = Array.from({ length: count }, (_, i) => ({
    traceId: hex(32),
    spanId: hex(16),
    name: 'POST /pay',
    kind: 2,
    startTimeUnixNano: String(now - 30_000_000n - BigInt(i)),
    endTimeUnixNano: String(now - BigInt(i)),
    status: i < failed ? { code: 2, message: 'card processor unavailable' } : {},
  }));
  const body = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'payment' } }] }, scopeSpans: [{ scope: { name: 'e2e' }, spans }] }] };
  const res = await fetch(`${loupe.otlpHttp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
}

test('a rule created in the form fires on an error spike, links to its traces and logs, and resolves', async ({ page, context, alertLoupe }) => {
  test.setTimeout(120_000);
  // Count the browser notifications the page shows (the real API, observed).
  await page.addInitScript(() => {
    const Real = window.Notification;
    const shown: string[] = [];
    (window as unknown as { shownNotifications: string[] }).shownNotifications = shown;
    class Observed extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push(`${title} | ${options?.body ?? ''}`);
      }
    }
    Object.defineProperty(window, 'Notification', { value: Observed });
  });
  await requests(alertLoupe, 40, 0);
  await openUi(page, alertLoupe, '/alerts?from=now-15m&to=now');
  await expect(page.getByText('No alert rules yet')).toBeVisible({ timeout: 30_000 });

  // Notifications are asked for from a click, never on load.
  await context.grantPermissions(['notifications']);
  const enable = page.getByRole('button', { name: 'Enable notifications' });
  if (await enable.isVisible()) await enable.click();
  await expect(page.getByTestId('notifications-state')).toBeVisible();

  await page.getByRole('button', { name: 'New rule' }).click();
  const dialog = page.getByRole('dialog', { name: 'New alert rule' });
  await expect(dialog.getByLabel('Service')).toHaveValue('payment');
  // A threshold that is not a number is refused, naming the field.
  await dialog.getByLabel('Threshold').fill('');
  await dialog.getByRole('button', { name: 'Create rule' }).click();
  await expect(dialog.getByText('a number is needed')).toBeVisible();
  await dialog.getByLabel('Threshold').fill('20');
  await dialog.getByLabel('Window').fill('2m');
  await expect(dialog.getByLabel('Name')).toHaveValue('payment error rate high');
  // The preview: 40 healthy requests, 0 %.
  const preview = dialog.getByTestId('alert-preview');
  await expect(preview).toContainText('error rate > 20 % over 2m');
  await expect(preview).toContainText('0 %');
  await expect(preview).toContainText('40 requests');
  await expect(preview).toContainText('would not fire');
  await screenshotBothThemes(page, 'alerts-rule-form');
  await dialog.getByRole('button', { name: 'Create rule' }).click();
  await expect(dialog).toHaveCount(0);
  const row = page.getByTestId('alert-rule-row').filter({ hasText: 'payment error rate high' });
  await expect(row).toContainText('OK', { timeout: 15_000 });
  expect(readFileSync(join(alertLoupe.dataDir, 'alerts.yaml'), 'utf8')).toMatch(/id: payment-error-rate-high/);

  // The spike: 40 failures among 80 requests, 50 % > 20 %.
  await requests(alertLoupe, 40, 40);
  await expect(row).toContainText('Firing', { timeout: 20_000 });
  await expect(page.getByTestId('alerts-nav-badge')).toHaveText('1');
  const card = page.getByTestId('firing-alert');
  await expect(card).toContainText('error rate 50.0 % > 20 % over 2m');
  await expect(card.getByTestId('ownership')).toContainText('team-payments');
  await expect(page.getByTestId('rule-alert-toast')).toContainText('payment error rate high');
  await expect.poll(() => page.evaluate(() => (window as unknown as { shownNotifications: string[] }).shownNotifications), { timeout: 10_000 }).toEqual([
    'Alert: payment error rate high | payment: error rate 50.0 % > 20 % over 2m. Owner: team-payments.',
  ]);
  await screenshotBothThemes(page, 'alerts-firing');
  await page.getByRole('button', { name: 'Dismiss' }).first().click();

  // The service page says it too, with a rule to add for the service.
  await page.goto(`${alertLoupe.url}/services/payment?from=now-15m&to=now`);
  const section = page.getByTestId('service-alerts');
  await expect(section.getByTestId('firing-alert')).toContainText('error rate 50.0 % > 20 % over 2m', { timeout: 15_000 });
  await section.scrollIntoViewIfNeeded();
  await screenshotBothThemes(page, 'service-alerts');
  await page.goBack();

  // The evidence: the window's failed traces of payment.
  const href = await card.getByTestId('alert-traces-link').getAttribute('href');
  expect(href).toMatch(/^\/traces\?from=\d+&to=now&service=payment&status=error$/);
  expect(await card.getByTestId('alert-logs-link').getAttribute('href')).toMatch(/^\/logs\?from=\d+&to=now&service=payment&sev=17$/);
  await card.getByTestId('alert-traces-link').click();
  await expect(page).toHaveURL(/\/traces\?/);
  await expect(page.locator('tr[data-trace-id]').first()).toBeVisible({ timeout: 15_000 });

  // The errors stop: healthy traffic brings the rate under 20 % (less the margin) and it resolves.
  await requests(alertLoupe, 400, 0);
  await page.keyboard.press('g');
  await page.keyboard.press('e');
  await expect(page).toHaveURL(/\/alerts/);
  await expect(row).toContainText('OK', { timeout: 20_000 });
  await expect(page.getByTestId('alerts-nav-badge')).toHaveCount(0);
  await expect(page.getByTestId('alert-history')).toContainText('error rate 50.0 % > 20 % over 2m');
  await screenshotBothThemes(page, 'alerts-resolved');
});

test('a rule made from the map edge drawer watches the edge, previews it and fires', async ({ page, alertLoupe }) => {
  test.setTimeout(90_000);
  // checkout calls payment 30 times, each call 250 ms as checkout saw it.
  const now = BigInt(Date.now()) * 1_000_000n;
  const resourceSpans = [
    { service: 'checkout', kind: 3, name: 'POST payment', ms: 250n },
    { service: 'payment', kind: 2, name: 'POST /pay', ms: 240n },
  ].map((side) => ({ ...side, spans: [] as object[] }));
  for (let i = 0; i < 30; i++) {
    const traceId = hex(32);
    const clientId = hex(16);
    const end = now - BigInt(i) * 1_000_000n;
    resourceSpans[0].spans.push({ traceId, spanId: clientId, name: 'POST payment', kind: 3, startTimeUnixNano: String(end - 250_000_000n), endTimeUnixNano: String(end), status: {}, attributes: [{ key: 'peer.service', value: { stringValue: 'payment' } }] });
    resourceSpans[1].spans.push({ traceId, spanId: hex(16), parentSpanId: clientId, name: 'POST /pay', kind: 2, startTimeUnixNano: String(end - 245_000_000n), endTimeUnixNano: String(end - 5_000_000n), status: {} });
  }
  const body = { resourceSpans: resourceSpans.map((r) => ({ resource: { attributes: [{ key: 'service.name', value: { stringValue: r.service } }] }, scopeSpans: [{ scope: { name: 'e2e' }, spans: r.spans }] })) };
  expect((await fetch(`${alertLoupe.otlpHttp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status).toBe(200);

  await openUi(page, alertLoupe, `/map?from=now-15m&to=now&edge=${encodeURIComponent('checkout→payment')}`);
  await page.getByTestId('edge-alert-button').click({ timeout: 30_000 });
  const dialog = page.getByRole('dialog', { name: 'New alert rule' });
  await expect(dialog.getByLabel('Service')).toHaveValue('checkout');
  await expect(dialog.getByLabel('Edge to')).toHaveValue('payment');
  await dialog.getByText('Latency', { exact: true }).click();
  await dialog.getByLabel('Threshold').fill('200');
  const preview = dialog.getByTestId('alert-preview');
  await expect(preview).toContainText('p95 latency > 200 ms over 5m');
  await expect(preview).toContainText('would fire');
  await expect(dialog.getByLabel('Name')).toHaveValue('checkout → payment p95 latency high');
  await screenshotBothThemes(page, 'alerts-edge-rule-form');
  await dialog.getByRole('button', { name: 'Create rule' }).click();
  await expect(dialog).toHaveCount(0);

  await page.keyboard.press('g');
  await page.keyboard.press('e');
  const row = page.getByTestId('alert-rule-row').filter({ hasText: 'checkout → payment p95 latency high' });
  await expect(row).toContainText('Firing', { timeout: 20_000 });
  await expect(page.getByTestId('firing-alert').filter({ hasText: 'checkout → payment' })).toContainText(/p95 latency \d+ ms > 200 ms over 5m/);
  const traces = await page.getByTestId('firing-alert').filter({ hasText: 'checkout → payment' }).getByTestId('alert-traces-link').getAttribute('href');
  expect(traces).toMatch(/service=checkout&peer=payment$/);
});
