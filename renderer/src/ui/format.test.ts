// Numbers shown with three significant digits, whichever side of a power of ten they fall.
import { describe, expect, it } from 'vitest';
import { formatCount, formatPercent } from './format';

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
