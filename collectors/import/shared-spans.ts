// Zipkin's B3 instrumentation (and Jaeger clients in Zipkin-compatible mode) let an RPC's client
// and server record one span id: the client half and the server half ("shared": true). Loupe,
// like OTLP, keys spans by (trace id, span id), so the server half needs an id of its own. It
// gets one derived from the shared id (stable: re-importing the file yields the same id, so
// nothing is duplicated), its parent becomes the client half, and spans the server's process
// started under the shared id move under the server half: the tree Zipkin's UI draws.
import { createHash } from 'node:crypto';
import { SpanKind } from '../../common/model';

export interface TreeSpan {
  spanId: string;
  parentSpanId: string | null;
  kind: number;
  /** service.name of the span's process. */
  service: string;
  /** Zipkin's `shared` flag: this is the server half of a span id its client also used. */
  shared: boolean;
}

export interface SeparationReport {
  /** Server halves given their own id. */
  sharedServers: number;
  /** Spans that reused an id without being a server half; given their own id as well. */
  collisions: number;
}

/** A stable 64-bit id derived from the shared one (never all zeroes). */
export function derivedSpanId(traceId: string, spanId: string, service: string, ordinal: number): string {
  const h = createHash('sha256').update(`${traceId}/${spanId}/${service}/${ordinal}`).digest();
  if (h.subarray(0, 8).every((b) => b === 0)) h[7] = 1;
  return h.subarray(0, 8).toString('hex');
}

/** Gives every span of one trace a unique id and fixes parents accordingly (in place). */
export function separateSharedSpans(traceId: string, spans: TreeSpan[]): SeparationReport {
  const report: SeparationReport = { sharedServers: 0, collisions: 0 };
  const byId = new Map<string, TreeSpan[]>();
  for (const s of spans) {
    const g = byId.get(s.spanId);
    if (g) g.push(s);
    else byId.set(s.spanId, [s]);
  }
  /** Shared id -> the span keeping it (the client half) and the renamed server halves. */
  const moved = new Map<string, { owner: TreeSpan; servers: Array<{ span: TreeSpan; newId: string }> }>();
  const renamed = new Set<TreeSpan>();
  for (const [id, group] of byId) {
    if (group.length < 2) continue;
    // Some instrumentation omits the flag on the server side; with a client half present the
    // server half is shared all the same (Zipkin's span cleaner backfills it the same way).
    const hasClient = group.some((s) => !s.shared && s.kind === SpanKind.CLIENT);
    if (hasClient) for (const s of group) if (s.kind === SpanKind.SERVER) s.shared = true;
    const owner = group.find((s) => !s.shared && s.kind === SpanKind.CLIENT) ?? group.find((s) => !s.shared) ?? group[0];
    const entry = { owner, servers: [] as Array<{ span: TreeSpan; newId: string }> };
    group.forEach((s, ordinal) => {
      if (s === owner) return;
      const newId = derivedSpanId(traceId, id, s.service, ordinal);
      s.spanId = newId;
      renamed.add(s);
      if (s.shared) {
        // Without a client half the first server half keeps the id and the others keep the
        // parent they were sent with; with one, the client half is their parent.
        if (!owner.shared) s.parentSpanId = id;
        entry.servers.push({ span: s, newId });
        report.sharedServers++;
      } else report.collisions++;
    });
    if (entry.servers.length > 0) moved.set(id, entry);
  }
  if (moved.size === 0) return report;
  for (const s of spans) {
    if (s.parentSpanId === null || (renamed.has(s) && s.shared)) continue;
    const entry = moved.get(s.parentSpanId);
    if (!entry) continue;
    const sameService = entry.servers.find((x) => x.span.service === s.service);
    if (sameService) {
      s.parentSpanId = sameService.newId;
      continue;
    }
    // Not the server's service name, yet not the client's either: it cannot have run in the
    // client's process, so it belongs under the server half (e.g. a proxy reporting under
    // another name). A SERVER/CONSUMER span is the far side of the client: it stays there.
    const far = s.kind === SpanKind.SERVER || s.kind === SpanKind.CONSUMER;
    if (!far && entry.servers.length === 1 && s.service !== entry.owner.service) s.parentSpanId = entry.servers[0].newId;
  }
  return report;
}
