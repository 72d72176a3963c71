// What the on-call engineer and the new user see: the service map of the demo shop (shared
// database, async edge), the drawers of a database and of an edge charting the calls made to them
// and listing the traces through them, a 300-node map laid out off the main thread, a service page with its
// versions side by side, SLOs created in the UI with budgets and alerts, the catalog laid over the
// map, and the Services page ranked by problems.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { DEMO_BUILT, expect, openUi, screenshotBothThemes, test, type Loupe } from './fixtures';

const DEMO = 'the demo system is part of this build';

const catalogDirs: string[] = [];
test.afterAll(() => {
  for (const dir of catalogDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function api<T>(loupe: Loupe, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(loupe.url + path, {
    method,
    headers: { Authorization: `Bearer ${loupe.token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** "1.2s", "350ms", "812µs" → milliseconds. */
function ms(text: string): number {
  const m = /([\d.]+)\s*(µs|ms|s)/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : m[2] === 'µs' ? 0.001 : 1);
}

/** A catalog for the shop: checkout declares payment (seen) and fraud (never seen) but not cart. */
async function loadCatalog(loupe: Loupe): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'loupe-e2e-catalog-'));
  catalogDirs.push(dir);
  writeFileSync(
    join(dir, 'catalog-info.yaml'),
    [
      'apiVersion: backstage.io/v1alpha1',
      'kind: Group',
      'metadata:',
      '  name: payments-team',
      'spec:',
      '  type: team',
      '  children: []',
      '---',
      'apiVersion: backstage.io/v1alpha1',
      'kind: Component',
      'metadata:',
      '  name: checkout',
      'spec:',
      '  type: service',
      '  lifecycle: production',
      '  owner: payments-team',
      '  dependsOn: [component:payment, component:fraud]',
      '---',
      'apiVersion: backstage.io/v1alpha1',
      'kind: Component',
      'metadata:',
      '  name: payment',
      'spec:',
      '  type: service',
      '  lifecycle: production',
      '  owner: payments-team',
      '---',
      'apiVersion: backstage.io/v1alpha1',
      'kind: Component',
      'metadata:',
      '  name: fraud',
      'spec:',
      '  type: service',
      '  lifecycle: experimental',
      '  owner: payments-team',
      '',
    ].join('\n'),
  );
  await api(loupe, 'PUT', '/api/catalog/sources', { sources: [dir] });
}

/** Records desktop notifications instead of showing them; permission starts unasked. */
async function recordNotifications(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const shown: Array<{ title: string; body?: string }> = [];
    (window as unknown as { __notifications: typeof shown }).__notifications = shown;
    class RecordedNotification {
      static permission: NotificationPermission = 'default';
      static async requestPermission(): Promise<NotificationPermission> {
        RecordedNotification.permission = 'granted';
        return 'granted';
      }
      constructor(title: string, options?: NotificationOptions) {
        shown.push({ title, body: options?.body });
      }
    }
    (window as unknown as { Notification: unknown }).Notification = RecordedNotification;
  });
}

test('the map shows the demo shop: a shared database flagged, the messaging edge dashed, health colours', async ({ page, loupe }) => {
  test.skip(!DEMO_BUILT, DEMO);
  test.setTimeout(120_000);
  await openUi(page, loupe, '/map');
  const canvas = page.getByTestId('map-canvas');
  const shopdb = canvas.locator('[data-node-id="db:postgresql/shopdb"]');
  // All four writers (fulfillment writes once orders come back from kafka).
  await expect(async () => {
    await page.reload();
    await expect(shopdb.getByTestId('shared-badge').locator('title')).toHaveText(/cart.*checkout.*fulfillment.*inventory/, { timeout: 3000 });
  }).toPass({ timeout: 90_000 });
  await expect(shopdb).toHaveAttribute('data-type', 'database');
  await expect(shopdb).toHaveAttribute('data-shared', 'true');
  await expect(shopdb.getByTestId('shared-badge')).toContainText('shared ×4');
  await expect(canvas.locator('[data-node-id="queue:kafka/orders"]')).toHaveAttribute('data-type', 'queue');
  for (const service of ['frontend', 'gateway', 'cart', 'checkout', 'inventory', 'recommendation', 'payment', 'fulfillment']) {
    await expect(canvas.locator(`[data-node-id="${service}"]`)).toHaveAttribute('data-type', 'service');
  }

  // Messages to kafka are drawn dashed; requests are solid.
  const dash = (id: string) => canvas.locator(`[data-edge-id="${id}"] .edge-line`).evaluate((el) => getComputedStyle(el).strokeDasharray);
  await expect(canvas.locator('[data-edge-id="checkout→queue:kafka/orders"]')).toHaveAttribute('data-connection', 'messaging');
  expect(await dash('checkout→queue:kafka/orders')).not.toBe('none');
  expect(await dash('queue:kafka/orders→fulfillment')).not.toBe('none');
  expect(await dash('gateway→checkout')).toBe('none');
  await expect(canvas.locator('[data-edge-id="inventory→db:postgresql/shopdb"]')).toHaveAttribute('data-connection', 'database');
  // Left to right: frontend calls gateway, which sits to its right.
  const x = (id: string) => canvas.locator(`[data-node-id="${id}"]`).evaluate((el) => el.getBoundingClientRect().x);
  expect(await x('frontend')).toBeLessThan(await x('gateway'));
  expect(await x('gateway')).toBeLessThan(await x('checkout'));
  // The seeded orders service fails more than 10% of its requests: Kiali's failing colour.
  await expect(canvas.locator('[data-node-id="orders"]')).toHaveAttribute('data-health', 'failing');
  // Edge labels carry the rate and p95.
  await expect(canvas.locator('.edge-label').first()).toContainText(/\/(s|min)/);
  console.log(`demo map: ${await canvas.locator('[data-node-id]').count()} nodes, layout ${await page.getByTestId('layout-time').getAttribute('data-ms')} ms in the worker`);
  await screenshotBothThemes(page, 'map');

  // The shared database's drawer names its writers and lists traces through it.
  await shopdb.click();
  const drawer = page.getByTestId('map-drawer');
  await expect(drawer.getByTestId('shared-callout')).toContainText('Written by 4 services: cart, checkout, fulfillment, inventory');
  await expect(page).toHaveURL(/sel=db%3Apostgresql%2Fshopdb|sel=db:postgresql\/shopdb/);
  // The database sends nothing itself: its charts are the calls its callers made to it.
  const dbSignals = drawer.getByTestId('node-signals');
  await expect(dbSignals.getByTestId('calls-rate').locator('.recharts-area-area')).toBeVisible();
  await expect(dbSignals.getByTestId('calls-latency').locator('path.recharts-line-curve, .recharts-line-dot').filter({ visible: true }).first()).toBeVisible();
  await expect(drawer.getByTestId('drawer-slow-traces').locator('li').first()).toBeVisible({ timeout: 15_000 });
  await screenshotBothThemes(page, 'map-drawer');

  // Focus one hop around payment: only payment and its callers remain.
  await page.keyboard.press('Escape');
  await canvas.locator('[data-node-id="payment"]').click();
  await expect(drawer.locator('.red-kpis')).toBeVisible();
  await page.getByRole('button', { name: 'Focus', exact: true }).click();
  await page.getByRole('group', { name: 'Focus depth' }).getByRole('button', { name: '1' }).click();
  await expect(page).toHaveURL(/focus=payment/);
  await expect(page).toHaveURL(/depth=1/);
  // The URL changes before the canvas draws the new depth: wait for the depth-1 map, then check it.
  const nodeIds = () => canvas.locator('[data-node-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-node-id')).sort());
  await expect.poll(nodeIds, { timeout: 10_000 }).not.toContain('db:postgresql/shopdb');
  const focused = await nodeIds();
  expect(focused).toContain('payment');
  expect(focused).toContain('checkout');
  expect(focused).not.toContain('frontend');
  expect(focused).not.toContain('db:postgresql/shopdb');
  await page.getByRole('button', { name: 'Clear the focus' }).click();
  await expect(canvas.locator('[data-node-id="frontend"]')).toBeVisible();

  // Keyboard zoom: + zooms in, 0 fits again.
  await page.keyboard.press('Escape');
  await expect(drawer).toHaveCount(0);
  const zoom = async () => Number(await canvas.getAttribute('data-zoom'));
  await page.keyboard.press('0');
  await page.waitForTimeout(300);
  const fitted = await zoom();
  await page.keyboard.press('+');
  await expect.poll(zoom).toBeGreaterThan(fitted);
  await page.keyboard.press('0');
  await expect.poll(zoom).toBeCloseTo(fitted, 1);

  // Searching a node selects it.
  await page.getByLabel('Find a node').fill('kafka');
  await page.getByLabel('Find a node').press('Enter');
  await expect(page).toHaveURL(/sel=queue/);
});

type TraceSpan = { spanId: string; parentSpanId: string; service: string; kind: string; isError: boolean; attributes: Record<string, unknown> };

/** The ids of the traces a drawer list links to. */
async function listedTraceIds(page: Page, testId: string): Promise<string[]> {
  const hrefs = await page.getByTestId(testId).locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  return hrefs.map((h) => /\/traces\/([0-9a-f]+)/.exec(h)?.[1] ?? h);
}

async function spansOf(loupe: Loupe, traceId: string): Promise<TraceSpan[]> {
  return (await api<{ spans: TraceSpan[] }>(loupe, 'GET', `/api/traces/${traceId}`)).spans;
}

test("an edge's drawer charts the calls on that edge and lists the traces through it", async ({ page, loupe }) => {
  test.skip(!DEMO_BUILT, DEMO);
  test.setTimeout(150_000);
  const drawer = page.getByTestId('map-drawer');

  // checkout → payment: the canary payment fails some charges, so checkout's calls fail too.
  await openUi(page, loupe, `/map?edge=${encodeURIComponent('checkout→payment')}`);
  await expect(async () => {
    await page.reload();
    await expect(drawer.getByTestId('drawer-failing-traces').locator('li').first()).toBeVisible({ timeout: 5000 });
  }).toPass({ timeout: 90_000 });
  const edgeSignals = drawer.getByTestId('edge-signals');
  await expect(edgeSignals.getByTestId('calls-rate').locator('.recharts-area-area')).toBeVisible();
  await expect(edgeSignals.getByTestId('calls-errors').locator('path.recharts-area-area, .recharts-area-dot').filter({ visible: true }).first()).toBeVisible();
  await expect(edgeSignals.getByTestId('calls-latency').locator('path.recharts-line-curve, .recharts-line-dot').filter({ visible: true }).first()).toBeVisible();

  // Each failing trace holds a failed call from checkout answered by payment.
  const failing = await listedTraceIds(page, 'drawer-failing-traces');
  expect(failing.length).toBeGreaterThan(0);
  for (const id of failing) {
    const spans = await spansOf(loupe, id);
    const calls = spans.filter((s) => s.service === 'checkout' && s.kind === 'CLIENT' && spans.some((c) => c.parentSpanId === s.spanId && c.service === 'payment'));
    expect(calls.some((s) => s.isError), `trace ${id} has a failed call from checkout to payment`).toBe(true);
  }
  const slow = await listedTraceIds(page, 'drawer-slow-traces');
  for (const id of slow) {
    const spans = await spansOf(loupe, id);
    expect(spans.some((s) => s.service === 'checkout' && spans.some((c) => c.parentSpanId === s.spanId && c.service === 'payment')), `trace ${id} goes through checkout → payment`).toBe(true);
  }

  // "all" opens the trace search with the same filters, the edge as a removable chip.
  await drawer.getByRole('heading', { name: /Failing traces/ }).getByRole('link', { name: 'all' }).click();
  await expect(page).toHaveURL(/\/traces\?/);
  const url = new URL(page.url());
  expect([url.searchParams.get('service'), url.searchParams.get('peer'), url.searchParams.get('status')]).toEqual(['checkout', 'payment', 'error']);
  await expect(page.getByTestId('peer-chip')).toHaveText(/checkout calls payment/);
  await expect(page.locator(`tr[data-trace-id="${failing[0]}"]`)).toBeVisible();
  await screenshotBothThemes(page, 'traces-edge-filter');
  await page.getByRole('button', { name: /Remove the filter: checkout calls payment/ }).click();
  await expect(page).not.toHaveURL(/peer=/);
  await expect(page).toHaveURL(/service=checkout/);

  // inventory → shopdb: the database calls as inventory made them.
  await openUi(page, loupe, `/map?edge=${encodeURIComponent('inventory→db:postgresql/shopdb')}`);
  const dbEdge = drawer.getByTestId('edge-signals');
  await expect(dbEdge.getByTestId('calls-rate').locator('.recharts-area-area')).toBeVisible({ timeout: 30_000 });
  await expect(dbEdge.getByTestId('calls-latency').locator('path.recharts-line-curve, .recharts-line-dot').filter({ visible: true }).first()).toBeVisible();
  await expect(drawer.getByTestId('drawer-slow-traces').locator('li').first()).toBeVisible({ timeout: 30_000 });
  for (const id of await listedTraceIds(page, 'drawer-slow-traces')) {
    const spans = await spansOf(loupe, id);
    expect(
      spans.some((s) => s.service === 'inventory' && s.kind === 'CLIENT' && s.attributes['db.namespace'] === 'shopdb'),
      `trace ${id} has a call from inventory to shopdb`,
    ).toBe(true);
  }
  await screenshotBothThemes(page, 'map-edge-drawer');
});

test('a 300-node map lays out in the worker in under a second', async ({ page, loupe }) => {
  await openUi(page, loupe, '/map?synthetic=300');
  const time = page.getByTestId('layout-time');
  const measured = async (seed: number) => {
    await expect(time).toHaveAttribute('data-graph', `300:${seed}`, { timeout: 30_000 });
    return Number(await time.getAttribute('data-ms'));
  };
  const first = await measured(1);
  await expect(page.getByTestId('map-canvas').locator('[data-node-id]')).toHaveCount(300);
  // Other generated maps of the same size, laid out by the same (warm) worker.
  const figures: number[] = [];
  for (const seed of [2, 3, 4]) {
    await page.getByRole('button', { name: 'Another graph' }).click();
    figures.push(await measured(seed));
  }
  console.log(`300-node layout in the worker: first ${first} ms, then ${figures.join(', ')} ms (round trip ${await time.getAttribute('data-roundtrip-ms')} ms)`);
  expect(Math.min(...figures)).toBeLessThan(1000);
});

test('the payment service page lists both versions, 1.5.0 slower and failing more', async ({ page, loupe }) => {
  test.skip(!DEMO_BUILT, DEMO);
  test.setTimeout(120_000);
  await openUi(page, loupe, '/services/payment');
  const versions = page.getByTestId('versions-table');
  const canary = versions.locator('tr[data-version="1.5.0"]');
  const stable = versions.locator('tr[data-version="1.4.2"]');
  await expect(async () => {
    await page.reload();
    await expect(canary.getByTestId('version-slower')).toBeVisible({ timeout: 5000 });
  }).toPass({ timeout: 90_000 });
  await expect(stable).toBeVisible();
  await expect(canary).toHaveAttribute('data-worse', 'true');
  await expect(stable.getByTestId('version-slower')).toHaveCount(0);
  // p95 is the sixth column (version, share, rate, errors, p50, p95).
  expect(ms(await canary.locator('td').nth(5).innerText())).toBeGreaterThan(ms(await stable.locator('td').nth(5).innerText()));

  // Latency of successful requests is drawn (as dots while there are only one or two buckets).
  await expect(page.getByTestId('chart-latency-ok').locator('path.recharts-line-curve, .recharts-line-dot').filter({ visible: true }).first()).toBeVisible();
  await expect(page.getByTestId('chart-errors').locator('.recharts-bar-rectangle').first()).toBeVisible();
  await expect(page.getByTestId('operations-table')).toContainText('POST /charges');
  await expect(page.getByTestId('upstream-table')).toContainText('checkout');
  // payment logs its declined and failed charges at ERROR.
  await expect(page.getByTestId('error-logs').locator('li').first()).toBeVisible({ timeout: 45_000 });
  await screenshotBothThemes(page, 'service-payment');

  // An upstream service links to its own page.
  await page.getByTestId('upstream-table').getByRole('link', { name: 'checkout' }).click();
  await expect(page).toHaveURL(/\/services\/checkout/);
  await expect(page.getByTestId('downstream-table')).toContainText('payment');
});

test('an SLO created in the UI shows its error budget, burn rates and alerts, and a paging alert notifies', async ({ page, loupe }) => {
  test.setTimeout(120_000);
  await recordNotifications(page);
  await openUi(page, loupe, '/slos');
  await expect(page.getByTestId('slo-file')).toContainText('slos.yaml');
  await page.getByRole('button', { name: 'Enable notifications' }).click();
  await expect(page.getByTestId('notifications-state')).toContainText('Notifications on');

  // orders fails more than 10% of its requests: a 99.9% objective burns its budget ~100× too fast.
  await page.getByRole('button', { name: 'New SLO' }).click();
  const dialog = page.getByRole('dialog', { name: 'New SLO' });
  await dialog.getByLabel('Name').fill('Orders availability');
  await dialog.getByLabel('Service').selectOption('orders');
  await dialog.getByLabel('Objective in percent').fill('99.9');
  await dialog.getByLabel('Rolling window').fill('30d');
  await dialog.getByRole('button', { name: 'Create SLO' }).click();
  await expect(dialog).toHaveCount(0);

  const card = page.locator('[data-testid="slo-card"][data-slo-id="orders-availability"]');
  await expect(card).toBeVisible();
  await expect(card.getByTestId('slo-state')).toHaveText('Page');
  await expect(card.getByTestId('slo-budget-value')).toHaveText(/spent|%/);
  await expect(card.getByTestId('slo-budget').getByRole('meter')).toBeVisible();
  await expect(card.getByTestId('slo-burn-rates').locator('.burn')).toHaveCount(7);
  await expect(card.getByTestId('slo-alerts').locator('tr[data-firing="true"]').first()).toBeVisible();
  await expect(card.getByTestId('slo-burn-down').locator('.recharts-area')).toBeVisible();

  // A second, healthy SLO; edited, then deleted.
  await page.getByRole('button', { name: 'New SLO' }).click();
  await dialog.getByLabel('Name').fill('Products latency');
  await dialog.getByLabel('Service').selectOption('products');
  await dialog.getByRole('radio', { name: 'Latency', exact: true }).check();
  await dialog.getByLabel('Latency threshold in milliseconds').fill('2000');
  await dialog.getByLabel('Objective in percent').fill('95');
  await dialog.getByLabel('Rolling window').fill('7d');
  await dialog.getByRole('button', { name: 'Create SLO' }).click();
  const products = page.locator('[data-testid="slo-card"][data-slo-id="products-latency"]');
  await expect(products.getByTestId('slo-state')).toHaveText('OK');
  await expect(products.getByTestId('slo-budget-value')).toHaveText(/%/);
  await products.getByRole('button', { name: 'Edit Products latency' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit Products latency' });
  await edit.getByLabel('Objective in percent').fill('90');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(products).toContainText('90% over a rolling 7d');
  const file = (await api<{ slos: Array<{ slo: { id: string; objective: number } }> }>(loupe, 'GET', '/api/slos')).slos;
  expect(file.find((s) => s.slo.id === 'products-latency')?.slo.objective).toBe(90);

  await screenshotBothThemes(page, 'slos');

  await products.getByRole('button', { name: 'Delete Products latency' }).click();
  await page.getByRole('dialog', { name: 'Delete Products latency?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(products).toHaveCount(0);

  // The evaluator announces the paging alert within its 30 s cycle: a toast and a notification.
  const toast = page.getByTestId('slo-alert-toast').filter({ hasText: 'Orders availability' });
  await expect(toast.first()).toBeVisible({ timeout: 45_000 });
  await expect(toast.first()).toContainText('orders');
  const shown = await page.evaluate(() => (window as unknown as { __notifications: Array<{ title: string }> }).__notifications);
  expect(shown.map((n) => n.title)).toContain('SLO alert: Orders availability');
});

test('compare with catalog colours declared, undeclared and stale dependencies', async ({ page, loupe }) => {
  test.skip(!DEMO_BUILT, DEMO);
  await loadCatalog(loupe);
  await openUi(page, loupe, '/map?compare=catalog');
  const canvas = page.getByTestId('map-canvas');
  await expect(canvas.locator('[data-edge-id="checkout→payment"]')).toHaveAttribute('data-drift', 'confirmed', { timeout: 30_000 });
  await expect(canvas.locator('[data-edge-id="checkout→cart"]')).toHaveAttribute('data-drift', 'undeclared');
  // fraud is declared but sent nothing: a ghost node at the end of a stale edge.
  await expect(canvas.locator('[data-node-id="fraud"]')).toHaveClass(/ghost/);
  await expect(canvas.locator('[data-edge-id="checkout→fraud"]')).toHaveAttribute('data-drift', 'stale');
  // No component describes frontend: marked ownerless; checkout has an owner.
  await expect(canvas.locator('[data-node-id="frontend"] .ownerless-badge')).toBeVisible();
  await expect(canvas.locator('[data-node-id="checkout"] .ownerless-badge')).toHaveCount(0);
  await expect(page.getByTestId('drift-totals')).toContainText(/1 confirmed/);
  await screenshotBothThemes(page, 'map-catalog');
});

test('the Services page puts the paging and failing services first and shows owners', async ({ page, loupe }) => {
  await loadCatalog(loupe);
  await api(loupe, 'PUT', '/api/slos/orders-availability', { id: 'orders-availability', name: 'Orders availability', service: 'orders', sli: 'availability', objective: 99.9, window: '30d' });
  await openUi(page, loupe, '/services');
  const table = page.getByTestId('services-table');
  await expect(page.getByRole('button', { name: 'Problems first' })).toHaveAttribute('aria-pressed', 'true');
  // orders pages (SLO) and fails more than 10%: first, with the reason next to its name.
  await expect(table.locator('tbody tr[data-service]').first()).toHaveAttribute('data-service', 'orders');
  await expect(table.locator('tr[data-service="orders"]').getByTestId('problem-reason')).toContainText('SLO page');
  // Paging, then failing, then degraded, then the rest (rows with a regression chip aside).
  const tiers = await table.locator('tbody tr[data-service]').evaluateAll((rows) =>
    rows
      .map((r): number | null => {
        const chips = [...r.querySelectorAll('[data-testid="problem-reason"]')].map((c) => c.textContent ?? '');
        const mark = r.querySelector('.health-mark')?.className ?? '';
        if (chips.some((c) => c.startsWith('p95'))) return null;
        return chips.some((c) => c.startsWith('SLO page')) ? 3 : mark.includes('failing') ? 2 : mark.includes('degraded') ? 1 : 0;
      })
      .filter((t): t is number => t !== null),
  );
  expect(tiers[0]).toBe(3);
  expect(tiers).toEqual([...tiers].sort((a, b) => b - a));
  // Owner from the catalog.
  await expect(table.getByRole('columnheader', { name: /Owner/ })).toBeVisible();
  if (DEMO_BUILT) await expect(table.locator('tr[data-service="payment"] .svc-owner-cell')).toHaveText('payments-team');
  await screenshotBothThemes(page, 'services-problems');

  // Ranked by error rate: descending error percentages.
  await page.getByRole('button', { name: 'Error rate' }).click();
  const rates = await table.locator('tbody tr[data-service] td:nth-child(3)').allInnerTexts();
  const numbers = rates.map((t) => (t.includes('%') ? Number(t.replace(/[<%]/g, '')) : -1));
  expect(numbers).toEqual([...numbers].sort((a, b) => b - a));

  // A row opens the service page.
  await table.locator('tr[data-service="orders"]').click();
  await expect(page).toHaveURL(/\/services\/orders/);
  await expect(page.getByTestId('service-page')).toContainText('orders');
});
