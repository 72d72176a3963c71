// Settings as a new user finds them: from the navigation or `g ,`, every section present, the
// session token masked until asked for, catalog sources editable in place.
import { expect, openUi, screenshotBothThemes, test } from './fixtures';

test('settings show how Loupe runs, with the token masked and catalog sources editable', async ({ emptyLoupe: loupe, page }) => {
  await openUi(page, loupe, '/services');
  await page.keyboard.press('g');
  await page.keyboard.press(',');
  await expect(page).toHaveURL(/\/settings/);
  for (const title of ['Appearance', 'Data directory', 'Retention', 'Ports', 'Session token', 'Catalog sources'])
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
