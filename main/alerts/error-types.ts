// The error types each service has had: `error.type` on spans and `exception.type` on span
// exception events and on log records, with when each was first seen (by the data's own time).
// Read incrementally from the stored rows in arrival (rowid) order, a bounded range of rows per
// pass, and kept in service_error_types — so "never seen before" still holds after retention
// has deleted the spans that carried a type, and a pass never scans the whole store.
import type { ReadStore } from '../query/read-store';
import { errorTypeCursor, errorTypesSince, logsWithErrorTypes, newestRowId, spansWithErrorTypes } from '../query/error-types';
import { moveErrorTypeCursor, recordErrorTypes } from '../store/error-types';

/** Rows of one table read per pass at most (a rowid range: the cost does not depend on what matches). */
export const ROWS_PER_PASS = 50_000;

export interface NewErrorType {
  type: string;
  firstSeen: number;
  count: number;
}

interface Seen {
  first: number;
  last: number;
  count: number;
}

export class ErrorTypeTracker {
  constructor(private readonly store: ReadStore) {}

  /** Reads the rows that arrived since the last pass (up to ROWS_PER_PASS per table); returns
   * whether it caught up. */
  advance(rowsPerPass = ROWS_PER_PASS): boolean {
    const seen = new Map<string, Seen>();
    const note = (service: string, type: unknown, timeMs: number) => {
      if (typeof type !== 'string' || type === '') return;
      const key = `${service}\u0000${type.slice(0, 300)}`;
      const s = seen.get(key);
      if (!s) seen.set(key, { first: timeMs, last: timeMs, count: 1 });
      else {
        s.first = Math.min(s.first, timeMs);
        s.last = Math.max(s.last, timeMs);
        s.count++;
      }
    };
    const spans = this.readRange(
      'spans',
      rowsPerPass,
      (from, to) => spansWithErrorTypes(this.store, from, to),
      (r) => {
        const timeMs = Number(r.time_ns) / 1e6;
        note(r.service, parse(r.attributes)?.['error.type'], timeMs);
        const events = r.events ? (parseAny(r.events) as Array<{ name?: string; attributes?: Record<string, unknown> }> | null) : null;
        if (Array.isArray(events)) for (const e of events) if (e?.name === 'exception') note(r.service, e.attributes?.['exception.type'], timeMs);
      },
    );
    const logs = this.readRange(
      'logs',
      rowsPerPass,
      (from, to) => logsWithErrorTypes(this.store, from, to),
      (r) => note(r.service, parse(r.attributes)?.['exception.type'], Number(r.time_ns) / 1e6),
    );
    if (seen.size)
      recordErrorTypes(
        this.store,
        [...seen].map(([key, s]) => {
          const [service, type] = key.split('\u0000');
          return { service, type, ...s };
        }),
      );
    return spans && logs;
  }

  /** Reads rows (cursor, cursor + n] of a table, then moves its cursor; true when caught up. */
  private readRange<R>(table: 'spans' | 'logs', n: number, read: (from: number, to: number) => R[], each: (row: R) => void): boolean {
    const cursor = errorTypeCursor(this.store, table);
    const max = newestRowId(this.store, table);
    if (max <= cursor) return true;
    const to = Math.min(max, cursor + n);
    for (const row of read(cursor, to)) each(row);
    moveErrorTypeCursor(this.store, table, to);
    return to >= max;
  }

  /** Types of `service` first seen at or after `sinceMs`: new in the window. */
  newSince(service: string, sinceMs: number): NewErrorType[] {
    return errorTypesSince(this.store, service, sinceMs).slice(0, 50);
  }
}

function parse(text: string | null): Record<string, unknown> | null {
  const v = text ? parseAny(text) : null;
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function parseAny(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
