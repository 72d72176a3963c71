// Layered left-to-right layout of the map, run in a Web Worker by layout.worker.ts: dagre (as
// Kiali uses) for the usual maps, layered.ts for big ones. Each connected part is laid out on its
// own and the parts are stacked, the biggest first; unconnected nodes share a grid at the bottom.
// Input is sorted first, so the same topology always gets the same positions.
import dagre from '@dagrejs/dagre';
import { layeredPart } from './layered';

export interface LayoutNodeInput {
  id: string;
  width: number;
  height: number;
}

export interface LayoutEdgeInput {
  id: string;
  source: string;
  target: string;
}

export interface LayoutInput {
  nodes: LayoutNodeInput[];
  edges: LayoutEdgeInput[];
}

export interface Point {
  x: number;
  y: number;
}

export interface LayoutResult {
  /** Centre of each node. */
  nodes: Record<string, Point>;
  /** Route of each edge, from the source's border to the target's. */
  edges: Record<string, Point[]>;
  width: number;
  height: number;
  /** Wall time of the layout itself, in ms. */
  ms: number;
}

const RANK_SEP = 110;
const NODE_SEP = 26;
const PART_GAP = 56;
const MARGIN = 24;
// Past this size (nodes + edges) dagre gets slow — network-simplex ranking, crossing minimisation
// that repeats while it improves, Brandes-Köpf positioning: most of a second of CPU for 300 nodes
// and 550 edges on this machine — so big parts get the leaner layered layout of layered.ts.
const LARGE = 220;

/** Connected parts (edges taken both ways), biggest first; ties by first node id. */
export function connectedParts(input: LayoutInput): string[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    let c = x;
    while (parent.get(c) !== r) {
      const next = parent.get(c)!;
      parent.set(c, r);
      c = next;
    }
    return r;
  };
  for (const n of input.nodes) parent.set(n.id, n.id);
  for (const e of input.edges) {
    if (!parent.has(e.source) || !parent.has(e.target)) continue;
    const a = find(e.source);
    const b = find(e.target);
    if (a !== b) parent.set(a < b ? b : a, a < b ? a : b);
  }
  const parts = new Map<string, string[]>();
  for (const n of input.nodes) {
    const r = find(n.id);
    const list = parts.get(r);
    if (list) list.push(n.id);
    else parts.set(r, [n.id]);
  }
  return [...parts.values()].map((p) => p.sort()).sort((a, b) => b.length - a.length || a[0].localeCompare(b[0]));
}

function layoutPart(nodes: LayoutNodeInput[], edges: LayoutEdgeInput[]): { nodes: Record<string, Point>; edges: Record<string, Point[]>; width: number; height: number } {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({
    rankdir: 'LR',
    ranksep: RANK_SEP,
    nodesep: NODE_SEP,
    edgesep: 12,
    marginx: 0,
    marginy: 0,
    ranker: 'network-simplex',
  });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: n.width, height: n.height });
  for (const e of edges) g.setEdge(e.source, e.target, { minlen: 1, weight: 1 }, e.id);
  dagre.layout(g);
  const out: { nodes: Record<string, Point>; edges: Record<string, Point[]>; width: number; height: number } = { nodes: {}, edges: {}, width: 0, height: 0 };
  for (const n of nodes) {
    const p = g.node(n.id) as { x: number; y: number };
    out.nodes[n.id] = { x: p.x, y: p.y };
  }
  const size = new Map(nodes.map((n) => [n.id, n]));
  for (const e of edges) {
    const label = g.edge(e.source, e.target, e.id) as { points?: Point[] } | undefined;
    const points = (label?.points ?? []).map((p) => ({ x: p.x, y: p.y }));
    // Edges that run forwards leave from the middle of the source's right side and enter the
    // middle of the target's left side (dagre clips them wherever the line crosses the box).
    const s = out.nodes[e.source];
    const t = out.nodes[e.target];
    const sw = size.get(e.source)!.width / 2;
    const tw = size.get(e.target)!.width / 2;
    if (points.length >= 2 && s.x + sw <= t.x - tw) {
      points[0] = { x: s.x + sw, y: s.y };
      points[points.length - 1] = { x: t.x - tw, y: t.y };
    }
    out.edges[e.id] = points;
  }
  const graph = g.graph() as { width?: number; height?: number };
  out.width = graph.width ?? 0;
  out.height = graph.height ?? 0;
  return out;
}

/** Lays out the whole map. Self-loops are left to the renderer (they have no route). */
export function layoutGraph(input: LayoutInput): LayoutResult {
  const started = now();
  const nodes = [...input.nodes].sort((a, b) => a.id.localeCompare(b.id));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const edges = input.edges.filter((e) => e.source !== e.target && byId.has(e.source) && byId.has(e.target)).sort((a, b) => a.id.localeCompare(b.id));
  const parts = connectedParts({ nodes, edges });
  const partOf = new Map<string, number>();
  parts.forEach((p, i) => p.forEach((id) => partOf.set(id, i)));

  const result: LayoutResult = { nodes: {}, edges: {}, width: 0, height: 0, ms: 0 };
  let y = MARGIN;
  const singles = parts.filter((p) => p.length === 1).map((p) => p[0]);
  for (const [i, part] of parts.entries()) {
    if (part.length === 1) continue;
    const partEdges = edges.filter((e) => partOf.get(e.source) === i);
    const partNodes = part.map((id) => byId.get(id)!);
    const laid =
      partNodes.length + partEdges.length > LARGE
        ? layeredPart(partNodes, partEdges, { rankSep: RANK_SEP, nodeSep: NODE_SEP, edgeSep: 12 })
        : layoutPart(partNodes, partEdges);
    for (const [id, p] of Object.entries(laid.nodes)) result.nodes[id] = { x: p.x + MARGIN, y: p.y + y };
    for (const [id, pts] of Object.entries(laid.edges)) result.edges[id] = pts.map((p) => ({ x: p.x + MARGIN, y: p.y + y }));
    result.width = Math.max(result.width, laid.width + 2 * MARGIN);
    y += laid.height + PART_GAP;
  }

  if (singles.length > 0) {
    // Nodes without edges: a grid as wide as the map above (at least four columns).
    const cellW = Math.max(...singles.map((id) => byId.get(id)!.width)) + NODE_SEP;
    const cellH = Math.max(...singles.map((id) => byId.get(id)!.height)) + NODE_SEP;
    const columns = Math.max(4, Math.floor((result.width - 2 * MARGIN + NODE_SEP) / cellW));
    singles.forEach((id, i) => {
      const col = i % columns;
      const row = Math.floor(i / columns);
      result.nodes[id] = { x: MARGIN + col * cellW + cellW / 2 - NODE_SEP / 2, y: y + row * cellH + cellH / 2 - NODE_SEP / 2 };
    });
    const rows = Math.ceil(singles.length / columns);
    result.width = Math.max(result.width, MARGIN * 2 + Math.min(columns, singles.length) * cellW - NODE_SEP);
    y += rows * cellH - NODE_SEP + PART_GAP;
  }
  result.height = Math.max(0, y - PART_GAP + MARGIN);
  result.ms = now() - started;
  return result;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
