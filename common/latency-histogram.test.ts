import { describe, expect, it } from 'vitest';
import * as H from './latency-histogram';

describe('latency histogram', () => {
  it('buckets are contiguous: exact below 16 µs, then within 1/16 of their value', () => {
    for (let i = 1; i < H.BUCKET_COUNT - 1; i++) expect(H.bucketLow(i + 1)).toBeGreaterThan(H.bucketLow(i));
    for (const micros of [1, 15]) expect(Math.abs(H.bucketMid(H.bucketOf(micros)) - micros)).toBeLessThanOrEqual(0.5);
    for (const micros of [16, 17, 100, 999, 12_345, 1_000_000, 3_600_000_000]) {
      const b = H.bucketOf(micros);
      expect(H.bucketLow(b)).toBeLessThanOrEqual(micros);
      expect(Math.abs(H.bucketMid(b) - micros) / micros).toBeLessThanOrEqual(1 / 16 + 1e-9);
    }
  });

  it('merges and reads quantiles the same sparse or dense, through the stored encoding', () => {
    const a: H.Histogram = new Map();
    const b: H.Histogram = new Map();
    for (let ms = 1; ms <= 100; ms++) H.record(ms % 2 ? a : b, ms * 1000);
    const dense = new H.DenseHistogram();
    dense.addEncoded(H.encode(a));
    dense.addEncoded(H.encode(b));
    const sparse = H.merge(H.decode(H.encode(a)), H.decode(H.encode(b)));
    expect(dense.total).toBe(100);
    for (const q of [0.5, 0.9, 0.95, 0.99]) expect(dense.quantileMs(q)).toBe(H.quantileMs(sparse, q));
    expect(dense.quantileMs(0.5)).toBeCloseTo(50, -0.5);
    expect(H.countAtMostEncoded(H.encode(sparse), 20_000)).toBe(20);
    expect(new H.DenseHistogram().quantileMs(0.5)).toBeNull();
  });

  it('gives several quantiles in one pass, the same as one at a time', () => {
    const d = new H.DenseHistogram();
    expect(d.quantilesMs([0.5, 0.95, 0.99])).toEqual([null, null, null]);
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 20; round++) {
      d.clear();
      const h: H.Histogram = new Map();
      for (let i = 0; i < 1 + round * 37; i++) H.record(h, Math.floor(rand() ** 3 * 5_000_000), 1 + Math.floor(rand() * 3));
      d.addEncoded(H.encode(h));
      const qs = [0, 0.5, 0.9, 0.95, 0.99, 1];
      expect(d.quantilesMs(qs)).toEqual(qs.map((q) => d.quantileMs(q)));
    }
  });

  it('merges two stored histograms into the same bytes as decoding, adding and encoding them', () => {
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const empty = H.encode(new Map());
    expect(H.mergeEncoded(empty, empty)).toEqual(new Uint8Array(0));
    for (let round = 0; round < 200; round++) {
      const a: H.Histogram = new Map();
      const b: H.Histogram = new Map();
      // Sparse and dense, small counts and counts past one varint byte, shared and lone buckets.
      for (let i = 0; i < round % 50; i++) H.record(a, Math.floor(rand() ** 4 * 1e9), 1 + Math.floor(rand() ** 8 * 1e6));
      for (let i = 0; i < (round * 7) % 43; i++) H.record(b, Math.floor(rand() ** 4 * 1e9), 1 + Math.floor(rand() * 200));
      const expected = H.encode(H.merge(H.decode(H.encode(a)), b));
      expect(H.mergeEncoded(H.encode(a), H.encode(b))).toEqual(expected);
      expect(H.mergeEncoded(H.encode(b), H.encode(a))).toEqual(expected);
    }
  });
});
