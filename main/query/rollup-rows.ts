// Per-minute rollup rows of one service or one edge, as SLOs and alert rules accumulate them
// (query/red.ts): calls, errors and the encoded latency histograms of each minute.
import type { ReadStore } from './read-store';

export type RollupRow = { minute: number; calls: number; errors: number; hist_ok: Buffer | null; hist_err: Buffer | null };

/** Which latency histograms a reader needs: reading none or only the successful requests' is
 * cheaper than both. */
export type RollupHistograms = 'none' | 'ok' | 'both';

const HISTOGRAM_COLUMNS: Record<RollupHistograms, string> = {
  none: 'NULL AS hist_ok, NULL AS hist_err',
  ok: 'hist_ok, NULL AS hist_err',
  both: 'hist_ok, hist_err',
};

/** Rows of the services `ids` (one service's resources) in minutes [m0, m1]. */
export function serviceMinuteRows(store: ReadStore, ids: readonly number[], m0: number, m1: number, histograms: RollupHistograms): RollupRow[] {
  if (ids.length === 0) return [];
  return store
    .stmt(
      `SELECT minute, calls, errors, ${HISTOGRAM_COLUMNS[histograms]} FROM rollup_service_minute
       WHERE service_id IN (${ids.map(() => '?').join(',')}) AND minute BETWEEN ? AND ?`,
    )
    .all(...ids, m0, m1) as RollupRow[];
}

/** Rows of the edge `source` → `target` (what the caller saw) in minutes [m0, m1]. */
export function edgeMinuteRows(store: ReadStore, source: string, target: string, m0: number, m1: number): RollupRow[] {
  return store
    .stmt('SELECT minute, calls, errors, hist_ok, hist_err FROM rollup_edge_minute WHERE minute BETWEEN ? AND ? AND source = ? AND target = ?')
    .all(m0, m1, source, target) as RollupRow[];
}
