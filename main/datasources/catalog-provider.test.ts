// A catalog-provider plugin feeds the catalog like a file source: its entities are listed and
// related, the invalid one is reported as a file entity would be, the source shows its state,
// and a provider that fails keeps its last entities and says why.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/core-harness';
import { buildPluginRuntime } from '../plugin-host/build-runtime';
import { until } from '../testing/prom-backends';

const REPO = join(import.meta.dirname, '..', '..');
let h: Harness;
let buildDir: string;

const put = (name: string, settings: Record<string, unknown>) =>
  h.api(`/api/datasources/${name}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'team-directory', settings }) });
type Source = { path: string; origin: string; plugin?: { source: string; state: string; error: string | null; entities: number } };
const pluginSource = async (name: string) => ((await h.api<{ sources: Source[] }>('/api/catalog/sources')).body.sources.find((s) => s.plugin?.source === name));

beforeAll(async () => {
  buildDir = mkdtempSync(join(REPO, 'dist-plugins-'));
  const runtime = await buildPluginRuntime(REPO, buildDir);
  h = await startHarness({ pluginRuntime: { ...runtime, builtinDir: null }, plugins: [join(REPO, 'main/plugin-host/testdata/team-directory')] });
}, 120_000);

afterAll(async () => {
  await h?.close();
  rmSync(buildDir, { recursive: true, force: true });
});

describe('a catalog provider', () => {
  it('adds its entities to the catalog, validated like a file source', async () => {
    expect((await put('people', { team: 'payments' })).status).toBe(200);
    const source = await until('the provider to be read', async () => {
      const s = await pluginSource('people');
      return s?.plugin?.state === 'ok' && s;
    }, 20_000);
    expect(source).toMatchObject({ origin: 'plugin', plugin: { type: 'team-directory', entities: 3, error: null } });
    const components = await until('the component to be in the catalog', async () => {
      const { body } = await h.api('/api/catalog/entities?kind=component');
      return body.length > 0 && body;
    }, 10_000);
    expect(components.map((e: { name: string }) => e.name)).toEqual(['payments-api']);
    expect(components[0].relations).toEqual(expect.arrayContaining([{ type: 'ownedBy', targetRef: 'group:default/payments' }]));
    const errors = (await h.api('/api/catalog/errors')).body as Array<{ message: string; file: string; line: number; rule: string }>;
    const invalid = errors.find((e) => e.rule.startsWith('metadata.name'));
    expect(invalid).toMatchObject({ file: source.path, severity: 'error' });
    expect(invalid!.line).toBeGreaterThan(1);
  });

  it('follows a change of settings, and keeps the last entities while the provider fails', async () => {
    expect((await put('people', { team: 'search' })).status).toBe(200);
    await until('the new team', async () => (await h.api('/api/catalog/entities?kind=component')).body.some((e: { name: string }) => e.name === 'search-api'), 20_000);
    expect((await put('people', { team: 'search', down: true })).status).toBe(200);
    const failing = await until('the failure to show', async () => {
      const s = await pluginSource('people');
      return s?.plugin?.state === 'error' && s;
    }, 20_000);
    expect(failing.plugin!.error).toMatch(/the directory service is down/);
    expect((await h.api('/api/catalog/entities?kind=component')).body.map((e: { name: string }) => e.name)).toEqual(['search-api']);
  });

  it('leaves the catalog when its data source is removed', async () => {
    expect((await h.api('/api/datasources/people', { method: 'DELETE' })).status).toBe(200);
    await until('the source to go', async () => (await pluginSource('people')) === undefined, 10_000);
    await until('its entities to go', async () => (await h.api('/api/catalog/entities?kind=component')).body.length === 0, 10_000);
  });
});
