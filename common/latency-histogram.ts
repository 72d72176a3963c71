// A mergeable latency histogram with fixed log-linear buckets (HdrHistogram's layout):
// each power of two of microseconds is split into SUB linear buckets, so any bucket's
// relative width is at most 1/SUB (6.25%). Rollups store one per minute; any time range's
// quantiles are a merge of those, never a scan of spans.

const SUB_BITS = 4;
const SUB = 1 << SUB_BITS; // 16 sub-buckets per power of two
/** Index for values below SUB µs are exact (one bucket per µs). */
export const BUCKET_COUNT = (40 - SUB_BITS + 2) * SUB; // covers up to ~2^40 µs (12 days)

export function bucketOf(micros: number): number {
  if (!(micros > 0)) return 0;
  const v = Math.floor(micros);
  if (v < SUB) return v;
  const exp = 31 - Math.clz32(v > 0xffffffff ? 0xffffffff : v); // floor(log2 v)
  if (v > 0xffffffff) {
    const e = Math.floor(Math.log2(v));
    const idx = (e - SUB_BITS + 1) * SUB + Math.floor(v / 2 ** (e - SUB_BITS)) - SUB;
    return Math.min(idx, BUCKET_COUNT - 1);
  }
  const shift = exp - SUB_BITS;
  return (exp - SUB_BITS + 1) * SUB + (v >>> shift) - SUB;
}

/** Lower bound (µs) of a bucket. */
export function bucketLow(index: number): number {
  if (index < SUB) return index;
  const group = Math.floor(index / SUB) - 1; // exp - SUB_BITS
  const within = index % SUB;
  return (SUB + within) * 2 ** group;
}

/** Representative value (µs) of a bucket: its midpoint. */
export function bucketMid(index: number): number {
  if (index < SUB) return index + 0.5;
  const lo = bucketLow(index);
  const width = 2 ** (Math.floor(index / SUB) - 1);
  return lo + width / 2;
}

/** Sparse counts: bucket index → count. */
export type Histogram = Map<number, number>;

export function record(h: Histogram, micros: number, n = 1): void {
  const b = bucketOf(micros);
  h.set(b, (h.get(b) ?? 0) + n);
}

export function merge(into: Histogram, from: Histogram): Histogram {
  for (const [b, n] of from) into.set(b, (into.get(b) ?? 0) + n);
  return into;
}

export function total(h: Histogram): number {
  let t = 0;
  for (const n of h.values()) t += n;
  return t;
}

/** Quantile q in [0,1] in milliseconds; null when empty. */
export function quantileMs(h: Histogram, q: number): number | null {
  const n = total(h);
  if (n === 0) return null;
  const keys = [...h.keys()].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * n));
  let seen = 0;
  for (const k of keys) {
    seen += h.get(k)!;
    if (seen >= rank) return bucketMid(k) / 1000;
  }
  return bucketMid(keys[keys.length - 1]) / 1000;
}

/** Binary form: repeated (varint bucket index delta, varint count), indices ascending. */
export function encode(h: Histogram): Uint8Array {
  const keys = [...h.keys()].sort((a, b) => a - b);
  // Each varint of a bucket delta or a count below 2^35 fits in 5 bytes.
  const out = new Uint8Array(keys.length * 10 + 1);
  let pos = 0;
  let prev = 0;
  for (const k of keys) {
    pos = writeVarint(out, pos, k - prev);
    pos = writeVarint(out, pos, h.get(k)!);
    prev = k;
  }
  return out.subarray(0, pos);
}

function writeVarint(out: Uint8Array, pos: number, v: number): number {
  while (v >= 0x80) {
    out[pos++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  out[pos++] = v;
  return pos;
}

/** Two encoded histograms merged straight into their encoded sum (what the rollups' upserts
 * do for every row that already exists): a merge of two ascending streams, no Map. */
export function mergeEncoded(a: Uint8Array, b: Uint8Array): Uint8Array {
  // No longer than both inputs: a merged delta is no larger than either input's, and a shared
  // bucket's summed count takes at most one byte more while the other input's entry goes away.
  const out = new Uint8Array(a.length + b.length);
  const ra = { bytes: a, pos: 0, idx: 0, n: 0 };
  const rb = { bytes: b, pos: 0, idx: 0, n: 0 };
  let hasA = nextBucket(ra);
  let hasB = nextBucket(rb);
  let pos = 0;
  let prev = 0;
  while (hasA || hasB) {
    let idx: number;
    let n: number;
    if (hasA && (!hasB || ra.idx < rb.idx)) {
      idx = ra.idx;
      n = ra.n;
      hasA = nextBucket(ra);
    } else if (hasB && (!hasA || rb.idx < ra.idx)) {
      idx = rb.idx;
      n = rb.n;
      hasB = nextBucket(rb);
    } else {
      idx = ra.idx;
      n = ra.n + rb.n;
      hasA = nextBucket(ra);
      hasB = nextBucket(rb);
    }
    pos = writeVarint(out, pos, idx - prev);
    pos = writeVarint(out, pos, n);
    prev = idx;
  }
  return out.subarray(0, pos);
}

/** Reads the next (bucket, count) of an encoded histogram into `r`; false at its end. */
function nextBucket(r: { bytes: Uint8Array; pos: number; idx: number; n: number }): boolean {
  const { bytes } = r;
  const len = bytes.length;
  if (r.pos >= len) return false;
  let pos = r.pos;
  let v = 0;
  let mul = 1;
  let b: number;
  do {
    b = bytes[pos++];
    v += (b & 0x7f) * mul;
    mul *= 0x80;
  } while (b >= 0x80 && pos < len);
  let n = 0;
  mul = 1;
  do {
    b = bytes[pos++];
    n += (b & 0x7f) * mul;
    mul *= 0x80;
  } while (b >= 0x80 && pos < len);
  r.idx += v;
  r.n = n;
  r.pos = pos;
  return true;
}

/** Visits every (bucket, count) of an encoded histogram, indices ascending. */
export function forEachBucket(bytes: Uint8Array | null | undefined, visit: (bucket: number, count: number) => void): void {
  if (!bytes) return;
  const r = { bytes, pos: 0, idx: 0, n: 0 };
  while (nextBucket(r)) visit(r.idx, r.n);
}

export function decodeInto(h: Histogram, bytes: Uint8Array | null | undefined): Histogram {
  forEachBucket(bytes, (idx, n) => h.set(idx, (h.get(idx) ?? 0) + n));
  return h;
}

export function decode(bytes: Uint8Array | null | undefined): Histogram {
  return decodeInto(new Map(), bytes);
}

/**
 * A dense accumulator for reading: merging hundreds of stored histograms (a map or an hour of
 * rollups) into a flat array is several times faster than into a Map.
 */
export class DenseHistogram {
  readonly counts = new Float64Array(BUCKET_COUNT);
  total = 0;

  /** Adds an encoded histogram (as stored in rollups). */
  addEncoded(bytes: Uint8Array | null | undefined): void {
    forEachBucket(bytes, (idx, n) => {
      if (idx < BUCKET_COUNT) this.counts[idx] += n;
      this.total += n;
    });
  }

  addSparse(s: SparseBuckets): void {
    const { index, count } = s;
    for (let j = 0; j < index.length; j++) {
      this.counts[index[j]] += count[j];
      this.total += count[j];
    }
  }

  /** Empties it for reuse: one scratch histogram serves many merges without allocating. */
  clear(): void {
    this.counts.fill(0);
    this.total = 0;
  }

  add(other: DenseHistogram): void {
    for (let i = 0; i < BUCKET_COUNT; i++) this.counts[i] += other.counts[i];
    this.total += other.total;
  }

  /** Quantiles (ascending, each in [0,1]) in milliseconds, in one pass; nulls when empty. */
  quantilesMs(qs: readonly number[]): Array<number | null> {
    const out: Array<number | null> = qs.map(() => null);
    if (this.total === 0) return out;
    let next = 0;
    let rank = Math.max(1, Math.ceil(qs[0] * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKET_COUNT && next < qs.length; i++) {
      seen += this.counts[i];
      while (next < qs.length && seen >= rank) {
        out[next++] = bucketMid(i) / 1000;
        if (next < qs.length) rank = Math.max(1, Math.ceil(qs[next] * this.total));
      }
    }
    return out;
  }

  /** Quantile q in [0,1] in milliseconds; null when empty. */
  quantileMs(q: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKET_COUNT; i++) {
      seen += this.counts[i];
      if (seen >= rank) return bucketMid(i) / 1000;
    }
    return null;
  }
}

/** Counts at or under a latency straight from an encoded histogram (no allocation). */
export function countAtMostEncoded(bytes: Uint8Array | null | undefined, micros: number): number {
  let good = 0;
  forEachBucket(bytes, (idx, n) => {
    if (bucketMid(idx) <= micros) good += n;
  });
  return good;
}

/** The non-empty buckets of a dense histogram as parallel arrays: small to keep, and added back
 * without decoding (what a cached block of merged rollups holds). */
export interface SparseBuckets {
  readonly index: Uint16Array;
  readonly count: Float64Array;
}

export function sparseOf(d: DenseHistogram): SparseBuckets {
  let n = 0;
  for (let i = 0; i < BUCKET_COUNT; i++) if (d.counts[i]) n++;
  const index = new Uint16Array(n);
  const count = new Float64Array(n);
  for (let i = 0, j = 0; i < BUCKET_COUNT; i++)
    if (d.counts[i]) {
      index[j] = i;
      count[j++] = d.counts[i];
    }
  return { index, count };
}
