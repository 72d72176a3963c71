// Numbers shown with three significant digits, whichever side of a power of ten they fall.
import { describe, expect, it } from 'vitest';
import { formatAxisTicks, formatCount, formatPercent, niceTicks } from './format';

describe('three significant digits', () => {
  it('shows a rate a hair under 10 % as 10.0 %, like one exactly at it', () => {
    expect(formatPercent(0.1)).toBe('10.0%');
    expect(formatPercent(0.09999999)).toBe('10.0%');
    expect(formatPercent(0.0123)).toBe('1.23%');
    expect(formatPercent(0.9996)).toBe('100%');
  });

  it('keeps counts just under a thousand-step at three digits', () => {
    expect(formatCount(99_996)).toBe('100k');
    expect(formatCount(12_345)).toBe('12.3k');
  });
});

describe('axis ticks', () => {
  it('picks round steps from zero past the maximum', () => {
    expect(niceTicks(1.4)).toEqual([0, 0.5, 1, 1.5]);
    expect(niceTicks(9)).toEqual([0, 2.5, 5, 7.5, 10]);
    expect(niceTicks(0.031)).toEqual([0, 0.01, 0.02, 0.03, 0.04]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });

  it('labels every tick of an axis with the same decimals', () => {
    const half = formatAxisTicks([0, 0.5, 1, 1.5]);
    expect([0, 0.5, 1, 1.5].map(half)).toEqual(['0.0', '0.5', '1.0', '1.5']);
    const quarter = formatAxisTicks([0, 2.5, 5, 7.5, 10]);
    expect([0, 2.5, 10].map(quarter)).toEqual(['0.0', '2.5', '10.0']);
    const whole = formatAxisTicks([0, 5, 10, 15]);
    expect([0, 5, 15].map(whole)).toEqual(['0', '5', '15']);
    const big = formatAxisTicks([0, 25_000, 50_000]);
    expect([0, 25_000, 50_000].map(big)).toEqual(['0', '25k', '50k']);
    const bigHalf = formatAxisTicks([0, 12_500, 25_000]);
    expect([12_500, 25_000].map(bigHalf)).toEqual(['12.5k', '25.0k']);
  });
});
