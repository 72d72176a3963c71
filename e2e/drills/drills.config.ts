// Captures the screens docs/drills.md is written from: `npm run build` first, then
//   npx playwright test -c e2e/drills/drills.config.ts
// Not part of `npm test` (it runs every fault for a minute or more); screenshots go to
// docs/drills/.
import { defineConfig } from '@playwright/test';
import base from '../playwright.config';

export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: 'capture.ts',
  timeout: 15 * 60_000,
});
