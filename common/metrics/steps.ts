// Turns one stored series' points into one value (or histogram) per chart step, by kind:
// gauges keep the last value of a step, monotonic sums become rates, non-monotonic sums keep
// their level, histograms become what was observed in each step. Pure, for the query and tests.
import { cumulativeIncreases, deltaIncreases, ratePerStep, type SumPoint } from './rates';
import {
  addExplicit,
  addExponential,
  sameBounds,
  subtractExplicit,
  subtractExponential,
  type ExplicitBuckets,
  type ExponentialBuckets,
} from './histograms';

export interface StepGrid {
  startMs: number;
  stepMs: number;
  steps: number;
}

export interface StoredPoint extends SumPoint {
  /** Parsed detail (buckets, quantiles) for histograms and summaries. */
  detail: Record<string, unknown> | null;
}

/** What went wrong while reading points, for the chart's notes. */
export interface StepIssues {
  resets: number;
  invalid: number;
  boundsChanged: number;
}

export const noIssues = (): StepIssues => ({ resets: 0, invalid: 0, boundsChanged: 0 });

function stepOf(grid: StepGrid, timeMs: number): number {
  const i = Math.floor((timeMs - grid.startMs) / grid.stepMs);
  return i >= 0 && i < grid.steps ? i : -1;
}

/** Gauges and cumulative non-monotonic sums: the last finite value in each step. */
export function lastValuePerStep(points: readonly SumPoint[], grid: StepGrid, issues: StepIssues): Array<number | null> {
  const out: Array<number | null> = new Array(grid.steps).fill(null);
  for (const p of points) {
    if (p.value === null || !Number.isFinite(p.value)) {
      if (stepOf(grid, p.timeMs) >= 0) issues.invalid++;
      continue;
    }
    const i = stepOf(grid, p.timeMs);
    if (i >= 0) out[i] = p.value;
  }
  return out;
}

/** Delta non-monotonic sums: the net change counted in each step. */
export function deltaSumPerStep(points: readonly SumPoint[], grid: StepGrid, issues: StepIssues): Array<number | null> {
  const out: Array<number | null> = new Array(grid.steps).fill(null);
  for (const p of points) {
    const i = stepOf(grid, p.timeMs);
    if (i < 0) continue;
    if (p.value === null || !Number.isFinite(p.value)) issues.invalid++;
    else out[i] = (out[i] ?? 0) + p.value;
  }
  return out;
}

/** Monotonic sums: per-second rate in each step over the time the data covers. */
export function ratePerSeriesStep(points: readonly SumPoint[], temporality: 'delta' | 'cumulative', grid: StepGrid, issues: StepIssues) {
  const r = temporality === 'delta' ? deltaIncreases(points) : cumulativeIncreases(points);
  issues.resets += r.resets;
  issues.invalid += r.invalid;
  return ratePerStep(r.increases, grid.startMs, grid.stepMs, grid.steps);
}

export function explicitOf(detail: Record<string, unknown> | null): ExplicitBuckets | null {
  const bounds = detail?.explicitBounds;
  const counts = detail?.bucketCounts;
  if (!Array.isArray(bounds) || !Array.isArray(counts)) return null;
  if (counts.length !== bounds.length + 1 || !bounds.every((b) => typeof b === 'number' && Number.isFinite(b))) return null;
  return { bounds: bounds as number[], counts: (counts as unknown[]).map((c) => Number(c) || 0) };
}

export function exponentialOf(detail: Record<string, unknown> | null): ExponentialBuckets | null {
  if (!detail || typeof detail.scale !== 'number') return null;
  const side = (v: unknown) => {
    const o = (v ?? {}) as { offset?: unknown; bucketCounts?: unknown };
    return { offset: Number(o.offset) || 0, counts: Array.isArray(o.bucketCounts) ? o.bucketCounts.map((c) => Number(c) || 0) : [] };
  };
  return { scale: detail.scale, zeroCount: Number(detail.zeroCount) || 0, positive: side(detail.positive), negative: side(detail.negative) };
}

interface HistogramOps<H> {
  read(detail: Record<string, unknown> | null): H | null;
  add(a: H, b: H): H | null;
  subtract(later: H, earlier: H): H | null | 'incompatible';
}

export const EXPLICIT: HistogramOps<ExplicitBuckets> = {
  read: explicitOf,
  add: (a, b) => (sameBounds(a.bounds, b.bounds) ? addExplicit(a, b) : null),
  subtract: (later, earlier) => (sameBounds(later.bounds, earlier.bounds) ? subtractExplicit(later, earlier) : 'incompatible'),
};

export const EXPONENTIAL: HistogramOps<ExponentialBuckets> = {
  read: exponentialOf,
  add: addExponential,
  subtract: subtractExponential,
};

/**
 * What a histogram series observed in each step. Cumulative points are differenced (a bucket
 * going down is a reset: the later point counts whole); bounds that change between points
 * leave that interval out (noted) rather than inventing counts.
 */
export function histogramPerStep<H>(
  ops: HistogramOps<H>,
  points: readonly StoredPoint[],
  temporality: 'delta' | 'cumulative',
  grid: StepGrid,
  issues: StepIssues,
): Array<H | null> {
  const out: Array<H | null> = new Array(grid.steps).fill(null);
  const addAt = (i: number, h: H) => {
    if (i < 0) return;
    const prev = out[i];
    if (prev === null) return void (out[i] = h);
    const merged = ops.add(prev, h);
    if (merged === null) issues.boundsChanged++;
    else out[i] = merged;
  };
  let prev: { h: H; timeMs: number } | null = null;
  for (const p of points) {
    const h = ops.read(p.detail);
    if (!h) {
      if (stepOf(grid, p.timeMs) >= 0) issues.invalid++;
      continue;
    }
    if (temporality === 'delta') {
      addAt(stepOf(grid, p.timeMs), h);
      continue;
    }
    if (prev && p.timeMs > prev.timeMs) {
      const d = ops.subtract(h, prev.h);
      if (d === 'incompatible') issues.boundsChanged++;
      else if (d === null) {
        issues.resets++;
        addAt(stepOf(grid, p.timeMs), h);
      } else addAt(stepOf(grid, p.timeMs), d);
    }
    prev = { h, timeMs: p.timeMs };
  }
  return out;
}

/** Summaries: the last point's quantile values in each step, by quantile. */
export function quantilesPerStep(points: readonly StoredPoint[], grid: StepGrid): Array<Map<number, number> | null> {
  const out: Array<Map<number, number> | null> = new Array(grid.steps).fill(null);
  for (const p of points) {
    const i = stepOf(grid, p.timeMs);
    const qv = p.detail?.quantileValues;
    if (i < 0 || !Array.isArray(qv)) continue;
    const m = new Map<number, number>();
    for (const q of qv as Array<{ quantile?: unknown; value?: unknown }>)
      if (typeof q.quantile === 'number' && typeof q.value === 'number' && Number.isFinite(q.value)) m.set(q.quantile, q.value);
    out[i] = m;
  }
  return out;
}

/** Combines values of several series in one step; null when none has a value. */
export function aggregate(values: ReadonlyArray<number | null>, agg: 'sum' | 'avg' | 'min' | 'max'): number | null {
  let n = 0;
  let acc = 0;
  for (const v of values) {
    if (v === null) continue;
    if (n === 0) acc = v;
    else if (agg === 'sum' || agg === 'avg') acc += v;
    else if (agg === 'min') acc = Math.min(acc, v);
    else acc = Math.max(acc, v);
    n++;
  }
  if (n === 0) return null;
  return agg === 'avg' ? acc / n : acc;
}

/** A step of about `target` steps over the window, rounded to a readable length (≥ 10 s). */
export function niceStep(windowMs: number, target = 120): number {
  const raw = windowMs / target;
  const nice = [10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map((s) => s * 1000);
  return nice.find((s) => s >= raw) ?? Math.ceil(raw / 86_400_000) * 86_400_000;
}
