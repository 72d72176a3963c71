// Traces joined by span links. A consumer that starts a new trace per message links its span to
// the producer's (the messaging conventions' recommended shape), so an order placed, shipped
// and restocked is three traces and two links. `span_links` (migration 013) holds every link by
// both ends; this module lists a trace's linked traces both ways and assembles the whole flow.
import type { Flow, FlowTrace, LinkEnd, LinkHop, LinkedTrace, LinkedTraces } from '../../common/api/flow-schemas';
import type { TraceSummary } from '../../common/api/trace-schemas';
import { SPAN_KIND_NAMES } from '../../common/model';
import { normalizeTraceId } from '../../common/ids';
import { type ReadStore, jsonPath } from './read-store';
import { QueryError, type TraceRow, summaryOf } from './traces';

/** Links read per trace and direction at most: a producer span fanned out to a whole batch of
 * consumers is still answered quickly (and said to be truncated). */
const MAX_LINK_ROWS = 2000;

interface LinkRow {
  /** The span carrying the link. */
  trace_id: Buffer;
  span_id: Buffer;
  /** The span it points at. */
  linked_trace_id: Buffer;
  linked_span_id: Buffer;
}

interface SpanRow {
  service: string;
  name: string;
  kind: number;
  /** Microseconds: nanoseconds since 1970 do not fit a double exactly, and a lag of 5 ms would
   * read 4.99976 ms. */
  start_us: number;
  duration_ns: number;
  is_error: number;
  msys: string | null;
  dest: string | null;
}

const attr = (key: string) => `json_extract(s.attributes, '${jsonPath(key)}')`;

class LinkReader {
  private readonly spans = new Map<string, { end: LinkEnd; msys: string | null; dest: string | null }>();
  private readonly summaries = new Map<string, TraceSummary | null>();

  constructor(private readonly store: ReadStore) {}

  /** Links whose carrying span is in the trace (it links to other traces). */
  linksTo(traceId: Buffer): LinkRow[] {
    return this.store
      .stmt(
        `SELECT trace_id, span_id, linked_trace_id, linked_span_id FROM span_links
         WHERE trace_id = ? AND linked_trace_id <> trace_id LIMIT ${MAX_LINK_ROWS}`,
      )
      .all(traceId) as LinkRow[];
  }

  /** Links pointing at a span of the trace from other traces. */
  linkedFrom(traceId: Buffer): LinkRow[] {
    return this.store
      .stmt(
        `SELECT trace_id, span_id, linked_trace_id, linked_span_id FROM span_links
         WHERE linked_trace_id = ? AND trace_id <> linked_trace_id LIMIT ${MAX_LINK_ROWS}`,
      )
      .all(traceId) as LinkRow[];
  }

  summary(traceId: string): TraceSummary | null {
    if (this.summaries.has(traceId)) return this.summaries.get(traceId)!;
    const row = this.store.stmt('SELECT * FROM traces WHERE trace_id = ?').get(Buffer.from(traceId, 'hex')) as TraceRow | undefined;
    const summary = row ? summaryOf(row) : null;
    this.summaries.set(traceId, summary);
    return summary;
  }

  private span(traceId: Buffer, spanId: Buffer): { end: LinkEnd; msys: string | null; dest: string | null } {
    const key = traceId.toString('hex') + spanId.toString('hex');
    let s = this.spans.get(key);
    if (s) return s;
    const r = this.store
      .stmt(
        `SELECT sv.name AS service, s.name, s.kind, s.start_ns / 1000 AS start_us, s.end_ns - s.start_ns AS duration_ns, s.is_error,
                ${attr('messaging.system')} AS msys,
                coalesce(${attr('messaging.destination.name')}, ${attr('messaging.destination')}) AS dest
         FROM spans s JOIN services sv ON sv.id = s.service_id WHERE s.trace_ref = (SELECT ref FROM traces WHERE trace_id = ?) AND s.span_id = ?`,
      )
      .get(traceId, spanId) as SpanRow | undefined;
    const ids = { traceId: traceId.toString('hex'), spanId: spanId.toString('hex') };
    s = r
      ? {
          end: {
            ...ids,
            stored: true,
            service: r.service,
            name: r.name,
            kind: SPAN_KIND_NAMES[r.kind] ?? 'UNSPECIFIED',
            start: r.start_us / 1e3,
            durationMs: r.duration_ns / 1e6,
            isError: r.is_error === 1,
          },
          msys: r.msys === null ? null : String(r.msys),
          dest: r.dest === null ? null : String(r.dest),
        }
      : { end: { ...ids, stored: false, service: null, name: null, kind: null, start: null, durationMs: null, isError: false }, msys: null, dest: null };
    this.spans.set(key, s);
    return s;
  }

  hop(row: LinkRow): LinkHop {
    const from = this.span(row.linked_trace_id, row.linked_span_id);
    const to = this.span(row.trace_id, row.span_id);
    return {
      from: from.end,
      to: to.end,
      messagingSystem: to.msys ?? from.msys,
      destination: to.dest ?? from.dest,
      // Send starting → receive starting: what the message waited, as the two hosts' clocks tell it.
      lagMs: from.end.start !== null && to.end.start !== null ? to.end.start - from.end.start : null,
    };
  }
}

function traceIdOf(input: string): string {
  const traceId = normalizeTraceId(input);
  if (!traceId) throw new QueryError('bad_trace_id', `"${input}" is not a trace id (32 or 16 hex digits)`);
  return traceId;
}

const hopKey = (r: LinkRow) => r.trace_id.toString('hex') + r.span_id.toString('hex') + r.linked_trace_id.toString('hex') + r.linked_span_id.toString('hex');
const startOf = (t: { trace: TraceSummary | null }) => t.trace?.start ?? Number.POSITIVE_INFINITY;
const byStart = (a: { trace: TraceSummary | null; traceId: string }, b: { trace: TraceSummary | null; traceId: string }) =>
  startOf(a) - startOf(b) || a.traceId.localeCompare(b.traceId);

/** The traces a trace links to and those linking to it, grouped per trace with their hops. */
export function linkedTraces(store: ReadStore, input: { traceId: string; limit: number }): LinkedTraces {
  const traceId = traceIdOf(input.traceId);
  return store.timed('flows.links', () => {
    const reader = new LinkReader(store);
    const id = Buffer.from(traceId, 'hex');
    if (!reader.summary(traceId) && store.stmt('SELECT 1 FROM spans WHERE trace_ref = (SELECT ref FROM traces WHERE trace_id = ?) LIMIT 1').get(id) === undefined)
      throw new QueryError('not_found', `trace ${traceId} is not in the store`, 404);
    let truncated = false;
    const group = (rows: LinkRow[], other: (r: LinkRow) => Buffer): LinkedTrace[] => {
      if (rows.length >= MAX_LINK_ROWS) truncated = true;
      const byTrace = new Map<string, LinkRow[]>();
      for (const r of rows) {
        const key = other(r).toString('hex');
        byTrace.set(key, [...(byTrace.get(key) ?? []), r]);
      }
      const list = [...byTrace.keys()].map((t) => ({ traceId: t, trace: reader.summary(t), hops: [] as LinkHop[] })).sort(byStart);
      if (list.length > input.limit) truncated = true;
      const kept = list.slice(0, input.limit);
      for (const t of kept) t.hops = byTrace.get(t.traceId)!.map((r) => reader.hop(r)).sort((a, b) => (a.to.start ?? 0) - (b.to.start ?? 0));
      return kept;
    };
    const linksTo = group(reader.linksTo(id), (r) => r.linked_trace_id);
    const linkedFrom = group(reader.linkedFrom(id), (r) => r.trace_id);
    return { traceId, linksTo, linkedFrom, truncated };
  });
}

/**
 * The flow around a trace: links followed both ways, breadth first, each trace once (so cycles
 * end), until maxTraces traces are reached or the next ones are more than maxDepth hops away.
 * `depth` counts +1 per hop toward the receiving side and −1 toward the sending side, so a
 * trace's stage in the flow reads the same whichever trace it was opened from.
 */
export function assembleFlow(store: ReadStore, input: { traceId: string; maxTraces: number; maxDepth: number }): Flow {
  const traceId = traceIdOf(input.traceId);
  return store.timed('flows.flow', () => {
    const reader = new LinkReader(store);
    if (!reader.summary(traceId) && store.stmt('SELECT 1 FROM spans WHERE trace_ref = (SELECT ref FROM traces WHERE trace_id = ?) LIMIT 1').get(Buffer.from(traceId, 'hex')) === undefined)
      throw new QueryError('not_found', `trace ${traceId} is not in the store`, 404);
    const reached = new Map<string, { depth: number; distance: number }>([[traceId, { depth: 0, distance: 0 }]]);
    const queue = [traceId];
    const rows = new Map<string, LinkRow>();
    let truncated: Flow['truncated'] = null;
    for (let i = 0; i < queue.length; i++) {
      store.check();
      const current = queue[i];
      const at = reached.get(current)!;
      const id = Buffer.from(current, 'hex');
      const neighbours: Array<{ row: LinkRow; other: string; step: number }> = [
        ...reader.linksTo(id).map((row) => ({ row, other: row.linked_trace_id.toString('hex'), step: -1 })),
        ...reader.linkedFrom(id).map((row) => ({ row, other: row.trace_id.toString('hex'), step: 1 })),
      ];
      for (const n of neighbours) {
        if (!reached.has(n.other)) {
          if (at.distance >= input.maxDepth) {
            truncated ??= 'maxDepth';
            continue;
          }
          if (reached.size >= input.maxTraces) {
            truncated = 'maxTraces';
            continue;
          }
          reached.set(n.other, { depth: at.depth + n.step, distance: at.distance + 1 });
          queue.push(n.other);
        }
        rows.set(hopKey(n.row), n.row);
      }
    }
    const traces: FlowTrace[] = [...reached].map(([id, r]) => ({ traceId: id, trace: reader.summary(id), depth: r.depth })).sort(byStart);
    const hops = [...rows.values()].map((r) => reader.hop(r)).sort((a, b) => (a.to.start ?? Infinity) - (b.to.start ?? Infinity));
    const stored = traces.flatMap((t) => (t.trace ? [t.trace] : []));
    return {
      traceId,
      traces,
      hops,
      start: stored.length ? Math.min(...stored.map((t) => t.start)) : null,
      end: stored.length ? Math.max(...stored.map((t) => t.start + t.durationMs)) : null,
      services: [...new Set(stored.flatMap((t) => t.services))].sort(),
      errorCount: stored.reduce((n, t) => n + t.errorCount, 0),
      truncated,
    };
  });
}
