// Handing an incident to a colleague: snapshot the time range with the camera button, then open
// the zip as a read-only view (`loupe serve --snapshot`) and by importing it into an empty Loupe,
// and see the same services for that window.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiGet, expect, openUi, screenshotBothThemes, startLoupe, startSnapshotView, test as base, type Loupe } from './fixtures';
import { SEED_SERVICES } from './seed';

// Loupes of this file's own, without the demo: the shared ones may run it, and a snapshot of a
// window the demo keeps writing into is neither small nor the same twice.
const test = base.extend<{}, { source: Loupe; target: Loupe }>({
  source: [
    async ({}, use) => {
      const loupe = await startLoupe({ seed: true, demo: false });
      await use(loupe);
      await loupe.stop();
    },
    { scope: 'worker', timeout: 90_000 },
  ],
  target: [
    async ({}, use) => {
      const loupe = await startLoupe({ seed: false });
      await use(loupe);
      await loupe.stop();
    },
    { scope: 'worker', timeout: 60_000 },
  ],
});

const files: string[] = [];
test.afterAll(() => {
  for (const f of files) rmSync(f, { force: true });
});

/** Downloads the page's time range with the camera button; returns the saved file. */
async function snapshotWithCameraButton(page: import('@playwright/test').Page): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Snapshot this time range' }).click()]);
  // failure() waits for the download to finish: null means the whole zip arrived.
  expect(await download.failure()).toBeNull();
  expect(download.suggestedFilename()).toMatch(/^loupe-snapshot-\d{8}-\d{4}-\d{8}-\d{4}\.zip$/);
  const file = join(tmpdir(), `loupe-e2e-${process.pid}-${Date.now()}-${download.suggestedFilename()}`);
  await download.saveAs(file);
  files.push(file);
  return file;
}

const rowsOf = (page: import('@playwright/test').Page) => page.getByTestId('services-table').locator('tbody tr[data-service]');

test('a snapshot opens as a read-only view at its window with the same services', async ({ page, source }) => {
  test.setTimeout(150_000);
  const from = Date.now() - 3_600_000;
  const to = Date.now() + 60_000;
  await openUi(page, source, `/services?from=${from}&to=${to}`);
  await expect(rowsOf(page).first()).toBeVisible({ timeout: 30_000 });
  const expected = (await apiGet<Array<{ name: string }>>(source, `/api/services?from=${from}&to=${to}`)).map((s) => s.name).sort();
  expect(expected).toEqual(expect.arrayContaining(SEED_SERVICES));
  const file = await snapshotWithCameraButton(page);

  const view = await startSnapshotView(file);
  try {
    // Opened with no range in the address: the view moves to the snapshot's window itself.
    await openUi(page, view, '/services');
    const banner = page.getByTestId('snapshot-banner');
    await expect(banner).toContainText('read only', { timeout: 30_000 });
    await expect(banner).toContainText(/Snapshot of .* — read only/);
    await expect(page).toHaveURL(new RegExp(`from=${from}&to=${to}`));
    for (const name of expected) await expect(page.locator(`tr[data-service="${name}"]`)).toBeVisible();
    await expect(rowsOf(page)).toHaveCount(expected.length);
    await screenshotBothThemes(page, 'snapshot-view');

    // Moving away and back: the banner offers the way back to the snapshot's window.
    await openUi(page, view, '/services?from=now-15m&to=now');
    await banner.getByRole('button', { name: "Back to the snapshot's window" }).click();
    await expect(page).toHaveURL(new RegExp(`from=${from}&to=${to}`));
    await expect(rowsOf(page)).toHaveCount(expected.length);
  } finally {
    await view.stop();
  }
});

test('a snapshot imported into an empty Loupe shows its services at its window', async ({ page, source, target }) => {
  test.setTimeout(150_000);
  const from = Date.now() - 3_600_000;
  const to = Date.now() + 60_000;
  await openUi(page, source, `/services?from=${from}&to=${to}`);
  await expect(rowsOf(page).first()).toBeVisible({ timeout: 30_000 });
  const file = await snapshotWithCameraButton(page);

  await openUi(page, target, '/services');
  await page.getByTestId('import-input').setInputFiles(file);
  const panel = page.getByTestId('import-panel');
  await expect(panel).toContainText('Imported', { timeout: 60_000 });
  await expect(panel).toContainText('as loupe-snapshot');
  await screenshotBothThemes(page, 'snapshot-import');
  await panel.getByRole('button', { name: "Show the snapshot's time range" }).click();
  await expect(page).toHaveURL(new RegExp(`from=${from}&to=${to}`));
  for (const name of SEED_SERVICES) await expect(page.locator(`tr[data-service="${name}"]`)).toBeVisible({ timeout: 30_000 });
});
