// Service-map edges derived at ingest (the OTel Collector servicegraph connector's rules):
// a CLIENT span pairs with the SERVER span it parents, and the pair is one call from the
// client's service to the server's. The halves arrive in any order and in different batches
// (each service exports on its own), so unpaired halves wait in memory for a while; when they
// expire, the store is asked once, and a client nobody answered becomes a call to a virtual
// node (peer.service or server.address). Database and messaging calls need no pairing: their
// peer is named by the span itself (db.*, messaging.*). A consumer that starts a new trace per
// message links to the producer's span instead of being its child (the messaging conventions'
// recommended shape): it pairs through that link, so the hop is counted across the two traces,
// once, whether the consumer is linked, a child, or both.
import type { SpanHints, SpanRecord } from '../../common/model';
import { SpanKind } from '../../common/model';
import { type ConnectionType, databaseNode, isDatabaseWrite, peerNode, queueNode } from '../../common/service-map';
import * as H from '../../common/latency-histogram';

export interface EdgeAgg {
  source: string;
  target: string;
  minute: number;
  connectionType: ConnectionType;
  calls: number;
  errors: number;
  writes: number;
  ok: H.Histogram;
  err: H.Histogram;
}

interface Half {
  service: string;
  minute: number;
  micros: number;
  isError: boolean;
  hints: SpanHints;
  seenMs: number;
  traceId: Buffer;
  spanId: Buffer;
  /** The queue node a producer named (its edge to the queue is already counted). */
  queue?: string;
}

/** How the store is asked about halves that expired unpaired. */
export interface EdgeLookup {
  /** The service of a SERVER/CONSUMER child of (traceId, spanId), if stored. */
  serverChildOf(traceId: Buffer, spanId: Buffer): { service: string; isError: boolean } | null;
  /** The parent span if it is a stored CLIENT/PRODUCER span. */
  clientParent(traceId: Buffer, parentSpanId: Buffer): { service: string; isError: boolean; micros: number; minute: number; kind: number } | null;
}

const MINUTE_NS = 60_000_000_000n;

export class EdgeMatcher {
  /** CLIENT/PRODUCER spans waiting for their server, by trace+span id. */
  private readonly clients = new Map<string, Half>();
  /** SERVER/CONSUMER spans waiting for their client, by trace+parent id. */
  private readonly servers = new Map<string, Half & { parentId: Buffer; kind: number }>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly maxPending = 200_000,
  ) {}

  get pending(): number {
    return this.clients.size + this.servers.size;
  }

  /** Feeds one newly stored span (ids already as Buffers). */
  onSpan(
    sp: SpanRecord,
    traceId: Buffer,
    spanId: Buffer,
    parent: Buffer | null,
    service: string,
    isError: boolean,
    out: Map<string, EdgeAgg>,
    nowMs: number,
  ): void {
    const kind = sp.kind;
    if (kind !== SpanKind.CLIENT && kind !== SpanKind.PRODUCER && kind !== SpanKind.SERVER && kind !== SpanKind.CONSUMER) return;
    const hints = sp.hints;
    const minute = Number(sp.startNs / MINUTE_NS);
    const micros = Number(sp.endNs - sp.startNs) / 1000;
    if (kind === SpanKind.CLIENT || kind === SpanKind.PRODUCER) {
      const db = databaseNode(hints);
      if (db && kind === SpanKind.CLIENT) {
        const writes = isDatabaseWrite(hints.dbOperation, hints.dbQueryStart) ? 1 : 0;
        return add(out, service, db.id, minute, 'database', isError, micros, writes);
      }
      const queue = kind === SpanKind.PRODUCER ? queueNode(hints) : null;
      // A producer that names its destination is an edge to the queue by itself; it still waits
      // for a consumer that does not name one, to carry the hop on from the queue.
      if (queue) add(out, service, queue.id, minute, 'messaging', isError, micros, 0);
      const key = traceId.toString('latin1') + spanId.toString('latin1');
      const server = this.servers.get(key);
      if (server) {
        this.servers.delete(key);
        if (queue) return add(out, queue.id, server.service, server.minute, 'messaging', server.isError, server.micros, 0);
        const type: ConnectionType = kind === SpanKind.PRODUCER || server.kind === SpanKind.CONSUMER ? 'messaging' : 'sync';
        return add(out, service, server.service, minute, type, isError || server.isError, micros, 0);
      }
      this.clients.set(key, { service, minute, micros, isError, hints, seenMs: nowMs, traceId, spanId, queue: queue?.id });
    } else {
      const queue = queueNode(hints);
      if (queue && kind === SpanKind.CONSUMER) return add(out, queue.id, service, minute, 'messaging', isError, micros, 0);
      // A consumer pairs with the producer span it links to (the same one as its parent when it
      // is both); other server spans with their parent.
      const link = kind === SpanKind.CONSUMER ? firstLink(sp.links) : null;
      const pairTrace = link ? link.traceId : traceId;
      const pairSpan = link ? link.spanId : parent;
      if (!pairSpan) return; // a root server span: its caller sends no telemetry
      const key = pairTrace.toString('latin1') + pairSpan.toString('latin1');
      const client = this.clients.get(key);
      if (client) {
        this.clients.delete(key);
        if (client.queue) return add(out, client.queue, service, minute, 'messaging', isError, micros, 0);
        const type: ConnectionType = kind === SpanKind.CONSUMER ? 'messaging' : 'sync';
        return add(out, client.service, service, client.minute, type, client.isError || isError, client.micros, 0);
      }
      this.servers.set(key, { service, minute, micros, isError, hints, seenMs: nowMs, traceId: pairTrace, spanId, parentId: pairSpan, kind });
    }
    if (this.pending > this.maxPending) this.expire(Number.MAX_SAFE_INTEGER, null, out, this.pending - this.maxPending);
  }

  /**
   * Settles halves older than the TTL: the store is asked for the other half; clients nobody
   * answered become calls to a virtual peer. `limit` bounds the work of one call.
   */
  expire(nowMs: number, lookup: EdgeLookup | null, out: Map<string, EdgeAgg>, limit = 5000): number {
    const cutoff = nowMs - this.ttlMs;
    let n = 0;
    for (const [key, c] of this.clients) {
      if (n >= limit || (c.seenMs > cutoff && nowMs !== Number.MAX_SAFE_INTEGER)) break;
      this.clients.delete(key);
      n++;
      if (c.queue) continue; // its edge to the queue is counted; no consumer carried the hop on
      const child = lookup?.serverChildOf(c.traceId, c.spanId) ?? null;
      if (child) add(out, c.service, child.service, c.minute, 'sync', c.isError || child.isError, c.micros, 0);
      else {
        const peer = peerNode(c.hints);
        if (peer && peer.id !== c.service) add(out, c.service, peer.id, c.minute, 'virtual', c.isError, c.micros, 0);
      }
    }
    for (const [key, s] of this.servers) {
      if (n >= limit || (s.seenMs > cutoff && nowMs !== Number.MAX_SAFE_INTEGER)) break;
      this.servers.delete(key);
      n++;
      const parent = lookup?.clientParent(s.traceId, s.parentId) ?? null;
      if (parent && parent.service !== s.service) {
        const type: ConnectionType = parent.kind === SpanKind.PRODUCER || s.kind === SpanKind.CONSUMER ? 'messaging' : 'sync';
        add(out, parent.service, s.service, parent.minute, type, parent.isError || s.isError, parent.micros, 0);
      }
    }
    return n;
  }
}

const LINK = /"traceId":"([0-9a-f]{32})","spanId":"([0-9a-f]{16})"/;

/** The first link of a span's stored links JSON (the decoders write traceId then spanId). */
function firstLink(links: string): { traceId: Buffer; spanId: Buffer } | null {
  if (links.length < 3) return null;
  const m = LINK.exec(links);
  return m ? { traceId: Buffer.from(m[1], 'hex'), spanId: Buffer.from(m[2], 'hex') } : null;
}

function add(
  out: Map<string, EdgeAgg>,
  source: string,
  target: string,
  minute: number,
  connectionType: ConnectionType,
  isError: boolean,
  micros: number,
  writes: number,
): void {
  const key = `${source}\u0000${target}\u0000${minute}`;
  let e = out.get(key);
  if (!e) {
    e = { source, target, minute, connectionType, calls: 0, errors: 0, writes: 0, ok: new Map(), err: new Map() };
    out.set(key, e);
  }
  e.calls++;
  e.writes += writes;
  if (isError) {
    e.errors++;
    H.record(e.err, micros);
  } else H.record(e.ok, micros);
}
