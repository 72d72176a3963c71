// Data-source features seen in the UI: a catalog-provider plugin's entities in Settings ›
// Catalog sources with its state; renaming a data source in Settings › Data sources (a link
// with the old name is moved to the new one); the metrics explorer's builder writing PromQL for
// a real Prometheus from its label names and values; a scrape target behind a bearer token,
// down with a 401 until the token is entered in the scrape source's form.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { startBackend, startExporter, until, type Backend } from '../main/testing/prom-backends';
import { expect, openUi, screenshotBothThemes, startLoupe, test as base, type Loupe } from './fixtures';

const PLUGIN = join(import.meta.dirname, '..', 'main', 'plugin-host', 'testdata', 'team-directory');

const test = base.extend<{}, { pluginLoupe: Loupe; prometheus: Backend }>({
  pluginLoupe: [
    async ({}, use) => {
      const loupe = await startLoupe({ seed: true, args: ['--plugin', PLUGIN] });
      await use(loupe);
      await loupe.stop();
    },
    { scope: 'worker', timeout: 90_000 },
  ],
  prometheus: [
    async ({}, use) => {
      const exporter = await startExporter();
      const prom = await startBackend('prometheus', [{ port: exporter.port, path: '/metrics', job: 'otel-collector' }]);
      await until('Prometheus to have scraped the exporter', async () => {
        const r = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent('count_over_time(up[1m])')}`);
        const body = (await r.json()) as { data: { result: Array<{ value: [number, string] }> } };
        return Number(body.data.result[0]?.value[1] ?? 0) >= 5;
      }, 60_000);
      await use(prom);
      await prom.close();
      await exporter.close();
    },
    { scope: 'worker', timeout: 90_000 },
  ],
});

test.describe.configure({ mode: 'serial' });

async function put(loupe: Loupe, name: string, type: string, settings: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${loupe.url}/api/datasources/${name}`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${loupe.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ type, settings }),
  });
  expect(res.status).toBe(200);
}

test('a catalog provider shows in Settings › Catalog sources with its entities, then its failure', async ({ pluginLoupe: loupe, page }) => {
  await put(loupe, 'people', 'team-directory', { team: 'payments' });
  await openUi(page, loupe, '/settings#catalog');
  const panel = page.getByTestId('catalog-sources');
  const row = panel.locator('.source-row').filter({ hasText: 'data source people' });
  await expect(row).toContainText('3 entities');
  await panel.evaluate((e) => e.closest('section')?.scrollIntoView({ block: 'start' }));
  await screenshotBothThemes(page, 'catalog-provider-ok');
  await put(loupe, 'people', 'team-directory', { team: 'payments', down: true });
  await expect(row).toContainText('failing · kept 3 entities', { timeout: 20_000 });
  await expect(row.locator('.source-error')).toContainText('the directory service is down');
  await screenshotBothThemes(page, 'catalog-provider-failing');
});

test('a data source is renamed in Settings; a link with its old name opens the new one', async ({ pluginLoupe: loupe, prometheus, page }) => {
  await put(loupe, 'team-prom', 'prometheus', { url: prometheus.url });
  await openUi(page, loupe, '/settings#datasources');
  const section = page.getByTestId('datasources');
  const row = section.locator('.ds-row[data-name="team-prom"]');
  await row.getByRole('button', { name: 'Rename team-prom' }).click();
  await row.getByLabel('New name for team-prom').fill('shared-prom');
  await row.getByRole('button', { name: 'Rename', exact: true }).click();
  const renamed = section.locator('.ds-row[data-name="shared-prom"]');
  await expect(renamed).toBeVisible();
  await expect(renamed.getByTestId('datasource-former-names')).toContainText('Formerly team-prom');
  await section.evaluate((e) => e.closest('section')?.scrollIntoView({ block: 'start' }));
  await screenshotBothThemes(page, 'datasources-renamed');
  // A name already taken is refused with the reason.
  await renamed.getByRole('button', { name: 'Rename shared-prom' }).click();
  await renamed.getByLabel('New name for shared-prom').fill('people');
  await renamed.getByRole('button', { name: 'Rename', exact: true }).click();
  await expect(renamed.getByRole('alert')).toContainText('already exists');
  await renamed.getByRole('button', { name: 'Cancel' }).click();

  await openUi(page, loupe, '/metrics?from=now-5m&to=now&source=team-prom');
  await expect(page).toHaveURL(/source=shared-prom/);
  await expect(page.getByLabel('Data source')).toHaveValue('shared-prom');
  await expect(page.locator('.metric-item[data-metric="traces_service_graph_request_total"]')).toBeVisible();
});

test('the metrics builder writes PromQL for a Prometheus source from its labels', async ({ pluginLoupe: loupe, page }) => {
  await openUi(page, loupe, '/metrics?from=now-5m&to=now&source=shared-prom');
  await page.locator('.metric-item[data-metric="traces_service_graph_request_total"]').click();
  const query = page.getByTestId('query-A');
  await expect(query.getByTestId('query-sent')).toContainText('sum (rate(traces_service_graph_request_total[5m]))');
  // The source's own label names and values are suggested.
  await query.getByLabel('Filter key of query A').fill('cli');
  await expect(page.getByRole('option', { name: /^client/ })).toBeVisible();
  await page.getByRole('option', { name: /^client/ }).click();
  await query.getByLabel('Filter value of query A').fill('w');
  await expect(page.getByRole('option', { name: /^web/ })).toBeVisible();
  await page.getByRole('option', { name: /^web/ }).click();
  await query.getByRole('button', { name: 'Add filter' }).click();
  await query.getByLabel('Group by of query A').fill('server');
  await query.getByLabel('Group by of query A').press('Enter');
  await expect(query.getByTestId('query-sent')).toContainText('sum by (server) (rate(traces_service_graph_request_total{client="web"}[5m]))');
  const chart = page.getByTestId('metric-chart');
  await expect(chart.locator('.metric-legend-item')).toHaveCount(1);
  await expect(chart.locator('.metric-legend')).toContainText('server=api');
  await screenshotBothThemes(page, 'metrics-remote-builder');
});

test('a scrape target behind a token is down with a 401 until the token is entered in Settings', async ({ pluginLoupe: loupe, page }) => {
  const token = 'scrape-token-e2e-91b3';
  const exporter = createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401, 'Unauthorized');
      return res.end('unauthorized');
    }
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end('# TYPE guarded_items_total counter\nguarded_items_total 7\n');
  });
  await new Promise<void>((r) => exporter.listen(0, '127.0.0.1', () => r()));
  const target = `http://127.0.0.1:${(exporter.address() as { port: number }).port}/metrics`;
  try {
    await openUi(page, loupe, '/settings#datasources');
    const section = page.getByTestId('datasources');
    await section.getByRole('button', { name: 'Add data source' }).click();
    const form = page.getByTestId('datasource-form');
    await expect(form.getByLabel('Headers')).toHaveAttribute('placeholder', 'X-Scope-OrgID: team-a');
    await form.getByLabel('Type').selectOption('prometheus-scrape');
    // Each plugin's own example of its headers: a scrape target's, not a query API tenant's.
    await expect(form.getByLabel('Headers')).toHaveAttribute('placeholder', 'Accept: text/plain;version=0.0.4');
    await form.getByLabel('Name').fill('guarded');
    await form.getByLabel('Targets').fill(target);
    await form.getByLabel('Interval seconds').fill('1');
    await form.getByRole('button', { name: 'Add and check' }).click();
    const row = section.locator('.ds-row[data-name="guarded"]');
    const targets = row.getByRole('list', { name: 'Targets of guarded' });
    await expect(targets).toContainText('answered 401 Unauthorized: check the credentials (auth: none)', { timeout: 20_000 });

    await row.getByRole('button', { name: 'Edit guarded' }).click();
    await form.getByLabel('Auth').selectOption('bearer');
    await expect(form.getByLabel('Token')).toHaveAttribute('type', 'password');
    await form.getByLabel('Token').fill(token);
    // The list is polled while the form is open and the target's last scrape changes on every
    // answer: what is typed stays.
    const polled = (r: { url(): string; request(): { method(): string } }) => new URL(r.url()).pathname === '/api/datasources' && r.request().method() === 'GET';
    await page.waitForResponse(polled, { timeout: 15_000 });
    await page.waitForResponse(polled, { timeout: 15_000 });
    await expect(form.getByLabel('Token')).toHaveValue(token);
    await expect(form.getByLabel('Auth')).toHaveValue('bearer');
    await form.evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await screenshotBothThemes(page, 'datasources-scrape-auth-form');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(targets).toContainText(/scraped/);
    await expect(targets.locator('.form-error')).toHaveCount(0, { timeout: 20_000 });
    await expect(targets.locator('.ds-dot-ok')).toHaveCount(1);
    await expect(page.locator('body')).not.toContainText(token);
    await row.evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await screenshotBothThemes(page, 'datasources-scrape-auth-up');
  } finally {
    exporter.close();
  }
});
