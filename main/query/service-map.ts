// The service map for a window, from the service and edge rollups only (never spans).
import type { MapEdge, MapNode, ServiceMap } from '../../common/api/schemas';
import { type RedAcc, addRollup, newRed, redOf } from './red';
import { type ConnectionType, healthOf, nodeName, nodeSystem, nodeTypeOf } from '../../common/service-map';
import { type ReadStore, windowOf } from './read-store';


export function serviceMap(store: ReadStore, input: { from?: number; to?: number }): ServiceMap {
  const { from, to } = windowOf(input);
  const m0 = Math.floor(from / 60_000);
  const m1 = Math.floor(to / 60_000);
  const seconds = Math.max(1, (to - from) / 1000);
  return store.timed('map.get', () => {
    const services = new Map<string, RedAcc & { namespace: string }>();
    for (const r of store
      .stmt(
        `SELECT s.name AS name, s.namespace AS namespace, r.calls AS calls, r.errors AS errors, r.hist_ok AS ok, r.hist_err AS err
         FROM rollup_service_minute r JOIN services s ON s.id = r.service_id WHERE r.minute BETWEEN ? AND ?`,
      )
      .all(m0, m1) as Array<{ name: string; namespace: string; calls: number; errors: number; ok: Buffer | null; err: Buffer | null }>) {
      let a = services.get(r.name);
      if (!a) services.set(r.name, (a = { ...newRed(), namespace: r.namespace }));
      addRollup(a, r.calls, r.errors, r.ok, r.err);
    }
    const edges = new Map<string, RedAcc & { source: string; target: string; type: ConnectionType; writes: number }>();
    for (const r of store
      .stmt(
        `SELECT source, target, connection_type AS type, calls, errors, writes, hist_ok AS ok, hist_err AS err
         FROM rollup_edge_minute WHERE minute BETWEEN ? AND ?`,
      )
      .all(m0, m1) as Array<{ source: string; target: string; type: ConnectionType; calls: number; errors: number; writes: number; ok: Buffer | null; err: Buffer | null }>) {
      const key = r.source + '\u0000' + r.target;
      let e = edges.get(key);
      if (!e) edges.set(key, (e = { ...newRed(), source: r.source, target: r.target, type: r.type, writes: 0 }));
      addRollup(e, r.calls, r.errors, r.ok, r.err);
      e.writes += r.writes;
    }

    const nodes = new Map<string, MapNode>();
    const namespaces = new Map<string, string>();
    for (const r of store.stmt('SELECT name, namespace FROM services').all() as Array<{ name: string; namespace: string }>)
      if (!namespaces.has(r.name)) namespaces.set(r.name, r.namespace);
    const ensure = (id: string): MapNode => {
      let n = nodes.get(id);
      if (!n) {
        const type = nodeTypeOf(id);
        n = {
          id,
          name: nodeName(id),
          type,
          namespace: type === 'service' ? (namespaces.get(id) ?? '') : '',
          ...redOf(newRed(), seconds),
          health: 'idle',
          shared: false,
          writers: [],
          system: nodeSystem(id),
        };
        nodes.set(id, n);
      }
      return n;
    };
    for (const [name, a] of services) {
      const n = ensure(name);
      Object.assign(n, redOf(a, seconds), { health: healthOf(a.calls ? a.errors / a.calls : 0, a.calls), namespace: a.namespace });
    }
    // Peers send no telemetry: what they served is what their callers saw.
    const incoming = new Map<string, RedAcc & { writers: Set<string>; callers: Set<string> }>();
    const outEdges: MapEdge[] = [];
    for (const e of edges.values()) {
      ensure(e.source);
      ensure(e.target);
      outEdges.push({ source: e.source, target: e.target, connectionType: e.type, ...redOf(e, seconds) });
      if (nodeTypeOf(e.target) !== 'service' || !services.has(e.target)) {
        let i = incoming.get(e.target);
        if (!i) incoming.set(e.target, (i = { ...newRed(), writers: new Set(), callers: new Set() }));
        i.calls += e.calls;
        i.errors += e.errors;
        i.hist.add(e.hist);
        i.callers.add(e.source);
        if (e.writes > 0) i.writers.add(e.source);
      }
    }
    for (const [id, i] of incoming) {
      const n = ensure(id);
      // A datastore more than one service writes to couples them ("shared database").
      const writers = n.type === 'database' ? i.writers : i.callers;
      Object.assign(n, redOf(i, seconds), {
        health: healthOf(i.calls ? i.errors / i.calls : 0, i.calls),
        writers: [...writers].sort(),
        shared: n.type === 'database' && i.writers.size > 1,
      });
    }
    return {
      nodes: [...nodes.values()].sort((a, b) => a.id.localeCompare(b.id)),
      edges: outEdges.sort((a, b) => a.source.localeCompare(b.source) || a.target.localeCompare(b.target)),
    };
  });
}
