// The one graph layout of the app, for the service map and the catalog's relations graph alike:
// layered, left to right, run in a Web Worker (layout.worker.ts, through client.ts). dagre (as
// Kiali uses) lays out the usual graphs and gives edge labels room of their own; layered.ts takes
// big parts, where dagre gets slow. Each connected part is laid out on its own and the parts are
// stacked, the biggest first; unconnected nodes share a grid at the bottom. Input is sorted
// first, so the same topology always gets the same positions.
//
// dagre rather than ELK (elkjs): on the generated maps of 50, 150 and 300 nodes ELK's layered
// algorithm took 2–3× dagre's time for the small ones and as long at 300 nodes, added 1.6 MB to
// the worker and answers asynchronously; dagre reserves label room on edges as ELK does, and the
// lean layered.ts keeps 300 nodes well under a second.
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
  /** Size of the edge's label, when it should get room of its own between the ranks. */
  label?: { width: number; height: number };
}

export interface LayoutSpacing {
  /** Between ranks (columns). */
  rankSep: number;
  /** Between nodes of one rank. */
  nodeSep: number;
  /** Between an edge passing through a rank and its neighbours. */
  edgeSep: number;
  /** Around the whole drawing. */
  margin: number;
  /** Between stacked connected parts. */
  partGap: number;
}

export interface LayoutInput {
  nodes: LayoutNodeInput[];
  edges: LayoutEdgeInput[];
  spacing?: Partial<LayoutSpacing>;
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
  /** Centre of each edge's label, for the edges that asked for label room. */
  labels: Record<string, Point>;
  width: number;
  height: number;
  /** Wall time of the layout itself, in ms. */
  ms: number;
}

export const DEFAULT_SPACING: LayoutSpacing = { rankSep: 110, nodeSep: 26, edgeSep: 12, margin: 24, partGap: 56 };
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

interface PartResult {
  nodes: Record<string, Point>;
  edges: Record<string, Point[]>;
  labels: Record<string, Point>;
  width: number;
  height: number;
}

function layoutPart(nodes: LayoutNodeInput[], edges: LayoutEdgeInput[], spacing: LayoutSpacing): PartResult {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({
    rankdir: 'LR',
    ranksep: spacing.rankSep,
    nodesep: spacing.nodeSep,
    edgesep: spacing.edgeSep,
    marginx: 0,
    marginy: 0,
    ranker: 'network-simplex',
  });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: n.width, height: n.height });
  for (const e of edges) g.setEdge(e.source, e.target, e.label ? { minlen: 1, weight: 1, width: e.label.width, height: e.label.height, labelpos: 'c' } : { minlen: 1, weight: 1 }, e.id);
  dagre.layout(g);
  const out: PartResult = { nodes: {}, edges: {}, labels: {}, width: 0, height: 0 };
  for (const n of nodes) {
    const p = g.node(n.id) as { x: number; y: number };
    out.nodes[n.id] = { x: p.x, y: p.y };
  }
  const size = new Map(nodes.map((n) => [n.id, n]));
  for (const e of edges) {
    const label = g.edge(e.source, e.target, e.id) as { points?: Point[]; x?: number; y?: number } | undefined;
    const points = (label?.points ?? []).map((p) => ({ x: p.x, y: p.y }));
    if (e.label && label?.x !== undefined && label.y !== undefined) out.labels[e.id] = { x: label.x, y: label.y };
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
  const spacing: LayoutSpacing = { ...DEFAULT_SPACING, ...input.spacing };
  const { rankSep, nodeSep, edgeSep, margin, partGap } = spacing;
  const nodes = [...input.nodes].sort((a, b) => a.id.localeCompare(b.id));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const edges = input.edges.filter((e) => e.source !== e.target && byId.has(e.source) && byId.has(e.target)).sort((a, b) => a.id.localeCompare(b.id));
  const parts = connectedParts({ nodes, edges });
  const partOf = new Map<string, number>();
  parts.forEach((p, i) => p.forEach((id) => partOf.set(id, i)));

  const result: LayoutResult = { nodes: {}, edges: {}, labels: {}, width: 0, height: 0, ms: 0 };
  let y = margin;
  const singles = parts.filter((p) => p.length === 1).map((p) => p[0]);
  for (const [i, part] of parts.entries()) {
    if (part.length === 1) continue;
    const partEdges = edges.filter((e) => partOf.get(e.source) === i);
    const partNodes = part.map((id) => byId.get(id)!);
    const laid =
      partNodes.length + partEdges.length > LARGE
        ? withMidLabels(layeredPart(partNodes, partEdges, { rankSep, nodeSep, edgeSep }), partEdges)
        : layoutPart(partNodes, partEdges, spacing);
    for (const [id, p] of Object.entries(laid.nodes)) result.nodes[id] = { x: p.x + margin, y: p.y + y };
    for (const [id, pts] of Object.entries(laid.edges)) result.edges[id] = pts.map((p) => ({ x: p.x + margin, y: p.y + y }));
    for (const [id, p] of Object.entries(laid.labels)) result.labels[id] = { x: p.x + margin, y: p.y + y };
    result.width = Math.max(result.width, laid.width + 2 * margin);
    y += laid.height + partGap;
  }

  if (singles.length > 0) {
    // Nodes without edges: a grid as wide as the map above (at least four columns).
    const cellW = Math.max(...singles.map((id) => byId.get(id)!.width)) + nodeSep;
    const cellH = Math.max(...singles.map((id) => byId.get(id)!.height)) + nodeSep;
    const columns = Math.max(4, Math.floor((result.width - 2 * margin + nodeSep) / cellW));
    singles.forEach((id, i) => {
      const col = i % columns;
      const row = Math.floor(i / columns);
      result.nodes[id] = { x: margin + col * cellW + cellW / 2 - nodeSep / 2, y: y + row * cellH + cellH / 2 - nodeSep / 2 };
    });
    const rows = Math.ceil(singles.length / columns);
    result.width = Math.max(result.width, margin * 2 + Math.min(columns, singles.length) * cellW - nodeSep);
    y += rows * cellH - nodeSep + partGap;
  }
  result.height = Math.max(0, y - partGap + margin);
  result.ms = now() - started;
  return result;
}

/** Big parts get no label room; their labels sit at the middle point of the route. */
function withMidLabels(part: Omit<PartResult, 'labels'>, edges: readonly LayoutEdgeInput[]): PartResult {
  const labels: Record<string, Point> = {};
  for (const e of edges) {
    const pts = part.edges[e.id];
    if (e.label && pts?.length) labels[e.id] = pts[Math.floor(pts.length / 2)];
  }
  return { ...part, labels };
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
