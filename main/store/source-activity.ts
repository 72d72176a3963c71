// Records, at ingest, which source sent data for which service and when (migration 008): the
// last arrival, the recent arrival times (a service's usual rhythm is learnt from them), and
// items whose own time was far behind their arrival (late data). Called by the writer thread
// inside each write's transaction, in a savepoint StoreWriter.write gives it, so it can never
// fail a job.
import type { TelemetryBatch } from '../../common/model';
import type { Db } from './database';

/** Arrivals kept per (service, source) to learn its rhythm from. */
export const RECENT_ARRIVALS = 33;
/** Data from one source within this long of an arrival's first data counts as that arrival: an
 * SDK exports traces, logs and metrics as separate requests at nearly the same moment, and gaps
 * of a few ms between them would hide the real rhythm. A source sending continuously arrives
 * once per this long. */
export const SAME_ARRIVAL_MS = 1_000;
/** Items whose time is further than this behind their arrival are late. */
export const LATE_AFTER_MS = 2 * 60_000;

/** The source kind of a job, from the `source` its sender gave ("otlp/http traces from …"). */
export function sourceKind(jobSource: string): string {
  if (jobSource.startsWith('otlp/http')) return 'otlp-http';
  if (jobSource.startsWith('otlp/grpc')) return 'otlp-grpc';
  if (jobSource.startsWith('snapshot ')) return 'snapshot';
  if (jobSource.startsWith('import ')) return 'import';
  const plugin = /^plugin (\S+)/.exec(jobSource);
  if (plugin) return `plugin:${plugin[1]}`;
  return jobSource.split(' ')[0] || 'unknown';
}

/** Streams can go silent; an import or a snapshot arrives once, and its data is old by nature. */
export function isLiveSource(kind: string): boolean {
  return kind === 'otlp-http' || kind === 'otlp-grpc' || kind.startsWith('plugin:');
}

interface Seen {
  late: number;
  maxLagMs: number;
  lastLagMs: number;
}

/** A `source_activity` row as stored (its key, service and source, aside). */
export interface SourceActivityRow {
  first_seen_ms: number;
  last_seen_ms: number;
  arrivals: number;
  recent: string;
  late_items: number;
  late_max_lag_ms: number;
  late_last_lag_ms: number;
  late_last_ms: number | null;
}

export class SourceActivityWriter {
  private readonly get;
  private readonly put;

  constructor(private readonly db: Db) {
    this.get = db.prepare('SELECT * FROM source_activity WHERE service = ? AND source = ?');
    this.put = db.prepare(
      `INSERT OR REPLACE INTO source_activity (service, source, first_seen_ms, last_seen_ms, arrivals, recent, late_items, late_max_lag_ms, late_last_lag_ms, late_last_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** Records the committed batches, each with the `source` of the job it came from. */
  record(entries: Array<{ source: string; batch: TelemetryBatch }>, receivedMs: number): void {
    const seen = new Map<string, Map<string, Seen>>();
    // Compared as nanoseconds: most items are not late, and need no division.
    const lateBeforeNs = BigInt(receivedMs - LATE_AFTER_MS) * 1_000_000n;
    for (const { source, batch } of entries) {
      const kind = sourceKind(source);
      const bySource = seen.get(kind) ?? new Map<string, Seen>();
      seen.set(kind, bySource);
      const live = isLiveSource(kind);
      const note = (service: string, timeNs: bigint) => {
        let s = bySource.get(service);
        if (!s) bySource.set(service, (s = { late: 0, maxLagMs: 0, lastLagMs: 0 }));
        if (!live || timeNs <= 0n || timeNs >= lateBeforeNs) return;
        const lag = receivedMs - Number(timeNs / 1_000_000n);
        if (lag > LATE_AFTER_MS) {
          s.late++;
          s.maxLagMs = Math.max(s.maxLagMs, lag);
          s.lastLagMs = lag;
        }
      };
      // A span is late when it ended long before it arrived (a long span that just ended is not).
      for (const g of batch.spans) for (const sc of g.scopes) for (const sp of sc.items) note(g.resource.serviceName, sp.endNs);
      for (const g of batch.logs) for (const sc of g.scopes) for (const l of sc.items) note(g.resource.serviceName, l.timeNs || l.observedNs);
      for (const g of batch.metrics) for (const sc of g.scopes) for (const m of sc.items) for (const p of m.points) note(g.resource.serviceName, p.timeNs);
    }
    if (seen.size === 0) return;
    // Runs as the write's `alongside`, in the savepoint StoreWriter.write gives it.
    for (const [kind, bySource] of seen)
      for (const [service, s] of bySource) {
        const row = this.get.get(service, kind) as SourceActivityRow | undefined;
        let recent: number[] = [];
        try {
          recent = row ? (JSON.parse(row.recent) as number[]) : [];
        } catch {
          recent = [];
        }
        // Measured from when the current arrival began, not from the latest data: a busy
        // service sends more often than once a second, and would otherwise stay in one endless
        // arrival with no rhythm to learn (and so could never be called silent).
        const arrivalStart = recent.length > 0 ? recent[recent.length - 1] : (row?.last_seen_ms ?? null);
        const newArrival = arrivalStart === null || receivedMs - arrivalStart >= SAME_ARRIVAL_MS;
        if (newArrival) {
          recent.push(receivedMs);
          if (recent.length > RECENT_ARRIVALS) recent = recent.slice(-RECENT_ARRIVALS);
        }
        this.put.run(
          service,
          kind,
          row?.first_seen_ms ?? receivedMs,
          Math.max(row?.last_seen_ms ?? 0, receivedMs),
          (row?.arrivals ?? 0) + (newArrival ? 1 : 0),
          JSON.stringify(recent),
          (row?.late_items ?? 0) + s.late,
          Math.max(row?.late_max_lag_ms ?? 0, s.maxLagMs),
          s.late ? s.lastLagMs : (row?.late_last_lag_ms ?? 0),
          s.late ? receivedMs : (row?.late_last_ms ?? null),
        );
      }
  }
}
