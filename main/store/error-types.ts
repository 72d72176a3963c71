// Writes of service_error_types and alert_cursors (migration 012): the error types learnt from
// a range of spans and logs, and how far each table has been read for them.
import type { StatementCache } from './statements';

export interface ErrorTypeSighting {
  service: string;
  type: string;
  /** Data times (unix ms) of the first and last sighting in the range read. */
  first: number;
  last: number;
  count: number;
}

/** Adds sightings in one transaction: a type already known keeps its earliest first sighting. */
export function recordErrorTypes(store: StatementCache, sightings: Iterable<ErrorTypeSighting>): void {
  const upsert = store.stmt(
    `INSERT INTO service_error_types (service, type, first_seen_ms, last_seen_ms, count) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (service, type) DO UPDATE SET first_seen_ms = min(first_seen_ms, excluded.first_seen_ms),
       last_seen_ms = max(last_seen_ms, excluded.last_seen_ms), count = count + excluded.count`,
  );
  store.db.transaction(() => {
    for (const s of sightings) upsert.run(s.service, s.type, Math.floor(s.first), Math.floor(s.last), s.count);
  })();
}

/** Notes that the rows of `table` up to rowid `to` have been read for error types. */
export function moveErrorTypeCursor(store: StatementCache, table: 'spans' | 'logs', to: number): void {
  store.stmt('INSERT INTO alert_cursors (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value').run(`${table}.error_types`, to);
}
