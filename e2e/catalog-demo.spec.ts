// What a new user sees in the Catalog and on the Drift page of the demo (`loupe serve --demo`
// ships a Backstage catalog of the shop: 29 entities; its drift is cart → redis observed but not
// declared, fulfillment → shipping-quotes declared but never called, shipping-quotes silent).
import { DEMO_BUILT, expect, openUi, screenshotBothThemes, test } from './fixtures';

test.skip(!DEMO_BUILT, 'the demo system is part of this build');

test('the demo catalog lists its 29 entities by kind, with owners, and a component page shows its owner and system', async ({ page, loupe }) => {
  test.setTimeout(150_000);
  await openUi(page, loupe, '/catalog');
  await expect(page.getByTestId('catalog-count')).toContainText('29', { timeout: 30_000 });
  const facets = page.getByTestId('catalog-facets');
  const kind = (name: string) => facets.locator('[data-facet="kind"] label', { hasText: name }).locator('.facet-count');
  await expect(kind('Component')).toHaveText('9');
  await expect(kind('API')).toHaveText('5');
  await expect(kind('Resource')).toHaveText('3');
  await expect(kind('System')).toHaveText('1');

  // Narrowed to components, each row names its owning team; the planned service sends nothing.
  await facets.locator('[data-facet="kind"] label', { hasText: 'Component' }).getByRole('checkbox').click();
  const rows = page.getByTestId('catalog-table').locator('tbody tr[data-ref]');
  await expect(rows).toHaveCount(9);
  await expect(page.locator('tr[data-ref="component:default/cart"]')).toContainText('orders-team');
  await expect(page.locator('tr[data-ref="component:default/shipping-quotes"] [data-health]')).toHaveAttribute('data-health', 'silent', { timeout: 30_000 });
  await screenshotBothThemes(page, 'catalog-demo-list');

  // A search finds a component by its description.
  await page.getByLabel('Search the catalog').fill('carrier');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-ref', 'component:default/shipping-quotes');

  // Its page: owner and system, as declared.
  await rows.first().getByRole('link').first().click();
  await expect(page).toHaveURL(/\/catalog\/component\/default\/shipping-quotes/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('shipping-quotes');
  await expect(page.getByText('owned by').first()).toBeVisible();
  await expect(page.locator('a[href^="/catalog/group/default/orders-team"]').first()).toBeVisible();
  await expect(page.locator('a[href^="/catalog/system/default/shop"]').first()).toHaveText('shop');
});

test('drift on the demo: cart calls redis undeclared, fulfillment never calls shipping-quotes, shipping-quotes is silent', async ({ page, loupe }) => {
  test.setTimeout(150_000);
  await openUi(page, loupe, '/catalog/drift');
  const table = page.getByTestId('drift-table');
  const cart = table.locator('tr[data-ref="component:default/cart"]');
  // cart's redis calls show up once the demo has run for a little while.
  await expect(cart.locator('[data-col="undeclared"]')).toContainText('redis', { timeout: 90_000 });
  // Its declared database is confirmed by the traces.
  await expect(cart.locator('[data-col="confirmed"]')).toContainText('shopdb');

  const fulfillment = table.locator('tr[data-ref="component:default/fulfillment"]');
  await expect(fulfillment.locator('[data-col="stale"]')).toContainText('shipping-quotes');
  await expect(fulfillment.locator('[data-col="undeclared"]')).not.toContainText('shipping-quotes');

  const silent = page.getByTestId('silent-components');
  await expect(silent.locator('tr[data-ref="component:default/shipping-quotes"]')).toBeVisible();
  await expect(silent.locator('tr[data-ref="component:default/cart"]')).toHaveCount(0);

  // The totals count at least what the rows show.
  const totals = page.getByTestId('drift-totals');
  await expect(totals.locator('[data-stat="undeclared"] .stat-value')).not.toHaveText('0');
  await expect(totals.locator('[data-stat="stale"] .stat-value')).not.toHaveText('0');
  await expect(totals.locator('[data-stat="silent components"] .stat-value')).not.toHaveText('0');
  await screenshotBothThemes(page, 'catalog-demo-drift');

  // The stale dependency links to the component it names.
  await fulfillment.locator('[data-col="stale"]').getByRole('link', { name: /shipping-quotes/ }).first().click();
  await expect(page).toHaveURL(/\/catalog\/component\/default\/shipping-quotes/);
});
