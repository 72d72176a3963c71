// A fast layered (Sugiyama-style) left-to-right layout for big maps, where dagre's ranking and
// Brandes-Köpf positioning took most of the time (a 300-node, 535-edge map: ~150–350 ms of CPU in
// dagre against ~20–40 ms here). Longest-path ranks, dummy nodes on long edges, barycenter sweeps
// for the order, then each rank's nodes pulled towards their neighbours without overlapping.
import type { LayoutEdgeInput, LayoutNodeInput, Point } from './layout';

export interface LayerSpacing {
  rankSep: number;
  nodeSep: number;
  /** Gap between an edge passing through a rank and its neighbours. */
  edgeSep: number;
}

export interface PartLayout {
  nodes: Record<string, Point>;
  edges: Record<string, Point[]>;
  width: number;
  height: number;
}

const SWEEPS = 8;
const SETTLE = 6;
const DUMMY_H = 4;

interface Item {
  id: string;
  rank: number;
  h: number;
  dummy: boolean;
}

/** Orders each rank to reduce crossings: depth-first start, then barycenter sweeps down and up,
 * keeping the order with the fewest crossings. Layers are changed in place. */
export function orderLayers(layers: string[][], preds: Map<string, string[]>, succs: Map<string, string[]>, sweeps = SWEEPS): void {
  const rank = new Map<string, number>();
  layers.forEach((l, r) => l.forEach((v) => rank.set(v, r)));
  const seen = new Set<string>();
  const start: string[][] = layers.map(() => []);
  for (const layer of layers) {
    for (const root of layer) {
      const stack = [root];
      while (stack.length) {
        const x = stack.pop()!;
        if (seen.has(x)) continue;
        seen.add(x);
        start[rank.get(x)!].push(x);
        const next = succs.get(x) ?? [];
        for (let i = next.length - 1; i >= 0; i--) if (!seen.has(next[i])) stack.push(next[i]);
      }
    }
  }
  const position = new Map<string, number>();
  let best = start.map((l) => [...l]);
  let bestCrossings = crossings(best, succs, position);
  let current = start;
  for (let sweep = 0; sweep < sweeps; sweep++) {
    const down = sweep % 2 === 0;
    const next = current.map((l) => [...l]);
    next.forEach((l) => l.forEach((v, i) => position.set(v, i)));
    const order = down ? [...next.keys()].slice(1) : [...next.keys()].reverse().slice(1);
    for (const r of order) {
      const layer = next[r];
      const bary = new Map<string, number>();
      layer.forEach((v, i) => {
        const ns = (down ? preds : succs).get(v) ?? [];
        bary.set(v, ns.length ? ns.reduce((a, n) => a + position.get(n)!, 0) / ns.length : i);
      });
      layer.sort((a, b) => bary.get(a)! - bary.get(b)!);
      layer.forEach((v, i) => position.set(v, i));
    }
    const c = crossings(next, succs, position);
    if (c < bestCrossings) {
      bestCrossings = c;
      best = next.map((l) => [...l]);
    }
    current = next;
  }
  best.forEach((l, r) => (layers[r] = l));
}

/** Crossings between neighbouring ranks, counted with a Fenwick tree. */
export function crossings(order: string[][], succs: Map<string, string[]>, position: Map<string, number>): number {
  order.forEach((layer) => layer.forEach((v, i) => position.set(v, i)));
  let total = 0;
  for (let r = 0; r + 1 < order.length; r++) {
    const size = order[r + 1].length;
    const tree = new Array<number>(size + 1).fill(0);
    let seen = 0;
    for (const v of order[r]) {
      const targets = (succs.get(v) ?? []).filter((w) => position.has(w)).map((w) => position.get(w)!).sort((a, b) => a - b);
      for (const t of targets) {
        let below = 0;
        for (let i = t + 1; i > 0; i -= i & -i) below += tree[i];
        total += seen - below;
        for (let i = t + 1; i <= size; i += i & -i) tree[i]++;
        seen++;
      }
    }
  }
  return total;
}

/**
 * The positions closest to `want` (least squares, weighted) that keep the given order with at
 * least `gaps[i]` between item i-1 and item i: isotonic regression (pool adjacent violators) on
 * the positions less the gaps before them.
 */
export function settle(want: readonly number[], gaps: readonly number[], weights: readonly number[]): number[] {
  const offset: number[] = [];
  want.forEach((_, i) => (offset[i] = i === 0 ? 0 : offset[i - 1] + gaps[i]));
  const blocks: Array<{ mean: number; weight: number; count: number }> = [];
  want.forEach((w, i) => {
    blocks.push({ mean: w - offset[i], weight: weights[i], count: 1 });
    while (blocks.length > 1 && blocks[blocks.length - 2].mean > blocks[blocks.length - 1].mean) {
      const b = blocks.pop()!;
      const a = blocks[blocks.length - 1];
      const weight = a.weight + b.weight;
      a.mean = (a.mean * a.weight + b.mean * b.weight) / weight;
      a.weight = weight;
      a.count += b.count;
    }
  });
  const out: number[] = [];
  for (const b of blocks) for (let k = 0; k < b.count; k++) out.push(b.mean + offset[out.length]);
  return out;
}

/** Lays out one connected part. Edges are assumed to join distinct, known nodes. */
export function layeredPart(nodes: LayoutNodeInput[], edges: LayoutEdgeInput[], spacing: LayerSpacing): PartLayout {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const out = new Map<string, string[]>();
  const into = new Map<string, string[]>();
  for (const n of nodes) {
    out.set(n.id, []);
    into.set(n.id, []);
  }

  // Break cycles: an edge back to a node on the depth-first stack is ranked reversed.
  const reversed = new Set<string>();
  const state = new Map<string, 1 | 2>();
  const adjacency = new Map<string, LayoutEdgeInput[]>();
  for (const e of edges) adjacency.set(e.source, [...(adjacency.get(e.source) ?? []), e]);
  for (const n of nodes) {
    if (state.has(n.id)) continue;
    const stack: Array<{ id: string; i: number }> = [{ id: n.id, i: 0 }];
    state.set(n.id, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const list = adjacency.get(top.id) ?? [];
      if (top.i >= list.length) {
        state.set(top.id, 2);
        stack.pop();
        continue;
      }
      const e = list[top.i++];
      const s = state.get(e.target);
      if (s === 1) reversed.add(e.id);
      else if (!s) {
        state.set(e.target, 1);
        stack.push({ id: e.target, i: 0 });
      }
    }
  }
  const ranked = edges.map((e) => (reversed.has(e.id) ? { ...e, source: e.target, target: e.source } : e));
  for (const e of ranked) {
    out.get(e.source)!.push(e.target);
    into.get(e.target)!.push(e.source);
  }

  // Longest path from the sources, then sources pulled next to what they call.
  const rank = new Map<string, number>();
  const indegree = new Map(nodes.map((n) => [n.id, into.get(n.id)!.length]));
  const queue = nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const topo: string[] = [];
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q];
    topo.push(v);
    const r = Math.max(0, ...into.get(v)!.map((u) => rank.get(u)! + 1));
    rank.set(v, r);
    for (const w of out.get(v)!) {
      indegree.set(w, indegree.get(w)! - 1);
      if (indegree.get(w) === 0) queue.push(w);
    }
  }
  for (let i = topo.length - 1; i >= 0; i--) {
    const v = topo[i];
    if (into.get(v)!.length === 0 && out.get(v)!.length > 0) rank.set(v, Math.min(...out.get(v)!.map((w) => rank.get(w)!)) - 1);
  }
  const minRank = Math.min(...rank.values());
  for (const [v, r] of rank) rank.set(v, r - minRank);

  // Items per rank: nodes, and a dummy wherever an edge passes through a rank.
  const items = new Map<string, Item>();
  const layers: string[][] = [];
  const add = (item: Item) => {
    items.set(item.id, item);
    (layers[item.rank] ??= []).push(item.id);
  };
  for (const n of nodes) add({ id: n.id, rank: rank.get(n.id)!, h: n.height, dummy: false });
  const preds = new Map<string, string[]>();
  const succs = new Map<string, string[]>();
  const link = (a: string, b: string) => {
    succs.set(a, [...(succs.get(a) ?? []), b]);
    preds.set(b, [...(preds.get(b) ?? []), a]);
  };
  const chains = new Map<string, string[]>();
  for (const e of ranked) {
    const from = rank.get(e.source)!;
    const to = rank.get(e.target)!;
    const chain = [e.source];
    for (let r = from + 1; r < to; r++) {
      const id = `\u0000${e.id}\u0000${r}`;
      add({ id, rank: r, h: DUMMY_H, dummy: true });
      chain.push(id);
    }
    chain.push(e.target);
    for (let i = 1; i < chain.length; i++) link(chain[i - 1], chain[i]);
    chains.set(e.id, chain);
  }
  for (let r = 0; r < layers.length; r++) layers[r] ??= [];

  orderLayers(layers, preds, succs);

  // Vertical positions: stacked in order, then each rank settles towards its neighbours'
  // middle without breaking the order or the gaps.
  const y = new Map<string, number>();
  const gap = (a: Item, b: Item) => (a.dummy || b.dummy ? spacing.edgeSep : spacing.nodeSep) + (a.h + b.h) / 2;
  for (const layer of layers) {
    let at = 0;
    layer.forEach((v, i) => {
      const item = items.get(v)!;
      if (i > 0) at += gap(items.get(layer[i - 1])!, item);
      y.set(v, at);
    });
    const shift = at / 2;
    layer.forEach((v) => y.set(v, y.get(v)! - shift));
  }
  for (let pass = 0; pass < SETTLE; pass++) {
    const down = pass % 2 === 0;
    const order = down ? [...layers.keys()] : [...layers.keys()].reverse();
    for (const r of order) {
      const layer = layers[r];
      if (layer.length === 0) continue;
      const want = layer.map((v) => {
        const ns = [...((down ? preds : succs).get(v) ?? []), ...(pass >= SETTLE - 2 ? ((down ? succs : preds).get(v) ?? []) : [])];
        if (ns.length === 0) return y.get(v)!;
        const ys = ns.map((n) => y.get(n)!).sort((a, b) => a - b);
        const mid = ys.length >> 1;
        return ys.length % 2 ? ys[mid] : (ys[mid - 1] + ys[mid]) / 2;
      });
      const gaps = layer.map((v, i) => (i === 0 ? 0 : gap(items.get(layer[i - 1])!, items.get(v)!)));
      const weights = layer.map((v) => (items.get(v)!.dummy ? 0.5 : 1));
      const placed = settle(want, gaps, weights);
      layer.forEach((v, i) => y.set(v, placed[i]));
    }
  }

  // Columns: each rank as wide as its widest node.
  const colWidth = layers.map((l) => Math.max(0, ...l.filter((v) => !items.get(v)!.dummy).map((v) => byId.get(v)!.width)));
  const colX: number[] = [];
  let x = 0;
  colWidth.forEach((w, r) => {
    colX[r] = x + w / 2;
    x += w + spacing.rankSep;
  });
  const top = Math.min(...[...items.values()].map((it) => y.get(it.id)! - it.h / 2));
  const bottom = Math.max(...[...items.values()].map((it) => y.get(it.id)! + it.h / 2));

  const result: PartLayout = { nodes: {}, edges: {}, width: Math.max(0, x - spacing.rankSep), height: bottom - top };
  for (const n of nodes) result.nodes[n.id] = { x: colX[rank.get(n.id)!], y: y.get(n.id)! - top };
  for (const e of edges) {
    const chain = chains.get(e.id)!;
    const mid = chain.slice(1, -1).map((d) => ({ x: colX[items.get(d)!.rank], y: y.get(d)! - top }));
    const back = reversed.has(e.id);
    const s = result.nodes[e.source];
    const t = result.nodes[e.target];
    const sw = byId.get(e.source)!.width / 2;
    const tw = byId.get(e.target)!.width / 2;
    result.edges[e.id] = back
      ? [{ x: s.x - sw, y: s.y }, ...mid.reverse(), { x: t.x + tw, y: t.y }]
      : [{ x: s.x + sw, y: s.y }, ...mid, { x: t.x - tw, y: t.y }];
  }
  return result;
}
