// A generated service map shaped like a large microservice estate (edge services, APIs, core
// services, shared backends, datastores, queues and third parties in tiers, calls mostly to the
// next tier), for measuring layout and drawing at scale: open the map with `?synthetic=300`.
import type { MapEdge, MapNode, ServiceMap } from './graph';
import { mulberry32 as random } from '../../../../common/random';
import { healthOf } from '../../../../common/service-map';


const NAMESPACES = ['web', 'orders', 'payments', 'catalog', 'identity', 'logistics'];
const WORDS = ['account', 'auth', 'basket', 'billing', 'cart', 'catalog', 'checkout', 'coupon', 'delivery', 'email', 'fraud', 'invoice', 'ledger', 'loyalty', 'media', 'order', 'pricing', 'profile', 'quote', 'rating', 'refund', 'search', 'session', 'shipping', 'stock', 'tax', 'tracking', 'wallet'];

export function syntheticMap(nodeCount = 300, seed = 1): ServiceMap {
  const rand = random(seed);
  const pick = <T,>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
  // Tier shares: edge, api, core, backend, datastores+queues+external.
  const shares = [0.04, 0.12, 0.3, 0.3, 0.24];
  const tiers: MapNode[][] = [];
  let made = 0;
  shares.forEach((share, tier) => {
    const count = tier === shares.length - 1 ? nodeCount - made : Math.max(1, Math.round(nodeCount * share));
    const list: MapNode[] = [];
    for (let i = 0; i < count; i++) {
      const ns = pick(NAMESPACES);
      const index = made + i;
      let node: MapNode;
      if (tier < shares.length - 1) {
        const name = `${pick(WORDS)}-${['edge', 'api', 'svc', 'worker'][tier]}-${index}`;
        node = base(name, name, 'service', ns);
      } else {
        const r = rand();
        if (r < 0.7) node = base(`db:postgresql/${pick(WORDS)}db${index}`, `${pick(WORDS)}db${index}`, 'database', '', 'postgresql');
        else if (r < 0.9) node = base(`queue:kafka/${pick(WORDS)}-events-${index}`, `${pick(WORDS)}-events-${index}`, 'queue', '', 'kafka');
        else {
          const host = `${pick(WORDS)}${index}.example.com:443`;
          node = base(`ext:${host}`, host, 'external', '');
        }
      }
      list.push(node);
    }
    made += count;
    tiers.push(list);
  });

  const edges = new Map<string, MapEdge>();
  const connect = (a: MapNode, b: MapNode) => {
    const id = `${a.id}→${b.id}`;
    if (a.id === b.id || edges.has(id)) return;
    const rps = a.rps > 0 ? a.rps * (0.2 + rand() * 0.8) : 0.5 + rand() * 20;
    const errorRate = rand() < 0.08 ? rand() * 0.2 : rand() < 0.2 ? rand() * 0.01 : 0;
    const p50 = 2 + rand() * 80;
    const connectionType = b.type === 'database' ? 'database' : b.type === 'queue' ? 'messaging' : 'sync';
    const calls = Math.round(rps * 3600);
    edges.set(id, { source: a.id, target: b.id, connectionType, calls, errors: Math.round(calls * errorRate), rps, errorRate, p50Ms: p50, p95Ms: p50 * 3, p99Ms: p50 * 6 });
  };
  for (let t = 0; t < tiers.length - 1; t++) {
    for (const a of tiers[t]) {
      const calls = 1 + Math.floor(rand() * 3);
      for (let i = 0; i < calls; i++) {
        const skip = rand() < 0.2 && t + 2 < tiers.length ? 2 : 1;
        connect(a, pick(tiers[t + skip]));
      }
    }
  }
  // Everything below the first tier is called by someone.
  for (let t = 1; t < tiers.length; t++) {
    for (const b of tiers[t]) if (![...edges.values()].some((e) => e.target === b.id)) connect(pick(tiers[t - 1]), b);
  }

  const incoming = new Map<string, MapEdge[]>();
  for (const e of edges.values()) incoming.set(e.target, [...(incoming.get(e.target) ?? []), e]);
  for (const n of tiers.flat()) {
    const ins = incoming.get(n.id) ?? [];
    const calls = ins.reduce((a, e) => a + e.calls, 0) || Math.round((5 + rand() * 50) * 3600);
    const errors = ins.reduce((a, e) => a + e.errors, 0);
    n.calls = calls;
    n.errors = errors;
    n.rps = calls / 3600;
    n.errorRate = calls ? errors / calls : 0;
    n.p50Ms = 5 + rand() * 50;
    n.p95Ms = n.p50Ms * 3;
    n.p99Ms = n.p50Ms * 6;
    n.health = healthOf(n.errorRate, calls);
    if (n.type === 'database') {
      n.writers = [...new Set(ins.map((e) => e.source))].sort();
      n.shared = n.writers.length > 1;
    }
  }
  return { nodes: tiers.flat(), edges: [...edges.values()] };
}

function base(id: string, name: string, type: MapNode['type'], namespace: string, system = ''): MapNode {
  return { id, name, type, namespace, calls: 0, errors: 0, rps: 0, errorRate: 0, p50Ms: null, p95Ms: null, p99Ms: null, health: 'idle', shared: false, writers: [], system };
}
