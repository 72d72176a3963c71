// The statistics every benchmark reports, defined once: nearest-rank percentiles and rounding.

/** The nearest-rank percentile `p` (0–100) of the samples, in any order; NaN (null in the JSON
 * figures) when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export const median = (samples: readonly number[]) => percentile(samples, 50);

/** `n` to `digits` decimals. */
export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
