// Kayenta's NetflixACAJudge (spinnaker/kayenta, kayenta-judge), step for step:
//   per metric: NaN strategy (remove, or replace with 0) → optional IQR outlier removal
//   (Tukey fences at `factor` × IQR, widened to the 1st/99th percentiles: `reduceSensitivity`)
//   → MannWhitneyClassifier (tolerance 0.25, 98 % confidence; x = canary, y = baseline):
//     High when the interval's lower end is above +0.25·|estimate| and mean(canary)/mean(baseline)
//     ≥ allowedIncrease; Low when its upper end is below −0.25·|estimate| and the ratio ≤
//     allowedDecrease; direction limits which of the two counts; critical metrics fail the
//     whole canary when High/Low beyond criticalIncrease/criticalDecrease, or Nodata;
//   scores: per group 100·Pass/(Pass+High+Low+NodataFail), a group with nothing classified
//   counts as 100; summary = Σ group score × weight/100 (unweighted groups share what the
//   weights leave), rounded to 2 places; 0 when a critical metric did not pass or ≥ 50 % of the
//   metrics are Nodata; Pass ≥ pass threshold, Marginal ≥ marginal threshold, else Fail.
// One deliberate difference: where both samples are constant (and differ), Kayenta adds
// Gaussian noise (σ = 1e-5 × value) before the test; we use the limit of that instead
// (estimate and interval = the difference), so the same inputs always give the same verdict.
import { median, wilcoxTest } from './wilcox';

export type Direction = 'increase' | 'decrease' | 'either';
export type Classification = 'Pass' | 'High' | 'Low' | 'Nodata' | 'NodataFailMetric' | 'Error';

export interface MetricJudgeConfig {
  name: string;
  groups: string[];
  direction: Direction;
  critical: boolean;
  mustHaveData: boolean;
  nanStrategy: 'remove' | 'replace';
  outliers: { strategy: 'keep' | 'remove'; factor: number };
  effectSize: { allowedIncrease: number; allowedDecrease: number; criticalIncrease: number; criticalDecrease: number };
}

export interface SampleStats {
  count: number;
  mean: number | null;
  median: number | null;
  min: number | null;
  max: number | null;
}

export interface MetricResult {
  name: string;
  groups: string[];
  classification: Classification;
  reason: string;
  critical: boolean;
  /** mean(canary) / mean(baseline) (1 when the baseline mean is 0 or there is no data). */
  ratio: number;
  test: null | {
    estimate: number;
    lower: number;
    upper: number;
    pValue: number;
    method: 'exact' | 'normal' | 'constant';
    /** ± tolerance × |estimate|: the band the interval must clear. */
    bound: number;
  };
  baseline: { values: number[]; removed: number; stats: SampleStats };
  canary: { values: number[]; removed: number; stats: SampleStats };
}

export interface GroupScore {
  name: string;
  score: number;
  noData: boolean;
  counts: Partial<Record<Classification, number>>;
}

export interface JudgeResult {
  score: number;
  classification: 'Pass' | 'Marginal' | 'Fail';
  reason: string;
  groups: GroupScore[];
  metrics: MetricResult[];
}

export const TOLERANCE = 0.25;
export const CONFIDENCE = 0.98;
const NODATA_THRESHOLD = 50;

/** Classifies one metric from its raw per-interval samples (NaN = no value for that interval). */
export function classifyMetric(cfg: MetricJudgeConfig, baselineRaw: readonly number[], canaryRaw: readonly number[]): MetricResult {
  const baseline = transform(baselineRaw, cfg);
  const canary = transform(canaryRaw, cfg);
  const base: Omit<MetricResult, 'classification' | 'reason' | 'critical' | 'ratio' | 'test'> = {
    name: cfg.name,
    groups: cfg.groups,
    baseline: { values: baseline.values, removed: baseline.removed, stats: stats(baseline.values) },
    canary: { values: canary.values, removed: canary.removed, stats: stats(canary.values) },
  };
  const x = canary.values;
  const y = baseline.values;
  if (x.length === 0 || y.length === 0) {
    const side = y.length === 0 && x.length === 0 ? 'baseline and canary' : y.length === 0 ? 'baseline' : 'canary';
    if (cfg.nanStrategy === 'remove') {
      const reason = `Missing data for ${cfg.name} (${side})`;
      if (cfg.mustHaveData && !cfg.critical) return { ...base, classification: 'NodataFailMetric', reason, critical: false, ratio: 1, test: null };
      return { ...base, classification: 'Nodata', reason, critical: cfg.critical, ratio: 1, test: null };
    }
    return { ...base, classification: 'Pass', reason: `No data (${side}); NaN strategy "replace" passes it`, critical: false, ratio: 1, test: null };
  }
  const xs = [...x].sort((a, b) => a - b);
  const ys = [...y].sort((a, b) => a - b);
  if (xs.length === ys.length && xs.every((v, i) => v === ys[i]))
    return { ...base, classification: 'Pass', reason: 'The Canary and Baseline data are identical', critical: false, ratio: 1, test: null };
  if (new Set([...x, ...y]).size === 1)
    return { ...base, classification: 'Pass', reason: 'Every value is the same', critical: false, ratio: 1, test: null };

  let test: NonNullable<MetricResult['test']>;
  try {
    if (new Set(x).size === 1 && new Set(y).size === 1) {
      const d = x[0] - y[0];
      test = { estimate: d, lower: d, upper: d, pValue: NaN, method: 'constant', bound: TOLERANCE * Math.abs(d) };
    } else {
      const r = wilcoxTest(x, y, CONFIDENCE);
      test = { estimate: r.estimate, lower: r.confInterval[0], upper: r.confInterval[1], pValue: r.pValue, method: r.method, bound: TOLERANCE * Math.abs(r.estimate) };
    }
  } catch (e) {
    return { ...base, classification: 'Error', reason: `Metric classification failed: ${(e as Error).message}`, critical: false, ratio: 1, test: null };
  }
  const meanY = mean(y);
  const ratio = meanY === 0 ? 1 : mean(x) / meanY;
  const es = cfg.effectSize;
  const isHigh = (cfg.direction === 'increase' || cfg.direction === 'either') && test.lower > test.bound && ratio >= es.allowedIncrease;
  const isLow = (cfg.direction === 'decrease' || cfg.direction === 'either') && test.upper < -test.bound && ratio <= es.allowedDecrease;
  const band = `the ${CONFIDENCE * 100}% interval of canary − baseline is [${fmt(test.lower)}, ${fmt(test.upper)}] around ${fmt(test.estimate)}; tolerance ±${fmt(test.bound)}; mean ratio ${fmt(ratio)}`;
  if (isHigh) {
    const critical = cfg.critical && ratio >= es.criticalIncrease;
    return { ...base, classification: 'High', reason: `${cfg.name} was classified as High${critical ? ' (Critical)' : ''}: ${band}`, critical, ratio, test };
  }
  if (isLow) {
    const critical = cfg.critical && ratio <= es.criticalDecrease;
    return { ...base, classification: 'Low', reason: `${cfg.name} was classified as Low${critical ? ' (Critical)' : ''}: ${band}`, critical, ratio, test };
  }
  return { ...base, classification: 'Pass', reason: `Within tolerance: ${band}`, critical: false, ratio, test };
}

/** Scores classified metrics (Kayenta's WeightedSumScorer and ThresholdScoreClassifier). */
export function score(
  metrics: MetricResult[],
  groupWeights: Record<string, number>,
  thresholds: { pass: number; marginal: number },
): JudgeResult {
  const byGroup = new Map<string, Classification[]>();
  for (const m of metrics) for (const g of m.groups) byGroup.set(g, [...(byGroup.get(g) ?? []), m.classification]);
  const groups: GroupScore[] = [...byGroup].map(([name, labels]) => {
    const counts: Partial<Record<Classification, number>> = {};
    for (const l of labels) counts[l] = (counts[l] ?? 0) + 1;
    const pass = counts.Pass ?? 0;
    const total = pass + (counts.High ?? 0) + (counts.Low ?? 0) + (counts.NodataFailMetric ?? 0);
    return { name, score: total === 0 ? 0 : (pass / total) * 100, noData: total === 0, counts };
  });
  let summary: number;
  let reason = '';
  const criticalFailures = metrics.filter((m) => m.critical && m.classification !== 'Pass');
  const nodata = metrics.filter((m) => m.classification === 'Nodata').length;
  if (criticalFailures.length > 0) {
    summary = 0;
    reason = `Canary Failed: ${criticalFailures[0].reason}`;
  } else if (metrics.length > 0 && (nodata / metrics.length) * 100 >= NODATA_THRESHOLD) {
    summary = 0;
    reason = `Canary Failed: ${NODATA_THRESHOLD}% or more metrics returned NODATA`;
  } else {
    const weightSum = Object.values(groupWeights).reduce((a, b) => a + b, 0);
    const unweighted = groups.filter((g) => !(g.name in groupWeights)).length;
    const shared = unweighted > 0 ? (100 - weightSum) / unweighted : 0;
    let s = 0;
    for (const g of groups) s += (g.noData ? 100 : g.score) * ((groupWeights[g.name] ?? shared) / 100);
    summary = Math.round(s * 100) / 100;
  }
  const classification = summary >= thresholds.pass ? 'Pass' : summary >= thresholds.marginal ? 'Marginal' : 'Fail';
  if (!reason) {
    const failing = metrics.filter((m) => m.classification === 'High' || m.classification === 'Low' || m.classification === 'NodataFailMetric');
    reason = failing.length
      ? `Score ${summary} (pass ≥ ${thresholds.pass}, marginal ≥ ${thresholds.marginal}); not passing: ${failing.map((m) => `${m.name} ${m.classification}`).join(', ')}`
      : `Score ${summary} (pass ≥ ${thresholds.pass}, marginal ≥ ${thresholds.marginal})`;
  }
  return { score: summary, classification, reason, groups, metrics };
}

function transform(raw: readonly number[], cfg: MetricJudgeConfig): { values: number[]; removed: number } {
  let values = cfg.nanStrategy === 'remove' ? raw.filter((v) => !Number.isNaN(v)) : raw.map((v) => (Number.isNaN(v) ? 0 : v));
  let removed = raw.length - values.length;
  if (cfg.outliers.strategy === 'remove' && values.length > 0) {
    const [lowerFence, upperFence] = iqrFences(values, cfg.outliers.factor);
    const kept = values.filter((v) => v >= lowerFence && v <= upperFence);
    removed += values.length - kept.length;
    values = kept;
  }
  return { values, removed };
}

/** Kayenta's IQRDetector(factor, reduceSensitivity = true): Tukey's fences, never tighter
 * than the 1st and 99th percentiles. */
export function iqrFences(data: readonly number[], factor: number): [number, number] {
  const p25 = percentile(data, 25);
  const p75 = percentile(data, 75);
  const iqr = p75 - p25;
  return [Math.min(percentile(data, 1), p25 - factor * iqr), Math.max(percentile(data, 99), p75 + factor * iqr)];
}

/** Apache Commons Math's default percentile (estimation type LEGACY): position p·(n+1)/100,
 * linear between neighbours, clamped to the ends — what Kayenta's StatUtils.percentile computes. */
export function percentile(data: readonly number[], p: number): number {
  const sorted = [...data].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 1) return sorted[0];
  const pos = (p * (n + 1)) / 100;
  if (pos < 1) return sorted[0];
  if (pos >= n) return sorted[n - 1];
  const lower = sorted[Math.floor(pos) - 1];
  const upper = sorted[Math.floor(pos)];
  return lower + (pos - Math.floor(pos)) * (upper - lower);
}

function mean(v: readonly number[]): number {
  let s = 0;
  for (const x of v) s += x;
  return s / v.length;
}

function stats(v: readonly number[]): SampleStats {
  if (v.length === 0) return { count: 0, mean: null, median: null, min: null, max: null };
  const sorted = [...v].sort((a, b) => a - b);
  return { count: v.length, mean: mean(v), median: median(sorted), min: sorted[0], max: sorted[sorted.length - 1] };
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 0.001 || a >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}
