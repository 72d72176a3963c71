// The service catalog as a team uses it: descriptors for every kind written next to "their
// repos", added through the sources screen, then read against the live demo shop — who owns
// what, how healthy it is, the relations graph, where declared dependencies differ from the
// calls seen in traces, and what is wrong in the files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from '@playwright/test';
import { DEMO_BUILT, apiGet, expect, openUi, screenshotBothThemes, startLoupe, type Loupe } from './fixtures';

// checkout really calls cart (declared with dependsOn) and payment (through payments-api); it
// never calls recommendation, which it declares. fulfillment has no component: nobody owns it.
// legacy-billing sends nothing: a silent component.
const CATALOG = `apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: shop-root
  description: Everything the shop declares
spec:
  targets: [./org.yaml]
---
apiVersion: backstage.io/v1alpha1
kind: Domain
metadata:
  name: commerce
  title: Commerce
spec:
  owner: platform
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: shop
  title: Online shop
  description: Browsing, cart and checkout
spec:
  owner: team-shop
  domain: commerce
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout
  title: Checkout service
  description: Turns a cart into an order and charges the card
  tags: [typescript, payments]
  annotations:
    pagerduty.com/service-id: PX1234
    loupe.dev/runbook: https://wiki.example.com/runbooks/checkout
    github.com/project-slug: acme/checkout
spec:
  type: service
  lifecycle: production
  owner: team-shop
  system: shop
  providesApis: [checkout-api]
  consumesApis: [payments-api]
  dependsOn: [component:cart, component:recommendation]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: cart
  description: Keeps shoppers' baskets
  tags: [typescript]
spec:
  type: service
  lifecycle: production
  owner: team-shop
  system: shop
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payment
  title: Payment service
  tags: [go, payments]
spec:
  type: service
  lifecycle: production
  owner: team-pay
  system: shop
  providesApis: [payments-api]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: frontend
spec:
  type: website
  lifecycle: production
  owner: team-shop
  system: shop
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: gateway
spec:
  type: service
  lifecycle: production
  owner: platform
  system: shop
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: inventory
spec:
  type: service
  lifecycle: experimental
  owner: team-shop
  system: shop
  dependsOn: [resource:shop-db]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: recommendation
spec:
  type: service
  lifecycle: experimental
  owner: team-shop
  system: shop
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: legacy-billing
  description: Invoices from before the shop moved
spec:
  type: service
  lifecycle: deprecated
  owner: team-shop
  system: shop
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: checkout-api
spec:
  type: openapi
  lifecycle: production
  owner: team-shop
  system: shop
  definition: "openapi: 3.0.0"
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: payments-api
spec:
  type: grpc
  lifecycle: production
  owner: team-pay
  system: shop
  definition: "syntax = \\"proto3\\";"
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: shop-db
spec:
  type: database
  owner: team-shop
  system: shop
---
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: node-service
  title: Node.js service
spec:
  type: service
  owner: platform
  steps: []
`;

const ORG = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: platform
spec:
  type: organization
  profile:
    displayName: Platform
  children: [team-shop, team-pay]
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-shop
  description: Builds the shop
spec:
  type: team
  profile:
    displayName: Shop team
    email: shop@example.com
  parent: platform
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-pay
spec:
  type: team
  parent: platform
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: alice
spec:
  profile:
    displayName: Alice Example
    email: alice@example.com
  memberOf: [team-shop]
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: bob
spec:
  memberOf: [team-shop]
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: carol
spec:
  memberOf: [team-pay]
`;

// Another repo's descriptor: a name Backstage refuses, a component without an owner, and a
// dependency on something nothing declares.
const BROKEN = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: Bad Name!
spec:
  type: service
  lifecycle: production
  owner: team-shop
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: nightly-export
spec:
  type: service
  lifecycle: production
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: invoice-job
spec:
  type: service
  lifecycle: production
  owner: team-shop
  dependsOn: [component:ghost]
`;

interface Catalog {
  loupe: Loupe;
  dir: string;
}

const test = base.extend<{}, { catalog: Catalog }>({
  catalog: [
    async ({}, use) => {
      // The demo's traffic, judged against this file's catalog only (not the one the demo brings).
      const loupe = await startLoupe({ seed: true, demo: DEMO_BUILT, args: ['--no-demo-catalog'] });
      const dir = mkdtempSync(join(tmpdir(), 'loupe-catalog-'));
      writeFileSync(join(dir, 'catalog-info.yaml'), CATALOG);
      writeFileSync(join(dir, 'org.yaml'), ORG);
      await use({ loupe, dir });
      await loupe.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 90_000 },
  ],
});

async function api<T>(loupe: Loupe, path: string, init?: RequestInit): Promise<T> {
  if (!init) return apiGet<T>(loupe, path);
  const res = await fetch(loupe.url + path, { ...init, headers: { Authorization: `Bearer ${loupe.token}`, 'Content-Type': 'application/json' } });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Tests after the first find the folder already added; after a worker restart they add it again. */
async function ensureCatalog({ loupe, dir }: Catalog): Promise<void> {
  const { sources } = await api<{ sources: Array<{ path: string }> }>(loupe, '/api/catalog/sources');
  if (!sources.some((s) => s.path === dir)) await api(loupe, '/api/catalog/sources', { method: 'PUT', body: JSON.stringify({ sources: [dir] }) });
}

test.beforeAll(() => {
  expect(DEMO_BUILT, 'the demo shop is part of the build (node build/build.mjs)').toBe(true);
});

test('an empty catalog explains itself, and adding a folder in the sources panel loads it', async ({ page, catalog }) => {
  await openUi(page, catalog.loupe, '/catalog');
  const empty = page.getByTestId('catalog-empty');
  await expect(empty).toContainText('catalog-info.yaml');
  await expect(empty).toContainText('loupe serve --catalog');
  await screenshotBothThemes(page, 'catalog-empty');

  await page.getByLabel('Folder or file to add').fill(catalog.dir);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  // The list replaces the empty state once the folder is read.
  await expect(page.getByTestId('catalog-table')).toBeVisible();
  await expect(page.getByTestId('catalog-count')).toContainText('21 entities');

  await page.getByRole('link', { name: 'Sources', exact: true }).click();
  const row = page.getByTestId('catalog-sources').locator(`li[data-path="${catalog.dir}"]`);
  await expect(row).toContainText('added here');
  await expect(row.locator('.source-ok')).toBeVisible();
});

test('the list combines facets and search, with counts, and shows the health of running components', async ({ page, catalog }) => {
  await ensureCatalog(catalog);
  // g c from anywhere opens the catalog, keeping the time range.
  await openUi(page, catalog.loupe, '/services?from=now-6h&to=now');
  await page.keyboard.press('g');
  await page.keyboard.press('c');
  await expect(page).toHaveURL(/\/catalog\?from=now-6h&to=now$/);
  await openUi(page, catalog.loupe, '/catalog');
  const facets = page.getByTestId('catalog-facets');
  const component = facets.locator('[data-facet="kind"] label', { hasText: 'Component' });
  await expect(component.locator('.facet-count')).toHaveText('8');
  await expect(facets.locator('[data-facet="kind"] label', { hasText: 'User' }).locator('.facet-count')).toHaveText('3');

  await component.getByRole('checkbox').click();
  await expect(page).toHaveURL(/kind=Component/);
  const rows = page.getByTestId('catalog-table').locator('tbody tr[data-ref]');
  await expect(rows).toHaveCount(8);
  // Other facets count within the selection: team-shop owns 6 of the 8 components.
  const teamShop = facets.locator('[data-facet="owner"] label', { hasText: 'team-shop' });
  await expect(teamShop.locator('.facet-count')).toHaveText('6');
  await teamShop.getByRole('checkbox').click();
  await expect(teamShop.getByRole('checkbox')).toBeChecked();
  await expect(rows).toHaveCount(6);
  // Components the demo runs show their health; the one that sends nothing is silent.
  await expect(page.locator('tr[data-ref="component:default/cart"] [data-health]')).toHaveAttribute('data-health', /healthy|degraded|failing/);
  await expect(page.locator('tr[data-ref="component:default/legacy-billing"] [data-health]')).toHaveAttribute('data-health', 'silent');
  await screenshotBothThemes(page, 'catalog-list');

  await page.getByLabel('Search the catalog').fill('baskets');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-ref', 'component:default/cart');
  await expect(page).toHaveURL(/q=baskets/);
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(rows).toHaveCount(21);
});

test('a component page shows its owner, links, live signals, errors and declared-vs-observed dependencies', async ({ page, catalog }) => {
  await ensureCatalog(catalog);
  await openUi(page, catalog.loupe, '/catalog');
  await page.getByTestId('catalog-table').locator('tr[data-ref="component:default/checkout"] .cat-name').click();
  await expect(page).toHaveURL(/\/catalog\/component\/default\/checkout/);
  await expect(page.getByRole('heading', { name: 'Checkout service' })).toBeVisible();
  await expect(page.getByTestId('entity-owner')).toContainText('Shop team');
  const links = page.getByTestId('entity-links');
  await expect(links.getByRole('link', { name: /Runbook/ })).toHaveAttribute('href', 'https://wiki.example.com/runbooks/checkout');
  await expect(links.getByRole('link', { name: /PagerDuty service/ })).toHaveAttribute('href', /PX1234/);
  await expect(page.getByTestId('golden-signals').locator('.recharts-surface').first()).toBeVisible();
  await expect(page.getByTestId('entity-apis')).toContainText('payments-api');

  const deps = page.getByTestId('entity-dependencies');
  await expect(deps.locator('tr[data-dependency="cart"]')).toHaveAttribute('data-status', 'confirmed', { timeout: 30_000 });
  await expect(deps.locator('tr[data-dependency="payment"]')).toHaveAttribute('data-status', 'confirmed');
  await expect(deps.locator('tr[data-dependency="recommendation"]')).toHaveAttribute('data-status', 'stale');
  await expect(deps.locator('tr[data-dependency="inventory"]')).toHaveAttribute('data-status', 'undeclared');
  await expect(page.getByTestId('service-page-link')).toHaveAttribute('href', /\/services\/checkout/);
  await screenshotBothThemes(page, 'catalog-entity');
});

test('a team page lists its members and what it owns, with health, marking silent components', async ({ page, catalog }) => {
  await ensureCatalog(catalog);
  await openUi(page, catalog.loupe, '/catalog/component/default/checkout');
  await page.getByTestId('entity-owner').getByRole('link', { name: 'Shop team' }).click();
  await expect(page).toHaveURL(/\/catalog\/group\/default\/team-shop/);
  const owned = page.getByTestId('team-owned-table');
  for (const ref of ['checkout', 'cart', 'frontend', 'inventory', 'recommendation', 'legacy-billing']) {
    await expect(owned.locator(`tr[data-ref="component:default/${ref}"]`)).toBeVisible();
  }
  await expect(owned.locator('tr[data-ref="component:default/payment"]')).toHaveCount(0);
  await expect(owned.locator('tr[data-ref="component:default/legacy-billing"]')).toHaveAttribute('data-health', 'silent');
  await expect(owned.locator('tr[data-ref="component:default/cart"]')).toHaveAttribute('data-health', /healthy|degraded|failing/);
  await expect(page.getByTestId('health-rollup')).toContainText('6 components');
  await expect(page.getByTestId('health-rollup')).toContainText('1 silent');
  await expect(page.getByTestId('team-members')).toContainText('Alice Example');
  await expect(page.getByTestId('team-members')).toContainText('alice@example.com');
  await screenshotBothThemes(page, 'catalog-team');

  // The system page rolls the same components up.
  await openUi(page, catalog.loupe, '/catalog/system/default/shop');
  await expect(page.getByTestId('system-components-table').locator('tbody tr')).toHaveCount(8);
  await expect(page.getByTestId('health-rollup')).toContainText('8 components');
});

test('the relations graph follows depth and relation types, and a node opens its entity', async ({ page, catalog }) => {
  await ensureCatalog(catalog);
  await openUi(page, catalog.loupe, '/catalog/component/default/checkout/graph?depth=1');
  const graph = page.getByTestId('relations-graph');
  const node = (ref: string) => graph.locator(`[data-node="${ref}"]`);
  await expect(node('component:default/checkout')).toBeVisible();
  await expect(node('group:default/team-shop')).toBeVisible();
  await expect(node('api:default/payments-api')).toBeVisible();
  // Two hops reach the team's members and the component behind the consumed API.
  await expect(node('user:default/alice')).toHaveCount(0);
  await graph.getByLabel('Depth').selectOption('2');
  await expect(node('user:default/alice')).toBeVisible();
  await expect(node('component:default/payment')).toBeVisible();
  await screenshotBothThemes(page, 'catalog-graph');

  // One hop without part-of relations: the system drops out (at two hops it is reached as
  // the team's property).
  await graph.getByLabel('Depth').selectOption('1');
  // The boxes follow the URL, which changes just after the click.
  await graph.getByRole('checkbox', { name: 'part of' }).click();
  await expect(page).toHaveURL(/rel=/);
  await expect(graph.getByRole('checkbox', { name: 'part of' })).not.toBeChecked();
  await expect(node('system:default/shop')).toHaveCount(0);

  await node('group:default/team-shop').click();
  await expect(page).toHaveURL(/\/catalog\/group\/default\/team-shop$|\/catalog\/group\/default\/team-shop\?/);
  await expect(page.getByRole('heading', { name: 'Shop team' })).toBeVisible();
});

test('the drift report shows confirmed, undeclared and stale dependencies, ownerless services and silent components', async ({ page, catalog }) => {
  await ensureCatalog(catalog);
  await openUi(page, catalog.loupe, '/catalog/drift');
  const row = page.getByTestId('drift-table').locator('tr[data-ref="component:default/checkout"]');
  await expect(row.locator('[data-col="confirmed"] [data-dep="cart"]')).toBeVisible({ timeout: 30_000 });
  await expect(row.locator('[data-col="confirmed"] [data-dep="payment"]')).toBeVisible();
  await expect(row.locator('[data-col="undeclared"] [data-dep="inventory"]')).toBeVisible();
  await expect(row.locator('[data-col="stale"] [data-dep="recommendation"]')).toBeVisible();
  await expect(page.getByTestId('ownerless-services').locator('li[data-service="fulfillment"]')).toBeVisible();
  await expect(page.getByTestId('ownerless-services').locator('li[data-service="checkout"]')).toHaveCount(0);
  await expect(page.getByTestId('silent-components').locator('tr[data-ref="component:default/legacy-billing"]')).toBeVisible();

  // The totals agree with the API for the same window.
  const report = await apiGet<{ totals: { confirmed: number; stale: number }; ownerlessServices: unknown[] }>(catalog.loupe, '/api/catalog/drift');
  const totals = page.getByTestId('drift-totals');
  await expect(totals.locator('[data-stat="stale"] .stat-value')).toHaveText(String(report.totals.stale));
  await expect(totals.locator('[data-stat="ownerless services"] .stat-value')).toHaveText(String(report.ownerlessServices.length));

  // An ownerless service can be claimed with a descriptor to copy.
  await page.getByTestId('ownerless-services').locator('li[data-service="fulfillment"]').getByRole('button', { name: 'Declare it' }).click();
  await expect(page.getByTestId('ownerless-services').locator('pre')).toContainText('name: fulfillment');
  await screenshotBothThemes(page, 'catalog-drift');
});

test('a broken descriptor shows up in the problems view with file, line and rule, and as a badge in the navigation', async ({ page, catalog }) => {
  await ensureCatalog(catalog);
  await openUi(page, catalog.loupe, '/catalog');
  const badge = page.getByTestId('catalog-nav-badge');
  await expect(badge).toHaveCount(0);
  const repo = join(catalog.dir, 'billing-jobs');
  mkdirSync(repo, { recursive: true });
  writeFileSync(join(repo, 'catalog-info.yaml'), BROKEN);
  // Live reload: the file watcher tells the UI, which refetches the problems.
  await expect(badge).toBeVisible({ timeout: 20_000 });

  await page.getByRole('link', { name: /Problems/ }).first().click();
  const table = page.getByTestId('problems-table');
  await expect(table.locator('tr[data-rule="metadata.name.format"]')).toContainText('billing-jobs/catalog-info.yaml:4');
  await expect(table.locator('tr[data-rule="spec.field-required"]')).toContainText('spec.owner');
  await expect(table.locator('tr[data-rule="ref.dangling"]')).toContainText('ghost');
  await screenshotBothThemes(page, 'catalog-problems');

  // Filtering by rule leaves only that rule's rows.
  await page.getByTestId('problem-filters').getByRole('button', { name: /^ref\.dangling/ }).click();
  await expect(page).toHaveURL(/rule=ref\.dangling/);
  const rules = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-rule')));
  expect(rules.length).toBeGreaterThan(0);
  expect(new Set(rules)).toEqual(new Set(['ref.dangling']));

  rmSync(repo, { recursive: true });
  await expect(badge).toHaveCount(0, { timeout: 20_000 });
});
