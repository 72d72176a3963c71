// One SLO's status: state, error budget left, burn rate per window, the multiwindow alert rules
// and the budget burn-down over the SLO window.
import { Link, useSearchParams } from 'react-router-dom';
import { Area, AreaChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SloStatus } from '../../../../common/api/slo-schemas';
import { rangeParams } from '../../app/time-range';
import { formatCount, formatPercent } from '../../ui/format';
import { timeAxisLabel, timeAxisTicks } from '../../ui/time-axis';
import { budgetTone, burnTone, formatBurn, sliText, STATE_TEXT, windowLabel } from './slo-model';
import '../service-page/service.css';

export function BudgetBar({ status, compact }: { status: SloStatus; compact?: boolean }) {
  const { remaining, allowed, consumed } = status.budget;
  const tone = budgetTone(remaining, status.total);
  const shown = Number.isFinite(remaining) ? remaining : -1;
  const pct = Math.max(0, Math.min(1, shown));
  return (
    <div className={`budget${compact ? ' budget-compact' : ''}`} data-testid="slo-budget">
      <div className="budget-head">
        <span className="budget-label">Error budget left</span>
        <b className={`budget-value slo-tone-${tone}`} data-testid="slo-budget-value">
          {status.total === 0 ? '—' : shown <= -1 ? 'spent' : formatPercent(shown)}
        </b>
      </div>
      <div className="budget-track" role="meter" aria-label="Error budget left" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct * 100)}>
        <span className={`budget-fill slo-tone-${tone}`} style={{ width: `${pct * 100}%` }} />
      </div>
      {!compact ? (
        <div className="muted small">
          {status.total === 0
            ? 'No requests in the SLO window yet.'
            : `${formatCount(Math.round(consumed))} bad requests of the ${allowed < 10 ? Math.max(0, allowed).toFixed(1) : formatCount(Math.round(allowed))} the objective allows over ${status.slo.window} at this traffic`}
        </div>
      ) : null}
    </div>
  );
}

export function StateBadge({ state, failed = false }: { state: SloStatus['state']; failed?: boolean }) {
  return (
    <span className={`slo-state slo-state-${failed ? 'error' : state}`} data-testid="slo-state">
      {failed ? 'not evaluated' : STATE_TEXT[state]}
    </span>
  );
}

/** Why a data source could not evaluate this SLO (the others in the list still are). */
export function SloError({ status }: { status: SloStatus }) {
  if (!status.error) return null;
  return (
    <div className="notice notice-warn slo-error" data-testid="slo-error">
      <b>Could not evaluate this SLO.</b> {status.error.message}
    </div>
  );
}

export function BurnRates({ status }: { status: SloStatus }) {
  return (
    <div className="burn-rates" data-testid="slo-burn-rates">
      {[...status.burnRates]
        .sort((a, b) => a.windowMs - b.windowMs)
        .map((b) => (
          <div key={b.windowMs} className={`burn slo-tone-${burnTone(b.burnRate)}`} title={`Over the last ${windowLabel(b.windowMs)} the budget burns ${formatBurn(b.burnRate)} the sustainable rate`}>
            <span className="burn-window">{windowLabel(b.windowMs)}</span>
            <span className="burn-value">{formatBurn(b.burnRate)}</span>
          </div>
        ))}
    </div>
  );
}

export function AlertRules({ status }: { status: SloStatus }) {
  return (
    <table className="mini-table alert-rules" data-testid="slo-alerts">
      <thead>
        <tr>
          <th>Alert</th>
          <th>Rule</th>
          <th className="num" title="Burn rate over the rule's long window">Long</th>
          <th className="num" title="Burn rate over the rule's short window">Short</th>
          <th>State</th>
        </tr>
      </thead>
      <tbody>
        {status.alerts.map((a) => (
          <tr key={a.label} className={a.firing ? 'alert-firing' : undefined} data-firing={a.firing}>
            <td>
              <span className={`slo-state slo-state-${a.severity}`}>{a.severity === 'page' ? 'Page' : 'Ticket'}</span>
            </td>
            <td>{a.label}</td>
            <td className={`num mono slo-tone-${a.longBurn > a.factor ? 'error' : 'muted'}`}>{formatBurn(a.longBurn)}</td>
            <td className={`num mono slo-tone-${a.shortBurn > a.factor ? 'error' : 'muted'}`}>{formatBurn(a.shortBurn)}</td>
            <td className="nowrap">{a.firing ? <b className="slo-tone-error">● firing</b> : <span className="muted">quiet</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function BurnDown({ status, height = 120 }: { status: SloStatus; height?: number }) {
  const rows = status.history.map((h) => ({ time: h.time, remaining: Number.isFinite(h.remaining) ? Math.max(-1, h.remaining) * 100 : -100 }));
  if (rows.length < 2) return <div className="muted small burn-down-empty">The burn-down fills in as requests arrive.</div>;
  const from = rows[0].time;
  const to = rows[rows.length - 1].time;
  const low = Math.min(0, ...rows.map((r) => r.remaining));
  const tone = budgetTone(status.budget.remaining, status.total);
  const color = tone === 'error' ? 'var(--error)' : tone === 'warn' ? 'var(--warn)' : 'var(--ok)';
  return (
    <div className="burn-down" data-testid="slo-burn-down">
      <ResponsiveContainer width="100%" height={height}>
        <AreaChart data={rows} margin={{ top: 6, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid className="chart-grid" vertical={false} />
          <XAxis
            dataKey="time"
            type="number"
            scale="time"
            domain={[from, to]}
            ticks={timeAxisTicks(from, to, 5)}
            tickFormatter={(v: number) => (to - from > 2 * 86_400_000 ? new Date(v).toLocaleDateString(undefined, { month: 'short', day: 'numeric' }) : timeAxisLabel(v, to - from))}
            tick={{ className: 'chart-tick' }}
            tickLine={false}
            axisLine={{ className: 'chart-axis' }}
          />
          <YAxis domain={[Math.floor(low / 25) * 25, 100]} tickFormatter={(v: number) => `${v}%`} tick={{ className: 'chart-tick' }} tickLine={false} axisLine={false} width={44} />
          <ReferenceLine y={0} stroke="var(--error)" strokeDasharray="3 3" />
          <Tooltip
            isAnimationActive={false}
            cursor={{ stroke: 'var(--border-strong)' }}
            content={({ active, payload, label }) =>
              active && payload?.length ? (
                <div className="chart-tooltip">
                  <div className="muted">{new Date(Number(label)).toLocaleString()}</div>
                  <div>
                    budget left <b>{Number(payload[0].value).toFixed(1)}%</b>
                  </div>
                </div>
              ) : null
            }
          />
          <Area dataKey="remaining" type="monotone" stroke={color} fill={color} fillOpacity={0.14} strokeWidth={1.6} dot={false} isAnimationActive={false} />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}

/** The time range and the data source (absent = local), carried to the service page. */
function carryParams(params: URLSearchParams): string {
  const carry = rangeParams(params);
  const source = params.get('source');
  if (source) carry.set('source', source);
  return carry.toString();
}

export function SloCard({ status, onEdit, onDelete, highlight }: { status: SloStatus; onEdit: () => void; onDelete: () => void; highlight?: boolean }) {
  const { slo } = status;
  const [params] = useSearchParams();
  const carry = carryParams(params);
  return (
    <article className={`slo-card slo-card-${status.state}${highlight ? ' slo-card-highlight' : ''}`} data-testid="slo-card" data-slo-id={slo.id} id={`slo-${slo.id}`}>
      <header className="slo-card-head">
        <StateBadge state={status.state} failed={!!status.error} />
        <div className="slo-card-title">
          <h2>{slo.name}</h2>
          <div className="muted small">
            <Link to={`/services/${encodeURIComponent(slo.service)}${carry ? `?${carry}` : ''}`}>{slo.service}</Link> · {slo.sli === 'latency' ? 'Latency' : 'Availability'}: {sliText(slo)} ·{' '}
            <b>{slo.objective}%</b> over a rolling <b>{slo.window}</b>
            {slo.description ? <> · {slo.description}</> : null}
          </div>
        </div>
        <div className="slo-card-actions">
          <button type="button" className="btn btn-small" onClick={onEdit} aria-label={`Edit ${slo.name}`}>
            Edit
          </button>
          <button type="button" className="btn btn-small" onClick={onDelete} aria-label={`Delete ${slo.name}`}>
            Delete
          </button>
        </div>
      </header>
      {status.notice ? (
        <div className="muted small slo-notice" data-testid="slo-notice">
          {status.notice}
        </div>
      ) : null}
      <SloError status={status} />
      {status.error ? null : (
      <div className="slo-card-body">
        <div className="slo-col">
          <BudgetBar status={status} />
          <div className="slo-sli">
            <span className="muted">SLI over {slo.window}</span>{' '}
            <b className={status.sli !== null && status.sli * 100 < slo.objective ? 'slo-tone-error' : ''}>{status.sli === null ? '—' : `${(status.sli * 100).toFixed(status.sli > 0.999 ? 3 : 2)}%`}</b>
            <span className="muted small"> of {formatCount(status.total)} requests good</span>
          </div>
          <div className="slo-sub">Burn rate by window</div>
          <BurnRates status={status} />
        </div>
        <div className="slo-col">
          <div className="slo-sub">Budget burn-down</div>
          <BurnDown status={status} />
        </div>
        <div className="slo-col slo-col-wide">
          <div className="slo-sub">Multiwindow, multi-burn-rate alerts</div>
          <AlertRules status={status} />
        </div>
      </div>
      )}
    </article>
  );
}
