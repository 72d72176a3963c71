// The read side of the store: its own connection (WAL lets reads run while the writer
// commits), statements prepared once and cached by text, and slow queries logged by name.
import type Database from 'better-sqlite3';
import { openDatabase, type Db } from '../store/database';
import { registerFunctions } from '../store/writer';

export const SLOW_QUERY_MS = 250;

export class ReadStore {
  readonly db: Db;
  private readonly statements = new Map<string, Database.Statement>();
  slowQueries = 0;
  /** Caches of merged rollups, told when a commit touched older minutes. */
  readonly rollupCaches = new Set<{ invalidateFrom(minute: number): void }>();

  constructor(dataDir: string, private readonly log: (line: string) => void = (l) => console.warn(l)) {
    this.db = openDatabase(dataDir, { cacheMb: 96 });
    registerFunctions(this.db);
  }

  /** A prepared statement, cached by its SQL text (rows as objects). */
  stmt(sql: string): Database.Statement {
    return this.cached('o', sql, (s) => s);
  }

  /** A cached statement returning only the first column of each row. */
  pluck(sql: string): Database.Statement {
    return this.cached('p', sql, (s) => s.pluck());
  }

  /** A cached statement returning rows as arrays. */
  raw(sql: string): Database.Statement {
    return this.cached('r', sql, (s) => s.raw());
  }

  /** A cached statement returning rows as arrays with 64-bit integers as bigint. */
  rawExact(sql: string): Database.Statement {
    return this.cached('x', sql, (s) => s.raw().safeIntegers());
  }

  private cached(mode: string, sql: string, init: (s: Database.Statement) => Database.Statement): Database.Statement {
    const key = mode + sql;
    let s = this.statements.get(key);
    if (s === undefined) {
      s = init(this.db.prepare(sql));
      this.statements.set(key, s);
    }
    return s;
  }

  /** Runs `fn`, logging it as slow (with its name) past SLOW_QUERY_MS. */
  timed<T>(name: string, fn: () => T): T {
    const t0 = performance.now();
    try {
      return fn();
    } finally {
      const ms = performance.now() - t0;
      if (ms > SLOW_QUERY_MS) {
        this.slowQueries++;
        this.log(`loupe: slow query ${name} took ${ms.toFixed(0)} ms`);
      }
    }
  }

  /** A commit changed rollups from `minute` on: cached merges of those minutes are stale. */
  invalidateRollups(minute: number): void {
    for (const c of this.rollupCaches) c.invalidateFrom(minute);
  }

  close(): void {
    this.statements.clear();
    try {
      this.db.pragma('optimize');
    } catch {
      // best effort on shutdown
    }
    this.db.close();
  }
}

/** The query window in unix ms; defaults to the last hour, `to` defaulting to now. */
export function windowOf(input: { from?: number; to?: number }, defaultMs = 3_600_000): { from: number; to: number } {
  const to = input.to ?? Date.now();
  const from = input.from ?? to - defaultMs;
  return from <= to ? { from, to } : { from: to, to: from };
}

export const msToNs = (ms: number): bigint => BigInt(Math.floor(ms)) * 1_000_000n;
export const nsToMs = (ns: bigint | number): number => Number(ns) / 1e6;

/** JSON path for an attribute key (keys contain dots, so they are quoted). */
export function jsonPath(key: string): string {
  return '$."' + key.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

/** Parses a stored JSON object, tolerating NULL. */
export function parseJson<T = Record<string, unknown>>(text: unknown, fallback: T): T {
  if (typeof text !== 'string' || text === '') return fallback;
  return JSON.parse(text) as T;
}

/** Resolves a service name to its ids (a name may exist in several namespaces). */
export function serviceIds(store: ReadStore, name: string): number[] {
  return store.pluck('SELECT id FROM services WHERE name = ?').all(name) as number[];
}
