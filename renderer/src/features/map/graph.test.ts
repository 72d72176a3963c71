import { describe, expect, it } from 'vitest';
import type { CatalogDriftReport } from '../../../../common/api/catalog-schemas';
import { applyDrift } from './drift';
import { capGraph, edgeHealth, edgeId, edgeWidth, filterGraph, idleNodes, namespacesOf, neighbourhood, searchNodes, topologyKey, DEFAULT_VIEW, type MapEdge, type MapNode, type ServiceMap } from './graph';

function node(id: string, extra: Partial<MapNode> = {}): MapNode {
  const type = id.startsWith('db:') ? 'database' : id.startsWith('queue:') ? 'queue' : 'service';
  return {
    id,
    name: id.replace(/^\w+:[^/]*\//, ''),
    type,
    namespace: type === 'service' ? 'shop' : '',
    calls: 100,
    errors: 0,
    rps: 1,
    errorRate: 0,
    p50Ms: 5,
    p95Ms: 20,
    p99Ms: 40,
    health: 'healthy',
    shared: false,
    writers: [],
    system: type === 'service' ? '' : 'postgresql',
    ...extra,
  };
}

function edge(source: string, target: string, extra: Partial<MapEdge> = {}): MapEdge {
  return { source, target, connectionType: 'sync', calls: 100, errors: 0, rps: 1, errorRate: 0, p50Ms: 5, p95Ms: 20, p99Ms: 40, ...extra };
}

// The demo shop's shape: frontend → gateway → services → shopdb, checkout → kafka → fulfillment.
const shop: ServiceMap = {
  nodes: [
    node('frontend'),
    node('gateway'),
    node('cart'),
    node('checkout'),
    node('payment'),
    node('inventory'),
    node('recommendation'),
    node('fulfillment'),
    node('db:postgresql/shopdb', { shared: true, writers: ['cart', 'checkout', 'fulfillment', 'inventory'] }),
    node('queue:kafka/orders', { type: 'queue', system: 'kafka' }),
    node('legacy-report', { namespace: 'backoffice', calls: 0, rps: 0, health: 'idle' }),
  ],
  edges: [
    edge('frontend', 'gateway'),
    edge('gateway', 'cart'),
    edge('gateway', 'checkout'),
    edge('gateway', 'inventory'),
    edge('gateway', 'recommendation'),
    edge('checkout', 'payment'),
    edge('checkout', 'cart'),
    edge('recommendation', 'inventory'),
    edge('cart', 'db:postgresql/shopdb', { connectionType: 'database' }),
    edge('checkout', 'db:postgresql/shopdb', { connectionType: 'database' }),
    edge('inventory', 'db:postgresql/shopdb', { connectionType: 'database' }),
    edge('fulfillment', 'db:postgresql/shopdb', { connectionType: 'database' }),
    edge('checkout', 'queue:kafka/orders', { connectionType: 'messaging' }),
    edge('queue:kafka/orders', 'fulfillment', { connectionType: 'messaging' }),
  ],
};

const ids = (nodes: readonly { id: string }[]) => nodes.map((n) => n.id).sort();

describe('focus on a service N hops out', () => {
  it('keeps the focused node and its direct callers and callees at depth 1', () => {
    const v = filterGraph(shop, { ...DEFAULT_VIEW, focus: 'checkout', depth: 1 });
    expect(ids(v.nodes)).toEqual(['cart', 'checkout', 'db:postgresql/shopdb', 'gateway', 'payment', 'queue:kafka/orders'].sort());
    // Only edges between kept nodes remain.
    expect(v.edges.every((e) => ids(v.nodes).includes(e.source) && ids(v.nodes).includes(e.target))).toBe(true);
    expect(v.edges.map(edgeId)).toContain('gateway→cart');
  });

  it('grows one hop per depth step, following edges in both directions', () => {
    const d2 = filterGraph(shop, { ...DEFAULT_VIEW, focus: 'payment', depth: 2 });
    expect(ids(d2.nodes)).toEqual(['cart', 'checkout', 'db:postgresql/shopdb', 'gateway', 'payment', 'queue:kafka/orders'].sort());
    const d3 = filterGraph(shop, { ...DEFAULT_VIEW, focus: 'payment', depth: 3 });
    expect(ids(d3.nodes)).toContain('fulfillment');
    expect(ids(d3.nodes)).toContain('frontend');
    expect(ids(d3.nodes)).not.toContain('legacy-report');
  });

  it('clamps the depth to 1–3 and ignores a focus that is not on the map', () => {
    expect(neighbourhood(['a', 'b', 'c', 'd', 'e'], [edge('a', 'b'), edge('b', 'c'), edge('c', 'd'), edge('d', 'e')], 'a', 2)).toEqual(new Set(['a', 'b', 'c']));
    const far = filterGraph(shop, { ...DEFAULT_VIEW, focus: 'frontend', depth: 9 });
    // Three hops reach payment and shopdb; fulfillment is four away.
    expect(ids(far.nodes)).toContain('payment');
    expect(ids(far.nodes)).toContain('db:postgresql/shopdb');
    expect(ids(far.nodes)).not.toContain('fulfillment');
    expect(filterGraph(shop, { ...DEFAULT_VIEW, focus: 'nope' }).nodes).toHaveLength(shop.nodes.length);
  });
});

describe('namespace filter', () => {
  it('keeps the namespace’s services and the datastores and queues they use', () => {
    const v = filterGraph(shop, { ...DEFAULT_VIEW, namespace: 'shop' });
    expect(ids(v.nodes)).toContain('db:postgresql/shopdb');
    expect(ids(v.nodes)).toContain('queue:kafka/orders');
    expect(ids(v.nodes)).not.toContain('legacy-report');
    const back = filterGraph(shop, { ...DEFAULT_VIEW, namespace: 'backoffice' });
    expect(ids(back.nodes)).toEqual(['legacy-report']);
    expect(back.edges).toHaveLength(0);
  });

  it('lists the service namespaces once, sorted', () => {
    expect(namespacesOf(shop)).toEqual(['backoffice', 'shop']);
  });
});

describe('hide idle', () => {
  it('hides nodes without requests or traffic on their edges', () => {
    expect([...idleNodes(shop)]).toEqual(['legacy-report']);
    const v = filterGraph(shop, { ...DEFAULT_VIEW, hideIdle: true });
    expect(ids(v.nodes)).not.toContain('legacy-report');
    expect(v.nodes).toHaveLength(shop.nodes.length - 1);
  });

  it('keeps a node that only calls others (a job with no requests of its own)', () => {
    const g: ServiceMap = { nodes: [node('job', { calls: 0, health: 'idle' }), node('api')], edges: [edge('job', 'api')] };
    expect(ids(filterGraph(g, { ...DEFAULT_VIEW, hideIdle: true }).nodes)).toEqual(['api', 'job']);
  });

  it('combines with focus and namespace', () => {
    const g: ServiceMap = { ...shop, edges: [...shop.edges, edge('legacy-report', 'db:postgresql/shopdb', { calls: 0, rps: 0, connectionType: 'database' })] };
    const v = filterGraph(g, { namespace: '', hideIdle: true, focus: 'db:postgresql/shopdb', depth: 1 });
    expect(ids(v.nodes)).toEqual(['cart', 'checkout', 'db:postgresql/shopdb', 'fulfillment', 'inventory']);
  });
});

describe('cap on visible nodes', () => {
  const chain: ServiceMap = {
    nodes: Array.from({ length: 10 }, (_, i) => node(`s${i}`, { calls: 100 - i })),
    edges: Array.from({ length: 9 }, (_, i) => edge(`s${i}`, `s${i + 1}`)),
  };

  it('keeps the busiest part and counts the neighbours left out', () => {
    const v = capGraph(chain.nodes, chain.edges, 4);
    expect(v.nodes).toHaveLength(4);
    expect(v.cappedCount).toBe(6);
    // Every kept node with a dropped neighbour carries a marker; the sum matches the cut edges.
    const cut = chain.edges.filter((e) => v.nodes.some((n) => n.id === e.source) !== v.nodes.some((n) => n.id === e.target)).length;
    expect([...v.hiddenNeighbours.values()].reduce((a, b) => a + b, 0)).toBe(cut);
    expect(cut).toBeGreaterThan(0);
  });

  it('grows from the focus when there is one', () => {
    const v = filterGraph(chain, { ...DEFAULT_VIEW, focus: 's8', depth: 3 }, 3);
    expect(ids(v.nodes)).toContain('s8');
    expect(v.nodes).toHaveLength(3);
  });

  it('does nothing under the cap', () => {
    const v = filterGraph(shop, DEFAULT_VIEW);
    expect(v.cappedCount).toBe(0);
    expect(v.hiddenNeighbours.size).toBe(0);
  });
});

describe('search, topology and edge styling', () => {
  it('finds nodes by name, system or namespace, exact names first', () => {
    expect(searchNodes(shop.nodes, 'shopdb')).toEqual(['db:postgresql/shopdb']);
    expect(searchNodes(shop.nodes, 'kafka')).toEqual(['queue:kafka/orders']);
    expect(searchNodes(shop.nodes, 'cart')[0]).toBe('cart');
    expect(searchNodes(shop.nodes, '  ')).toEqual([]);
  });

  it('keeps the topology key when only the numbers change', () => {
    const busier = { nodes: shop.nodes.map((n) => ({ ...n, rps: n.rps * 3 })), edges: [...shop.edges].reverse().map((e) => ({ ...e, calls: 5 })) };
    expect(topologyKey(busier.nodes, busier.edges)).toBe(topologyKey(shop.nodes, shop.edges));
    expect(topologyKey(shop.nodes, shop.edges.slice(1))).not.toBe(topologyKey(shop.nodes, shop.edges));
  });

  it('colours edges by Kiali’s thresholds and widens them with traffic', () => {
    expect(edgeHealth({ calls: 0, errorRate: 0 })).toBe('idle');
    expect(edgeHealth({ calls: 10, errorRate: 0.0005 })).toBe('healthy');
    expect(edgeHealth({ calls: 10, errorRate: 0.001 })).toBe('degraded');
    expect(edgeHealth({ calls: 10, errorRate: 0.11 })).toBe('failing');
    expect(edgeWidth(10, 10)).toBeGreaterThan(edgeWidth(0.1, 10));
    expect(edgeWidth(0, 10)).toBe(1.2);
  });
});

describe('catalog drift overlay', () => {
  const report: CatalogDriftReport = {
    components: [
      {
        ref: 'component:default/checkout',
        title: null,
        serviceName: 'checkout',
        observed: true,
        confirmed: [{ targetRef: 'component:default/payment', targetService: 'payment', via: 'dependsOn', apiRef: null, targetNode: 'payment', targetType: 'service' }],
        undeclared: [{ targetRef: 'component:default/cart', targetService: 'cart', via: 'observed', apiRef: null, targetNode: 'cart', targetType: 'service' }],
        stale: [
          { targetRef: 'component:default/fraud', targetService: 'fraud', via: 'dependsOn', apiRef: null, targetNode: null, targetType: null },
          { targetRef: 'component:default/gateway', targetService: 'gateway', via: 'dependsOn', apiRef: null, targetNode: null, targetType: null },
        ],
        unresolvedApis: [],
      },
    ],
    ownerlessServices: [{ serviceName: 'frontend' }],
    silentComponents: [],
    totals: { confirmed: 1, undeclared: 1, stale: 2 },
  };

  it('marks observed edges confirmed or undeclared and adds stale ones as ghosts', () => {
    const visible = filterGraph(shop, DEFAULT_VIEW);
    const { graph, overlay } = applyDrift(visible, new Set(shop.nodes.map((n) => n.id)), report);
    expect(overlay.edges.get('checkout→payment')).toBe('confirmed');
    expect(overlay.edges.get('checkout→cart')).toBe('undeclared');
    expect(overlay.edges.get('checkout→fraud')).toBe('stale');
    expect(overlay.edges.get('checkout→gateway')).toBe('stale');
    expect(overlay.edges.has('gateway→cart')).toBe(false);
    // fraud sent nothing: a ghost node carries its stale edge.
    expect(overlay.ghostNodes).toEqual(new Set(['fraud']));
    expect(ids(graph.nodes)).toContain('fraud');
    expect(graph.edges.map(edgeId)).toContain('checkout→gateway');
    expect(overlay.ownerless.has('frontend')).toBe(true);
  });

  it('follows the node the core names, so a queue named like a service gets its own state', () => {
    const g: ServiceMap = { nodes: [node('checkout'), node('orders'), node('queue:kafka/orders', { type: 'queue', system: 'kafka' })], edges: [edge('checkout', 'queue:kafka/orders', { connectionType: 'messaging' })] };
    const queueReport: CatalogDriftReport = {
      ...report,
      components: [
        {
          ...report.components[0],
          confirmed: [],
          undeclared: [{ targetRef: null, targetService: 'orders', via: 'observed', apiRef: null, targetNode: 'queue:kafka/orders', targetType: 'queue' }],
          stale: [],
        },
      ],
    };
    const { overlay } = applyDrift(filterGraph(g, DEFAULT_VIEW), new Set(g.nodes.map((n) => n.id)), queueReport);
    expect(overlay.edges.get('checkout→queue:kafka/orders')).toBe('undeclared');
    expect(overlay.edges.has('checkout→orders')).toBe(false);
  });

  it('does not bring back a node the filters hid', () => {
    const visible = filterGraph(shop, { ...DEFAULT_VIEW, focus: 'payment', depth: 1 });
    const { graph } = applyDrift(visible, new Set(shop.nodes.map((n) => n.id)), report);
    expect(ids(graph.nodes)).not.toContain('gateway');
    expect(ids(graph.nodes)).toContain('fraud');
  });
});
