// A team's Prometheus as a data source, added the way a user does: Settings › Data sources,
// the Prometheus plugin's settings form, Test. A real Prometheus on a free loopback port
// scrapes an exporter of the OpenTelemetry Collector's service-graph and span-metrics series;
// the map and the Services list are switched to it and show its services, an edge's charts and
// a service's SLOs are computed from its series, and a PromQL query in the metrics explorer
// charts its series. A URL where nothing listens shows why.
import { freePort, startBackend, startExporter, until, type Backend } from '../main/testing/prom-backends';
import { expect, openUi, screenshotBothThemes, startLoupe, test as base, type Loupe } from './fixtures';

// A Loupe of this file's own: the data sources added here would show in other specs' pickers.
const test = base.extend<{}, { dsLoupe: Loupe; prometheus: Backend }>({
  dsLoupe: [
    async ({}, use) => {
      const loupe = await startLoupe({ seed: true });
      await use(loupe);
      await loupe.stop();
    },
    { scope: 'worker', timeout: 90_000 },
  ],
  prometheus: [
    async ({}, use) => {
      const exporter = await startExporter();
      const prom = await startBackend('prometheus', [{ port: exporter.port, path: '/metrics', job: 'otel-collector' }]);
      // The map needs a few scrapes in the window before it has rates.
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

test('a Prometheus is added, tested and edited from Settings; a wrong URL says why', async ({ dsLoupe: loupe, prometheus, page }) => {
  await openUi(page, loupe, '/settings#datasources');
  const section = page.getByTestId('datasources');
  await expect(section.getByTestId('datasource-row')).toHaveCount(1);
  await expect(section.locator('.ds-row[data-name="local"]')).toContainText('ready');
  await expect(section).toContainText('No data source besides');

  // Add: the form comes from the plugin's settings schema.
  await section.getByRole('button', { name: 'Add data source' }).click();
  const form = page.getByTestId('datasource-form');
  await expect(form.getByLabel('URL')).toBeVisible();
  await expect(form.getByLabel('Token')).toHaveCount(0); // only for auth: bearer
  await form.getByLabel('Auth').selectOption('bearer');
  await expect(form.getByLabel('Token')).toHaveAttribute('type', 'password');
  await form.getByLabel('Auth').selectOption('none');
  await form.getByLabel('Name').fill('team-prom');
  await form.getByLabel('URL').fill(prometheus.url);
  await section.evaluate((e) => e.closest('section')?.scrollIntoView({ block: 'start' }));
  await screenshotBothThemes(page, 'datasources-form');
  await form.getByRole('button', { name: 'Add and check' }).click();
  const row = section.locator('.ds-row[data-name="team-prom"]');
  await expect(row.getByTestId('datasource-status')).toHaveText('ready');
  await expect(row.getByTestId('plugin-state')).toContainText('ready');
  await row.getByRole('button', { name: 'Test team-prom' }).click();
  await expect(row.getByTestId('datasource-test')).toContainText(/Works.*the query API answers \(version 2\./);

  // A URL where nothing listens: saved, and its status says what is wrong.
  const closed = await freePort();
  await section.getByRole('button', { name: 'Add data source' }).click();
  await form.getByLabel('Name').fill('nowhere');
  await form.getByLabel('URL').fill(`http://127.0.0.1:${closed}/prometheus`);
  await form.getByRole('button', { name: 'Add and check' }).click();
  const bad = section.locator('.ds-row[data-name="nowhere"]');
  await expect(bad.getByTestId('datasource-status')).toHaveText('unavailable');
  await expect(bad.getByTestId('datasource-error')).toContainText(`cannot reach http://127.0.0.1:${closed}`);
  await bad.getByRole('button', { name: 'Test nowhere' }).click();
  await expect(bad.getByTestId('datasource-test')).toContainText(/Failed.*cannot reach/);
  await section.evaluate((e) => e.closest('section')?.scrollIntoView({ block: 'start' }));
  await screenshotBothThemes(page, 'datasources-list');
  // A setting the plugin refuses is named, and nothing is saved.
  await bad.getByRole('button', { name: 'Edit nowhere' }).click();
  await form.getByLabel('Timeout seconds').fill('0');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByRole('alert')).toContainText('timeoutSeconds');
  await expect(form.getByLabel('Timeout seconds')).toHaveClass(/input-bad/);
  await form.getByRole('button', { name: 'Cancel' }).click();
  await bad.getByRole('button', { name: 'Remove nowhere' }).click();
  await bad.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(bad).toHaveCount(0);
  await expect(section.getByTestId('datasource-row')).toHaveCount(2);
});

test('the Services list, the map and the service page switch to the Prometheus source and show its services', async ({ dsLoupe: loupe, prometheus, page }) => {
  await addSource(loupe, 'team-prom', prometheus.url);
  // An SLO in slos.yaml: its status is computed from whichever source the page reads.
  const slo = await fetch(`${loupe.url}/api/slos/api-availability`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${loupe.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ id: 'api-availability', name: 'api availability', service: 'api', sli: 'availability', objective: 99, window: '1h' }),
  });
  expect(slo.status).toBe(200);
  // One the source cannot evaluate: api's latency buckets start at 50 ms.
  const fast = await fetch(`${loupe.url}/api/slos/api-latency-1ms`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${loupe.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ id: 'api-latency-1ms', name: 'api under 1 ms', service: 'api', sli: 'latency', thresholdMs: 1, objective: 90, window: '1h' }),
  });
  expect(fast.status).toBe(200);
  // The last 5 minutes: the Prometheus started for this test holds only a minute or two.
  await openUi(page, loupe, '/services?from=now-5m&to=now');
  const table = page.getByTestId('services-table');
  await expect(table.locator('tr[data-service="storefront"]')).toBeVisible(); // this Loupe's own (seeded) services
  await page.getByLabel('Data source').selectOption('team-prom');
  await expect(page).toHaveURL(/source=team-prom/);
  await expect(table.locator('tr[data-service]')).toHaveCount(2);
  await expect(table.locator('tr[data-service="api"]')).toContainText('10.0%');
  await expect(table.locator('tr[data-service="web"]')).toBeVisible();
  await screenshotBothThemes(page, 'datasources-services');

  // The service page reads the same source, SLOs included (the exporter fails 10 % of api's
  // requests: a 99 % objective burns at 10×); traces and logs say they are this store's only.
  await table.locator('tr[data-service="api"]').click();
  await expect(page).toHaveURL(/\/services\/api\?.*source=team-prom/);
  await expect(page.getByTestId('service-kpis')).toContainText('10.0%');
  await expect(page.getByTestId('upstream-table')).toContainText('web');
  const slos = page.getByTestId('service-slos');
  await expect(slos.getByTestId('slo-source')).toContainText('team-prom');
  const card = slos.locator('[data-slo-id="api-availability"]');
  await expect(card.getByTestId('slo-burn-rates').locator('.burn').first()).toContainText(/^5\s?m.*10(\.0)?×$/);
  await expect(card.getByTestId('slo-state')).toHaveText('Page');
  // The SLO it cannot evaluate says why, in its own card.
  const failed = slos.locator('[data-slo-id="api-latency-1ms"]');
  await expect(failed.getByTestId('slo-state')).toHaveText('not evaluated');
  await expect(failed.getByTestId('slo-error')).toContainText('no bound at or under 1 ms');
  await expect(page.getByTestId('local-only-note')).toContainText('Alert rules, traces and logs');
  await expect(page.getByTestId('local-only-note')).not.toContainText('SLOs');
  await slos.scrollIntoViewIfNeeded();
  await screenshotBothThemes(page, 'datasources-service');
  // The SLO's link opens the SLO page on the same source.
  await card.getByRole('link', { name: 'api availability' }).click();
  await expect(page).toHaveURL(/\/slos\?.*source=team-prom/);
  await expect(page.getByLabel('Data source')).toHaveValue('team-prom');
  await expect(page.locator('[data-testid="slo-card"][data-slo-id="api-availability"]').getByTestId('slo-state')).toHaveText('Page');
  await page.goBack();

  await page.getByRole('link', { name: 'On the map' }).click();
  await expect(page).toHaveURL(/\/map\?.*source=team-prom/);
  const canvas = page.getByTestId('map-canvas');
  for (const id of ['web', 'api', 'postgres']) await expect(canvas.locator(`[data-node-id="${id}"]`)).toBeVisible();
  await expect(canvas.locator('[data-node-id="storefront"]')).toHaveCount(0);
  await expect(canvas.locator('[data-node-id="api"]')).toHaveAttribute('data-health', 'degraded');
  const drawer = page.getByTestId('map-drawer');
  await expect(drawer.getByTestId('local-only-note')).toContainText('Traces');
  await screenshotBothThemes(page, 'datasources-map');
  // The edge web → api, charted over time from the service-graph series: 10 calls/s, 10 % failed.
  await drawer.locator('tr.row-click').filter({ hasText: 'web' }).click();
  const edgeSignals = drawer.getByTestId('edge-signals');
  await expect(edgeSignals.getByTestId('calls-rate').locator('.recharts-area-area')).toBeVisible();
  await expect(edgeSignals.getByTestId('calls-errors')).toContainText('10.0%');
  await expect(edgeSignals.getByTestId('calls-latency')).toContainText('Latency · all calls');
  await expect(edgeSignals.getByTestId('calls-latency').locator('path.recharts-line-curve, .recharts-line-dot').filter({ visible: true }).first()).toBeVisible();
  await expect(drawer.getByTestId('edge-signals-notice')).toContainText('server side');
  await expect(drawer.getByTestId('local-only-note')).toContainText('Releases and traces of an edge');
  // Rated over the minute or two the source has, not the 5-minute window: the exporter's 10/s.
  const rate = Number((await drawer.locator('.red-kpi-value').first().textContent())?.replace(/\/s$/, ''));
  expect(rate).toBeGreaterThan(9);
  expect(rate).toBeLessThan(11);
  await screenshotBothThemes(page, 'datasources-map-edge');
  // A database node: the calls into it, from the service-graph edges of its callers.
  await canvas.locator('[data-node-id="postgres"]').click();
  const nodeSignals = drawer.getByTestId('node-signals');
  await expect(nodeSignals.getByTestId('calls-rate').locator('.recharts-area-area')).toBeVisible();
  await expect(nodeSignals.getByTestId('calls-errors')).toContainText('No failed calls in this window');
  await expect(drawer.getByTestId('node-signals-notice')).toContainText('Calls into postgres from the service-graph edges of its callers (api)');
  await screenshotBothThemes(page, 'datasources-map-database');
  // Back to this Loupe's own map.
  await page.getByLabel('Data source').selectOption('local');
  await expect(canvas.locator('[data-node-id="storefront"]')).toBeVisible();
});

test('a PromQL query against the source is charted in the metrics explorer; its error is shown as the server gave it', async ({ dsLoupe: loupe, prometheus, page }) => {
  await addSource(loupe, 'team-prom', prometheus.url);
  await openUi(page, loupe, '/metrics?from=now-5m&to=now&source=team-prom');
  await expect(page.locator('.metric-item[data-metric="traces_service_graph_request_total"]')).toBeVisible();
  await page.getByRole('radiogroup', { name: 'Mode of query A' }).getByRole('radio', { name: 'PromQL' }).click();
  const promql = page.getByLabel('PromQL of query A');
  await promql.fill('sum by (client, server) (rate(traces_service_graph_request_total[30s]))');
  await promql.press('Enter');
  await expect(page).toHaveURL(/promql/);
  const chart = page.getByTestId('metric-chart');
  await expect(chart.locator('.metric-legend-item')).toHaveCount(2);
  await expect(chart.locator('.metric-legend')).toContainText('client=web, server=api');
  await expect(chart.locator('.recharts-line-curve').first()).toHaveAttribute('d', /L/);
  await screenshotBothThemes(page, 'datasources-promql');
  // Reloaded from its address, the chart comes back.
  await page.reload();
  await expect(page.getByTestId('metric-chart').locator('.metric-legend-item')).toHaveCount(2);

  await promql.fill('sum(rate(up[1m])');
  await promql.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'Query A could not be charted' })).toContainText(/parse error|unclosed|expected/i);
});

/** Adds a source through the API when a test runs alone (the first test adds it through the UI). */
async function addSource(loupe: Loupe, name: string, url: string): Promise<void> {
  const res = await fetch(`${loupe.url}/api/datasources/${name}`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${loupe.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'prometheus', settings: { url } }),
  });
  expect(res.status).toBe(200);
}
