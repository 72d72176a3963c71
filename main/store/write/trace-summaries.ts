// One summary row per trace (root service and name, start, end, span and error counts,
// services), kept at ingest so trace lists never scan spans. Spans of a trace arrive in any
// order and over many requests: the summary of a transaction is merged into the stored one.
// A trace's row also holds the reference its spans are keyed by (`ref`, given in order of
// first arrival; spans.trace_ref): see migration 014.
import type { SpanRecord } from '../../../common/model';
import type { Db } from '../database';
import { MAX_EVENT_TRACE_IDS, type ResourceRef, type WriteResult } from './state';

interface TraceAgg {
  traceId: Buffer;
  ref: number;
  startNs: bigint;
  endNs: bigint;
  rootService: string;
  rootName: string;
  rootStart: bigint;
  hasRoot: boolean;
  spans: number;
  errors: number;
  services: Set<string>;
}

/** Committed traces whose reference is remembered (cleared when full): spans of a trace
 * arrive over seconds, so most lookups are of traces seen moments ago. */
const MAX_REMEMBERED_REFS = 50_000;

export class TraceSummaries {
  private traces = new Map<string, TraceAgg>();
  /** References given in this transaction to traces the store did not have. */
  private newRefs = new Map<string, number>();
  private readonly refs = new Map<string, number>();
  private nextRef: number;
  private readonly upsert;
  private readonly refOfStored;

  constructor(db: Db) {
    this.nextRef = ((db.prepare('SELECT max(ref) FROM traces').pluck().get() as number | null) ?? 0) + 1;
    this.refOfStored = db.prepare('SELECT ref FROM traces WHERE trace_id = ?').pluck();
    this.upsert = db.prepare(
      `INSERT INTO traces (ref, trace_id, start_ns, end_ns, root_service, root_name, has_root, span_count, error_count, services, first_received_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (trace_id) DO UPDATE SET
         start_ns = min(start_ns, excluded.start_ns),
         end_ns = max(end_ns, excluded.end_ns),
         root_service = CASE
           WHEN excluded.has_root AND NOT has_root THEN excluded.root_service
           WHEN NOT excluded.has_root AND NOT has_root AND excluded.start_ns < start_ns THEN excluded.root_service
           ELSE root_service END,
         root_name = CASE
           WHEN excluded.has_root AND NOT has_root THEN excluded.root_name
           WHEN NOT excluded.has_root AND NOT has_root AND excluded.start_ns < start_ns THEN excluded.root_name
           ELSE root_name END,
         has_root = max(has_root, excluded.has_root),
         span_count = span_count + excluded.span_count,
         error_count = error_count + excluded.error_count,
         services = loupe_merge_services(services, excluded.services)`,
    );
  }

  begin(): void {
    this.traces = new Map();
    this.newRefs = new Map();
  }

  /** The reference a trace's spans are stored under: its row's, or a new one for a trace the
   * store does not have yet (its row is written with it at flush). `key` is the id in latin1. */
  refOf(traceId: Buffer, key: string): number {
    let ref = this.refs.get(key) ?? this.newRefs.get(key);
    if (ref !== undefined) return ref;
    ref = this.refOfStored.get(traceId) as number | undefined;
    if (ref === undefined) this.newRefs.set(key, (ref = this.nextRef++));
    else this.remember(key, ref);
    return ref;
  }

  private remember(key: string, ref: number): void {
    if (this.refs.size >= MAX_REMEMBERED_REFS) this.refs.clear();
    this.refs.set(key, ref);
  }

  /** Counts a newly stored span into its trace's summary. */
  add(sp: SpanRecord, traceId: Buffer, key: string, ref: number, isError: boolean, res: ResourceRef): void {
    let t = this.traces.get(key);
    if (t === undefined) {
      t = {
        traceId,
        ref,
        startNs: sp.startNs,
        endNs: sp.endNs,
        rootService: res.serviceName,
        rootName: sp.name,
        rootStart: sp.startNs,
        hasRoot: sp.parentSpanId === null,
        spans: 0,
        errors: 0,
        services: new Set(),
      };
      this.traces.set(key, t);
    } else {
      if (sp.startNs < t.startNs) t.startNs = sp.startNs;
      if (sp.endNs > t.endNs) t.endNs = sp.endNs;
      const isRoot = sp.parentSpanId === null;
      if ((isRoot && !t.hasRoot) || (isRoot === t.hasRoot && sp.startNs < t.rootStart)) {
        t.rootService = res.serviceName;
        t.rootName = sp.name;
        t.rootStart = sp.startNs;
        t.hasRoot = isRoot;
      }
    }
    t.spans++;
    if (isError) t.errors++;
    t.services.add(res.serviceName);
  }

  flush(receivedMs: number, result: WriteResult): void {
    for (const t of this.traces.values())
      this.upsert.run(t.ref, t.traceId, t.startNs, t.endNs, t.rootService, t.rootName, t.hasRoot ? 1 : 0, t.spans, t.errors, JSON.stringify([...t.services].sort()), receivedMs);
    result.traces = this.traces.size;
    result.traceIds = [...this.traces.values()].slice(0, MAX_EVENT_TRACE_IDS).map((t) => t.traceId.toString('hex'));
  }

  /** After the commit: the references given in it are the store's now. Its traces go too:
   * their ids are views of the requests' bodies. */
  committed(): void {
    for (const [key, ref] of this.newRefs) this.remember(key, ref);
    this.newRefs = new Map();
    this.traces = new Map();
  }
}
