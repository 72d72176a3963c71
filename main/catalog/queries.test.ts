// The endpoint handlers, fed input parsed by the API's own schemas and checked against its
// output schemas, on the valid test catalog.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { catalogApi } from '../../common/api/catalog-schemas';
import { Catalog, catalogHandlers, CatalogEntityNotFoundError, CatalogRequestError } from './index';

const VALID = join(__dirname, 'testdata', 'valid');
let catalog: Catalog;

beforeAll(async () => {
  catalog = new Catalog({ sources: [VALID], links: { grafanaUrl: 'https://grafana.example.com/' } });
  await catalog.load();
});

/** Calls a handler the way the HTTP server will: input parsed, output validated. */
async function call<K extends keyof typeof catalogApi>(name: K, input: Record<string, unknown>): Promise<z.output<(typeof catalogApi)[K]['output']>> {
  const endpoint = catalogApi[name];
  const handlers = catalogHandlers(catalog, async () => ({ services: ['checkout', 'payments', 'legacy-billing'], edges: [{ source: 'checkout', target: 'payments' }] }));
  const handler = handlers[name] as (input: unknown) => Promise<unknown>;
  const output = await handler(endpoint.input.parse(input));
  return endpoint.output.parse(output) as z.output<(typeof catalogApi)[K]['output']>;
}

const refs = (entities: Array<{ ref: string }>) => entities.map((e) => e.ref);

describe('GET /api/catalog/entities', () => {
  it('lists every entity ordered by reference, in the API shape', async () => {
    const all = await call('catalogEntities', {});
    expect(all).toHaveLength(22);
    expect(refs(all)).toEqual([...refs(all)].sort());
    const checkout = all.find((e) => e.ref === 'component:default/checkout')!;
    expect(checkout).toMatchObject({
      kind: 'Component',
      namespace: 'default',
      name: 'checkout',
      title: 'Checkout service',
      description: 'Takes the cart and turns it into an order',
      source: { file: join(VALID, 'services/checkout/catalog-info.yaml'), line: 1 },
    });
    expect(checkout.spec.lifecycle).toBe('production');
    expect(checkout.metadata.annotations).toMatchObject({ 'github.com/project-slug': 'acme/checkout' });
  });

  it('filters by kind (case-insensitive, several allowed), type, lifecycle, tag and namespace', async () => {
    expect(refs(await call('catalogEntities', { kind: 'api' }))).toEqual(['api:default/checkout-api', 'api:default/fraud-api', 'api:default/payments-api']);
    expect((await call('catalogEntities', { kind: ['Group', 'user'] })).length).toBe(6);
    expect((await call('catalogEntities', { kind: 'group,user' })).length).toBe(6);
    expect(refs(await call('catalogEntities', { kind: 'component', type: 'library' }))).toEqual(['component:default/payments-sdk']);
    expect(refs(await call('catalogEntities', { lifecycle: 'experimental' }))).toEqual(['api:default/fraud-api', 'component:default/payments-sdk']);
    expect(refs(await call('catalogEntities', { tag: ['java', 'c++'] }))).toEqual(['component:default/checkout']);
    expect(refs(await call('catalogEntities', { namespace: 'contractors' }))).toEqual(['user:contractors/carol']);
  });

  it('filters by owner and system, by bare name or full reference', async () => {
    const ownedByShop = refs(await call('catalogEntities', { owner: 'team-shop' }));
    expect(ownedByShop).toEqual([
      'api:default/checkout-api',
      'component:default/checkout',
      'component:default/checkout-worker',
      'resource:default/cart-cache',
      'resource:default/orders-db',
      'system:default/shop',
    ]);
    expect(refs(await call('catalogEntities', { owner: 'group:default/team-shop' }))).toEqual(ownedByShop);
    expect(refs(await call('catalogEntities', { owner: 'user:alice' }))).toEqual(['component:default/cart']);
    expect(refs(await call('catalogEntities', { system: 'shop', kind: 'resource' }))).toEqual(['resource:default/cart-cache', 'resource:default/orders-db']);
    expect(await call('catalogEntities', { owner: 'group:' })).toEqual([]);
  });

  it('searches words across name, title, description, tags and owner', async () => {
    expect(refs(await call('catalogEntities', { q: 'turns it into' }))).toEqual(['component:default/checkout']);
    expect(refs(await call('catalogEntities', { q: 'ONLINE shop' }))).toEqual(['system:default/shop']);
    expect(refs(await call('catalogEntities', { q: 'lang:go' }))).toEqual(['component:default/checkout']);
    expect(refs(await call('catalogEntities', { q: 'team-pay database' }))).toEqual(['resource:default/payments-db']);
    expect(await call('catalogEntities', { q: 'no such thing' })).toEqual([]);
  });

  it('pages with limit and offset', async () => {
    const all = refs(await call('catalogEntities', {}));
    expect(refs(await call('catalogEntities', { limit: '5', offset: '5' }))).toEqual(all.slice(5, 10));
  });
});

describe('GET /api/catalog/facets', () => {
  it('counts values per facet, each facet ignoring its own filter', async () => {
    const facets = await call('catalogFacets', { kind: 'component' });
    expect(facets.total).toBe(5);
    // The kind facet still shows every kind, so a UI can offer switching.
    expect(facets.kind.find((f) => f.value === 'API')).toEqual({ value: 'API', count: 3 });
    expect(facets.type).toEqual([
      { value: 'service', count: 4 },
      { value: 'library', count: 1 },
    ]);
    expect(facets.owner).toEqual([
      { value: 'group:default/team-pay', count: 2 },
      { value: 'group:default/team-shop', count: 2 },
      { value: 'user:default/alice', count: 1 },
    ]);
    expect(facets.system).toEqual([{ value: 'system:default/shop', count: 3 }]);
    expect(facets.lifecycle).toEqual([
      { value: 'production', count: 4 },
      { value: 'experimental', count: 1 },
    ]);
    expect(facets.tags.map((t) => t.value)).toEqual(['c++', 'java', 'lang:go', 'payments']);
  });
});

describe('GET /api/catalog/entities/:kind/:namespace/:name', () => {
  it('resolves relations to their targets and turns annotations into links', async () => {
    const detail = await call('catalogEntity', { kind: 'Component', namespace: 'default', name: 'Checkout' });
    expect(detail.entity.ref).toBe('component:default/checkout');
    expect(detail.relations.find((r) => r.type === 'partOf')).toEqual({
      type: 'partOf',
      targetRef: 'system:default/shop',
      target: { kind: 'System', namespace: 'default', name: 'shop', title: 'Online shop', exists: true },
    });
    const links = Object.fromEntries(detail.links.map((l) => [l.from === 'metadata.links' ? l.title : l.from, [l.category, l.url]]));
    expect(links).toEqual({
      'loupe.dev/runbook': ['runbook', 'https://wiki.example.com/runbooks/checkout'],
      'pagerduty.com/service-id': ['oncall', 'https://app.pagerduty.com/service-directory/PX1234'],
      'Status page': ['dashboard', 'https://status.example.com/checkout'],
      'grafana/overview-dashboard': ['dashboard', 'https://grafana.example.com/d/abc/checkout'],
      'grafana/dashboard-selector': ['dashboard', 'https://grafana.example.com/dashboards?tag=checkout'],
      'backstage.io/techdocs-ref': ['docs', `file://${join(VALID, 'services/checkout')}`],
      'backstage.io/source-location': ['source', 'https://github.com/acme/checkout/tree/main/'],
      'github.com/project-slug': ['source', 'https://github.com/acme/checkout'],
      '#checkout on Slack': ['chat', 'https://example.slack.com/archives/C123'],
    });
    expect(detail.problems).toEqual([]);
  });

  it('marks relations to entities that are not in the catalog', async () => {
    const other = new Catalog({ sources: [join(__dirname, 'testdata', 'problems')] });
    await other.load();
    const detail = other.getEntity({ kind: 'component', namespace: 'default', name: 'widget' });
    expect(detail.relations.find((r) => r.type === 'ownedBy')?.target).toEqual({ kind: 'group', namespace: 'default', name: 'team-ghost', title: null, exists: false });
    // Its problems include the second declaration that was ignored as a duplicate.
    expect(detail.problems.map((p) => p.rule)).toEqual(['ref.dangling', 'ref.dangling', 'ref.dangling', 'entity.duplicate']);
  });

  it('answers 404 for an unknown entity', async () => {
    await expect(call('catalogEntity', { kind: 'component', namespace: 'default', name: 'nope' })).rejects.toThrow(CatalogEntityNotFoundError);
    await expect(call('catalogEntity', { kind: 'component', namespace: 'default', name: 'nope' })).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });
});

describe('GET /api/catalog/errors', () => {
  it('lists problems with file, line, entity, rule and severity, filterable', async () => {
    const broken = new Catalog({ sources: [join(__dirname, 'testdata', 'problems'), join(__dirname, 'testdata', 'locations')] });
    await broken.load();
    const all = broken.errors(catalogApi.catalogErrors.input.parse({}));
    expect(all.length).toBe(9);
    const errorsOnly = broken.errors(catalogApi.catalogErrors.input.parse({ severity: 'error' }));
    expect(errorsOnly.map((p) => p.rule)).toEqual(['entity.duplicate', 'spec.field-required']);
    const forWidget = broken.errors(catalogApi.catalogErrors.input.parse({ entityRef: 'Component:default/widget', rule: 'ref.dangling' }));
    expect(forWidget).toHaveLength(3);
    expect(forWidget[0]).toEqual({
      file: join(__dirname, 'testdata', 'problems/a/catalog-info.yaml'),
      line: 8,
      entityRef: 'component:default/widget',
      rule: 'ref.dangling',
      message: 'spec.owner refers to group:default/team-ghost, which is not in the catalog',
      severity: 'warning',
    });
    expect(broken.errors(catalogApi.catalogErrors.input.parse({ file: 'locations/catalog-info.yaml' }))).toHaveLength(4);
    expect(await call('catalogErrors', {})).toEqual([]);
  });
});

describe('GET /api/catalog/graph', () => {
  it('returns the neighbourhood of an entity, one edge per relation pair', async () => {
    const graph = await call('catalogGraph', { ref: 'component:default/cart' });
    expect(graph.root).toBe('component:default/cart');
    expect(graph.nodes.map((n) => [n.ref, n.distance]).sort()).toEqual([
      ['component:default/cart', 0],
      ['component:default/checkout', 1],
      ['resource:default/cart-cache', 1],
      ['system:default/shop', 1],
      ['user:default/alice', 1],
    ]);
    expect(graph.edges.map((e) => `${e.source} ${e.type} ${e.target}`).sort()).toEqual([
      'component:default/cart dependsOn resource:default/cart-cache',
      'component:default/cart ownedBy user:default/alice',
      'component:default/cart partOf system:default/shop',
      'component:default/checkout dependsOn component:default/cart',
    ]);
    expect(graph.truncated).toBe(false);
  });

  it('follows only the requested relation types, to the requested depth', async () => {
    const graph = await call('catalogGraph', { ref: 'group:default/platform', depth: '2', relations: 'parentOf' });
    expect(graph.nodes.map((n) => n.ref).sort()).toEqual(['group:default/platform', 'group:default/team-pay', 'group:default/team-shop']);
    expect(graph.edges.every((e) => e.type === 'childOf')).toBe(true);
    const deeper = await call('catalogGraph', { ref: 'group:default/platform', depth: 2, relations: ['hasMember', 'childOf'] });
    expect(deeper.nodes.map((n) => n.ref).sort()).toEqual([
      'group:default/platform',
      'group:default/team-pay',
      'group:default/team-shop',
      'user:contractors/carol',
      'user:default/alice',
      'user:default/bob',
    ]);
  });

  it('rejects unknown relation types, references without a kind and unknown entities', async () => {
    expect(() => catalogApi.catalogGraph.input.parse({ ref: 'component:default/cart', relations: 'likes' })).toThrow();
    await expect(call('catalogGraph', { ref: 'cart' })).rejects.toMatchObject({ status: 400 });
    await expect(call('catalogGraph', { ref: 'cart' })).rejects.toThrow(CatalogRequestError);
    await expect(call('catalogGraph', { ref: 'component:nope' })).rejects.toMatchObject({ status: 404 });
  });
});

describe('GET /api/catalog/drift', () => {
  it('compares declarations with the edges the core observed in the window', async () => {
    const report = await call('catalogDrift', { from: '0', to: String(Date.now()) });
    const checkout = report.components.find((c) => c.ref === 'component:default/checkout')!;
    expect(checkout.confirmed.map((d) => d.targetRef)).toEqual(['component:default/payments']);
    expect(report.ownerlessServices).toEqual([{ serviceName: 'legacy-billing' }]);
  });
});
