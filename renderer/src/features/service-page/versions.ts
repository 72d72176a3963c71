// Versions of a service side by side: which one is slower and which one fails more than the
// best of them, so a bad canary stands out without reading the numbers.
import type { GoldenSignals } from '../../../../common/api/service-schemas';

export type VersionSignals = GoldenSignals['versions'][number];

export interface VersionComparison extends VersionSignals {
  /** Share of the service's requests in the window. */
  share: number;
  /** p95 over the fastest version's p95 (null without enough requests). */
  p95Ratio: number | null;
  /** Error rate minus the most reliable version's. */
  errorDelta: number | null;
  slower: boolean;
  failsMore: boolean;
  /** The version to look at first: worse on the most counts. */
  worst: boolean;
  /** Too few requests to compare. */
  thin: boolean;
}

/** Below this many requests a version's percentiles say little. */
export const MIN_CALLS = 10;
const SLOWER_RATIO = 1.25;
const SLOWER_MIN_MS = 5;
const MORE_ERRORS_ABS = 0.005;

/** Orders versions newest first by their numeric parts ("1.10.0" after "1.9.3"). */
export function compareVersionNames(a: string, b: string): number {
  const pa = a.split(/[.+-]/);
  const pb = b.split(/[.+-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = Number(x);
    const ny = Number(y);
    const diff = Number.isFinite(nx) && Number.isFinite(ny) && x !== '' && y !== '' ? nx - ny : x.localeCompare(y);
    if (diff !== 0) return -diff;
  }
  return 0;
}

export function compareVersions(versions: readonly VersionSignals[]): VersionComparison[] {
  const total = versions.reduce((a, v) => a + v.calls, 0);
  const solid = versions.filter((v) => v.calls >= MIN_CALLS);
  const comparable = solid.length >= 2;
  const fastest = Math.min(...solid.map((v) => v.p95Ms ?? Infinity));
  const fewestErrors = Math.min(...solid.map((v) => v.errorRate));
  const rows = versions.map((v): VersionComparison => {
    const thin = v.calls < MIN_CALLS;
    const p95Ratio = comparable && !thin && v.p95Ms !== null && Number.isFinite(fastest) && fastest > 0 ? v.p95Ms / fastest : null;
    const errorDelta = comparable && !thin ? v.errorRate - fewestErrors : null;
    const slower = p95Ratio !== null && p95Ratio >= SLOWER_RATIO && v.p95Ms! - fastest >= SLOWER_MIN_MS;
    const failsMore = errorDelta !== null && errorDelta >= MORE_ERRORS_ABS && v.errorRate >= fewestErrors * 1.5;
    return { ...v, share: total ? v.calls / total : 0, p95Ratio, errorDelta, slower, failsMore, worst: false, thin };
  });
  const flagged = rows.filter((r) => r.slower || r.failsMore);
  if (flagged.length > 0) {
    const worst = flagged.sort((a, b) => Number(b.slower) + Number(b.failsMore) - (Number(a.slower) + Number(a.failsMore)) || (b.p95Ratio ?? 0) - (a.p95Ratio ?? 0))[0];
    worst.worst = true;
  }
  return rows.sort((a, b) => compareVersionNames(a.version, b.version));
}
