// Writes of alert_history (migration 012): an alert rule's alert from start to resolution, and
// the pruning that keeps the newest ones. Read back by query/alert-history.ts.
import type { StatementCache } from './statements';

export type AlertHistoryRow = {
  id: number;
  rule_id: string;
  name: string;
  kind: string;
  severity: string;
  service: string;
  target: string | null;
  error_type: string | null;
  started_ms: number;
  resolved_ms: number | null;
  value: number | null;
  threshold: number | null;
  summary: string;
  window_from_ms: number;
  window_to_ms: number;
};

/** Stores an alert that started; returns its id. */
export function insertAlert(store: StatementCache, row: Omit<AlertHistoryRow, 'id'>): number {
  const info = store
    .stmt(
      `INSERT INTO alert_history (rule_id, name, kind, severity, service, target, error_type, started_ms, resolved_ms, value, threshold, summary, window_from_ms, window_to_ms)
       VALUES (@rule_id, @name, @kind, @severity, @service, @target, @error_type, @started_ms, @resolved_ms, @value, @threshold, @summary, @window_from_ms, @window_to_ms)`,
    )
    .run(row);
  return Number(info.lastInsertRowid);
}

export function resolveAlert(store: StatementCache, id: number, resolvedMs: number): void {
  store.stmt('UPDATE alert_history SET resolved_ms = ? WHERE id = ?').run(resolvedMs, id);
}

/** Deletes resolved alerts older than the newest `kept`. */
export function pruneAlertHistory(store: StatementCache, kept: number): void {
  store.stmt('DELETE FROM alert_history WHERE resolved_ms IS NOT NULL AND id <= (SELECT max(id) FROM alert_history) - ?').run(kept);
}
