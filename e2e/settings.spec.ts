// Settings as a new user finds them: from the navigation or `g ,`, every section present, the
// session token masked until asked for, catalog sources editable in place.
import { expect, openUi, screenshotBothThemes, test } from './fixtures';

test('settings show how Loupe runs, with the token masked and catalog sources editable', async ({ emptyLoupe: loupe, page }) => {
  await openUi(page, loupe, '/services');
  await page.keyboard.press('g');
  await page.keyboard.press(',');
  await expect(page).toHaveURL(/\/settings/);
  for (const title of ['Appearance', 'Data directory', 'Retention', 'Indexed attributes', 'Ports', 'Session token', 'Catalog sources'])
    await expect(page.getByRole('heading', { name: title, level: 2 })).toBeVisible();
  await expect(page.getByTestId('settings-data-dir')).toContainText(loupe.dataDir);
  await expect(page.getByTestId('settings-listeners')).toContainText(loupe.otlpHttp);
  const token = page.getByTestId('settings-token');
  await expect(token).not.toContainText(loupe.token);
  await screenshotBothThemes(page, 'settings');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(token).toHaveText(loupe.token);
  await page.getByRole('button', { name: 'Hide' }).click();
  await expect(token).not.toContainText(loupe.token);

  const sources = page.getByTestId('catalog-sources');
  await sources.getByLabel('Folder or file to add').fill('/nowhere/catalog');
  await sources.getByRole('button', { name: 'Add' }).click();
  await expect(sources.locator('.source-row[data-path="/nowhere/catalog"]')).toContainText('missing');
  await sources.getByRole('button', { name: 'Remove /nowhere/catalog' }).click();
  await expect(sources.locator('.source-row[data-path="/nowhere/catalog"]')).toHaveCount(0);
});

test('a team adds its own attribute to the search index and takes it out again', async ({ emptyLoupe: loupe, page }) => {
  await openUi(page, loupe, '/settings#search');
  const section = page.getByTestId('search-attributes');
  await expect(section.locator('[data-search-key="http.*"]')).toBeVisible();
  await expect(section).toContainText('None yet');
  const input = section.getByLabel('Attribute key to index');

  await input.fill('app.*');
  await expect(section).toContainText('no wildcard');
  await expect(section.getByRole('button', { name: 'Index key' })).toBeDisabled();
  await input.fill('http.route');
  await section.getByRole('button', { name: 'Index key' }).click();
  await expect(section.getByRole('status')).toHaveText('http.route is already indexed, by http.*.');

  await input.fill('app.tenant');
  await input.press('Enter');
  await expect(section.locator('[data-search-key="app.tenant"]')).toContainText('since now');
  await expect(input).toHaveValue('');
  // Kept by the store, not the page.
  await page.reload();
  await expect(section.locator('[data-search-key="app.tenant"]')).toBeVisible();
  await screenshotBothThemes(page, 'settings-search-attributes');

  await section.getByRole('button', { name: 'Stop indexing app.tenant' }).click();
  await expect(section.locator('[data-search-key="app.tenant"]')).toHaveCount(0);
  await expect(section.getByRole('status')).toHaveText('app.tenant is no longer indexed.');
});

test('a trace search on a key the index does not keep links to indexing it', async ({ loupe, page }) => {
  // A key indexed by default carries no such link.
  await openUi(page, loupe, `/traces?service=billing&attr=${encodeURIComponent('rpc.grpc.status_code=9')}`);
  await expect(page.locator('.filter-chip', { hasText: 'rpc.grpc.status_code=9' })).toBeVisible();
  await expect(page.getByTestId('traces-table').locator('tbody tr[data-trace-id]').first()).toBeVisible();
  await expect(page.locator('.filter-chip-hint')).toHaveCount(0);

  await openUi(page, loupe, `/traces?service=billing&attr=${encodeURIComponent('app.payment.currency=EUR')}`);
  const chip = page.locator('.filter-chip', { hasText: 'app.payment.currency=EUR' });
  await chip.getByRole('link', { name: 'not indexed' }).click();
  await expect(page).toHaveURL(/\/settings\?index=app\.payment\.currency#search/);
  const section = page.getByTestId('search-attributes');
  await expect(section.getByLabel('Attribute key to index')).toHaveValue('app.payment.currency');
  await section.getByRole('button', { name: 'Index key' }).click();
  await expect(section.locator('[data-search-key="app.payment.currency"]')).toBeVisible();

  await page.goBack();
  await expect(chip).toBeVisible();
  await expect(page.getByTestId('traces-table').locator('tbody tr[data-trace-id]').first()).toBeVisible();
  await expect(chip.getByRole('link', { name: 'not indexed' })).toHaveCount(0);
  await chip.scrollIntoViewIfNeeded();
  await screenshotBothThemes(page, 'traces-filter-indexed');
  await openUi(page, loupe, '/settings#search');
  await page.getByRole('button', { name: 'Stop indexing app.payment.currency' }).click();
  await expect(page.locator('[data-search-key="app.payment.currency"]')).toHaveCount(0);
});
