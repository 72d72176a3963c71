// The catalog inside a running core: --catalog sources, owners on the Services list, drift
// against edges seen in telemetry, and sources added through the API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from '../testing/core-harness';

const repo = mkdtempSync(join(tmpdir(), 'loupe-catalog-repo-'));
writeFileSync(
  join(repo, 'catalog-info.yaml'),
  `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: web
  annotations:
    pagerduty.com/service-id: PWEB123
spec:
  type: website
  lifecycle: production
  owner: team-web
  dependsOn: [component:api, component:legacy-billing]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: api
spec:
  type: service
  lifecycle: production
  owner: team-api
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: legacy-billing
spec:
  type: service
  lifecycle: deprecated
  owner: team-api
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-web
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-api
spec:
  type: team
  children: []
`,
);

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ catalog: [repo] });
  const t = BigInt(Date.now() - 30_000) * 1_000_000n;
  const span = (id: string, parent: string | null, kind: number) => ({
    traceId: 'c'.repeat(32),
    spanId: id.padStart(16, '0'),
    ...(parent ? { parentSpanId: parent.padStart(16, '0') } : {}),
    name: 'GET /',
    kind,
    startTimeUnixNano: String(t),
    endTimeUnixNano: String(t + 1_000_000n),
  });
  const send = (service: string, spans: object[]) =>
    fetch(`${h.otlp}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ spans }] }] }),
    });
  await send('web', [span('1', null, 2), span('2', '1', 3), span('4', '1', 3)]);
  await send('api', [span('3', '2', 2)]);
  await send('search', [span('5', '4', 2)]); // web → search: not declared, not in the catalog
});
afterAll(async () => {
  await h.close();
  rmSync(repo, { recursive: true, force: true });
});

describe('catalog in the core', () => {
  it('lists entities with their relations', async () => {
    const { status, body } = await h.api('/api/catalog/entities?kind=component');
    expect(status).toBe(200);
    expect(body.map((e: { ref: string }) => e.ref).sort()).toEqual(['component:default/api', 'component:default/legacy-billing', 'component:default/web']);
    const web = body.find((e: { name: string }) => e.name === 'web');
    expect(web.relations).toEqual(expect.arrayContaining([{ type: 'ownedBy', targetRef: 'group:default/team-web' }, { type: 'dependsOn', targetRef: 'component:default/api' }]));
  });

  it('filters by any of several owners', async () => {
    const one = await h.api('/api/catalog/entities?kind=component&owner=team-web');
    expect(one.body.map((e: { name: string }) => e.name)).toEqual(['web']);
    const both = await h.api('/api/catalog/entities?kind=component&owner=team-web&owner=group:default/team-api');
    expect(both.body.map((e: { name: string }) => e.name).sort()).toEqual(['api', 'legacy-billing', 'web']);
  });

  it('shows owners on the Services list', async () => {
    const { body } = await h.api('/api/services');
    const web = body.find((s: { name: string }) => s.name === 'web');
    expect(web).toMatchObject({ component: 'component:default/web', owner: 'group:default/team-web' });
    expect(body.find((s: { name: string }) => s.name === 'search')).toMatchObject({ component: null, owner: null });
  });

  it('compares declared dependencies with observed edges', async () => {
    const { body } = await h.api('/api/catalog/drift');
    const web = body.components.find((c: { ref: string }) => c.ref === 'component:default/web');
    expect(web.confirmed.map((d: { targetService: string }) => d.targetService)).toEqual(['api']);
    expect(web.stale.map((d: { targetRef: string }) => d.targetRef)).toEqual(['component:default/legacy-billing']);
    expect(web.undeclared.map((d: { targetService: string }) => d.targetService)).toEqual(['search']);
    expect(body.ownerlessServices.map((s: { serviceName?: string; name?: string }) => s.serviceName ?? s.name)).toContain('search');
  });

  it('takes sources from the API and reloads', async () => {
    const before = await h.api('/api/catalog/sources');
    expect(before.body.sources).toEqual([{ path: repo, origin: 'command-line', exists: true }]);
    const fixture = new URL('../../../shared/fixtures/backstage/team-a-group.yaml', import.meta.url).pathname;
    const put = await h.api('/api/catalog/sources', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sources: [fixture] }) });
    expect(put.body.sources.map((s: { origin: string }) => s.origin)).toEqual(['command-line', 'ui']);
    const groups = await h.api('/api/catalog/entities?kind=group');
    expect(groups.body.map((e: { name: string }) => e.name)).toContain('team-a');
  });
});
