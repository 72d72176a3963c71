// What the map shows of the service graph: namespace, idle and focus filters, a cap on visible
// nodes with counts of what the cap left out (Grafana's node graph does the same), and the
// topology key that decides when a new layout is needed.
import type { MapEdge, MapNode, ServiceMap } from '../../../../common/api/service-schemas';
import { healthOf } from '../../../../common/service-map';

export type { MapEdge, MapNode, ServiceMap };

/** Above this many nodes the map shows the busiest part and marks where more hangs off. */
export const MAX_VISIBLE_NODES = 300;

export interface MapView {
  /** Service namespace to show ('' = every namespace). */
  namespace: string;
  hideIdle: boolean;
  /** Node to centre on; only nodes within `depth` hops of it (either direction) are shown. */
  focus: string | null;
  depth: number;
}

export const DEFAULT_VIEW: MapView = { namespace: '', hideIdle: false, focus: null, depth: 2 };

export interface VisibleGraph {
  nodes: MapNode[];
  edges: MapEdge[];
  /** Visible nodes whose neighbours were left out by the cap: id → how many. */
  hiddenNeighbours: Map<string, number>;
  /** Nodes left out by the cap (not by the filters). */
  cappedCount: number;
}

export const edgeId = (e: { source: string; target: string }): string => `${e.source}→${e.target}`;

/** A node with no requests of its own and no traffic on any of its edges. */
export function idleNodes(graph: ServiceMap): Set<string> {
  const busy = new Set<string>();
  for (const n of graph.nodes) if (n.calls > 0) busy.add(n.id);
  for (const e of graph.edges) {
    if (e.calls > 0) {
      busy.add(e.source);
      busy.add(e.target);
    }
  }
  return new Set(graph.nodes.filter((n) => !busy.has(n.id)).map((n) => n.id));
}

/** Undirected adjacency: callers and callees alike. */
function adjacency(nodes: Iterable<string>, edges: readonly MapEdge[]): Map<string, Set<string>> {
  const adj = new Map<string, Set<string>>();
  for (const id of nodes) adj.set(id, new Set());
  for (const e of edges) {
    if (!adj.has(e.source) || !adj.has(e.target) || e.source === e.target) continue;
    adj.get(e.source)!.add(e.target);
    adj.get(e.target)!.add(e.source);
  }
  return adj;
}

/** Nodes within `depth` hops of `focus`, following edges in both directions. */
export function neighbourhood(nodeIds: Iterable<string>, edges: readonly MapEdge[], focus: string, depth: number): Set<string> {
  const adj = adjacency(nodeIds, edges);
  if (!adj.has(focus)) return new Set();
  const seen = new Set([focus]);
  let frontier = [focus];
  for (let hop = 0; hop < depth && frontier.length > 0; hop++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const n of adj.get(id)!) {
        if (!seen.has(n)) {
          seen.add(n);
          next.push(n);
        }
      }
    }
    frontier = next;
  }
  return seen;
}

/** Service namespaces on the map, sorted (datastores and peers have none). */
export function namespacesOf(graph: ServiceMap): string[] {
  return [...new Set(graph.nodes.filter((n) => n.type === 'service' && n.namespace).map((n) => n.namespace))].sort();
}

/**
 * Applies the view's filters, then the cap. A namespace keeps its services and the datastores,
 * queues and peers they talk to (those carry no namespace of their own).
 */
export function filterGraph(graph: ServiceMap, view: MapView, cap = MAX_VISIBLE_NODES): VisibleGraph {
  let keep = new Set(graph.nodes.map((n) => n.id));

  if (view.hideIdle) {
    const idle = idleNodes(graph);
    for (const id of idle) if (id !== view.focus) keep.delete(id);
  }

  if (view.namespace) {
    const inNamespace = new Set(graph.nodes.filter((n) => n.namespace === view.namespace && keep.has(n.id)).map((n) => n.id));
    const unscoped = new Set(graph.nodes.filter((n) => !n.namespace).map((n) => n.id));
    const next = new Set(inNamespace);
    for (const e of graph.edges) {
      if (inNamespace.has(e.source) && unscoped.has(e.target) && keep.has(e.target)) next.add(e.target);
      if (inNamespace.has(e.target) && unscoped.has(e.source) && keep.has(e.source)) next.add(e.source);
    }
    keep = next;
  }

  if (view.focus && keep.has(view.focus)) {
    const edges = graph.edges.filter((e) => keep.has(e.source) && keep.has(e.target));
    keep = neighbourhood(keep, edges, view.focus, Math.max(1, Math.min(3, view.depth)));
  }

  const edges = graph.edges.filter((e) => keep.has(e.source) && keep.has(e.target));
  const nodes = graph.nodes.filter((n) => keep.has(n.id));
  if (nodes.length <= cap) return { nodes, edges, hiddenNeighbours: new Map(), cappedCount: 0 };
  return capGraph(nodes, edges, cap, view.focus);
}

/**
 * Keeps `cap` nodes, growing outwards from the focus (or the busiest node) breadth-first,
 * busiest neighbours first; disconnected parts follow in order of traffic.
 */
export function capGraph(nodes: readonly MapNode[], edges: readonly MapEdge[], cap: number, focus: string | null = null): VisibleGraph {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const adj = adjacency(byId.keys(), edges);
  const weight = (id: string) => (byId.get(id)?.calls ?? 0) + adj.get(id)!.size;
  const seeds = [...byId.keys()].sort((a, b) => weight(b) - weight(a) || a.localeCompare(b));
  if (focus && byId.has(focus)) seeds.unshift(focus);

  const kept = new Set<string>();
  for (const seed of seeds) {
    if (kept.size >= cap) break;
    if (kept.has(seed)) continue;
    kept.add(seed);
    let frontier = [seed];
    while (frontier.length > 0 && kept.size < cap) {
      const next = [...new Set(frontier.flatMap((id) => [...adj.get(id)!]))].filter((id) => !kept.has(id)).sort((a, b) => weight(b) - weight(a) || a.localeCompare(b));
      for (const id of next) {
        if (kept.size >= cap) break;
        kept.add(id);
      }
      frontier = next.filter((id) => kept.has(id));
    }
  }

  const hiddenNeighbours = new Map<string, number>();
  for (const id of kept) {
    let hidden = 0;
    for (const n of adj.get(id)!) if (!kept.has(n)) hidden++;
    if (hidden > 0) hiddenNeighbours.set(id, hidden);
  }
  return {
    nodes: nodes.filter((n) => kept.has(n.id)),
    edges: edges.filter((e) => kept.has(e.source) && kept.has(e.target)),
    hiddenNeighbours,
    cappedCount: nodes.length - kept.size,
  };
}

/** Ids of nodes whose name, id, system or namespace contains every word of the query. */
export function searchNodes(nodes: readonly MapNode[], query: string): string[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  return nodes
    .filter((n) => {
      const text = `${n.name} ${n.id} ${n.system} ${n.namespace}`.toLowerCase();
      return words.every((w) => text.includes(w));
    })
    .sort((a, b) => Number(b.name.toLowerCase() === query.toLowerCase()) - Number(a.name.toLowerCase() === query.toLowerCase()) || b.calls - a.calls)
    .map((n) => n.id);
}

/**
 * Identity of what the layout depends on: the nodes and edges, not their numbers. Live refreshes
 * that only change rates keep the key, so the nodes stay where they are.
 */
export function topologyKey(nodes: readonly { id: string }[], edges: readonly { source: string; target: string }[]): string {
  const n = nodes.map((x) => x.id).sort();
  const e = edges.map(edgeId).sort();
  return `${n.join('\n')}\n--\n${e.join('\n')}`;
}

export type Health = MapNode['health'];

/** Kiali's thresholds on an edge's error rate. */
export function edgeHealth(e: Pick<MapEdge, 'calls' | 'errorRate'>): Health {
  return healthOf(e.errorRate, e.calls);
}

/** Stroke width by request rate, on a log scale so one busy edge does not flatten the rest. */
export function edgeWidth(rps: number, maxRps: number): number {
  if (!(rps > 0) || !(maxRps > 0)) return 1.2;
  const t = Math.log1p(rps * 60) / Math.log1p(maxRps * 60);
  return 1.2 + Math.max(0, Math.min(1, t)) * 4.3;
}

/** A display title for a node: datastores named only by a number read as "redis db 0". */
export function nodeTitle(n: Pick<MapNode, 'name' | 'system' | 'type'>): string {
  if (n.type === 'database' && /^\d+$/.test(n.name) && n.system) return `${n.system} db ${n.name}`;
  return n.name || n.system || '?';
}
