// Service-map node identities and the rules for peers that send no telemetry of their own
// (Tempo / OTel servicegraph conventions): databases from db.system(.name)/db.namespace,
// queues from messaging.system/destination, other peers from peer.service or server.address.
import type { SpanHints } from './model';

export type NodeType = 'service' | 'database' | 'queue' | 'external';
export type ConnectionType = 'sync' | 'messaging' | 'database' | 'virtual';

export interface PeerNode {
  id: string;
  name: string;
  type: NodeType;
}

/** Virtual node ids carry their type as a prefix; service nodes are their service name. */
const PREFIX: Record<Exclude<NodeType, 'service'>, string> = { database: 'db:', queue: 'queue:', external: 'ext:' };

export function nodeTypeOf(id: string): NodeType {
  if (id.startsWith(PREFIX.database)) return 'database';
  if (id.startsWith(PREFIX.queue)) return 'queue';
  if (id.startsWith(PREFIX.external)) return 'external';
  return 'service';
}

/** Display name of a node id. */
export function nodeName(id: string): string {
  const type = nodeTypeOf(id);
  if (type === 'service') return id;
  const rest = id.slice(PREFIX[type].length);
  if (type === 'external') return rest;
  const slash = rest.indexOf('/');
  // db:postgresql/shopdb → "shopdb"; db:redis/ → "redis"
  return slash >= 0 && rest.length > slash + 1 ? rest.slice(slash + 1) : rest.replace(/\/$/, '');
}

/** The system part of a database/queue node ("postgresql", "kafka"), else ''. */
export function nodeSystem(id: string): string {
  const type = nodeTypeOf(id);
  if (type !== 'database' && type !== 'queue') return '';
  const rest = id.slice(PREFIX[type].length);
  const slash = rest.indexOf('/');
  return slash >= 0 ? rest.slice(0, slash) : rest;
}

export function databaseNode(hints: SpanHints): PeerNode | null {
  if (!hints.dbSystem) return null;
  const ns = hints.dbNamespace ?? '';
  const id = `${PREFIX.database}${hints.dbSystem}/${ns}`;
  return { id, name: nodeName(id), type: 'database' };
}

export function queueNode(hints: SpanHints): PeerNode | null {
  if (!hints.messagingSystem) return null;
  const id = `${PREFIX.queue}${hints.messagingSystem}/${hints.messagingDestination ?? ''}`;
  return { id, name: nodeName(id), type: 'queue' };
}

/** The peer of a client span nobody answered: peer.service names a service (even an
 * uninstrumented one); otherwise server.address names an external host. */
export function peerNode(hints: SpanHints): PeerNode | null {
  if (hints.peerService) return { id: hints.peerService, name: hints.peerService, type: 'service' };
  if (hints.serverAddress) {
    const host = hints.serverPort ? `${hints.serverAddress}:${hints.serverPort}` : hints.serverAddress;
    return { id: `${PREFIX.external}${host}`, name: host, type: 'external' };
  }
  return null;
}

const WRITE_OPERATIONS = /^(insert|update|delete|upsert|merge|replace|set|hset|lpush|rpush|sadd|zadd|incr|decr|put|create|drop|alter|truncate|copy|write|bulk|save|remove)/i;

/** Whether a database call modifies data, from db.operation.name or the query text. */
export function isDatabaseWrite(operation: string | undefined, query: string | undefined): boolean {
  if (operation) return WRITE_OPERATIONS.test(operation.trim());
  if (query) return WRITE_OPERATIONS.test(query.trim());
  return false;
}

/** Kiali's default health thresholds on error rate: ≥0.1% degraded, >10% failing. A rate is
 * compared as the percentage people read (to 1e-6 %): 0.3/3 computes as 0.10000000000000002 and a
 * backend's rate ratio can land a hair above or below, but 10 % is not over the line. */
export function healthOf(errorRate: number, calls: number): 'healthy' | 'degraded' | 'failing' | 'idle' {
  if (calls === 0) return 'idle';
  const rate = Math.round(errorRate * 1e8) / 1e8;
  if (rate > 0.1) return 'failing';
  if (rate >= 0.001) return 'degraded';
  return 'healthy';
}
