// During an incident the service page and the map drawer say who owns the failing service and
// where to go: on-call (PagerDuty, Opsgenie), runbook, source and dashboard, from its catalog
// component.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, openUi, screenshotBothThemes, startLoupe, test as base, type Loupe } from './fixtures';

const CATALOG = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: inventory
  annotations:
    pagerduty.com/service-id: PSTOCK1
    opsgenie.com/team: stock-oncall
    loupe.dev/runbook: https://runbooks.example.com/inventory
    backstage.io/source-location: url:https://github.com/acme/inventory
    grafana/overview-dashboard: https://grafana.example.com/d/inventory
spec:
  type: service
  lifecycle: production
  owner: group:team-stock
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-stock
spec:
  type: team
  children: []
`;

const test = base.extend<{}, { ownedLoupe: Loupe & { dir: string } }>({
  ownedLoupe: [
    async ({}, use) => {
      const dir = mkdtempSync(join(tmpdir(), 'loupe-owners-'));
      writeFileSync(join(dir, 'catalog-info.yaml'), CATALOG);
      const loupe = await startLoupe({ seed: false, args: ['--catalog', dir] });
      await use({ ...loupe, dir });
      await loupe.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 60_000 },
  ],
});

const hex = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');

/** checkout → inventory traces, inventory failing now and then, as OTLP/JSON over OTLP/HTTP. */
async function sendTraffic(loupe: Loupe): Promise<void> {
  const now = BigInt(Date.now()) * 1_000_000n;
  const res = (service: string, spans: object[]) => ({ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ scope: { name: 'e2e' }, spans }] });
  const checkout: object[] = [];
  const inventory: object[] = [];
  for (let i = 0; i < 20; i++) {
    const traceId = hex(32);
    const root = hex(16);
    const client = hex(16);
    const t = now - BigInt(i) * 3_000_000_000n;
    checkout.push({ traceId, spanId: root, name: 'POST /checkout', kind: 2, startTimeUnixNano: String(t - 40_000_000n), endTimeUnixNano: String(t), status: {} });
    checkout.push({ traceId, spanId: client, parentSpanId: root, name: 'GET', kind: 3, startTimeUnixNano: String(t - 30_000_000n), endTimeUnixNano: String(t - 10_000_000n), status: {} });
    inventory.push({ traceId, spanId: hex(16), parentSpanId: client, name: 'GET /stock', kind: 2, startTimeUnixNano: String(t - 28_000_000n), endTimeUnixNano: String(t - 12_000_000n), status: i % 4 === 0 ? { code: 2 } : {} });
  }
  const r = await fetch(`${loupe.otlpHttp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ resourceSpans: [res('checkout', checkout), res('inventory', inventory)] }) });
  expect(r.status).toBe(200);
}

test('the service page and the map drawer name the owner, on-call, runbook, source and dashboard', async ({ page, ownedLoupe }) => {
  await sendTraffic(ownedLoupe);
  await openUi(page, ownedLoupe, '/services/inventory?from=now-15m&to=now');
  const links = page.getByTestId('service-page').getByTestId('ownership-links');
  await expect(page.getByTestId('service-owner')).toContainText('owned by team-stock', { timeout: 30_000 });
  await expect(links.getByRole('link', { name: /PagerDuty service/ })).toHaveAttribute('href', 'https://app.pagerduty.com/service-directory/PSTOCK1');
  await expect(links).toContainText('Opsgenie stock-oncall');
  await expect(links.getByRole('link', { name: /Runbook/ })).toHaveAttribute('href', 'https://runbooks.example.com/inventory');
  await expect(links.getByRole('link', { name: /^Source/ })).toHaveAttribute('href', 'https://github.com/acme/inventory');
  await expect(links.getByRole('link', { name: /Grafana dashboard/ })).toHaveAttribute('href', 'https://grafana.example.com/d/inventory');
  await screenshotBothThemes(page, 'service-ownership');

  await openUi(page, ownedLoupe, '/map?from=now-15m&to=now&sel=inventory');
  const drawer = page.getByTestId('map-drawer');
  await expect(drawer.getByTestId('ownership')).toContainText('owned by team-stock', { timeout: 30_000 });
  await expect(drawer.getByRole('link', { name: /PagerDuty service/ })).toBeVisible();
  await expect(drawer.getByRole('link', { name: /Runbook/ })).toBeVisible();
  await screenshotBothThemes(page, 'map-drawer-ownership');

  // A service without a catalog component says so instead of showing empty links.
  await openUi(page, ownedLoupe, '/services/checkout?from=now-15m&to=now');
  await expect(page.getByTestId('service-owner')).toContainText('no owner in the catalog', { timeout: 30_000 });
  await expect(page.getByTestId('ownership-links')).toHaveCount(0);
});
