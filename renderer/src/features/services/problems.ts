// "What is broken now": services ranked for someone arriving mid-incident. A paging SLO alert
// comes first, then failing services (Kiali's > 10% errors), ticket alerts, latency regressions
// against the previous window, degraded services, and the rest by traffic.
import type { ServiceSummary } from '../../../../common/api/service-schemas';

export type Ranking = 'problems' | 'errors' | 'regression' | 'slo';

/** p95 this many times the previous window's counts as a regression. */
export const REGRESSION_RATIO = 1.5;

type Row = Pick<ServiceSummary, 'health' | 'errorRate' | 'latencyRatio' | 'p95BaselineMs' | 'sloBurn' | 'sloAlert' | 'rps' | 'requests'>;

export function isRegressed(s: Pick<Row, 'latencyRatio' | 'p95BaselineMs'>, ratio = REGRESSION_RATIO): boolean {
  return s.latencyRatio !== null && s.p95BaselineMs !== null && s.latencyRatio >= ratio;
}

function tier(s: Row): number {
  if (s.sloAlert === 'page') return 6;
  if (s.health === 'failing') return 5;
  if (s.sloAlert === 'ticket') return 4;
  if (isRegressed(s, 2)) return 3;
  if (s.health === 'degraded') return 2;
  if (isRegressed(s) || (s.sloBurn ?? 0) > 1) return 1;
  if (s.health === 'idle') return -1;
  return 0;
}

/** Higher is worse. Within a tier: error rate, then SLO burn, then regression, then traffic. */
export function problemScore(s: Row): number {
  const within =
    Math.min(1, s.errorRate) * 5 + (Math.min(100, s.sloBurn ?? 0) / 100) * 2.5 + (Math.min(10, s.latencyRatio ?? 0) / 10) * 2 + (Math.min(1000, s.rps) / 1000) * 0.4;
  return tier(s) * 10 + within;
}

export const RANKING_VALUE: Record<Ranking, (s: Row) => number> = {
  problems: problemScore,
  errors: (s) => (s.requests > 0 ? s.errorRate : -1),
  regression: (s) => (s.latencyRatio !== null && s.p95BaselineMs !== null ? s.latencyRatio : -1),
  slo: (s) => (s.sloAlert === 'page' ? 2000 : s.sloAlert === 'ticket' ? 1000 : 0) + (s.sloBurn ?? -1),
};

export interface ProblemReason {
  tone: 'error' | 'warn';
  text: string;
  title: string;
}

/** Why a service ranks where it does, as short chips. */
export function problemReasons(s: Row): ProblemReason[] {
  const out: ProblemReason[] = [];
  if (s.sloAlert) {
    out.push({
      tone: s.sloAlert === 'page' ? 'error' : 'warn',
      text: `SLO ${s.sloAlert}${s.sloBurn ? ` · ${s.sloBurn >= 10 ? s.sloBurn.toFixed(0) : s.sloBurn.toFixed(1)}× burn` : ''}`,
      title: `An SLO of this service fires a ${s.sloAlert === 'page' ? 'page' : 'ticket'} alert: its error budget burns ${s.sloBurn ? `${s.sloBurn.toFixed(1)}×` : 'much'} faster than the objective allows`,
    });
  }
  if (isRegressed(s)) {
    out.push({
      tone: s.latencyRatio! >= 2 ? 'error' : 'warn',
      text: `p95 ↑${s.latencyRatio!.toFixed(1)}×`,
      title: `p95 latency is ${s.latencyRatio!.toFixed(1)}× what it was in the window before this one`,
    });
  }
  return out;
}
