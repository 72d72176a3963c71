// A map a new user can read: the whole demo shop fits the canvas when the page opens and again
// when the drawer opens and closes; edge labels never cover each other (also with the catalog
// laid over the map); and an edge opens when clicked a few pixels beside its line.
import type { Page } from '@playwright/test';
import { DEMO_BUILT, expect, openUi, screenshotBothThemes, test } from './fixtures';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Every node's card lies inside the canvas (1 px of rounding allowed). */
async function nodesOutsideCanvas(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const canvas = document.querySelector('[data-testid="map-canvas"]')!.getBoundingClientRect();
    const out: string[] = [];
    for (const node of document.querySelectorAll<SVGGElement>('[data-testid="map-canvas"] [data-node-id]')) {
      const r = node.querySelector('.node-card')!.getBoundingClientRect();
      if (r.left < canvas.left - 1 || r.right > canvas.right + 1 || r.top < canvas.top - 1 || r.bottom > canvas.bottom + 1) out.push(node.dataset.nodeId!);
    }
    return out;
  });
}

async function expectFitted(page: Page, when: string): Promise<void> {
  await expect.poll(() => nodesOutsideCanvas(page), { message: `every node inside the canvas ${when}`, timeout: 10_000 }).toEqual([]);
}

/** Pairs of edge labels whose drawn boxes overlap. */
async function overlappingLabels(page: Page): Promise<string[]> {
  const boxes = await page.locator('[data-testid="map-canvas"] .edge-label').evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      return { text: el.textContent ?? '', x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );
  const hit = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  const pairs: string[] = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) if (hit(boxes[i], boxes[j])) pairs.push(`${boxes[i].text} / ${boxes[j].text}`);
  return pairs;
}

test('the map fits its canvas on open and as the drawer opens and closes; labels never overlap; an edge opens from a click beside it', async ({ page, loupe }) => {
  test.skip(!DEMO_BUILT, 'the demo system is part of this build');
  test.setTimeout(150_000);
  const canvas = page.getByTestId('map-canvas');
  const drawer = page.getByTestId('map-drawer');
  // The shop namespace: the seeded storefront and the demo shop beside it, with traffic on the
  // edges the labels describe. The live map grows as the demo runs.
  await openUi(page, loupe, '/map?ns=shop');
  await expect(canvas.locator('[data-node-id="storefront"]')).toBeVisible({ timeout: 60_000 });
  await expect.poll(() => canvas.locator('[data-node-id]').count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(9);
  await expect.poll(() => canvas.locator('.edge-label').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(5);
  // The fit settles once the map stops growing.
  await page.getByRole('button', { name: 'Fit to screen' }).click();

  await expectFitted(page, 'when the map opens');
  expect(await overlappingLabels(page)).toEqual([]);
  // Labels are drawn at a size that can be read: at least 8 px on screen at the fitted zoom.
  const labelHeight = await canvas.locator('.edge-label tspan').first().evaluate((el) => el.getBoundingClientRect().height);
  expect(labelHeight).toBeGreaterThanOrEqual(8);
  await screenshotBothThemes(page, 'map-fitted');

  // Opening the drawer narrows the canvas: the map is fitted again, and again when it closes.
  const before = (await canvas.boundingBox())!;
  await canvas.locator('[data-node-id="orders"]').click();
  await expect(drawer).toBeVisible();
  await expect.poll(async () => (await canvas.boundingBox())!.width).toBeLessThan(before.width - 100);
  await expectFitted(page, 'with the drawer open');
  expect(await overlappingLabels(page)).toEqual([]);
  await screenshotBothThemes(page, 'map-fitted-drawer');
  await page.getByRole('complementary', { name: 'Details' }).getByRole('button', { name: 'Close' }).click();
  await expect(drawer).toHaveCount(0);
  await expect.poll(async () => (await canvas.boundingBox())!.width).toBeGreaterThan(before.width - 2);
  await expectFitted(page, 'after the drawer closed');

  // The catalog laid over the map adds ghost nodes, stale edges and badges: still no overlaps.
  const compare = page.getByRole('checkbox', { name: 'Compare with catalog' });
  await compare.click();
  await expect(compare).toBeChecked();
  await expect(page.getByTestId('drift-totals')).toBeVisible({ timeout: 15_000 });
  await expectFitted(page, 'with the catalog overlay');
  await expect.poll(() => overlappingLabels(page), { timeout: 5000 }).toEqual([]);
  await screenshotBothThemes(page, 'map-fitted-catalog');
  await compare.click();
  await expect(compare).not.toBeChecked();

  // A click 7 px beside the middle of the storefront → orders line (perpendicular to it) opens that edge.
  const edge = canvas.locator('[data-edge-id="storefront→orders"] .edge-line');
  await expect(edge).toHaveCount(1);
  const near = await edge.evaluate((path: SVGPathElement) => {
    const length = path.getTotalLength();
    const m = path.getScreenCTM()!;
    const at = (l: number) => new DOMPoint(path.getPointAtLength(l).x, path.getPointAtLength(l).y).matrixTransform(m);
    const mid = at(length / 2);
    const ahead = at(length / 2 + 2);
    const dx = ahead.x - mid.x;
    const dy = ahead.y - mid.y;
    const n = Math.hypot(dx, dy) || 1;
    // Both sides; the test uses the one where nothing else (a node, another edge) is under the pointer.
    return [1, -1].map((side) => ({ x: mid.x - (dy / n) * 7 * side, y: mid.y + (dx / n) * 7 * side }));
  });
  const spot = await page.evaluate(
    (points) => points.find((p) => document.elementFromPoint(p.x, p.y)?.closest('[data-edge-id]')?.getAttribute('data-edge-id') === 'storefront→orders') ?? points[0],
    near,
  );
  await page.mouse.click(spot.x, spot.y);
  await expect(page).toHaveURL(/edge=storefront(%E2%86%92|→)orders/);
  await expect(drawer).toContainText('storefront');
  await expect(drawer).toContainText('orders');
});
