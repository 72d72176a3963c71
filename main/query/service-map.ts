// The service map for a window, from the service and edge rollups only (never spans).
import type { MapEdge, MapNode, ServiceMap } from '../../common/api/schemas';
import { type RedAcc, addRollup, newRed, redOf, serviceSignals } from './red';
import { coverageByName, widestCoverage } from './coverage';
import { type ConnectionType, nodeName, nodeSystem, nodeTypeOf } from '../../common/service-map';
import { type ReadStore, dataMinutesOf, windowOf } from './read-store';
import { RollupBlocks } from './rollup-blocks';
import * as H from '../../common/latency-histogram';


/** A service (`s`, name in `a`) or an edge (`e`, source and target in `a` and `b`) over some minutes. */
interface Part {
  kind: 's' | 'e';
  a: string;
  b: string;
  calls: number;
  errors: number;
  writes: number;
  hist: H.SparseBuckets;
  namespace: string;
  type: ConnectionType;
}

/** Service and edge aggregates of minutes [m0, m1], keyed `s\0name` and `e\0source\0target`. */
function loadParts(store: ReadStore, m0: number, m1: number): Map<string, Part> {
  type Acc = RedAcc & Pick<Part, 'kind' | 'a' | 'b' | 'writes' | 'namespace' | 'type'>;
  const acc = new Map<string, Acc>();
  const add = (kind: 's' | 'e', a: string, b: string, namespace: string, type: ConnectionType, calls: number, errors: number, writes: number, ok: Buffer | null, err: Buffer | null) => {
    const key = kind === 's' ? 's\u0000' + a : 'e\u0000' + a + '\u0000' + b;
    let x = acc.get(key);
    if (!x) acc.set(key, (x = { ...newRed(), kind, a, b, writes: 0, namespace, type }));
    addRollup(x, calls, errors, ok, err);
    x.writes += writes;
  };
  for (const r of store
    .rawExact(
      `SELECT s.name, s.namespace, r.calls, r.errors, r.hist_ok, r.hist_err
       FROM rollup_service_minute r JOIN services s ON s.id = r.service_id WHERE r.minute BETWEEN ? AND ?`,
    )
    .all(m0, m1) as Array<[string, string, bigint, bigint, Buffer | null, Buffer | null]>) {
    store.check();
    add('s', r[0], '', r[1], 'sync', Number(r[2]), Number(r[3]), 0, r[4], r[5]);
  }
  for (const r of store
    .rawExact(
      `SELECT source, target, connection_type, calls, errors, writes, hist_ok, hist_err
       FROM rollup_edge_minute WHERE minute BETWEEN ? AND ?`,
    )
    .all(m0, m1) as Array<[string, string, ConnectionType, bigint, bigint, bigint, Buffer | null, Buffer | null]>) {
    store.check();
    add('e', r[0], r[1], '', r[2], Number(r[3]), Number(r[4]), Number(r[5]), r[6], r[7]);
  }
  const out = new Map<string, Part>();
  for (const [k, x] of acc)
    out.set(k, { kind: x.kind, a: x.a, b: x.b, calls: x.calls, errors: x.errors, writes: x.writes, hist: H.sparseOf(x.hist), namespace: x.namespace, type: x.type });
  return out;
}

const caches = new WeakMap<ReadStore, RollupBlocks<Part>>();

function blocksOf(store: ReadStore): RollupBlocks<Part> {
  let blocks = caches.get(store);
  if (!blocks) {
    blocks = new RollupBlocks((m0, m1) => loadParts(store, m0, m1));
    caches.set(store, blocks);
    store.rollupCaches.add(blocks);
  }
  return blocks;
}

export function serviceMap(store: ReadStore, input: { from?: number; to?: number }): ServiceMap {
  const { from, to } = windowOf(input);
  // Long windows read only the minutes holding data; rates are per second of the part of the
  // window each service's data covers (a caller's, for the edges and peers it calls).
  const { m0, m1 } = dataMinutesOf(store, Math.floor(from / 60_000), Math.floor(to / 60_000));
  return store.timed('map.get', () => {
    const covers = coverageByName(store, from, to);
    const coverOf = (names: Iterable<string>) => widestCoverage([...names].map((n) => covers.get(n)), from, to);
    const services = new Map<string, RedAcc & { namespace: string }>();
    const edges = new Map<string, RedAcc & { source: string; target: string; type: ConnectionType; writes: number }>();
    // Blocks ending two minutes ago are kept merged; commits that touch them drop them again.
    blocksOf(store).collect(m0, m1, Math.floor(Date.now() / 60_000) - 2, (_key, p) => {
      store.check();
      let a: RedAcc;
      if (p.kind === 's') {
        let s = services.get(p.a);
        if (!s) services.set(p.a, (s = { ...newRed(), namespace: p.namespace }));
        a = s;
      } else {
        const k = p.a + '\u0000' + p.b;
        let e = edges.get(k);
        if (!e) edges.set(k, (e = { ...newRed(), source: p.a, target: p.b, type: p.type, writes: 0 }));
        e.writes += p.writes;
        a = e;
      }
      a.calls += p.calls;
      a.errors += p.errors;
      a.hist.addSparse(p.hist);
    });

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
          ...redOf(newRed(), coverOf([])),
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
      Object.assign(n, serviceSignals(a, coverOf([name])), { namespace: a.namespace });
    }
    // Peers send no telemetry: what they served is what their callers saw.
    const incoming = new Map<string, RedAcc & { writers: Set<string>; callers: Set<string> }>();
    const outEdges: MapEdge[] = [];
    for (const e of edges.values()) {
      ensure(e.source);
      ensure(e.target);
      outEdges.push({ source: e.source, target: e.target, connectionType: e.type, ...redOf(e, coverOf([e.source])) });
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
      Object.assign(n, serviceSignals(i, coverOf(i.callers)), {
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
