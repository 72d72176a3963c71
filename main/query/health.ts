// What /api/health reads from the store: the ingest counters and the latest rejected inputs.
import type { ReadStore } from './read-store';

/** Ingest counters by name (spans, logs, metricPoints, rejected, duplicates, …). */
export function ingestTotals(store: ReadStore): Record<string, number> {
  const rows = store.stmt('SELECT key, value FROM ingest_stats').all() as Array<{ key: string; value: number }>;
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

/** The newest rejected inputs, newest first. */
export function recentIngestErrors(store: ReadStore, limit = 20): Array<{ time: number; source: string; message: string }> {
  return store.stmt('SELECT time_ms AS time, source, message FROM ingest_errors ORDER BY id DESC LIMIT ?').all(limit) as Array<{
    time: number;
    source: string;
    message: string;
  }>;
}
