import { describe, expect, it } from 'vitest';
import { BLOCK_MINUTES, RollupBlocks } from './rollup-blocks';

describe('rollup blocks', () => {
  // "rollups": one entry per minute, value = the minute, so sums show what was read
  function setup() {
    const loads: Array<[number, number]> = [];
    const data = new Map<number, number>();
    for (let m = 0; m < 100; m++) data.set(m, 1);
    const blocks = new RollupBlocks<number>((m0, m1) => {
      loads.push([m0, m1]);
      let sum = 0;
      for (let m = m0; m <= m1; m++) sum += data.get(m) ?? 0;
      return new Map([['total', sum]]);
    });
    const sum = (m0: number, m1: number, openFrom = 1000) => {
      let s = 0;
      blocks.collect(m0, m1, openFrom, (_k, v) => (s += v));
      return s;
    };
    return { loads, data, blocks, sum };
  }

  it('reads closed blocks, and closed minutes at the ragged ends, once', () => {
    const { loads, sum } = setup();
    expect(sum(5, 34)).toBe(30);
    expect(loads).toEqual([[5, 5], [6, 6], [7, 7], [8, 8], [9, 9], [10, 19], [20, 29], [30, 30], [31, 31], [32, 32], [33, 33], [34, 34]]);
    loads.length = 0;
    expect(sum(5, 34)).toBe(30);
    expect(loads).toEqual([]);
    // The window slides a minute: only the new minute is read.
    expect(sum(6, 35)).toBe(30);
    expect(loads).toEqual([[35, 35]]);
  });

  it('never keeps a block or minute that is still open', () => {
    const { loads, sum } = setup();
    expect(sum(0, 29, 25)).toBe(30);
    loads.length = 0;
    expect(sum(0, 29, 25)).toBe(30);
    expect(loads).toEqual([[25, 29]]);
  });

  it('drops kept minutes from the oldest changed minute on', () => {
    const { loads, data, blocks, sum } = setup();
    expect(sum(3, 8)).toBe(6);
    data.set(7, 3);
    blocks.invalidateFrom(6);
    loads.length = 0;
    expect(sum(3, 8)).toBe(8);
    expect(loads).toEqual([[6, 6], [7, 7], [8, 8]]);
  });

  it('drops blocks from the oldest changed minute on, so late data shows', () => {
    const { loads, data, blocks, sum } = setup();
    expect(sum(0, 39)).toBe(40);
    data.set(15, 5); // a late or imported record in minute 15
    expect(sum(0, 39)).toBe(40); // still the merged block
    blocks.invalidateFrom(15);
    loads.length = 0;
    expect(sum(0, 39)).toBe(44);
    expect(loads).toEqual([[10, 19], [20, 29], [30, 39]]);
    expect(BLOCK_MINUTES).toBe(10);
  });

  it('takes a ragged end inside a kept block as the block less its other minutes: a sliding window reads a minute per end', () => {
    const loads: Array<[number, number]> = [];
    let subtractions = 0;
    let extra = 0; // a late record, counted from minute 152 on
    const total = (m0: number, m1: number) => {
      let n = 0;
      for (let m = m0; m <= m1; m++) n += m + (m === 152 ? extra : 0); // each minute's value is the minute itself
      return n;
    };
    const blocks = new RollupBlocks<number>(
      (m0, m1) => {
        loads.push([m0, m1]);
        return new Map([['total', total(m0, m1)]]);
      },
      (minutes) => new Map([['total', minutes.reduce((n, m) => n + m.get('total')!, 0)]]),
      (block, others) => {
        subtractions++;
        return new Map([['total', block.get('total')! - others.reduce((n, o) => n + o.get('total')!, 0)]]);
      },
    );
    const sum = (m0: number, m1: number) => {
      let s = 0;
      blocks.collect(m0, m1, 1000, (_k, v) => (s += v));
      return s;
    };
    // An hour moving back a minute per call, then forward again, from a window on block edges.
    expect(sum(100, 159)).toBe(total(100, 159));
    for (let step = 1; step <= 25; step++) {
      loads.length = 0;
      expect(sum(100 - step, 159 - step)).toBe(total(100 - step, 159 - step));
      // The minute entering at the start, and the one leaving at the end (taken out of its block).
      expect(loads.length, `step ${step}`).toBeLessThanOrEqual(2);
      expect(loads.every(([a, b]) => a === b)).toBe(true);
    }
    for (let step = 24; step >= 0; step--) expect(sum(100 - step, 159 - step)).toBe(total(100 - step, 159 - step));
    // The same window again (a list polled): its ragged ends are ready, nothing is read or made.
    expect(sum(95, 154)).toBe(total(95, 154));
    loads.length = 0;
    const made = subtractions;
    expect(sum(95, 154)).toBe(total(95, 154));
    expect([loads.length, subtractions]).toEqual([0, made]);
    // A late record in the end's block: the end is made again from what is read anew.
    extra = 1000;
    blocks.invalidateFrom(152);
    expect(sum(95, 154)).toBe(total(95, 154));
    expect(sum(100, 159)).toBe(total(100, 159)); // the block is read and kept again…
    expect(sum(95, 154)).toBe(total(95, 154)); // …and the end made from it anew
  });

  it('merges a block from its kept minutes when it closes behind a live window, reading nothing', () => {
    const loads: Array<[number, number]> = [];
    const merged: number[][] = [];
    const blocks = new RollupBlocks<number>(
      (m0, m1) => {
        loads.push([m0, m1]);
        return new Map([['total', m1 - m0 + 1]]);
      },
      (minutes) => {
        merged.push(minutes.map((m) => m.get('total')!));
        return new Map([['total', minutes.reduce((n, m) => n + m.get('total')!, 0)]]);
      },
    );
    const sum = (m0: number, m1: number, openFrom: number) => {
      let s = 0;
      blocks.collect(m0, m1, openFrom, (_k, v) => (s += v));
      return s;
    };
    // A live hour: each minute the window moves on and one more minute closes.
    for (let now = 100; now <= 112; now++) expect(sum(now - 60, now, now - 2)).toBe(61);
    // Blocks [90, 99] and [100, 109] closed with their last minutes; the minutes before were
    // kept one by one as they closed, so each block was merged from them and only its last
    // minute was read.
    const ones = new Array<number>(BLOCK_MINUTES).fill(1);
    expect(merged).toEqual([ones, ones]);
    expect(loads.filter(([m0, m1]) => (m0 === 90 || m0 === 100) && m1 === m0 + BLOCK_MINUTES - 1)).toEqual([]);
    expect(loads).toContainEqual([109, 109]);
    // With fewer than half its minutes kept, a block is read whole.
    blocks.invalidateFrom(100);
    loads.length = 0;
    expect(sum(52, 112, 110)).toBe(61);
    expect(loads).toContainEqual([100, 109]);
  });
});
