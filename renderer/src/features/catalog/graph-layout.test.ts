// Relations graph layout: every node placed without overlaps, edges routed between their ends,
// boxes wide enough for their labels.
import { describe, expect, it } from 'vitest';
import { MORE_PREFIX, collapseCrowds, edgePath, layoutGraph, nodeLines, nodeWidth, NODE_HEIGHT } from './graph-layout';

const node = (ref: string, title: string | null = null) => {
  const [kind, rest] = ref.split(':');
  return { ref, kind, namespace: 'default', name: rest.split('/')[1], title, exists: true, distance: 0 };
};

describe('relations graph layout', () => {
  const graph = {
    nodes: [
      node('component:default/checkout', 'Checkout service'),
      node('group:default/team-shop', 'Shop team'),
      node('system:default/shop'),
      node('api:default/payments-api'),
      node('component:default/payment'),
    ],
    edges: [
      { source: 'component:default/checkout', target: 'group:default/team-shop', type: 'ownedBy' as const },
      { source: 'component:default/checkout', target: 'system:default/shop', type: 'partOf' as const },
      { source: 'component:default/checkout', target: 'api:default/payments-api', type: 'consumesApi' as const },
      { source: 'component:default/payment', target: 'api:default/payments-api', type: 'providesApi' as const },
      // An edge to a node that is not in the graph is dropped, not drawn to nowhere.
      { source: 'component:default/checkout', target: 'component:default/ghost', type: 'dependsOn' as const },
    ],
  };

  it('places every node left to right without overlapping boxes', () => {
    const l = layoutGraph(graph);
    expect(l.nodes).toHaveLength(5);
    expect(l.edges).toHaveLength(4);
    const at = new Map(l.nodes.map((n) => [n.ref, n]));
    // The entity that declares a relation sits left of its target.
    expect(at.get('component:default/checkout')!.x).toBeLessThan(at.get('group:default/team-shop')!.x);
    for (const a of l.nodes)
      for (const b of l.nodes) {
        if (a === b) continue;
        const apart = Math.abs(a.x - b.x) >= (a.width + b.width) / 2 || Math.abs(a.y - b.y) >= (a.height + b.height) / 2;
        expect(apart, `${a.ref} overlaps ${b.ref}`).toBe(true);
      }
    for (const n of l.nodes) {
      expect(n.x + n.width / 2).toBeLessThanOrEqual(l.width);
      expect(n.y + n.height / 2).toBeLessThanOrEqual(l.height);
      expect(n.height).toBe(NODE_HEIGHT);
    }
  });

  it('routes each edge from its source box to its target box', () => {
    const l = layoutGraph(graph);
    const at = new Map(l.nodes.map((n) => [n.ref, n]));
    for (const e of l.edges) {
      const first = e.points[0];
      const last = e.points[e.points.length - 1];
      const s = at.get(e.source)!;
      const t = at.get(e.target)!;
      expect(Math.abs(first.x - s.x)).toBeLessThanOrEqual(s.width / 2 + 1);
      expect(Math.abs(last.x - t.x)).toBeLessThanOrEqual(t.width / 2 + 1);
      expect(edgePath(e.points)).toMatch(/^M[\d.-]+,[\d.-]+.*L[\d.-]+,[\d.-]+$/);
    }
  });

  it('sizes boxes for the longer of their two lines', () => {
    expect(nodeLines({ name: 'checkout', title: 'Checkout service', kind: 'Component' })).toEqual({ title: 'Checkout service', sub: 'Component · checkout' });
    expect(nodeLines({ name: 'cart', title: null, kind: 'Component' })).toEqual({ title: 'cart', sub: 'Component' });
    expect(nodeWidth({ name: 'x', title: null, kind: 'API' })).toBe(120);
    expect(nodeWidth({ name: 'recommendation-engine-with-a-long-name', title: null, kind: 'Component' })).toBeGreaterThan(nodeWidth({ name: 'cart', title: null, kind: 'Component' }));
    expect(nodeWidth({ name: 'a'.repeat(200), title: null, kind: 'Component' })).toBe(280);
  });
});

describe('folding crowds in the relations graph', () => {
  const team = 'group:default/team-big';
  const components = Array.from({ length: 30 }, (_, i) => ({ ...node(`component:default/svc-${String(i).padStart(2, '0')}`), distance: 1 }));
  const graph = {
    root: team,
    nodes: [
      { ...node(team), distance: 0 },
      { ...node('system:default/big'), distance: 1 },
      ...components,
      // Reached only through svc-29, which gets folded.
      { ...node('api:default/only-via-29'), distance: 2 },
    ],
    edges: [
      ...components.map((c) => ({ source: c.ref, target: team, type: 'ownedBy' as const })),
      { source: 'system:default/big', target: team, type: 'ownedBy' as const },
      { source: 'component:default/svc-29', target: 'api:default/only-via-29', type: 'providesApi' as const },
      { source: 'component:default/svc-00', target: 'component:default/svc-29', type: 'dependsOn' as const },
    ],
  };

  it('keeps a few of a crowd and folds the rest into one node, with what hung off them', () => {
    const c = collapseCrowds(graph, 14, 8);
    const refs = c.nodes.map((n) => n.ref);
    expect(refs).toContain(team);
    expect(refs).toContain('system:default/big');
    expect(refs).toContain('component:default/svc-00');
    expect(refs).toContain('component:default/svc-07');
    expect(refs).not.toContain('component:default/svc-08');
    expect(refs).not.toContain('api:default/only-via-29');
    const more = c.nodes.find((n) => n.ref.startsWith(MORE_PREFIX))!;
    expect(more).toMatchObject({ kind: 'component', hidden: 22 });
    expect(c.hidden).toBe(23);
    // The folded node keeps the crowd's relation, in its direction; edges to folded ends go.
    expect(c.edges).toContainEqual({ source: more.ref, target: team, type: 'ownedBy' });
    expect(c.edges.some((e) => e.target === 'component:default/svc-29' || e.source === 'component:default/svc-29')).toBe(false);
    expect(layoutGraph(c).nodes).toHaveLength(c.nodes.length);
  });

  it('leaves small neighbourhoods alone', () => {
    const small = { ...graph, nodes: graph.nodes.slice(0, 10), edges: graph.edges.slice(0, 8) };
    const c = collapseCrowds(small);
    expect(c.hidden).toBe(0);
    expect(c.nodes).toBe(small.nodes);
  });
});
