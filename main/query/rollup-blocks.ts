// Whole ten-minute blocks of rollups, merged once and kept, and the single minutes at a
// window's ragged ends: a window's query reads what it covers from memory and only the
// still-open present from SQLite. A ragged end inside a kept block is the block less its other
// minutes, so a window sliding a minute reads one minute per end, never a block's worth. The writer reports the oldest minute each commit touched; blocks from there on
// are dropped, so late data and imports are never hidden.
export const BLOCK_MINUTES = 10;
const LONG_RANGE_MINUTES = 1440;
/** Ragged ends kept: both ends of a few windows. */
const MAX_RUNS = 8;

export class RollupBlocks<T, K = string> {
  private readonly blocks = new Map<number, Map<K, T>>();
  private readonly minutes = new Map<number, Map<K, T>>();
  /** Ragged ends made from kept blocks, by `m0:m1`: a window asked again (a list polled, a map
   * refreshed within the minute) finds its ends ready. */
  private readonly runs = new Map<string, { blockEnd: number; value: Map<K, T> }>();

  constructor(
    /** Aggregates of minutes [m0, m1] by key. */
    private readonly load: (m0: number, m1: number) => Map<K, T>,
    /** The aggregates of consecutive minutes (oldest first) as one, as `load` would give them
     * for the whole range: a block whose minutes are all kept is merged from them instead of
     * read again — what a live window finds each time a block closes behind it. */
    private readonly merge?: (minutes: Array<Map<K, T>>) => Map<K, T>,
    /** The aggregates of minutes [m0, m1] of a block, from the block's and those of its other
     * minutes (oldest first), as `load` would give them for [m0, m1]. */
    private readonly subtract?: (block: Map<K, T>, others: Array<Map<K, T>>, m0: number, m1: number) => Map<K, T>,
    private readonly maxBlocks = 48,
    private readonly maxMinutes = 4 * BLOCK_MINUTES,
  ) {}

  /**
   * Visits the aggregates covering minutes [m0, m1]; blocks that ended before `openFrom`
   * (the minute still receiving data) come from memory.
   */
  collect(m0: number, m1: number, openFrom: number, visit: (key: K, value: T) => void): void {
    let m = m0;
    // A window longer than the cache holds would only churn it: its closed part is read in
    // day-long ranges instead (one query each), and the cache is left to the recent windows.
    if (m1 - m0 + 1 > this.maxBlocks * BLOCK_MINUTES * 2) {
      const closedEnd = Math.min(m1, openFrom - 1);
      while (m <= closedEnd) {
        const end = Math.min(closedEnd, m + LONG_RANGE_MINUTES - 1);
        for (const [k, v] of this.load(m, end)) visit(k, v);
        m = end + 1;
      }
    }
    while (m <= m1) {
      const blockStart = Math.floor(m / BLOCK_MINUTES) * BLOCK_MINUTES;
      const blockEnd = blockStart + BLOCK_MINUTES - 1;
      if (m === blockStart && blockEnd <= m1 && blockEnd < openFrom) {
        for (const [k, v] of this.kept(this.blocks, this.maxBlocks, blockStart, blockEnd)) visit(k, v);
        m = blockEnd + 1;
      } else if (m < openFrom) {
        // Closed minutes at a ragged end: the kept block less its other minutes, when fewer of
        // those are missing than of these; else each minute, kept on its own.
        const runEnd = Math.min(m1, blockEnd, openFrom - 1);
        const rest = this.restOfKeptBlock(blockStart, m, runEnd);
        if (rest) {
          for (const [k, v] of rest) visit(k, v);
          m = runEnd + 1;
          continue;
        }
        for (const [k, v] of this.kept(this.minutes, this.maxMinutes, m, m)) visit(k, v);
        m++;
      } else {
        const end = Math.min(m1, blockEnd);
        for (const [k, v] of this.load(m, end)) visit(k, v);
        m = end + 1;
      }
    }
  }

  /** Minutes [m0, m1] of the kept block starting at `blockStart`, as the block less its other
   * minutes (kept, or read and kept); undefined when that would read more than the minutes
   * themselves, or the block is not kept. */
  private restOfKeptBlock(blockStart: number, m0: number, m1: number): Map<K, T> | undefined {
    const block = this.blocks.get(blockStart);
    if (!this.subtract || !block) return undefined;
    const key = `${m0}:${m1}`;
    const made = this.runs.get(key);
    if (made) return made.value;
    const blockEnd = blockStart + BLOCK_MINUTES - 1;
    let missingInside = 0;
    let missingOutside = 0;
    for (let m = blockStart; m <= blockEnd; m++)
      if (!this.minutes.has(m)) {
        if (m >= m0 && m <= m1) missingInside++;
        else missingOutside++;
      }
    if (missingOutside >= missingInside) return undefined;
    const others: Array<Map<K, T>> = [];
    for (let m = blockStart; m <= blockEnd; m++) if (m < m0 || m > m1) others.push(this.kept(this.minutes, this.maxMinutes, m, m));
    const value = this.subtract(block, others, m0, m1);
    this.runs.set(key, { blockEnd, value });
    if (this.runs.size > MAX_RUNS) this.runs.delete(this.runs.keys().next().value!);
    return value;
  }

  /** Minutes [start, end] from `cache` (keyed by start), loaded and kept (oldest out first) when missing. */
  private kept(cache: Map<number, Map<K, T>>, max: number, start: number, end: number): Map<K, T> {
    let got = cache.get(start);
    if (!got) {
      got = (cache === this.blocks ? this.fromMinutes(start, end) : undefined) ?? this.load(start, end);
      cache.set(start, got);
      if (cache.size > max) cache.delete(cache.keys().next().value!);
    }
    return got;
  }

  /**
   * Minutes [start, end] merged from the kept single minutes, with the runs of minutes not kept
   * read (in a live window, the block's last minute: it closes with the block); undefined when
   * fewer than half are kept, as one read of the whole block is then cheaper.
   */
  private fromMinutes(start: number, end: number): Map<K, T> | undefined {
    if (!this.merge) return undefined;
    let kept = 0;
    for (let m = start; m <= end; m++) if (this.minutes.has(m)) kept++;
    if (kept * 2 < end - start + 1) return undefined;
    const parts: Array<Map<K, T>> = [];
    for (let m = start; m <= end; ) {
      const got = this.minutes.get(m);
      if (got) {
        parts.push(got);
        this.minutes.delete(m);
        m++;
        continue;
      }
      let runEnd = m;
      while (runEnd < end && !this.minutes.has(runEnd + 1)) runEnd++;
      parts.push(this.load(m, runEnd));
      m = runEnd + 1;
    }
    return this.merge(parts);
  }

  /** Blocks and single minutes kept in memory. */
  get keptCount(): number {
    return this.blocks.size + this.minutes.size;
  }

  /** Drops every block and kept minute that holds `minute` or later. */
  invalidateFrom(minute: number): void {
    for (const start of [...this.blocks.keys()]) if (start + BLOCK_MINUTES - 1 >= minute) this.blocks.delete(start);
    for (const m of [...this.minutes.keys()]) if (m >= minute) this.minutes.delete(m);
    for (const [key, run] of [...this.runs]) if (run.blockEnd >= minute) this.runs.delete(key);
  }
}
