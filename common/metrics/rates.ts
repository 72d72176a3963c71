// Rates of monotonic sums, cumulative or delta, as a time-weighted average over each step of a
// chart. Every increase covers an interval (previous point, this point] for cumulative sums,
// (start, time] for delta points; its rate is spread over that interval, so a step counts only
// the time the data covers (a series that starts mid-window is not divided by the whole window).

/** One stored point of a sum: times in ms, value as sent (null when it was NaN/Inf). */
export interface SumPoint {
  startMs: number;
  timeMs: number;
  value: number | null;
}

/** An increase spread evenly over (fromMs, toMs]. */
export interface Increase {
  fromMs: number;
  toMs: number;
  amount: number;
}

export interface IncreaseResult {
  increases: Increase[];
  /** How many times the counter went back (a restart, or a new start time). */
  resets: number;
  /** Points dropped because their value was not a finite number. */
  invalid: number;
}

/**
 * Increases of a cumulative monotonic sum. A value lower than the previous one, or a start
 * time after the previous point, is a reset: the counter began again from zero at its start
 * time (or just after the previous point when it has none), so the whole new value counts.
 */
export function cumulativeIncreases(points: readonly SumPoint[]): IncreaseResult {
  const increases: Increase[] = [];
  let resets = 0;
  let invalid = 0;
  let prev: SumPoint | null = null;
  for (const p of points) {
    if (p.value === null || !Number.isFinite(p.value)) {
      invalid++;
      continue;
    }
    if (prev === null) {
      // A first point whose start is known covers (start, time]: what was counted since then.
      if (p.startMs > 0 && p.startMs < p.timeMs) increases.push({ fromMs: p.startMs, toMs: p.timeMs, amount: p.value });
      prev = p;
      continue;
    }
    if (p.timeMs <= prev.timeMs) continue;
    const restarted = p.value < prev.value! || (p.startMs > 0 && prev.startMs > 0 && p.startMs > prev.startMs && p.startMs >= prev.timeMs);
    if (restarted) {
      resets++;
      const from = p.startMs > prev.timeMs && p.startMs < p.timeMs ? p.startMs : prev.timeMs;
      increases.push({ fromMs: from, toMs: p.timeMs, amount: p.value });
    } else {
      increases.push({ fromMs: prev.timeMs, toMs: p.timeMs, amount: p.value - prev.value! });
    }
    prev = p;
  }
  return { increases, resets, invalid };
}

/**
 * Increases of a delta sum: each point is what was counted over (start, time]. A point without
 * a start time covers the gap since the previous point (or nothing, if it is the first).
 */
export function deltaIncreases(points: readonly SumPoint[]): IncreaseResult {
  const increases: Increase[] = [];
  let invalid = 0;
  let prevTime: number | null = null;
  for (const p of points) {
    if (p.value === null || !Number.isFinite(p.value)) {
      invalid++;
      continue;
    }
    const from = p.startMs > 0 && p.startMs < p.timeMs ? p.startMs : prevTime;
    if (from !== null && from < p.timeMs) increases.push({ fromMs: from, toMs: p.timeMs, amount: p.value });
    prevTime = p.timeMs;
  }
  return { increases, resets: 0, invalid };
}

/**
 * Per-second rate in each step [start + i·step, start + (i+1)·step): the increases' rates
 * averaged over the part of the step they cover; null where nothing covers it (a gap).
 */
export function ratePerStep(increases: readonly Increase[], startMs: number, stepMs: number, steps: number): Array<number | null> {
  const amount = new Float64Array(steps);
  const covered = new Float64Array(steps);
  for (const inc of increases) {
    const span = inc.toMs - inc.fromMs;
    if (span <= 0) continue;
    const perMs = inc.amount / span;
    const first = Math.max(0, Math.floor((inc.fromMs - startMs) / stepMs));
    const last = Math.min(steps - 1, Math.floor((inc.toMs - startMs - 1e-9) / stepMs));
    for (let i = first; i <= last; i++) {
      const lo = Math.max(inc.fromMs, startMs + i * stepMs);
      const hi = Math.min(inc.toMs, startMs + (i + 1) * stepMs);
      if (hi <= lo) continue;
      amount[i] += perMs * (hi - lo);
      covered[i] += hi - lo;
    }
  }
  return Array.from(amount, (a, i) => (covered[i] > 0 ? (a / covered[i]) * 1000 : null));
}

/** Per-second rate over a whole window: total increase inside it over the time it covers. */
export function windowRate(increases: readonly Increase[], fromMs: number, toMs: number): number | null {
  // ratePerStep with one step, without its arrays: every rate on the Services list and the map
  // comes through here, thousands per call (sparklines).
  const stepMs = toMs - fromMs;
  let amount = 0;
  let covered = 0;
  for (const inc of increases) {
    const span = inc.toMs - inc.fromMs;
    if (span <= 0) continue;
    if (Math.floor((inc.fromMs - fromMs) / stepMs) > 0 || Math.floor((inc.toMs - fromMs - 1e-9) / stepMs) < 0) continue;
    const lo = Math.max(inc.fromMs, fromMs);
    const hi = Math.min(inc.toMs, fromMs + stepMs);
    if (hi <= lo) continue;
    amount += (inc.amount / span) * (hi - lo);
    covered += hi - lo;
  }
  return covered > 0 ? (amount / covered) * 1000 : null;
}
