// Reads for learning error types: spans and log records carrying `error.type` or
// `exception.type` in a rowid range, how far each table has been read, and the types a service
// had first at or after a time. Written by store/error-types.ts.
import type { ReadStore } from './read-store';

/** The rowid the table has been read up to for error types (0: not yet). */
export function errorTypeCursor(store: ReadStore, table: 'spans' | 'logs'): number {
  return (store.pluck('SELECT value FROM alert_cursors WHERE name = ?').get(`${table}.error_types`) as number | undefined) ?? 0;
}

/** The newest rowid of the table (0 when empty). */
export function newestRowId(store: ReadStore, table: 'spans' | 'logs'): number {
  return (store.pluck(table === 'spans' ? 'SELECT max(id) FROM spans' : 'SELECT max(id) FROM logs').get() as number | null) ?? 0;
}

/** Spans with rowid in (from, to] whose attributes name an `error.type` or whose events an
 * `exception.type` (a text test first: most spans carry neither). */
export function spansWithErrorTypes(store: ReadStore, from: number, to: number): Array<{ service: string; time_ns: number; attributes: string; events: string | null }> {
  return store
    .stmt(
      `SELECT s.name AS service, sp.start_ns AS time_ns, sp.attributes, sp.events FROM spans sp JOIN services s ON s.id = sp.service_id
       WHERE sp.id > ? AND sp.id <= ? AND (instr(sp.attributes, '"error.type"') > 0 OR instr(sp.events, '"exception.type"') > 0)`,
    )
    .all(from, to) as Array<{ service: string; time_ns: number; attributes: string; events: string | null }>;
}

/** Log records with rowid in (from, to] whose attributes name an `exception.type`. */
export function logsWithErrorTypes(store: ReadStore, from: number, to: number): Array<{ service: string; time_ns: number; attributes: string }> {
  return store
    .stmt(
      `SELECT s.name AS service, l.time_ns, l.attributes FROM logs l JOIN services s ON s.id = l.service_id
       WHERE l.id > ? AND l.id <= ? AND instr(l.attributes, '"exception.type"') > 0`,
    )
    .all(from, to) as Array<{ service: string; time_ns: number; attributes: string }>;
}

/** Types of `service` first seen at or after `sinceMs`, oldest first. */
export function errorTypesSince(store: ReadStore, service: string, sinceMs: number): Array<{ type: string; firstSeen: number; count: number }> {
  return store
    .stmt('SELECT type, first_seen_ms AS firstSeen, count FROM service_error_types WHERE service = ? AND first_seen_ms >= ? ORDER BY first_seen_ms')
    .all(service, Math.floor(sinceMs)) as Array<{ type: string; firstSeen: number; count: number }>;
}
