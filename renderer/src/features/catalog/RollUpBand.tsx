// The health of a set of components in one line: how many run, how many are silent, how many
// are degraded or failing, and their combined traffic and error rate.
import { formatPercent, formatRate } from '../../ui/format';
import type { HealthRollUp } from './health';
import { HealthDot } from './parts';

export function RollUpBand({ r, what = 'components' }: { r: HealthRollUp; what?: string }) {
  return (
    <div className="rollup" data-testid="health-rollup">
      <div className="rollup-main">
        {r.worst ? <HealthDot health={r.worst} /> : <HealthDot health="silent" />}
        <b>{r.components}</b> {r.components === 1 ? what.replace(/s$/, '') : what}
      </div>
      <div className="rollup-item">
        <b>{r.live}</b> live
      </div>
      <div className={`rollup-item${r.silent ? ' text-muted-strong' : ''}`}>
        <b>{r.silent}</b> silent
      </div>
      {r.failing ? (
        <div className="rollup-item text-error">
          <b>{r.failing}</b> failing
        </div>
      ) : null}
      {r.degraded ? (
        <div className="rollup-item text-warn">
          <b>{r.degraded}</b> degraded
        </div>
      ) : null}
      <div className="rollup-item">
        <b>{formatRate(r.rps)}</b>
      </div>
      <div className="rollup-item">
        <b>{r.requests ? formatPercent(r.errorRate) : '—'}</b> of requests failed
      </div>
    </div>
  );
}
