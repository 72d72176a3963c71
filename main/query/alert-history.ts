// Reads of alert_history: the alerts still firing (read back at start, so a restart neither
// repeats nor forgets them) and the history shown in the UI. Written by store/alert-history.ts.
import type { AlertHistoryRow } from '../store/alert-history';
import type { ReadStore } from './read-store';

export function firingAlertRows(store: ReadStore): AlertHistoryRow[] {
  return store.stmt('SELECT * FROM alert_history WHERE resolved_ms IS NULL').all() as AlertHistoryRow[];
}

/** Newest first; `ruleId` and `service` (either end of an edge) narrow it when given. */
export function alertHistoryRows(store: ReadStore, filter: { ruleId?: string; service?: string; limit: number }): AlertHistoryRow[] {
  return store
    .stmt(
      `SELECT * FROM alert_history WHERE (@rule IS NULL OR rule_id = @rule) AND (@service IS NULL OR service = @service OR target = @service)
       ORDER BY started_ms DESC, id DESC LIMIT @limit`,
    )
    .all({ rule: filter.ruleId ?? null, service: filter.service ?? null, limit: filter.limit }) as AlertHistoryRow[];
}
