// The catalog laid over the map: each observed edge is confirmed (declared too) or undeclared
// (seen only); declared dependencies nobody exercised are drawn as ghost edges, to ghost nodes
// when the service they name sent nothing.
import type { CatalogDriftReport } from '../../../../common/api/catalog-schemas';
import { edgeId, type MapEdge, type MapNode, type VisibleGraph } from './graph';

export type EdgeDrift = 'confirmed' | 'undeclared' | 'stale';

export interface DriftOverlay {
  /** By edge id; edges from services no component describes are left out (nothing to compare). */
  edges: Map<string, EdgeDrift>;
  /** Nodes drawn only because the catalog declares them. */
  ghostNodes: Set<string>;
  /** Services no catalog component describes. */
  ownerless: Set<string>;
  totals: { confirmed: number; undeclared: number; stale: number };
}

const lower = (s: string) => s.toLowerCase();

/**
 * Lays a drift report over the visible graph. Returns the graph with stale edges (and ghost
 * nodes for their targets when those are not on the map at all) added, and each edge's state.
 */
export function applyDrift(
  visible: VisibleGraph,
  allNodeIds: ReadonlySet<string>,
  report: CatalogDriftReport,
): { graph: VisibleGraph; overlay: DriftOverlay } {
  const visibleIds = new Map(visible.nodes.map((n) => [lower(n.id), n.id]));
  const allIds = new Map([...allNodeIds].map((id) => [lower(id), id]));
  const edges = new Map<string, EdgeDrift>();
  const ghostNodes = new Set<string>();
  const extraNodes: MapNode[] = [];
  const extraEdges: MapEdge[] = [];
  const totals = { confirmed: 0, undeclared: 0, stale: 0 };

  for (const component of report.components) {
    const source = visibleIds.get(lower(component.serviceName));
    if (!source) continue;
    for (const [list, state] of [
      [component.confirmed, 'confirmed'],
      [component.undeclared, 'undeclared'],
    ] as const) {
      for (const dep of list) {
        // The observed node when the core names it (a queue and a service may share a name).
        const name = dep.targetNode ?? dep.targetService;
        const target = name ? visibleIds.get(lower(name)) : undefined;
        if (!target) continue;
        edges.set(edgeId({ source, target }), state);
        totals[state]++;
      }
    }
    for (const dep of component.stale) {
      if (!dep.targetService) continue;
      let target = visibleIds.get(lower(dep.targetService));
      if (!target) {
        // On the map but filtered out: leave it out. Not on the map at all: a ghost node.
        if (allIds.has(lower(dep.targetService))) continue;
        target = dep.targetService;
        if (!ghostNodes.has(target)) {
          ghostNodes.add(target);
          visibleIds.set(lower(target), target);
          extraNodes.push(ghostNode(target));
        }
      }
      const id = edgeId({ source, target });
      if (edges.has(id)) continue;
      edges.set(id, 'stale');
      totals.stale++;
      extraEdges.push(ghostEdge(source, target));
    }
  }

  return {
    graph: { ...visible, nodes: [...visible.nodes, ...extraNodes], edges: [...visible.edges, ...extraEdges] },
    overlay: { edges, ghostNodes, ownerless: new Set(report.ownerlessServices.map((o) => o.serviceName)), totals },
  };
}

function ghostNode(id: string): MapNode {
  return { id, name: id, type: 'service', namespace: '', calls: 0, errors: 0, rps: 0, errorRate: 0, p50Ms: null, p95Ms: null, p99Ms: null, health: 'idle', shared: false, writers: [], system: '' };
}

function ghostEdge(source: string, target: string): MapEdge {
  return { source, target, connectionType: 'virtual', calls: 0, errors: 0, rps: 0, errorRate: 0, p50Ms: null, p95Ms: null, p99Ms: null };
}
