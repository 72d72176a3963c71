// Retention: an age cap and a size cap. Raw rows (spans, logs, metric points) go first, oldest
// received first; rollups are kept longer. Each step deletes bounded chunks so the writer
// never holds the database for long.
import type { Db } from './database';
import { severityBand } from '../../common/model';

export interface RetentionPolicy {
  /** Size cap for the database's used pages. */
  maxSizeBytes: number;
  /** Raw data older than this (by when Loupe received it) is deleted. */
  maxAgeHours: number;
  /** Per-minute rollups are kept this long (by the minute they describe). */
  rollupMaxAgeDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  maxSizeBytes: 4 * 1024 ** 3,
  maxAgeHours: 7 * 24,
  rollupMaxAgeDays: 30,
};

type RawTable = 'spans' | 'logs' | 'metric_points';
const RAW_TABLES: RawTable[] = ['spans', 'logs', 'metric_points'];
const CHUNK = 5000;

export interface RetentionReport {
  deleted: Record<RawTable, number>;
  traces: number;
  rollups: number;
  usedBytes: number;
}

export class Retention {
  private lastRollupPrune = 0;
  /** Whether the last round ended with the store still over its size cap. */
  overCap = false;
  private readonly oldest: Record<RawTable, { get(): unknown }>;
  /** Read after every commit: prepared once (`db.pragma` prepares its statement per call). */
  private readonly pages;
  private readonly freePages;
  private readonly pageSize: number;

  constructor(
    private readonly db: Db,
    private readonly policy: RetentionPolicy,
    /** Part of the cap kept for the write-ahead log (the cap counts the database and its WAL). */
    private readonly walReserveBytes = 0,
  ) {
    this.oldest = {
      spans: db.prepare('SELECT id, received_ms FROM spans ORDER BY id LIMIT 1'),
      logs: db.prepare('SELECT id, received_ms FROM logs ORDER BY id LIMIT 1'),
      metric_points: db.prepare('SELECT id, received_ms FROM metric_points ORDER BY id LIMIT 1'),
    };
    this.pages = db.prepare('PRAGMA page_count').pluck();
    this.freePages = db.prepare('PRAGMA freelist_count').pluck();
    // Fixed once the database exists (a WAL database cannot change it).
    this.pageSize = db.pragma('page_size', { simple: true }) as number;
  }

  /** What the used pages may take: the cap less the WAL's share. */
  get maxSizeBytes(): number {
    return this.policy.maxSizeBytes - this.walReserveBytes;
  }

  /** The honest "used" figure: pages holding data. Pages freed by deletions stay in the file
   * (SQLite does not shrink it without VACUUM) but are reused by the next inserts, so the file
   * itself stays near the highest "used" it reached: keeping this under the cap keeps the file
   * near it too. */
  usedBytes(): number {
    return ((this.pages.get() as number) - (this.freePages.get() as number)) * this.pageSize;
  }

  /** One bounded round of deletions; returns what it removed. `budget` caps rows deleted. */
  /** Deletions go through the WAL too: after a round that deleted rows, fold it back and cut
   * the file down, so the WAL a retention round leaves behind does not sit on top of the
   * capped store. */
  foldWal(report: RetentionReport): void {
    if (report.deleted.spans + report.deleted.logs + report.deleted.metric_points > 0) this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  step(now = Date.now(), budget = 100_000): RetentionReport {
    const report: RetentionReport = { deleted: { spans: 0, logs: 0, metric_points: 0 }, traces: 0, rollups: 0, usedBytes: 0 };
    const cutoff = now - this.policy.maxAgeHours * 3_600_000;
    // Age cap.
    for (const table of RAW_TABLES) {
      while (budget > 0) {
        const head = this.oldest[table].get() as { id: number; received_ms: number } | undefined;
        if (!head || head.received_ms >= cutoff) break;
        const n = this.deleteChunk(table, head.id + CHUNK, cutoff, report);
        budget -= Math.max(n, 1);
        if (n === 0) break;
      }
    }
    // Size cap: delete from whichever table holds the oldest data until 90% of the cap,
    // sizing each chunk from the average row size so a small store is not emptied at once.
    let used = this.usedBytes();
    const limit = this.maxSizeBytes;
    while (budget > 0 && used > limit) {
      const rows = this.approximateRows();
      const perRow = rows > 0 ? used / rows : used;
      const needed = Math.max(100, Math.ceil((used - limit * 0.9) / perRow));
      let victim: RawTable | null = null;
      let victimHead: { id: number; received_ms: number } | undefined;
      for (const table of RAW_TABLES) {
        const head = this.oldest[table].get() as { id: number; received_ms: number } | undefined;
        if (head && (!victimHead || head.received_ms < victimHead.received_ms)) {
          victim = table;
          victimHead = head;
        }
      }
      if (!victim || !victimHead) break;
      const n = this.deleteChunk(victim, victimHead.id + Math.min(CHUNK, needed), Number.MAX_SAFE_INTEGER, report);
      budget -= Math.max(n, 1);
      used = this.usedBytes();
      if (used < limit * 0.9) break;
    }
    this.overCap = used > limit;
    if (now - this.lastRollupPrune > 3_600_000) {
      this.lastRollupPrune = now;
      // Summaries live at least as long as the raw rows they summarize: raw rows age by when
      // they were received, rollups by the minute they describe, so imported history (a file
      // from last year) keeps its rollups for as long as its spans and logs are kept.
      const minute = Math.min(Math.floor(now / 60_000) - this.policy.rollupMaxAgeDays * 1440, this.oldestRawMinute());
      this.db.transaction(() => {
        report.rollups += this.db.prepare('DELETE FROM rollup_service_minute WHERE minute < ?').run(minute).changes;
        report.rollups += this.db.prepare('DELETE FROM rollup_operation_minute WHERE minute < ?').run(minute).changes;
        report.rollups += this.db.prepare('DELETE FROM rollup_version_minute WHERE minute < ?').run(minute).changes;
        report.rollups += this.db.prepare('DELETE FROM rollup_edge_minute WHERE minute < ?').run(minute).changes;
        report.rollups += this.db.prepare('DELETE FROM rollup_log_minute WHERE minute < ?').run(minute).changes;
        report.rollups += this.db.prepare('DELETE FROM rollup_instance_minute WHERE minute < ?').run(minute).changes;
        this.db.prepare('DELETE FROM instances WHERE last_seen_ns < ?').run(BigInt(minute) * 60_000_000_000n);
      })();
    }
    report.usedBytes = used;
    return report;
  }

  /** The oldest minute any stored span or log describes (index reads on traces and logs). */
  private oldestRawMinute(): number {
    const span = this.db.prepare('SELECT min(start_ns) FROM traces').pluck().get() as number | bigint | null;
    const log = this.db.prepare('SELECT min(time_ns) FROM logs').pluck().get() as number | bigint | null;
    let oldest = Number.MAX_SAFE_INTEGER;
    for (const ns of [span, log]) if (ns !== null) oldest = Math.min(oldest, Math.floor(Number(ns) / 60e9));
    return oldest;
  }

  /** Rows in the raw tables, from their rowid ranges (cheap; ids are dense). */
  private approximateRows(): number {
    let n = 0;
    for (const table of RAW_TABLES) {
      const r = this.db.prepare(`SELECT min(id) AS lo, max(id) AS hi FROM ${table}`).get() as { lo: number | null; hi: number | null };
      if (r.lo !== null && r.hi !== null) n += r.hi - r.lo + 1;
    }
    return n;
  }

  /** Search-index parts whose spans are all gone (a part covers the spans up to its last). */
  private dropSearchParts(): void {
    const oldest = (this.db.prepare('SELECT min(id) FROM spans').pluck().get() as number | null) ?? Number.MAX_SAFE_INTEGER;
    const upTo = this.db.prepare('SELECT max(part) FROM attr_parts WHERE last_span_id < ?').pluck().get(oldest) as number | null;
    if (upTo === null) return;
    this.db.prepare('DELETE FROM attr_postings WHERE part <= ?').run(upTo);
    this.db.prepare('DELETE FROM attr_parts WHERE part <= ?').run(upTo);
  }

  private deleteChunk(table: RawTable, belowId: number, cutoff: number, report: RetentionReport): number {
    return this.db.transaction(() => {
      if (table === 'spans') {
        const rows = this.db
          .prepare('DELETE FROM spans WHERE id < ? AND received_ms < ? RETURNING trace_ref')
          .raw()
          .all(belowId, cutoff) as Array<[number]>;
        const seen = new Set<number>();
        // A trace's row goes with its last span (spans are keyed by the row: trace_ref).
        const anyLeft = this.db.prepare('SELECT 1 FROM spans WHERE trace_ref = ? LIMIT 1').pluck();
        const dropTrace = this.db.prepare('DELETE FROM traces WHERE ref = ?');
        for (const [ref] of rows) {
          if (seen.has(ref)) continue;
          seen.add(ref);
          if (anyLeft.get(ref) === undefined) report.traces += dropTrace.run(ref).changes;
        }
        if (rows.length) this.dropSearchParts();
        report.deleted.spans += rows.length;
        return rows.length;
      }
      if (table === 'logs') {
        const rows = this.db
          .prepare('DELETE FROM logs WHERE id < ? AND received_ms < ? RETURNING id, service_id, time_ns / 60000000000 AS minute, severity_number')
          .raw()
          .all(belowId, cutoff) as Array<[number, number, number, number]>;
        const dropFts = this.db.prepare('DELETE FROM logs_fts WHERE rowid = ?');
        // The log rollup counts stored records: take the deleted ones off it.
        const counts = new Map<string, { serviceId: number; minute: number; band: number; n: number }>();
        for (const [id, serviceId, minute, severity] of rows) {
          dropFts.run(id);
          const band = severityBand(severity);
          const k = `${serviceId}:${minute}:${band}`;
          const c = counts.get(k);
          if (c) c.n++;
          else counts.set(k, { serviceId, minute, band, n: 1 });
        }
        const dec = this.db.prepare('UPDATE rollup_log_minute SET count = count - ? WHERE service_id = ? AND minute = ? AND band = ?');
        for (const c of counts.values()) dec.run(c.n, c.serviceId, c.minute, c.band);
        if (counts.size) this.db.prepare('DELETE FROM rollup_log_minute WHERE count <= 0').run();
        report.deleted.logs += rows.length;
        return rows.length;
      }
      const n = this.db.prepare('DELETE FROM metric_points WHERE id < ? AND received_ms < ?').run(belowId, cutoff).changes;
      report.deleted.metric_points += n;
      return n;
    })();
  }
}
