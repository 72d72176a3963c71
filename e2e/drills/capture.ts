// Runs each demo fault in turn against a fresh Loupe with the demo, and saves the screens a
// responder would go through (see docs/drills.md) in the dark theme.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expect, openUi, startLoupe, test, type Loupe } from '../fixtures';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'drills');
const FAULT_RUNS_MS = Number(process.env.DRILL_FAULT_MS ?? 60_000);
const WINDOW = 'from=now-5m&to=now';

async function setFault(loupe: Loupe, fault: string, active: boolean): Promise<void> {
  const res = await fetch(`${loupe.url}/api/demo/faults`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${loupe.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ fault, active }),
  });
  if (!res.ok) throw new Error(`${fault}: ${res.status} ${await res.text()}`);
}

async function shot(page: Page, path: string, name: string): Promise<void> {
  await page.goto(path);
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(OUT, `${name}.png`) });
}

const DRILLS: Array<{ fault: string; screens: Array<[string, string]> }> = [
  { fault: 'kill-instance', screens: [['map', `/map?${WINDOW}&edge=checkout%E2%86%92payment`], ['service', `/services/payment?${WINDOW}`]] },
  { fault: 'slow-database', screens: [['map', `/map?${WINDOW}&sel=db%3Apostgresql%2Fshopdb`], ['service', `/services/inventory?${WINDOW}`]] },
  { fault: 'stop-consumer', screens: [['map', `/map?${WINDOW}&sel=queue%3Akafka%2Forders`], ['service', `/services/fulfillment?${WINDOW}`]] },
  { fault: 'dependency-timeout', screens: [['map', `/map?${WINDOW}&edge=checkout%E2%86%92payment`], ['service', `/services/checkout?${WINDOW}`]] },
  { fault: 'bad-version', screens: [['services', `/services?${WINDOW}`], ['service', `/services/checkout?${WINDOW}`]] },
  { fault: 'silent-service', screens: [['services', `/services?from=now-1m&to=now`], ['map', `/map?from=now-1m&to=now`]] },
];

test('capture the drill screens', async ({ page }) => {
  mkdirSync(OUT, { recursive: true });
  const loupe = await startLoupe({ seed: false, demo: true });
  try {
    await openUi(page, loupe, '/demo');
    await expect(page.getByTestId('demo-state')).toContainText('Running', { timeout: 90_000 });
    // A calm baseline first, so every fault shows as a change.
    await page.waitForTimeout(FAULT_RUNS_MS);
    await shot(page, `${loupe.url}/map?${WINDOW}`, 'baseline-map');
    for (const drill of DRILLS) {
      if (process.env.DRILL && process.env.DRILL !== drill.fault) continue;
      await setFault(loupe, drill.fault, true);
      await page.waitForTimeout(FAULT_RUNS_MS);
      for (const [name, path] of drill.screens) await shot(page, loupe.url + path, `${drill.fault}-${name}`);
      await setFault(loupe, drill.fault, false);
      await page.waitForTimeout(20_000);
    }
  } finally {
    await loupe.stop();
  }
});
