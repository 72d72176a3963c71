// The service map for a window, from the service and edge rollups only (never spans).
import type { MapEdge, MapNode, ServiceMap } from '../../common/api/service-schemas';
import { newRed, redOf } from './red';
import { coverageByName, widestCoverage } from './coverage';
import { type ConnectionType, nodeName, nodeSystem, nodeTypeOf } from '../../common/service-map';
import { type ReadStore, dataMinutesOf, windowOf } from './read-store';
import { type PartSum, addPart, histOf, newPartSum, openFromNow, partsOf, signalsOfSum } from './rollup-parts';

/** A node nothing was recorded for (never added to). */
const IDLE = newRed();

export function serviceMap(store: ReadStore, input: { from?: number; to?: number }): ServiceMap {
  const { from, to } = windowOf(input);
  // Long windows read only the minutes holding data; rates are per second of the part of the
  // window each service's data covers (a caller's, for the edges and peers it calls).
  const { m0, m1 } = dataMinutesOf(store, Math.floor(from / 60_000), Math.floor(to / 60_000));
  return store.timed('map.get', () => {
    const names = new Map<number, { name: string; namespace: string }>();
    const namespaces = new Map<string, string>();
    for (const r of store.stmt('SELECT id, name, namespace FROM services').all() as Array<{ id: number; name: string; namespace: string }>) {
      names.set(r.id, r);
      if (!namespaces.has(r.name)) namespaces.set(r.name, r.namespace);
    }
    const services = new Map<string, PartSum & { namespace: string }>();
    const edges = new Map<string, PartSum & { source: string; target: string; type: ConnectionType; writes: number }>();
    // Blocks ending two minutes ago are kept merged; commits that touch them drop them again.
    const parts = partsOf(store);
    const openFrom = openFromNow();
    const firstMinutes = new Map<number, number>();
    parts.services.collect(m0, m1, openFrom, (id, p) => {
      store.check();
      const svc = names.get(id);
      if (!svc) return;
      let s = services.get(svc.name);
      if (!s) services.set(svc.name, (s = { ...newPartSum(), namespace: svc.namespace }));
      addPart(s, p);
      const first = firstMinutes.get(id);
      if (first === undefined || p.start < first) firstMinutes.set(id, p.start);
    });
    parts.edges.collect(m0, m1, openFrom, (key, p) => {
      store.check();
      let e = edges.get(key);
      if (!e) edges.set(key, (e = { ...newPartSum(), source: p.source, target: p.target, type: p.type, writes: 0 }));
      e.writes += p.writes;
      addPart(e, p);
    });
    const covers = coverageByName(store, from, to, Date.now(), firstMinutes);
    const coverOf = (list: Iterable<string>) => widestCoverage([...list].map((n) => covers.get(n)), from, to);

    const nodes = new Map<string, MapNode>();
    const ensure = (id: string): MapNode => {
      let n = nodes.get(id);
      if (!n) {
        const type = nodeTypeOf(id);
        n = {
          id,
          name: nodeName(id),
          type,
          namespace: type === 'service' ? (namespaces.get(id) ?? '') : '',
          ...redOf(IDLE, coverOf([])),
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
      Object.assign(n, signalsOfSum(a, coverOf([name])), { namespace: a.namespace });
    }
    // Peers send no telemetry: what they served is what their callers saw.
    const incoming = new Map<string, PartSum & { writers: Set<string>; callers: Set<string> }>();
    const outEdges: MapEdge[] = [];
    for (const e of edges.values()) {
      ensure(e.source);
      ensure(e.target);
      outEdges.push({
        source: e.source,
        target: e.target,
        connectionType: e.type,
        ...redOf({ calls: e.calls, errors: e.errors, hist: histOf(e) }, coverOf([e.source])),
      });
      if (nodeTypeOf(e.target) !== 'service' || !services.has(e.target)) {
        let i = incoming.get(e.target);
        if (!i) incoming.set(e.target, (i = { ...newPartSum(), writers: new Set(), callers: new Set() }));
        i.calls += e.calls;
        i.errors += e.errors;
        i.hists.push(...e.hists);
        i.callers.add(e.source);
        if (e.writes > 0) i.writers.add(e.source);
      }
    }
    for (const [id, i] of incoming) {
      const n = ensure(id);
      // A datastore more than one service writes to couples them ("shared database").
      const writers = n.type === 'database' ? i.writers : i.callers;
      Object.assign(n, signalsOfSum(i, coverOf(i.callers)), {
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
