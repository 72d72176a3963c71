// The read side of the store: its own connection (WAL lets reads run while the writer
// commits), statements prepared once and cached by text, and slow queries logged by name.
import type Database from 'better-sqlite3';
import { openDatabase, type Db } from '../store/database';
import { registerFunctions } from '../store/write/sql-functions';
import type { LogMarks } from './log-marks';

export const SLOW_QUERY_MS = 250;
/** A query that runs longer is stopped (503, "choose a shorter window"): one request never
 * holds the thread that serves the UI, and the core can always stop. */
export const QUERY_BUDGET_MS = 10_000;
/** Most points a time series answers with: finer steps over longer windows are coarsened. */
export const MAX_POINTS = 1500;
/** Windows longer than this are clamped to the minutes that hold data. */
export const CLAMP_OVER_MINUTES = 7 * 1440;

/**
 * Page caches of the read connections in MiB. SQLite's caches are most of the core's memory
 * (RSS target: 300 MB at 10M spans, with the writer's 16 MiB): the main thread's connection
 * serves lookups (a trace, a log record, lists from rollups) that touch few pages; the query
 * worker's serves searches, the map and the full-text histogram, whose covering indexes it
 * keeps hot. Pages beyond them come from the OS's file cache, which does not count towards the
 * core's RSS. 24 + 48 MiB held 24 MB more at 10M spans for read figures within their spread
 * (docs/performance.md, "Memory: the young generation"). The worker's 32 MiB (40 before):
 * 303 / 321 MB right after two 10M runs and 288 / 286 MB after 10 s idle, against 339 / 317 MB
 * in a run with 40 MiB, read figures within their spread ("Memory: garbage left by a burst").
 */
export const READ_CACHE_MB = { main: 8, worker: 32 };
/** Prepared statements a read connection keeps (least recently used go first). */
export const MAX_STATEMENTS = 200;

/** A query stopped at its time budget. */
export class QueryTimeout extends Error {
  readonly status = 503;
  readonly code = 'query_timeout';
  constructor(name: string, ms: number) {
    super(`${name} was stopped after ${Math.round(ms / 1000)} s (its time budget); choose a shorter window`);
  }
}

export class ReadStore {
  readonly db: Db;
  private readonly statements = new Map<string, Database.Statement>();
  slowQueries = 0;
  /** Caches of merged rollups, told when a commit touched older minutes. */
  readonly rollupCaches = new Set<{ invalidateFrom(minute: number): void }>();
  /** Each log record's time, severity and service in memory, for the full-text histogram
   * (the query worker keeps them; elsewhere the histogram reads the `logs_marks` index). */
  logMarks: LogMarks | null = null;

  constructor(
    dataDir: string,
    private readonly log: (line: string) => void = (l) => console.warn(l),
    /** Page cache of this connection (see READ_CACHE_MB). */
    cacheMb = READ_CACHE_MB.main,
  ) {
    this.db = openDatabase(dataDir, { cacheMb });
    registerFunctions(this.db);
    registerCounts(this.db);
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
      // Searches build their SQL from the filters they get (IN lists, attribute conditions):
      // the cache keeps the most recently used, not every shape ever asked.
      if (this.statements.size >= MAX_STATEMENTS) this.statements.delete(this.statements.keys().next().value!);
    } else {
      this.statements.delete(key);
    }
    this.statements.set(key, s);
    return s;
  }

  private deadline = 0;
  private budgetName = '';
  private checks = 0;
  budgetMs = QUERY_BUDGET_MS;
  private extent: { at: number; value: { first: number; last: number } | null } | null = null;

  /** Throws QueryTimeout once the running query is past its budget (cheap: call per row). */
  check(): void {
    if ((++this.checks & 255) === 0 && this.deadline !== 0 && performance.now() > this.deadline)
      throw new QueryTimeout(this.budgetName, this.budgetMs);
  }

  /** The first and last minute any rollup describes (cached for a few seconds), or null. */
  dataMinutes(): { first: number; last: number } | null {
    const now = Date.now();
    if (this.extent && now - this.extent.at < 5_000) return this.extent.value;
    let first = Infinity;
    let last = -Infinity;
    // Each of these tables is keyed minute first: min and max are index reads.
    for (const table of ['rollup_service_minute', 'rollup_edge_minute', 'rollup_log_minute']) {
      const r = this.stmt(`SELECT min(minute) AS lo, max(minute) AS hi FROM ${table}`).get() as { lo: number | null; hi: number | null };
      if (r.lo !== null && r.hi !== null) {
        first = Math.min(first, r.lo);
        last = Math.max(last, r.hi);
      }
    }
    const value = first <= last ? { first, last } : null;
    this.extent = { at: now, value };
    return value;
  }

  /** Runs `fn`, logging it as slow (with its name) past SLOW_QUERY_MS, within the time budget. */
  timed<T>(name: string, fn: () => T): T {
    const t0 = performance.now();
    const outer = this.deadline === 0;
    if (outer) {
      this.deadline = t0 + this.budgetMs;
      this.budgetName = name;
    }
    try {
      return fn();
    } finally {
      if (outer) this.deadline = 0;
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

/**
 * `counts(k)`: how many rows had each small non-negative integer k, as a blob of float64
 * counts indexed by k. A histogram over many matches adds into an array here instead of
 * sorting every row for a GROUP BY.
 */
function registerCounts(db: Db): void {
  db.aggregate('counts', {
    start: () => ({ counts: new Float64Array(256), top: -1 }),
    step: (acc: { counts: Float64Array; top: number }, key: unknown) => {
      const k = Number(key);
      if (!(k >= 0)) return;
      if (k >= acc.counts.length) {
        const grown = new Float64Array(Math.max(k + 1, acc.counts.length * 2));
        grown.set(acc.counts);
        acc.counts = grown;
      }
      acc.counts[k]++;
      if (k > acc.top) acc.top = k;
    },
    result: (acc: { counts: Float64Array; top: number }) => Buffer.from(acc.counts.buffer, 0, (acc.top + 1) * 8),
  });
}

/** The query window in unix ms; defaults to the last hour, `to` defaulting to now. */
export function windowOf(input: { from?: number; to?: number }, defaultMs = 3_600_000): { from: number; to: number } {
  const to = input.to ?? Date.now();
  const from = input.from ?? to - defaultMs;
  return from <= to ? { from, to } : { from: to, to: from };
}

/**
 * The minutes [m0, m1] of a window worth reading: a window longer than CLAMP_OVER_MINUTES is
 * clamped to the minutes that hold data (an all-time query over 15 years reads the months
 * that exist). `clamped` says whether anything was cut.
 */
export function dataMinutesOf(store: ReadStore, m0: number, m1: number): { m0: number; m1: number; clamped: boolean } {
  if (m1 - m0 <= CLAMP_OVER_MINUTES) return { m0, m1, clamped: false };
  const extent = store.dataMinutes();
  if (!extent || extent.first > m1 || extent.last < m0) return { m0: m1, m1, clamped: true };
  const a = Math.max(m0, extent.first);
  const b = Math.min(m1, extent.last);
  return { m0: a, m1: b, clamped: a !== m0 || b !== m1 };
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
