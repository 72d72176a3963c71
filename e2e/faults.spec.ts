// Breaking the demo on purpose: the Faults panel explains each fault and switches it; a fault
// that is on is named on the map, and its effect shows there (checkout's calls to payment turn
// red when payment's processor stops answering), and its start is marked on the time charts.
import { DEMO_BUILT, expect, openUi, screenshotBothThemes, startLoupe, test as base, type Loupe } from './fixtures';

// A Loupe and demo of this file's own: a fault leaves its mark on the window's data (payment
// slow for everyone while its processor hangs), which must not reach the other specs' charts.
const test = base.extend<{}, { faultsLoupe: Loupe }>({
  faultsLoupe: [
    async ({}, use) => {
      const loupe = await startLoupe({ seed: false, demo: DEMO_BUILT });
      await use(loupe);
      await loupe.stop();
    },
    { scope: 'worker', timeout: 90_000 },
  ],
});

async function setFault(loupe: Loupe, fault: string, active: boolean): Promise<void> {
  await fetch(`${loupe.url}/api/demo/faults`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${loupe.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ fault, active }),
  });
}

test('the Faults panel switches a fault, and the map shows it and its effect', async ({ page, faultsLoupe: loupe }) => {
  test.skip(!DEMO_BUILT, 'the demo system is part of this build');
  test.setTimeout(180_000);
  try {
    await openUi(page, loupe, '/demo');
    const panel = page.getByTestId('faults-panel');
    await expect(page.getByTestId('demo-state')).toContainText('Running', { timeout: 60_000 });
    await expect(panel.locator('[data-fault]')).toHaveCount(6);
    const timeout = panel.locator('[data-fault="dependency-timeout"]');
    await expect(timeout).toContainText('Look for');
    await expect(timeout).toHaveAttribute('data-active', 'false');
    await expect(page.getByTestId('fault-history')).toHaveCount(0);
    await screenshotBothThemes(page, 'demo-faults');

    await timeout.getByRole('button', { name: 'Start fault dependency-timeout' }).click();
    await expect(timeout).toHaveAttribute('data-active', 'true');
    await expect(timeout).toContainText(/on for \d/);
    await expect(page.getByTestId('fault-history').locator('tbody tr').first()).toContainText('started');
    await screenshotBothThemes(page, 'demo-faults-on');

    // On the map, the last minute: the banner names the fault, and checkout → payment fails.
    await page.goto(`${loupe.url}/map?from=now-1m&to=now`);
    await expect(page.getByTestId('active-faults')).toContainText('A dependency times out');
    const edge = page.getByTestId('map-canvas').locator('[data-edge-id="checkout→payment"]');
    await expect(async () => {
      await page.reload();
      await expect(edge).toHaveAttribute('data-health', 'failing', { timeout: 3000 });
    }).toPass({ timeout: 90_000 });
    await screenshotBothThemes(page, 'map-fault');

    // The fault's start is marked on the time charts, next to the deploys.
    await openUi(page, loupe, '/services/checkout?from=now-15m&to=now');
    await expect(page.getByTestId('chart-marker').filter({ hasText: 'dependency-timeout on' }).first()).toBeVisible({ timeout: 30_000 });
    await screenshotBothThemes(page, 'service-fault-marker');

    // Switched off from the panel with the keyboard (4 is the fourth fault).
    await page.goto(`${loupe.url}/demo`);
    await expect(timeout).toHaveAttribute('data-active', 'true');
    await page.keyboard.press('4');
    await expect(timeout).toHaveAttribute('data-active', 'false');
    await expect(page.getByTestId('fault-history').locator('tbody tr').first()).toContainText('stopped');
    await page.goto(`${loupe.url}/map?from=now-1m&to=now`);
    await expect(page.getByTestId('map-canvas')).toBeVisible();
    await expect(page.getByTestId('active-faults')).toHaveCount(0);
  } finally {
    await setFault(loupe, 'dependency-timeout', false);
  }
});
