// What the severity histogram of a full-text log query needs of each log record — its time,
// severity and service — kept in memory by log id, 9 bytes a record. FTS5 hands out a term's
// matches fast (~10 ms for 240k of 1M records); looking each one up in the `logs_marks` index
// costs a b-tree seek (0.3–0.8 µs), which was most of the histogram's time. Here each match is
// an array read inside one SQLite aggregate: ~25 ms for 240k matches against ~85 ms.
//
// The arrays follow the store: each use first loads the records added since (ids only grow
// while the newest record stays), drops what retention removed at the low end, and starts
// over when the newest record it knew is gone (ids can then be given out again). They are
// used only when caught up within a bounded number of rows; otherwise the histogram reads the
// index as before, and the worker keeps loading between queries.
import type { ReadStore } from './read-store';

/** Records the arrays hold at most (9 bytes each); a store with more reads the index. */
export const MAX_LOG_MARKS = 4_000_000;
/** Rows one catch-up loads at most (~1 ms per 1,000). */
export const CATCH_UP_ROWS = 100_000;
/** The sub-millisecond flag in `msPart`: the record's time is not a whole millisecond. */
const SUB_MS = 0x8000;
/** A severity that does not fit a byte, or a time or service out of the arrays' range: such a
 * record makes the histogram read the index. */
const ODD = 255;

export type MarksState = 'ready' | 'loading' | 'unusable';

export interface MarkFilter {
  fromMs: number;
  toMs: number;
  stepMs: number;
  /** Only these service ids (null: any). */
  services: Set<number> | null;
  minSeverity: number;
  /** Counts a match: bucket index (unclamped), severity number. */
  add(bucket: number, severity: number): void;
}

export class LogMarks {
  /** Id of index 0. */
  private base = 0;
  /** Records loaded: ids base .. base + length - 1 (gaps hold zeros and never match). */
  private length = 0;
  private seconds = new Uint32Array(0);
  private msPart = new Uint16Array(0);
  private severity = new Uint8Array(0);
  private service = new Uint16Array(0);
  /** Records that do not fit the arrays (see ODD). */
  private odd = 0;
  /** The newest record loaded, as it was: if it changes or goes, ids may have been reused. */
  private newest: { id: number; ms: number; severity: number } | null = null;
  private filter: MarkFilter | null = null;
  /** Full-text queries the arrays counted, since start. */
  counted = 0;

  private readonly maxRecords: number;
  /** Rows a query loads at most, and only when that finishes the catch-up. */
  private readonly queryRows: number;

  constructor(
    private readonly store: ReadStore,
    opts: { maxRecords?: number; queryRows?: number } = {},
  ) {
    this.maxRecords = opts.maxRecords ?? MAX_LOG_MARKS;
    this.queryRows = opts.queryRows ?? CATCH_UP_ROWS;
    store.db.aggregate('loupe_log_marks', {
      start: 0,
      step: (missing: number, id: number) => (this.count(id) ? missing : missing + 1),
    });
  }

  /** How many records are held. */
  get size(): number {
    return this.length;
  }

  /**
   * Loads what the store added since the last call, at most `rows` of it: 'ready' when the
   * arrays cover every record, 'loading' when more is left, 'unusable' for a store they cannot
   * hold. Call inside the read transaction that then queries. With `onlyToFinish`, nothing is
   * loaded unless all of it fits in `rows`.
   */
  catchUp(rows = CATCH_UP_ROWS, { onlyToFinish = false } = {}): MarksState {
    const { store } = this;
    const ends = store.stmt('SELECT (SELECT min(id) FROM logs) AS first, (SELECT max(id) FROM logs) AS last').get() as { first: number | null; last: number | null };
    if (ends.first === null || ends.last === null) {
      this.reset();
      return 'ready';
    }
    if (this.newest && !this.stillThere(this.newest)) this.reset();
    if (ends.last - ends.first + 1 > this.maxRecords) {
      this.reset();
      return 'unusable';
    }
    if (this.length === 0) this.base = ends.first;
    else if (ends.first > this.base) this.dropBelow(ends.first);
    const loadedTo = this.base + this.length - 1;
    if (loadedTo >= ends.last) return this.state();
    // A query does not pay for loading it cannot finish: the worker loads between queries.
    if (onlyToFinish && ends.last - loadedTo > rows) return 'loading';
    const batch = store
      .raw(
        `SELECT id, time_ns / 1000000, time_ns % 1000000 != 0, severity_number, service_id
         FROM logs INDEXED BY logs_marks WHERE id > ? ORDER BY id LIMIT ?`,
      )
      .all(loadedTo, rows) as Array<[number, number, number, number, number]>;
    if (batch.length === 0) return this.state();
    this.grow(batch[batch.length - 1][0] - this.base + 1);
    for (const [id, ms, subMs, sev, svc] of batch) {
      const i = id - this.base;
      const sec = Math.floor(ms / 1000);
      if (sec > 0xffff_ffff || sec < 0 || sev < 0 || sev >= ODD || svc < 0 || svc > 0xffff) {
        this.severity[i] = ODD;
        this.odd++;
        continue;
      }
      this.seconds[i] = sec;
      this.msPart[i] = (ms - sec * 1000) | (subMs ? SUB_MS : 0);
      this.severity[i] = sev;
      this.service[i] = svc;
    }
    const [id, ms, , sev] = batch[batch.length - 1];
    this.newest = { id, ms, severity: sev };
    return id >= ends.last ? this.state() : 'loading';
  }

  /** Catches up for a query: 'ready' only when what was left fit in a query's share. */
  catchUpForQuery(): MarksState {
    return this.catchUp(this.queryRows, { onlyToFinish: true });
  }

  /**
   * Counts the matches of a full-text query into `filter.add`; false when the arrays could not
   * count them all (a match they do not hold), and the caller reads the index instead.
   */
  countMatches(fts: string, filter: MarkFilter): boolean {
    this.filter = filter;
    try {
      const missing = this.store.pluck('SELECT loupe_log_marks(rowid) FROM logs_fts WHERE logs_fts MATCH ?').get(fts) as number;
      if (missing === 0) this.counted++;
      return missing === 0;
    } finally {
      this.filter = null;
    }
  }

  private count(id: number): boolean {
    const i = id - this.base;
    if (i < 0 || i >= this.length) return false;
    const sev = this.severity[i];
    if (sev === ODD) return false;
    const f = this.filter!;
    if (sev < f.minSeverity) return true;
    if (f.services && !f.services.has(this.service[i])) return true;
    const part = this.msPart[i];
    const ms = this.seconds[i] * 1000 + (part & 0x3ff);
    // time_ns BETWEEN from and to (whole milliseconds): a record in the last millisecond is in
    // only when it is exactly on it.
    if (ms < f.fromMs || ms > f.toMs || (ms === f.toMs && part & SUB_MS)) return true;
    f.add(Math.floor((ms - f.fromMs) / f.stepMs), sev);
    return true;
  }

  private state(): MarksState {
    return this.odd === 0 ? 'ready' : 'unusable';
  }

  private stillThere(n: { id: number; ms: number; severity: number }): boolean {
    const row = this.store.raw('SELECT time_ns / 1000000, severity_number FROM logs WHERE id = ?').get(n.id) as [number, number] | undefined;
    return row !== undefined && row[0] === n.ms && row[1] === n.severity;
  }

  private reset(): void {
    this.base = 0;
    this.length = 0;
    this.odd = 0;
    this.newest = null;
    this.seconds = new Uint32Array(0);
    this.msPart = new Uint16Array(0);
    this.severity = new Uint8Array(0);
    this.service = new Uint16Array(0);
  }

  /** Retention removed the oldest records: forget them (odd ones among them included). */
  private dropBelow(first: number): void {
    const cut = Math.min(first - this.base, this.length);
    for (let i = 0; i < cut; i++) if (this.severity[i] === ODD) this.odd--;
    this.seconds.copyWithin(0, cut, this.length);
    this.msPart.copyWithin(0, cut, this.length);
    this.severity.copyWithin(0, cut, this.length);
    this.service.copyWithin(0, cut, this.length);
    this.length -= cut;
    this.base += cut;
    // Zero the freed tail so a gap later filled by a longer length reads as nothing.
    this.seconds.fill(0, this.length);
    this.msPart.fill(0, this.length);
    this.severity.fill(0, this.length);
    this.service.fill(0, this.length);
  }

  private grow(length: number): void {
    if (length > this.seconds.length) {
      const capacity = Math.min(this.maxRecords, Math.max(length, Math.ceil(this.seconds.length * 1.5), 65_536));
      const widen = <T extends Uint32Array | Uint16Array | Uint8Array>(a: T, make: (n: number) => T): T => {
        const b = make(capacity);
        b.set(a.subarray(0, this.length));
        return b;
      };
      this.seconds = widen(this.seconds, (n) => new Uint32Array(n));
      this.msPart = widen(this.msPart, (n) => new Uint16Array(n));
      this.severity = widen(this.severity, (n) => new Uint8Array(n));
      this.service = widen(this.service, (n) => new Uint16Array(n));
    }
    this.length = length;
  }
}
