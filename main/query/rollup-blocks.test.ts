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

  it('reads whole closed blocks once and ragged ends every time', () => {
    const { loads, sum } = setup();
    expect(sum(5, 34)).toBe(30);
    expect(loads).toEqual([[5, 9], [10, 19], [20, 29], [30, 34]]);
    loads.length = 0;
    expect(sum(5, 34)).toBe(30);
    expect(loads).toEqual([[5, 9], [30, 34]]);
  });

  it('never keeps a block that is still open', () => {
    const { loads, sum } = setup();
    sum(0, 29, 25);
    loads.length = 0;
    sum(0, 29, 25);
    expect(loads).toEqual([[20, 29]]);
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
});
