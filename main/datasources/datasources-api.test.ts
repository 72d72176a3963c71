// Data sources through the HTTP API with a real plugin process: add, list, test, remove;
// secrets never come back and never reach datasources.yaml; comments in the file survive UI
// edits; a broken entry is reported with its line and does not stop the others.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/core-harness';
import { buildPluginRuntime } from '../plugin-host/build-runtime';

const REPO = join(import.meta.dirname, '..', '..');
let h: Harness;
let buildDir: string;
let dataDir: string;

beforeAll(async () => {
  buildDir = mkdtempSync(join(REPO, 'dist-plugins-'));
  const runtime = await buildPluginRuntime(REPO, buildDir);
  dataDir = mkdtempSync(join(tmpdir(), 'loupe-ds-'));
  writeFileSync(
    join(dataDir, 'datasources.yaml'),
    `# our team's sources
datasources:
  # kept by hand
  - name: hand-written
    type: echo
    greeting: hey # friendly
  - name: Broken Name
    type: echo
`,
  );
  h = await startHarness({ dataDir, plugins: [join(import.meta.dirname, '..', 'plugin-host', 'testdata', 'echo')], pluginRuntime: runtime });
});

afterAll(async () => {
  await h?.close();
  rmSync(buildDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('data sources API', () => {
  it('lists local first, the valid entries, and the broken one with file and line', async () => {
    const { status, body } = await h.api('/api/datasources');
    expect(status).toBe(200);
    expect(body.datasources.map((d: { name: string }) => d.name)).toEqual(['local', 'hand-written']);
    expect(body.problems.join('\n')).toMatch(/datasources\.yaml:7: \[name\]/);
  });

  it('lists plugins with their state', async () => {
    const { body } = await h.api('/api/plugins');
    const echo = body.plugins.find((p: { id: string }) => p.id === 'echo');
    expect(echo).toMatchObject({ origin: 'command-line', capabilities: ['metrics', 'health'] });
    expect(['stopped', 'ready', 'starting']).toContain(echo.status.state);
    const schema = await h.api('/api/plugins/echo/settings');
    expect(schema.body.schema.properties.token).toMatchObject({ secret: true });
  });

  it('adds a source with a secret that is never returned nor written to the YAML', async () => {
    const put = await h.api('/api/datasources/team-echo', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'echo', settings: { greeting: 'hello', token: 'tok-abcdef-123' } }),
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: 'team-echo', type: 'echo', status: 'ok', settings: { greeting: 'hello' }, secretsSet: ['token'] });
    const list = await h.api('/api/datasources');
    expect(JSON.stringify(list.body)).not.toContain('tok-abcdef-123');
    const yaml = readFileSync(join(dataDir, 'datasources.yaml'), 'utf8');
    expect(yaml).not.toContain('tok-abcdef-123');
    // Comments and the hand-written entries survive the edit.
    expect(yaml).toContain("# our team's sources");
    expect(yaml).toContain('# kept by hand');
    expect(yaml).toContain('greeting: hey # friendly');
    expect(yaml).toContain('name: Broken Name');
    const secrets = join(dataDir, 'datasource-secrets.json');
    expect(statSync(secrets).mode & 0o777).toBe(0o600);
    expect(readFileSync(secrets, 'utf8')).toContain('tok-abcdef-123');

    // The plugin gets the secret: its health check (echo) works; editing without the token keeps it.
    const again = await h.api('/api/datasources/team-echo', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'echo', settings: { greeting: 'hi', token: '' } }) });
    expect(again.body.secretsSet).toEqual(['token']);
    const test = await h.api('/api/datasources/team-echo/test', { method: 'POST' });
    expect(test.body).toMatchObject({ status: 'ok', message: 'hi from team-echo' });
  });

  it('refuses settings the plugin rejects, naming the field, and writes nothing', async () => {
    const put = await h.api('/api/datasources/bad', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'echo', settings: { greeting: 5 } }) });
    expect(put.status).toBe(400);
    expect(put.body.error.message).toMatch(/greeting/);
    expect(readFileSync(join(dataDir, 'datasources.yaml'), 'utf8')).not.toContain('name: bad');
  });

  it('answers PromQL through the source and refuses it for local', async () => {
    const r = await h.api('/api/metrics/query?source=team-echo&query=up&from=1700000000000&to=1700000600000&step=60');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ source: 'team-echo', stepSeconds: 60, series: [{ labels: { __name__: 'up' } }] });
    const local = await h.api('/api/metrics/query?query=up');
    expect(local.status).toBe(400);
    expect(local.body.error.message).toMatch(/does not answer PromQL/);
    const unknown = await h.api('/api/metrics/query?source=nope&query=up');
    expect(unknown.status).toBe(404);
    const noMap = await h.api('/api/service-map?source=team-echo');
    expect(noMap.status).toBe(400);
    expect(noMap.body.error.message).toMatch(/does not answer serviceGraph/);
  });

  it('renames a source in place: comments survive, secrets move, the old name keeps answering', async () => {
    const rename = (from: string, to: string) => h.api(`/api/datasources/${from}/rename`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to }) });
    const r = await rename('hand-written', 'handmade');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'handmade', formerNames: ['hand-written'], settings: { greeting: 'hey' } });
    const yaml = readFileSync(join(dataDir, 'datasources.yaml'), 'utf8');
    expect(yaml).toContain("# our team's sources");
    expect(yaml).toContain('# kept by hand');
    expect(yaml).toContain('greeting: hey # friendly');
    expect(yaml).toMatch(/- name: handmade\n/);
    // A link made before the rename still reads the source; the plugin sees its new name.
    const old = await h.api('/api/datasources/hand-written/test', { method: 'POST' });
    expect(old.body).toMatchObject({ status: 'ok', message: 'hey from handmade' });
    const q = await h.api('/api/metrics/query?source=hand-written&query=up&from=1700000000000&to=1700000600000&step=60');
    expect(q.status).toBe(200);
    // The secret went with it.
    const renamed = await rename('team-echo', 'echo-2');
    expect(renamed.body.secretsSet).toEqual(['token']);
    expect(readFileSync(join(dataDir, 'datasource-secrets.json'), 'utf8')).not.toContain('"team-echo"');
    // Taken names and bad names are refused; nothing changes.
    expect((await rename('echo-2', 'handmade')).status).toBe(409);
    expect((await rename('echo-2', 'Bad Name')).status).toBe(400);
    expect((await rename('local', 'mine')).status).toBe(400);
    // Renamed back: the first name is no longer a former one.
    const back = await rename('echo-2', 'team-echo');
    expect(back.body).toMatchObject({ name: 'team-echo', formerNames: ['echo-2'] });
  });

  it('removes a source and its secrets', async () => {
    const del = await h.api('/api/datasources/team-echo', { method: 'DELETE' });
    expect(del.body).toEqual({ deleted: true });
    expect(readFileSync(join(dataDir, 'datasource-secrets.json'), 'utf8')).not.toContain('tok-abcdef-123');
    expect((await h.api('/api/datasources')).body.datasources.map((d: { name: string }) => d.name)).toEqual(['local', 'handmade']);
  });
});
