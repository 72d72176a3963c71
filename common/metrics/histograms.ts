// Histogram arithmetic for charts: differences of cumulative points (with resets), merges of
// explicit-bucket histograms with equal bounds and of exponential histograms (downscaled to a
// common scale), and percentiles interpolated inside the bucket that holds them.

/** Explicit buckets: counts[i] holds values in (bounds[i-1], bounds[i]]; the last is (last bound, +Inf). */
export interface ExplicitBuckets {
  bounds: number[];
  counts: number[];
}

/** Exponential buckets (OTLP): index i covers (base^i, base^(i+1)], base = 2^(2^-scale). */
export interface ExponentialBuckets {
  scale: number;
  zeroCount: number;
  positive: { offset: number; counts: number[] };
  negative: { offset: number; counts: number[] };
}

export function sameBounds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Adds `b` into `a` (same bounds; the caller checks). */
export function addExplicit(a: ExplicitBuckets, b: ExplicitBuckets): ExplicitBuckets {
  return { bounds: a.bounds, counts: a.counts.map((c, i) => c + (b.counts[i] ?? 0)) };
}

/**
 * What was observed between two cumulative points. Null when a bucket went down (a reset):
 * the caller then takes the later point whole, as counted since the restart.
 */
export function subtractExplicit(later: ExplicitBuckets, earlier: ExplicitBuckets): ExplicitBuckets | null {
  if (!sameBounds(later.bounds, earlier.bounds)) return null;
  const counts = later.counts.map((c, i) => c - (earlier.counts[i] ?? 0));
  return counts.some((c) => c < 0) ? null : { bounds: later.bounds, counts };
}

/**
 * The value below which `q` (0..1) of the observations fall, interpolated linearly inside its
 * bucket (as Prometheus' histogram_quantile does). The first bucket starts at 0 when its bound
 * is positive; a quantile in the +Inf bucket is the highest finite bound. Null when empty.
 */
export function explicitQuantile(h: ExplicitBuckets, q: number): number | null {
  const total = h.counts.reduce((s, c) => s + c, 0);
  if (!(total > 0) || h.bounds.length === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < h.counts.length; i++) {
    const c = h.counts[i];
    if (c > 0 && seen + c >= rank) {
      if (i >= h.bounds.length) return h.bounds[h.bounds.length - 1];
      const upper = h.bounds[i];
      const lower = i === 0 ? Math.min(0, upper) : h.bounds[i - 1];
      return lower + (upper - lower) * ((rank - seen) / c);
    }
    seen += c;
  }
  return h.bounds[h.bounds.length - 1];
}

// ---- exponential ----------------------------------------------------------------------------

/** Halves the resolution `by` times: bucket i becomes bucket i >> by (OTLP's downscaling). */
function downscaleSide(side: { offset: number; counts: number[] }, by: number): { offset: number; counts: number[] } {
  if (by <= 0 || side.counts.length === 0) return { offset: side.offset, counts: [...side.counts] };
  const offset = side.offset >> by;
  const counts: number[] = [];
  side.counts.forEach((c, i) => {
    const j = ((side.offset + i) >> by) - offset;
    counts[j] = (counts[j] ?? 0) + c;
  });
  return { offset, counts: Array.from(counts, (c) => c ?? 0) };
}

export function downscale(h: ExponentialBuckets, scale: number): ExponentialBuckets {
  const by = h.scale - scale;
  if (by <= 0) return h;
  return { scale, zeroCount: h.zeroCount, positive: downscaleSide(h.positive, by), negative: downscaleSide(h.negative, by) };
}

function combineSide(a: { offset: number; counts: number[] }, b: { offset: number; counts: number[] }, sign: 1 | -1) {
  if (a.counts.length === 0 && b.counts.length === 0) return { offset: 0, counts: [] as number[] };
  const starts = [a, b].filter((s) => s.counts.length > 0).map((s) => s.offset);
  const ends = [a, b].filter((s) => s.counts.length > 0).map((s) => s.offset + s.counts.length);
  const offset = Math.min(...starts);
  const counts = new Array<number>(Math.max(...ends) - offset).fill(0);
  a.counts.forEach((c, i) => (counts[a.offset + i - offset] += c));
  b.counts.forEach((c, i) => (counts[b.offset + i - offset] += sign * c));
  return { offset, counts };
}

/** Adds two exponential histograms at the coarser of their scales. */
export function addExponential(a: ExponentialBuckets, b: ExponentialBuckets): ExponentialBuckets {
  const scale = Math.min(a.scale, b.scale);
  const x = downscale(a, scale);
  const y = downscale(b, scale);
  return { scale, zeroCount: x.zeroCount + y.zeroCount, positive: combineSide(x.positive, y.positive, 1), negative: combineSide(x.negative, y.negative, 1) };
}

/** `later − earlier` of cumulative points; null when any bucket went down (a reset). */
export function subtractExponential(later: ExponentialBuckets, earlier: ExponentialBuckets): ExponentialBuckets | null {
  const scale = Math.min(later.scale, earlier.scale);
  const x = downscale(later, scale);
  const y = downscale(earlier, scale);
  const out = { scale, zeroCount: x.zeroCount - y.zeroCount, positive: combineSide(x.positive, y.positive, -1), negative: combineSide(x.negative, y.negative, -1) };
  if (out.zeroCount < 0 || out.positive.counts.some((c) => c < 0) || out.negative.counts.some((c) => c < 0)) return null;
  return out;
}

/** Lower and upper bound of bucket `index` at `scale`. */
export function exponentialBucketBounds(scale: number, index: number): [number, number] {
  const base = Math.pow(2, Math.pow(2, -scale));
  return [Math.pow(base, index), Math.pow(base, index + 1)];
}

/** The q-quantile, interpolated linearly inside its bucket (negative buckets mirror positive). */
export function exponentialQuantile(h: ExponentialBuckets, q: number): number | null {
  const neg = h.negative.counts.reduce((s, c) => s + c, 0);
  const pos = h.positive.counts.reduce((s, c) => s + c, 0);
  const total = neg + h.zeroCount + pos;
  if (!(total > 0)) return null;
  const rank = q * total;
  let seen = 0;
  // Negative values, from most negative (highest index) up to the zero bucket.
  for (let i = h.negative.counts.length - 1; i >= 0; i--) {
    const c = h.negative.counts[i];
    if (c > 0 && seen + c >= rank) {
      const [lo, hi] = exponentialBucketBounds(h.scale, h.negative.offset + i);
      return -hi + (hi - lo) * ((rank - seen) / c);
    }
    seen += c;
  }
  if (h.zeroCount > 0 && seen + h.zeroCount >= rank) return 0;
  seen += h.zeroCount;
  for (let i = 0; i < h.positive.counts.length; i++) {
    const c = h.positive.counts[i];
    if (c > 0 && seen + c >= rank) {
      const [lo, hi] = exponentialBucketBounds(h.scale, h.positive.offset + i);
      return lo + (hi - lo) * ((rank - seen) / c);
    }
    seen += c;
  }
  const last = h.positive.offset + h.positive.counts.length - 1;
  return h.positive.counts.length ? exponentialBucketBounds(h.scale, last)[1] : 0;
}

/** The positive buckets as explicit upper bounds, for the heatmap (zero bucket first). */
export function exponentialAsExplicit(h: ExponentialBuckets): ExplicitBuckets {
  const bounds = [0];
  const counts = [h.zeroCount + h.negative.counts.reduce((s, c) => s + c, 0)];
  h.positive.counts.forEach((c, i) => {
    bounds.push(exponentialBucketBounds(h.scale, h.positive.offset + i)[1]);
    counts.push(c);
  });
  counts.push(0);
  return { bounds, counts };
}
