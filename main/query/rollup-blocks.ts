// Whole ten-minute blocks of rollups, merged once and kept: a window's query reads the blocks
// it covers from memory and only the minutes at its ragged ends (and the still-open present)
// from SQLite. The writer reports the oldest minute each commit touched; blocks from there on
// are dropped, so late data and imports are never hidden.
export const BLOCK_MINUTES = 10;

export class RollupBlocks<T> {
  private readonly blocks = new Map<number, Map<string, T>>();

  constructor(
    /** Aggregates of minutes [m0, m1] by key. */
    private readonly load: (m0: number, m1: number) => Map<string, T>,
    private readonly maxBlocks = 48,
  ) {}

  /**
   * Visits the aggregates covering minutes [m0, m1]; blocks that ended before `openFrom`
   * (the minute still receiving data) come from memory.
   */
  collect(m0: number, m1: number, openFrom: number, visit: (key: string, value: T) => void): void {
    let m = m0;
    while (m <= m1) {
      const blockStart = Math.floor(m / BLOCK_MINUTES) * BLOCK_MINUTES;
      const blockEnd = blockStart + BLOCK_MINUTES - 1;
      if (m === blockStart && blockEnd <= m1 && blockEnd < openFrom) {
        let block = this.blocks.get(blockStart);
        if (!block) {
          block = this.load(blockStart, blockEnd);
          this.blocks.set(blockStart, block);
          if (this.blocks.size > this.maxBlocks) this.blocks.delete(this.blocks.keys().next().value!);
        }
        for (const [k, v] of block) visit(k, v);
        m = blockEnd + 1;
      } else {
        const end = Math.min(m1, blockEnd);
        for (const [k, v] of this.load(m, end)) visit(k, v);
        m = end + 1;
      }
    }
  }

  /** Drops every block that holds `minute` or later. */
  invalidateFrom(minute: number): void {
    for (const start of [...this.blocks.keys()]) if (start + BLOCK_MINUTES - 1 >= minute) this.blocks.delete(start);
  }
}
