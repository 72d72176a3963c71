// The relations graph as the shared layered layout (ui/graph-layout) sees it: node boxes sized
// to their labels, edges as polylines with their relation type in room of its own. Pure, so it
// runs in the layout worker and in unit tests.
import type { CatalogGraph } from '../../../../common/api/catalog-schemas';
import { layoutGraph as layoutLayered, type LayoutInput, type LayoutResult } from '../../ui/graph-layout/layout';

export interface LaidOutNode {
  ref: string;
  kind: string;
  name: string;
  title: string | null;
  exists: boolean;
  distance: number;
  /** For a "+N more" node: how many entities it stands for. */
  hidden?: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LaidOutEdge {
  source: string;
  target: string;
  type: string;
  points: Array<{ x: number; y: number }>;
  labelX: number;
  labelY: number;
}

export interface GraphLayout {
  width: number;
  height: number;
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
}

export const NODE_HEIGHT = 42;
/** Average glyph widths of the node's title (12px, bold) and second line (10.5px). */
export const TITLE_CHAR = 7.4;
export const SUB_CHAR = 6.1;
/** Left padding with the kind icon, and the right padding. */
export const NODE_TEXT_X = 34;
const NODE_PAD_RIGHT = 12;

/** The node's two lines: its title (or name), and its kind with the name when a title hides it. */
export function nodeLines(node: { name: string; title: string | null; kind: string; hidden?: number }, kindText: string = node.kind): { title: string; sub: string } {
  if (node.hidden) return { title: `+${node.hidden} more`, sub: `${kindText}s · click to show` };
  return { title: node.title || node.name, sub: node.title ? `${kindText} · ${node.name}` : kindText };
}

/** Box width for a node: room for the longer of its two lines next to the kind icon. */
export function nodeWidth(node: { name: string; title: string | null; kind: string; hidden?: number }): number {
  const { title, sub } = nodeLines(node);
  const text = Math.max(title.length * TITLE_CHAR, sub.length * SUB_CHAR);
  return Math.round(Math.min(280, Math.max(120, NODE_TEXT_X + NODE_PAD_RIGHT + text)));
}

/** Above this many nodes edge labels get no room of their own: the layout is much faster. */
const LABEL_ROOM_LIMIT = 80;
const SPACING = { rankSep: 90, nodeSep: 18, edgeSep: 12, margin: 16, partGap: 40 };

type LayoutableGraph = { nodes: Array<CatalogGraph['nodes'][number] & { hidden?: number }>; edges: CatalogGraph['edges'] };

const edgeKey = (e: CatalogGraph['edges'][number], i: number) => `${e.type}#${i}`;

/** What the shared layout is asked for this graph (edges to unknown nodes and self-loops left out). */
export function relationsLayoutInput(graph: LayoutableGraph): LayoutInput {
  const known = new Set(graph.nodes.map((n) => n.ref));
  const labelRoom = graph.nodes.length <= LABEL_ROOM_LIMIT;
  return {
    nodes: graph.nodes.map((n) => ({ id: n.ref, width: nodeWidth(n), height: NODE_HEIGHT })),
    edges: graph.edges.flatMap((e, i) =>
      known.has(e.source) && known.has(e.target) && e.source !== e.target
        ? [{ id: edgeKey(e, i), source: e.source, target: e.target, label: labelRoom ? { width: e.type.length * 6 + 8, height: 14 } : undefined }]
        : [],
    ),
    spacing: SPACING,
  };
}

/** Turns the shared layout's answer back into the relations graph's boxes and edges. */
export function relationsLayout(graph: LayoutableGraph, laid: LayoutResult): GraphLayout {
  const input = relationsLayoutInput(graph);
  const widths = new Map(input.nodes.map((n) => [n.id, n.width]));
  const nodes: LaidOutNode[] = graph.nodes.map((n) => {
    const p = laid.nodes[n.ref];
    return { ref: n.ref, kind: n.kind, name: n.name, title: n.title, exists: n.exists, distance: n.distance, hidden: n.hidden, x: p.x, y: p.y, width: widths.get(n.ref)!, height: NODE_HEIGHT };
  });
  const edges: LaidOutEdge[] = [];
  graph.edges.forEach((e, i) => {
    const points = laid.edges[edgeKey(e, i)];
    if (!points) return;
    const mid = laid.labels[edgeKey(e, i)] ?? points[Math.floor(points.length / 2)] ?? { x: 0, y: 0 };
    edges.push({ source: e.source, target: e.target, type: e.type, points, labelX: mid.x, labelY: mid.y });
  });
  return { width: Math.ceil(laid.width), height: Math.ceil(laid.height), nodes, edges };
}

export function layoutGraph(graph: LayoutableGraph): GraphLayout {
  return relationsLayout(graph, layoutLayered(relationsLayoutInput(graph)));
}

/** SVG path through the edge's points, with rounded bends. */
export function edgePath(points: ReadonlyArray<{ x: number; y: number }>): string {
  if (points.length === 0) return '';
  if (points.length === 1) return `M${points[0].x},${points[0].y}`;
  let d = `M${points[0].x.toFixed(1)},${points[0].y.toFixed(1)}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i];
    const next = points[i + 1];
    d += `Q${p.x.toFixed(1)},${p.y.toFixed(1)} ${((p.x + next.x) / 2).toFixed(1)},${((p.y + next.y) / 2).toFixed(1)}`;
  }
  const last = points[points.length - 1];
  return `${d}L${last.x.toFixed(1)},${last.y.toFixed(1)}`;
}

type GraphNode = CatalogGraph['nodes'][number];
type GraphEdge = CatalogGraph['edges'][number];

export interface CrowdedGraph {
  nodes: Array<GraphNode & { hidden?: number }>;
  edges: GraphEdge[];
  /** Entities folded into "+N more" nodes. */
  hidden: number;
}

export const MORE_PREFIX = 'more:';

/**
 * Folds crowds into one node each, as Grafana's node graph caps what it draws: when more than
 * `threshold` entities of one kind hang off the same entity by the same relation (140 components
 * owned by a team), `keep` of them stay and the rest become a "+N more" node. Entities reached
 * only through folded ones go too. A hub stays readable and the layout stays fast.
 */
export function collapseCrowds(graph: Pick<CatalogGraph, 'root' | 'nodes' | 'edges'>, threshold = 14, keep = 8): CrowdedGraph {
  const byRef = new Map(graph.nodes.map((n) => [n.ref, n]));
  // Each entity's anchor: the first relation that reaches it from one hop closer to the root.
  const anchor = new Map<string, { ref: string; edge: GraphEdge }>();
  for (const e of graph.edges) {
    for (const [near, far] of [
      [e.source, e.target],
      [e.target, e.source],
    ]) {
      const n = byRef.get(near);
      const f = byRef.get(far);
      if (!n || !f || f.ref === graph.root || anchor.has(f.ref) || f.distance !== n.distance + 1) continue;
      anchor.set(f.ref, { ref: near, edge: e });
    }
  }
  const groups = new Map<string, GraphNode[]>();
  for (const n of graph.nodes) {
    const a = anchor.get(n.ref);
    if (!a) continue;
    const key = `${a.ref}|${a.edge.type}|${n.kind}`;
    const list = groups.get(key);
    if (list) list.push(n);
    else groups.set(key, [n]);
  }
  const gone = new Set<string>();
  const more: CrowdedGraph['nodes'] = [];
  const moreEdges: GraphEdge[] = [];
  for (const [key, members] of groups) {
    if (members.length <= threshold) continue;
    const sorted = [...members].sort((a, b) => (a.title ?? a.name).localeCompare(b.title ?? b.name));
    const folded = sorted.slice(keep);
    for (const f of folded) gone.add(f.ref);
    const first = folded[0];
    const a = anchor.get(first.ref)!;
    const ref = `${MORE_PREFIX}${key}`;
    more.push({ ref, kind: first.kind, namespace: first.namespace, name: `${folded.length} more`, title: null, exists: true, distance: first.distance, hidden: folded.length });
    moreEdges.push(a.edge.source === a.ref ? { source: a.ref, target: ref, type: a.edge.type } : { source: ref, target: a.ref, type: a.edge.type });
  }
  if (gone.size === 0) return { nodes: graph.nodes, edges: graph.edges, hidden: 0 };
  // Entities whose only way to the root went through a folded one go as well.
  for (const n of [...graph.nodes].sort((a, b) => a.distance - b.distance)) {
    const a = anchor.get(n.ref);
    if (a && gone.has(a.ref) && !gone.has(n.ref)) gone.add(n.ref);
  }
  const nodes = [...graph.nodes.filter((n) => !gone.has(n.ref)), ...more];
  const edges = [...graph.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target)), ...moreEdges];
  return { nodes, edges, hidden: gone.size };
}
