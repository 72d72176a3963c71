// The catalog UI's pure logic: references and page addresses, the list's URL state, health
// roll-ups, relation grouping, problem filtering and paths, drift helpers.
import { describe, expect, it } from 'vitest';
import type { CatalogComponentDrift, CatalogProblem } from '../../../../common/api/catalog-schemas';
import type { ServiceSummary } from '../../../../common/api/service-schemas';
import { hasDrift, ownerlessSnippet, peersByName } from './drift';
import { componentHealth, rollUp, servicesByComponent } from './health';
import { clearFilters, hasFilters, isSelected, listQuery, readListState, toggleFacet } from './list-state';
import { countBy, filterProblems, relativeToSource, sortProblems } from './problems';
import { displayName, entityPath, kindLabel, refName, splitRef } from './refs';
import { groupRelations } from './relations';

describe('entity references', () => {
  it('split into kind, namespace and name and address the entity page', () => {
    expect(splitRef('component:default/checkout')).toEqual({ kind: 'component', namespace: 'default', name: 'checkout' });
    expect(splitRef('user:contractors/carol')).toEqual({ kind: 'user', namespace: 'contractors', name: 'carol' });
    expect(entityPath('Component:Default/Checkout')).toBe('/catalog/component/default/checkout');
    expect(entityPath('group:default/team-shop', '/graph')).toBe('/catalog/group/default/team-shop/graph');
    // Names Backstage allows may still need escaping in a path segment.
    expect(entityPath({ kind: 'component', namespace: 'default', name: 'a.b_c' })).toBe('/catalog/component/default/a.b_c');
  });

  it('read as people say them', () => {
    expect(kindLabel('api')).toBe('API');
    expect(kindLabel('Component')).toBe('Component');
    expect(kindLabel('Widget')).toBe('Widget');
    expect(refName('group:default/team-shop')).toBe('team-shop');
    expect(refName('user:contractors/carol')).toBe('contractors/carol');
    expect(displayName({ title: 'Checkout service', name: 'checkout' })).toBe('Checkout service');
    expect(displayName({ title: '  ', name: 'checkout' })).toBe('checkout');
  });
});

describe('catalog list URL state', () => {
  it('reads repeated and comma-separated facets', () => {
    const s = readListState(new URLSearchParams('kind=Component&kind=API&tag=a,b&owner=group:default/team-shop&q=pay'));
    expect(s).toEqual({ q: 'pay', kind: ['Component', 'API'], type: [], lifecycle: [], tag: ['a', 'b'], owner: 'group:default/team-shop', system: '' });
    expect(hasFilters(s)).toBe(true);
    expect(hasFilters(readListState(new URLSearchParams('from=now-1h')))).toBe(false);
  });

  it('checks and unchecks multi-value facets case-insensitively, keeping other parameters', () => {
    const p = new URLSearchParams('from=now-1h&kind=Component');
    toggleFacet(p, 'kind', 'API');
    expect(p.getAll('kind')).toEqual(['Component', 'API']);
    toggleFacet(p, 'kind', 'component');
    expect(p.getAll('kind')).toEqual(['API']);
    expect(p.get('from')).toBe('now-1h');
  });

  it('holds one owner and one system: checking another replaces it', () => {
    const p = new URLSearchParams();
    toggleFacet(p, 'owner', 'group:default/team-shop');
    toggleFacet(p, 'owner', 'group:default/team-pay');
    expect(p.getAll('owner')).toEqual(['group:default/team-pay']);
    expect(isSelected(readListState(p), 'owner', 'GROUP:default/team-pay')).toBe(true);
    toggleFacet(p, 'owner', 'group:default/team-pay');
    expect(p.has('owner')).toBe(false);
  });

  it('turns into API filters without empty values, and clears to the time range', () => {
    expect(listQuery(readListState(new URLSearchParams('q=%20&lifecycle=production')))).toEqual({
      q: undefined,
      kind: undefined,
      type: undefined,
      lifecycle: ['production'],
      tag: undefined,
      owner: undefined,
      system: undefined,
    });
    const p = new URLSearchParams('from=now-6h&to=now&q=x&kind=API&owner=a&system=b&tag=t');
    clearFilters(p);
    expect(p.toString()).toBe('from=now-6h&to=now');
  });
});

function service(name: string, component: string | null, o: Partial<ServiceSummary> = {}): ServiceSummary {
  return {
    name,
    namespace: '',
    spanCount: 10,
    errorCount: 0,
    requests: 100,
    requestErrors: 0,
    errorRate: 0,
    rps: 1,
    p50Ms: 1,
    p95Ms: 2,
    p99Ms: 3,
    lastSeen: 0,
    versions: [],
    health: 'healthy',
    p95BaselineMs: null,
    latencyRatio: null,
    sloBurn: null,
    sloAlert: null,
    component,
    owner: null,
    ...o,
  };
}

describe('health of what a team or system owns', () => {
  const services = [
    service('cart', 'component:default/cart'),
    service('checkout', 'component:default/checkout', { requests: 100, requestErrors: 20, errorRate: 0.2, rps: 2, health: 'failing' }),
    service('payment', 'component:default/payment', { requests: 300, requestErrors: 1, errorRate: 1 / 300, rps: 3, health: 'degraded' }),
    service('fulfillment', null),
  ];
  const byComponent = servicesByComponent(services);

  it('joins components with their services and marks the silent ones', () => {
    expect(byComponent.get('component:default/cart')?.name).toBe('cart');
    expect(byComponent.size).toBe(3);
    expect(componentHealth('component:default/legacy', byComponent)).toBe('silent');
    expect(componentHealth('component:default/checkout', byComponent)).toBe('failing');
  });

  it('adds up traffic and errors, and reports the worst health', () => {
    const r = rollUp(['component:default/cart', 'component:default/checkout', 'component:default/payment', 'component:default/legacy', 'component:default/cart'], byComponent);
    expect(r).toMatchObject({ components: 4, live: 3, silent: 1, healthy: 1, failing: 1, degraded: 1, requests: 500, errors: 21, rps: 6, worst: 'failing' });
    expect(r.errorRate).toBeCloseTo(21 / 500);
    expect(rollUp(['component:default/legacy'], byComponent)).toMatchObject({ silent: 1, worst: null, errorRate: 0 });
  });
});

describe('relations', () => {
  it('group by type in reading order, leaving out the skipped types', () => {
    const groups = groupRelations(
      [
        { type: 'dependsOn', targetRef: 'component:default/cart' },
        { type: 'ownedBy', targetRef: 'group:default/team-shop' },
        { type: 'dependsOn', targetRef: 'resource:default/db' },
        { type: 'providesApi', targetRef: 'api:default/checkout-api' },
        { type: 'partOf', targetRef: 'system:default/shop' },
      ],
      ['providesApi'],
    );
    expect(groups.map((g) => [g.label, g.items.length])).toEqual([
      ['Owned by', 1],
      ['Part of', 1],
      ['Depends on', 2],
    ]);
  });
});

describe('problems', () => {
  const p = (o: Partial<CatalogProblem>): CatalogProblem => ({ file: '/src/a/catalog-info.yaml', line: 1, entityRef: null, rule: 'r', message: 'm', severity: 'error', ...o });
  const problems = [
    p({ severity: 'warning', rule: 'ref.dangling', line: 9 }),
    p({ rule: 'metadata.name.format', line: 4, file: '/src/b/catalog-info.yaml' }),
    p({ rule: 'spec.field-required', line: 14 }),
    p({ severity: 'info', rule: 'source.empty' }),
  ];

  it('filter by severity and rule, and count each', () => {
    expect(filterProblems(problems, { severity: ['error'], rule: [] })).toHaveLength(2);
    expect(filterProblems(problems, { severity: ['error', 'warning'], rule: ['ref.dangling'] }).map((x) => x.line)).toEqual([9]);
    expect(countBy(problems, (x) => x.severity)).toEqual([
      { value: 'error', count: 2 },
      { value: 'info', count: 1 },
      { value: 'warning', count: 1 },
    ]);
  });

  it('sort errors first, then by file and line', () => {
    expect(sortProblems(problems).map((x) => `${x.severity}:${x.file.slice(5, 6)}:${x.line}`)).toEqual(['error:a:14', 'error:b:4', 'warning:a:9', 'info:a:1']);
  });

  it('show files relative to the catalog source that holds them', () => {
    expect(relativeToSource('/repos/shop/services/cart/catalog-info.yaml', ['/repos', '/repos/shop/'])).toBe('services/cart/catalog-info.yaml');
    expect(relativeToSource('/repos/one.yaml', ['/repos/one.yaml'])).toBe('one.yaml');
    expect(relativeToSource('/elsewhere/x.yaml', ['/repos'])).toBe('/elsewhere/x.yaml');
    // A prefix that is not a folder boundary does not count.
    expect(relativeToSource('/repos-old/x.yaml', ['/repos'])).toBe('/repos-old/x.yaml');
  });
});

describe('drift', () => {
  const c = (o: Partial<CatalogComponentDrift>): CatalogComponentDrift => ({
    ref: 'component:default/x',
    title: null,
    serviceName: 'x',
    observed: true,
    confirmed: [],
    undeclared: [],
    stale: [],
    unresolvedApis: [],
    ...o,
  });
  const dep = { targetRef: null, targetService: 'y', via: 'observed' as const, apiRef: null, targetNode: 'y', targetType: 'service' as const };

  it('counts a component as drifted when anything is undeclared, stale or unresolvable', () => {
    expect(hasDrift(c({ confirmed: [dep] }))).toBe(false);
    expect(hasDrift(c({ undeclared: [dep] }))).toBe(true);
    expect(hasDrift(c({ stale: [{ ...dep, via: 'dependsOn' }] }))).toBe(true);
    expect(hasDrift(c({ unresolvedApis: ['api:default/fraud-api'] }))).toBe(true);
  });

  it('names databases and queues, unless a service has the same name', () => {
    const peers = peersByName([
      { name: 'cart', type: 'service' },
      { name: 'shopdb', type: 'database', system: 'postgresql' },
      { name: 'orders', type: 'queue', system: 'kafka' },
      { name: 'orders', type: 'service' },
    ]);
    expect(peers.get('shopdb')).toEqual({ type: 'database', system: 'postgresql' });
    expect(peers.has('orders')).toBe(false);
    expect(peers.has('cart')).toBe(false);
  });

  it('offers a descriptor that claims an ownerless service by its name', () => {
    expect(ownerlessSnippet('fulfillment')).toContain('name: fulfillment');
    expect(ownerlessSnippet('fulfillment')).toMatch(/^apiVersion: backstage\.io\/v1alpha1\nkind: Component/);
  });
});
