import { describe, expect, it } from 'vitest';
import { edgeId } from '../../features/map/graph';
import { crossings, layeredPart, orderLayers, settle } from './layered';
import { syntheticMap } from '../../features/map/synthetic';

const spacing = { rankSep: 110, nodeSep: 26, edgeSep: 12 };
const box = (id: string, width = 180) => ({ id, width, height: 44 });

describe('settling a rank', () => {
  it('keeps wanted positions that leave room', () => {
    expect(settle([0, 100, 300], [0, 50, 50], [1, 1, 1])).toEqual([0, 100, 300]);
  });

  it('spreads items that want the same spot evenly around it, in order', () => {
    const y = settle([100, 100, 100], [0, 50, 50], [1, 1, 1]);
    expect(y).toEqual([50, 100, 150]);
  });

  it('never breaks the order or the gaps', () => {
    const want = [300, 10, 200, 5, 250];
    const gaps = [0, 40, 40, 40, 40];
    const y = settle(want, gaps, [1, 0.5, 1, 0.5, 1]);
    for (let i = 1; i < y.length; i++) expect(y[i] - y[i - 1]).toBeGreaterThanOrEqual(40 - 1e-9);
  });
});

describe('ordering ranks', () => {
  it('untangles crossed edges', () => {
    const layers = [
      ['a', 'b'],
      ['y', 'x'],
    ];
    const succs = new Map([
      ['a', ['x']],
      ['b', ['y']],
    ]);
    const preds = new Map([
      ['x', ['a']],
      ['y', ['b']],
    ]);
    expect(crossings(layers, succs, new Map())).toBe(1);
    orderLayers(layers, preds, succs);
    expect(crossings(layers, succs, new Map())).toBe(0);
  });
});

describe('layered layout of a big map', () => {
  const g = syntheticMap(300, 5);
  const nodes = g.nodes.map((n) => box(n.id, 140 + (n.name.length % 5) * 20));
  const edges = g.edges.map((e) => ({ id: edgeId(e), source: e.source, target: e.target }));
  const r = layeredPart(nodes, edges, spacing);

  it('places every node left of the nodes it calls, with routes between their sides', () => {
    expect(Object.keys(r.nodes)).toHaveLength(300);
    for (const e of edges) {
      expect(r.nodes[e.source].x, e.id).toBeLessThan(r.nodes[e.target].x);
      const pts = r.edges[e.id];
      expect(pts[0].y).toBeCloseTo(r.nodes[e.source].y);
      expect(pts[pts.length - 1].y).toBeCloseTo(r.nodes[e.target].y);
    }
  });

  it('lets no two nodes overlap', () => {
    const width = new Map(nodes.map((n) => [n.id, n.width]));
    const placed = nodes.map((n) => ({ id: n.id, ...r.nodes[n.id] }));
    for (let i = 0; i < placed.length; i++) {
      for (let j = i + 1; j < placed.length; j++) {
        const a = placed[i];
        const b = placed[j];
        const apart = Math.abs(a.x - b.x) * 2 >= width.get(a.id)! + width.get(b.id)! || Math.abs(a.y - b.y) >= 44;
        expect(apart, `${a.id} / ${b.id}`).toBe(true);
      }
    }
    for (const p of Object.values(r.nodes)) {
      expect(p.y - 22).toBeGreaterThanOrEqual(-1e-6);
      expect(p.y + 22).toBeLessThanOrEqual(r.height + 1e-6);
    }
  });

  it('survives cycles: both ends placed, the back edge drawn right to left', () => {
    const c = layeredPart(
      [box('a'), box('b'), box('c')],
      [
        { id: 'a→b', source: 'a', target: 'b' },
        { id: 'b→c', source: 'b', target: 'c' },
        { id: 'c→a', source: 'c', target: 'a' },
      ],
      spacing,
    );
    expect(c.nodes.a.x).toBeLessThan(c.nodes.b.x);
    expect(c.nodes.b.x).toBeLessThan(c.nodes.c.x);
    const back = c.edges['c→a'];
    expect(back[0].x).toBeLessThan(c.nodes.c.x);
    expect(back[back.length - 1].x).toBeGreaterThan(c.nodes.a.x);
  });
});
