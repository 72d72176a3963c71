// Worked examples for the metric arithmetic behind the explorer's charts.
import { describe, expect, it } from 'vitest';
import { cumulativeIncreases, deltaIncreases, ratePerStep, windowRate } from './rates';
import {
  addExplicit,
  addExponential,
  explicitQuantile,
  exponentialBucketBounds,
  exponentialQuantile,
  subtractExplicit,
  subtractExponential,
  type ExponentialBuckets,
} from './histograms';

// Times near a real clock: a start time of 0 means "not sent" in OTLP.
const T0 = 1_700_000_000_000;
const s = (sec: number) => T0 + sec * 1000;

describe('rates of monotonic sums', () => {
  it('cumulative: 10/s steady, across a reset, gives 10/s everywhere', () => {
    // Counter at 0s=100, 10s=200, 20s=300, restarts at 25s, 30s=50 (50 counted since 25s), 40s=150.
    const pts = [
      { startMs: s(-100), timeMs: s(0), value: 100 },
      { startMs: s(-100), timeMs: s(10), value: 200 },
      { startMs: s(-100), timeMs: s(20), value: 300 },
      { startMs: s(25), timeMs: s(30), value: 50 },
      { startMs: s(25), timeMs: s(40), value: 150 },
    ];
    const r = cumulativeIncreases(pts);
    expect(r.resets).toBe(1);
    // The first point covers (-100s, 0s]: 100 over 100 s = 1/s (before the window, clipped away).
    const rates = ratePerStep(r.increases, s(0), 10_000, 4);
    expect(rates).toEqual([10, 10, 10, 10]);
  });

  it('cumulative: a drop without a start time is a reset counted from the previous point', () => {
    const r = cumulativeIncreases([
      { startMs: 0, timeMs: s(0), value: 500 },
      { startMs: 0, timeMs: s(10), value: 600 },
      { startMs: 0, timeMs: s(20), value: 30 },
    ]);
    expect(r.resets).toBe(1);
    expect(ratePerStep(r.increases, s(0), 10_000, 2)).toEqual([10, 3]);
  });

  it('delta: each point covers its own interval; NaN points leave a gap and are counted', () => {
    const r = deltaIncreases([
      { startMs: s(0), timeMs: s(10), value: 50 },
      { startMs: s(10), timeMs: s(20), value: null },
      { startMs: s(20), timeMs: s(30), value: 200 },
    ]);
    expect(r.invalid).toBe(1);
    expect(ratePerStep(r.increases, s(0), 10_000, 3)).toEqual([5, null, 20]);
  });

  it('covered window: a service that started 4 minutes into an hour shows its real rate', () => {
    // 2 requests a second from minute 4 to minute 60, as one-minute deltas.
    const pts = Array.from({ length: 56 }, (_, i) => ({ startMs: s(240 + i * 60), timeMs: s(300 + i * 60), value: 120 }));
    const rate = windowRate(deltaIncreases(pts).increases, s(0), s(3600));
    expect(rate).toBeCloseTo(2, 9);
  });
});

describe('explicit-bucket histograms', () => {
  // Bounds 0.1, 0.5, 1 (seconds): 10 in (0, 0.1], 30 in (0.1, 0.5], 50 in (0.5, 1], 10 above 1.
  const h = { bounds: [0.1, 0.5, 1], counts: [10, 30, 50, 10] };

  it('percentiles interpolate inside their bucket', () => {
    expect(explicitQuantile(h, 0.05)).toBeCloseTo(0.05, 9); // rank 5 of 10 in (0, 0.1]
    expect(explicitQuantile(h, 0.5)).toBeCloseTo(0.6, 9); // rank 50: 10 into the 50 of (0.5, 1]
    expect(explicitQuantile(h, 0.95)).toBe(1); // in the +Inf bucket: the highest bound
    expect(explicitQuantile({ bounds: [1], counts: [0, 0] }, 0.5)).toBeNull();
  });

  it('merges and differences; a bucket going down is a reset', () => {
    const merged = addExplicit(h, { bounds: [0.1, 0.5, 1], counts: [0, 0, 0, 90] });
    expect(merged.counts).toEqual([10, 30, 50, 100]);
    expect(subtractExplicit(merged, h)!.counts).toEqual([0, 0, 0, 90]);
    expect(subtractExplicit(h, merged)).toBeNull();
    expect(subtractExplicit(h, { bounds: [0.2, 0.5, 1], counts: [0, 0, 0, 0] })).toBeNull();
  });
});

describe('exponential histograms', () => {
  it('bucket bounds follow base 2^(2^-scale)', () => {
    expect(exponentialBucketBounds(0, 3)).toEqual([8, 16]);
    const [lo, hi] = exponentialBucketBounds(1, 1);
    expect(lo).toBeCloseTo(Math.SQRT2, 12);
    expect(hi).toBeCloseTo(2, 12);
  });

  it('percentiles: scale 0, 4 values in (1,2], 4 in (2,4]', () => {
    const h: ExponentialBuckets = { scale: 0, zeroCount: 0, positive: { offset: 0, counts: [4, 4] }, negative: { offset: 0, counts: [] } };
    expect(exponentialQuantile(h, 0.5)).toBeCloseTo(2, 9);
    expect(exponentialQuantile(h, 0.75)).toBeCloseTo(3, 9);
    expect(exponentialQuantile(h, 0.25)).toBeCloseTo(1.5, 9);
  });

  it('merging two scales downscales the finer one', () => {
    // Scale 1, buckets 0..3 = (1,√2], (√2,2], (2,2√2], (2√2,4]; at scale 0 they fold into (1,2], (2,4].
    const fine: ExponentialBuckets = { scale: 1, zeroCount: 1, positive: { offset: 0, counts: [1, 2, 3, 4] }, negative: { offset: 0, counts: [] } };
    const coarse: ExponentialBuckets = { scale: 0, zeroCount: 0, positive: { offset: 1, counts: [5] }, negative: { offset: 0, counts: [] } };
    const m = addExponential(fine, coarse);
    expect(m.scale).toBe(0);
    expect(m.zeroCount).toBe(1);
    expect(m.positive).toEqual({ offset: 0, counts: [3, 12] });
    expect(subtractExponential(m, coarse)!.positive).toEqual({ offset: 0, counts: [3, 7] });
    expect(subtractExponential(coarse, m)).toBeNull();
  });

  it('negative offsets downscale toward minus infinity', () => {
    const h: ExponentialBuckets = { scale: 2, zeroCount: 0, positive: { offset: -3, counts: [1, 1, 1, 1] }, negative: { offset: 0, counts: [] } };
    // indices -3..0 >> 2 = -1, -1, -1, 0
    expect(addExponential(h, { ...h, scale: 0, positive: { offset: 0, counts: [] } }).positive).toEqual({ offset: -1, counts: [3, 1] });
  });
});
