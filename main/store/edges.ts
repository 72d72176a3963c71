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
import type { SpanRecord } from '../../common/model';
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
  /** A CLIENT/PRODUCER span waiting for its server, or a SERVER/CONSUMER span waiting for its client. */
  role: 'client' | 'server';
  /** The span id the other half will name (a client's own id; a server's parent or linked
   * span), as two 32-bit numbers: compared without building a key per span. */
  idHi: number;
  idLo: number;
  service: string;
  minute: number;
  micros: number;
  isError: boolean;
  /** What names a client's peer when no server answers (peerNode); a server keeps none. Only
   * these, not the span's hints: up to 200,000 halves wait at once. */
  peerService?: string;
  serverAddress?: string;
  serverPort?: number;
  seenMs: number;
  kind: number;
  /** The queue node a producer named (its edge to the queue is already counted). */
  queue?: string;
  /** The trace it waits in (the key of `EdgeMatcher.byTrace`): its id in latin1. A half keeps
   * no id as a Buffer: the decoder's ids are views of the request's body, which a half waiting
   * a minute for a peer that never sends would keep alive whole. */
  traceKey: string;
}

/** How the store is asked about halves that expired unpaired. */
export interface EdgeLookup {
  /** The service of a SERVER/CONSUMER child of (traceId, spanId), if stored. */
  serverChildOf(traceId: Buffer, spanId: Buffer): { service: string; isError: boolean } | null;
  /** The parent span if it is a stored CLIENT/PRODUCER span. */
  clientParent(traceId: Buffer, parentSpanId: Buffer): { service: string; isError: boolean; micros: number; minute: number; kind: number } | null;
}

/** A newly stored span as the matcher needs it: ids as Buffers, its trace id as a latin1 key
 * (the one the trace summaries already computed), its minute and duration. */
export interface EdgeSpan {
  sp: SpanRecord;
  traceId: Buffer;
  traceKey: string;
  spanId: Buffer;
  parentId: Buffer | null;
  minute: number;
  micros: number;
  isError: boolean;
}

const hi32 = (b: Uint8Array) => ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
const lo32 = (b: Uint8Array) => ((b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7]) >>> 0;

export class EdgeMatcher {
  /** Halves waiting for their other half, by the trace they pair in. A trace has a few at a
   * time, so a lookup is one map access by a key that already exists and a short scan. */
  private readonly byTrace = new Map<string, Half[]>();
  /** The same halves in the order they arrived, which is the order they expire in. */
  private readonly order = new Set<Half>();
  private readonly databases = new Map<string, Map<string, string>>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly maxPending = 200_000,
  ) {}

  get pending(): number {
    return this.order.size;
  }

  /** Feeds one newly stored span. */
  onSpan(s: EdgeSpan, service: string, out: EdgeAggs, nowMs: number): void {
    const { sp, minute, micros, isError } = s;
    const kind = sp.kind;
    if (kind !== SpanKind.CLIENT && kind !== SpanKind.PRODUCER && kind !== SpanKind.SERVER && kind !== SpanKind.CONSUMER) return;
    const hints = sp.hints;
    if (kind === SpanKind.CLIENT || kind === SpanKind.PRODUCER) {
      if (hints.dbSystem && kind === SpanKind.CLIENT) {
        const writes = isDatabaseWrite(hints.dbOperation, hints.dbQueryStart) ? 1 : 0;
        return add(out, service, this.databaseId(hints.dbSystem, hints.dbNamespace ?? ''), minute, 'database', isError, micros, writes);
      }
      const queue = kind === SpanKind.PRODUCER ? queueNode(hints) : null;
      // A producer that names its destination is an edge to the queue by itself; it still waits
      // for a consumer that does not name one, to carry the hop on from the queue.
      if (queue) add(out, service, queue.id, minute, 'messaging', isError, micros, 0);
      const idHi = hi32(s.spanId);
      const idLo = lo32(s.spanId);
      const server = this.take(s.traceKey, 'server', idHi, idLo);
      if (server) {
        if (queue) return add(out, queue.id, server.service, server.minute, 'messaging', server.isError, server.micros, 0);
        const type: ConnectionType = kind === SpanKind.PRODUCER || server.kind === SpanKind.CONSUMER ? 'messaging' : 'sync';
        return add(out, service, server.service, minute, type, isError || server.isError, micros, 0);
      }
      this.put({
        role: 'client', idHi, idLo, service, minute, micros, isError, seenMs: nowMs, kind, queue: queue?.id, traceKey: s.traceKey,
        peerService: hints.peerService, serverAddress: hints.serverAddress, serverPort: hints.serverPort,
      });
    } else {
      const queue = queueNode(hints);
      if (queue && kind === SpanKind.CONSUMER) return add(out, queue.id, service, minute, 'messaging', isError, micros, 0);
      // A consumer pairs with the producer span it links to (the same one as its parent when it
      // is both); other server spans with their parent.
      const link = kind === SpanKind.CONSUMER ? firstLink(sp.links) : null;
      const pairTrace = link ? link.traceId : s.traceId;
      const pairSpan = link ? link.spanId : s.parentId;
      if (!pairSpan) return; // a root server span: its caller sends no telemetry
      const traceKey = link ? pairTrace.toString('latin1') : s.traceKey;
      const idHi = hi32(pairSpan);
      const idLo = lo32(pairSpan);
      const client = this.take(traceKey, 'client', idHi, idLo);
      if (client) {
        if (client.queue) return add(out, client.queue, service, minute, 'messaging', isError, micros, 0);
        const type: ConnectionType = kind === SpanKind.CONSUMER ? 'messaging' : 'sync';
        return add(out, client.service, service, client.minute, type, client.isError || isError, client.micros, 0);
      }
      this.put({
        role: 'server', idHi, idLo, service, minute, micros, isError, seenMs: nowMs, kind, traceKey,
      });
    }
    if (this.order.size > this.maxPending) this.expire(Number.MAX_SAFE_INTEGER, null, out, this.order.size - this.maxPending);
  }

  /**
   * Settles halves older than the TTL: the store is asked for the other half; clients nobody
   * answered become calls to a virtual peer. `limit` bounds the work of one call.
   */
  expire(nowMs: number, lookup: EdgeLookup | null, out: EdgeAggs, limit = 5000): number {
    const force = nowMs === Number.MAX_SAFE_INTEGER;
    const cutoff = nowMs - this.ttlMs;
    let n = 0;
    for (const h of this.order) {
      if (n >= limit || (!force && h.seenMs > cutoff)) break;
      this.remove(h);
      this.settle(h, lookup, out);
      n++;
    }
    return n;
  }

  private settle(h: Half, lookup: EdgeLookup | null, out: EdgeAggs): void {
    if (h.role === 'client') {
      if (h.queue) return; // its edge to the queue is counted; no consumer carried the hop on
      const child = lookup ? lookup.serverChildOf(...idsOf(h)) : null;
      if (child) add(out, h.service, child.service, h.minute, 'sync', h.isError || child.isError, h.micros, 0);
      else {
        const peer = peerNode(h);
        if (peer && peer.id !== h.service) add(out, h.service, peer.id, h.minute, 'virtual', h.isError, h.micros, 0);
      }
    } else {
      const parent = lookup ? lookup.clientParent(...idsOf(h)) : null;
      if (parent && parent.service !== h.service) {
        const type: ConnectionType = parent.kind === SpanKind.PRODUCER || h.kind === SpanKind.CONSUMER ? 'messaging' : 'sync';
        add(out, parent.service, h.service, parent.minute, type, parent.isError || h.isError, parent.micros, 0);
      }
    }
  }

  /** The node id of a database, made once per system and namespace: the edge rows are then
   * looked up by the same string each time. */
  private databaseId(system: string, namespace: string): string {
    let byNamespace = this.databases.get(system);
    if (byNamespace === undefined) {
      if (this.databases.size > 1000) this.databases.clear();
      this.databases.set(system, (byNamespace = new Map()));
    }
    let id = byNamespace.get(namespace);
    if (id === undefined) {
      if (byNamespace.size > 1000) byNamespace.clear();
      byNamespace.set(namespace, (id = databaseNode({ dbSystem: system, dbNamespace: namespace })!.id));
    }
    return id;
  }

  private put(h: Half): void {
    const halves = this.byTrace.get(h.traceKey);
    if (halves) halves.push(h);
    else this.byTrace.set(h.traceKey, [h]);
    this.order.add(h);
  }

  private remove(h: Half): void {
    this.order.delete(h);
    const halves = this.byTrace.get(h.traceKey)!;
    if (halves.length === 1) this.byTrace.delete(h.traceKey);
    else halves.splice(halves.indexOf(h), 1);
  }

  /** Removes and returns the waiting half of `role` in the trace that names this span id. */
  private take(traceKey: string, role: Half['role'], idHi: number, idLo: number): Half | undefined {
    const halves = this.byTrace.get(traceKey);
    if (halves === undefined) return undefined;
    for (let i = 0; i < halves.length; i++) {
      const h = halves[i];
      if (h.idLo !== idLo || h.idHi !== idHi || h.role !== role) continue;
      if (halves.length === 1) this.byTrace.delete(traceKey);
      else halves.splice(i, 1);
      this.order.delete(h);
      return h;
    }
    return undefined;
  }
}

/** The ids the store is asked by when a half expires: the trace it waited in, and the span id
 * both halves name (a client's own id, a server's parent or linked span). */
function idsOf(h: Half): [traceId: Buffer, spanId: Buffer] {
  const spanId = Buffer.allocUnsafe(8);
  spanId.writeUInt32BE(h.idHi, 0);
  spanId.writeUInt32BE(h.idLo, 4);
  return [Buffer.from(h.traceKey, 'latin1'), spanId];
}

const LINK = /"traceId":"([0-9a-f]{32})","spanId":"([0-9a-f]{16})"/;

/** The first link of a span's stored links JSON (the decoders write traceId then spanId). */
function firstLink(links: string): { traceId: Buffer; spanId: Buffer } | null {
  if (links.length < 3) return null;
  const m = LINK.exec(links);
  return m ? { traceId: Buffer.from(m[1], 'hex'), spanId: Buffer.from(m[2], 'hex') } : null;
}

/** One transaction's edge rows, by source, target and minute: looked up by the names as they
 * are, without building a key per call. */
export class EdgeAggs {
  private readonly bySource = new Map<string, Map<string, EdgeAgg[]>>();
  private readonly rows: EdgeAgg[] = [];

  values(): readonly EdgeAgg[] {
    return this.rows;
  }

  row(source: string, target: string, minute: number, connectionType: ConnectionType): EdgeAgg {
    let byTarget = this.bySource.get(source);
    if (byTarget === undefined) this.bySource.set(source, (byTarget = new Map()));
    let minutes = byTarget.get(target);
    if (minutes === undefined) byTarget.set(target, (minutes = []));
    for (const e of minutes) if (e.minute === minute) return e;
    const e: EdgeAgg = { source, target, minute, connectionType, calls: 0, errors: 0, writes: 0, ok: new Map(), err: new Map() };
    minutes.push(e);
    this.rows.push(e);
    return e;
  }
}

function add(
  out: EdgeAggs,
  source: string,
  target: string,
  minute: number,
  connectionType: ConnectionType,
  isError: boolean,
  micros: number,
  writes: number,
): void {
  const e = out.row(source, target, minute, connectionType);
  e.calls++;
  e.writes += writes;
  if (isError) {
    e.errors++;
    H.record(e.err, micros);
  } else H.record(e.ok, micros);
}
