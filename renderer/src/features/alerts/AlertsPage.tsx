// Alerts: what fires now (with who owns it and links to its traces and logs), every rule of
// alerts.yaml with its state and current value, and the history of alerts that fired. Rules are
// created and edited here or in the file (problems in it are listed with file and line).
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { AlertInstance, AlertRule, AlertRuleStatus } from '../../../../common/api/alert-schemas';
import { KIND_LABEL, describeRule, formatMeasure, num, scopeOf } from '../../../../common/alert-rules';
import { useServices } from '../../api/hooks';
import { useTimeRange } from '../../app/time-range';
import { useUpdateParams } from '../../app/url-state';
import { Ownership } from '../catalog/Ownership';
import { NotificationControl } from '../slo/SloPage';
import { Dialog } from '../../ui/overlays';
import { EmptyHint, ErrorBanner, SkeletonBlock } from '../../ui/states';
import { formatDuration, formatRelative } from '../../ui/format';
import { AlertRuleDialog } from './AlertRuleDialog';
import { useAlertHistory, useAlerts, useDeleteAlertRule } from './hooks';
import { logsLink, scopeLink, tracesLink } from './links';
import '../slo/slo.css';
import './alerts.css';

const STATE_ORDER: Record<AlertRuleStatus['state'], number> = { firing: 0, pending: 1, ok: 2, no_data: 3 };
const STATE_TEXT: Record<AlertRuleStatus['state'], string> = { firing: 'Firing', pending: 'Pending', ok: 'OK', no_data: 'No data' };

export function AlertsPage() {
  const alerts = useAlerts();
  const history = useAlertHistory();
  const { spec } = useTimeRange();
  const services = useServices(spec);
  const [params] = useSearchParams();
  const update = useUpdateParams();
  const highlight = params.get('rule');
  const filter = params.get('q') ?? '';
  const [editing, setEditing] = useState<AlertRule | 'new' | null>(null);
  const [deleting, setDeleting] = useState<AlertRule | null>(null);

  const rules = useMemo(() => {
    const q = filter.trim().toLowerCase();
    return [...(alerts.data?.rules ?? [])]
      .filter((r) => !q || `${r.rule.name} ${r.rule.service} ${r.rule.target ?? ''} ${r.rule.id}`.toLowerCase().includes(q))
      .sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.rule.name.localeCompare(b.rule.name));
  }, [alerts.data, filter]);
  const firing = alerts.data?.firing ?? [];

  useEffect(() => {
    if (highlight && alerts.data) document.getElementById(`rule-${highlight}`)?.scrollIntoView({ block: 'center' });
  }, [highlight, alerts.data]);

  return (
    <div className="page-pad page-alerts">
      <div className="page-head">
        <div>
          <h1>Alerts</h1>
          <div className="page-sub">
            {alerts.data ? (
              <>
                <span>
                  <b>{alerts.data.rules.length}</b> rule{alerts.data.rules.length === 1 ? '' : 's'}
                </span>
                {firing.length > 0 ? (
                  <span className="text-error" data-testid="alerts-firing-count">
                    <b>{firing.length}</b> firing
                  </span>
                ) : (
                  <span>nothing firing</span>
                )}
                <span title="Loupe keeps alert rules in this file; edit it by hand or here">
                  in <code>{alerts.data.file}</code>, evaluated every {Number((alerts.data.evaluateEveryMs / 1000).toPrecision(3))} s
                </span>
              </>
            ) : (
              <span>&nbsp;</span>
            )}
          </div>
        </div>
        <div className="slo-head-actions">
          <input
            className="input filter-input"
            type="search"
            placeholder="Filter rules…   /"
            aria-label="Filter alert rules"
            data-search-box
            value={filter}
            onChange={(e) => update((p) => (e.target.value ? p.set('q', e.target.value) : p.delete('q')), { replace: true })}
          />
          <NotificationControl />
          <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
            New rule
          </button>
        </div>
      </div>

      {alerts.isError ? <ErrorBanner error={alerts.error} onRetry={() => void alerts.refetch()} what="Could not load the alert rules" /> : null}
      {alerts.data && alerts.data.problems.length > 0 ? (
        <div className="banner banner-error" role="alert" data-testid="alert-problems">
          <span className="banner-icon" aria-hidden>
            !
          </span>
          <div className="banner-text">
            <strong>
              Problems in <code>{alerts.data.file}</code> (the valid rules still apply)
            </strong>
            <ul className="slo-problems">
              {alerts.data.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </div>
        </div>
      ) : null}
      {alerts.isPending ? <SkeletonBlock height={260} /> : null}

      {firing.length > 0 ? (
        <section className="alert-section" aria-label="Firing alerts">
          <h2>Firing</h2>
          <div className="alert-firing-list">
            {firing.map((a) => (
              <FiringCard key={a.id} alert={a} />
            ))}
          </div>
        </section>
      ) : null}

      {alerts.data && alerts.data.rules.length === 0 ? (
        <EmptyHint title="No alert rules yet">
          <span>A rule watches a service or an edge — its error rate, a latency percentile or its throughput, against a threshold or the previous window — or new error types, and tells you when it fires.</span>
          <button type="button" className="btn btn-primary btn-small" onClick={() => setEditing('new')}>
            Create the first rule
          </button>
        </EmptyHint>
      ) : null}
      {alerts.data && alerts.data.rules.length > 0 ? (
        <section className="alert-section" aria-label="Rules">
          <h2>Rules</h2>
          {rules.length === 0 ? <EmptyHint title={`No rule matches “${filter}”`} /> : null}
          <div className="table-wrap">
            <table className="table alert-rules-table" data-testid="alert-rules">
              <thead>
                <tr>
                  <th>State</th>
                  <th>Rule</th>
                  <th>Service or edge</th>
                  <th>Condition</th>
                  <th className="num">Now</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {rules.map((r) => (
                  <tr key={r.rule.id} id={`rule-${r.rule.id}`} className={r.rule.id === highlight ? 'row-highlight' : undefined} data-testid="alert-rule-row">
                    <td>
                      <span className={`slo-state alert-state-${r.state}`} title={r.since ? `since ${formatRelative(r.since)}` : undefined}>
                        {STATE_TEXT[r.state]}
                      </span>
                    </td>
                    <td>
                      <b>{r.rule.name}</b>
                      <div className="muted small mono">
                        {r.rule.id} · {r.rule.severity}
                      </div>
                    </td>
                    <td>
                      <Link to={scopeLink(r.rule.target ? { service: r.rule.service, target: r.rule.target } : { service: r.rule.service, target: null })}>{scopeOf(r.rule)}</Link>
                    </td>
                    <td className="small">{describeRule(r.rule)}</td>
                    <td className="num">{currentText(r)}</td>
                    <td className="alert-row-actions">
                      <button type="button" className="btn btn-small" onClick={() => setEditing(r.rule)}>
                        Edit
                      </button>
                      <button type="button" className="btn btn-small" onClick={() => setDeleting(r.rule)}>
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}

      {history.data && history.data.length > 0 ? (
        <section className="alert-section" aria-label="History">
          <h2>History</h2>
          <div className="table-wrap">
            <table className="table" data-testid="alert-history">
              <thead>
                <tr>
                  <th>Started</th>
                  <th>Rule</th>
                  <th>What fired</th>
                  <th>Lasted</th>
                  <th aria-label="Evidence" />
                </tr>
              </thead>
              <tbody>
                {history.data.map((a) => (
                  <tr key={a.id}>
                    <td className="nowrap">{formatRelative(a.startedAt)}</td>
                    <td>{a.name}</td>
                    <td className="small">{a.summary}</td>
                    <td className="nowrap">{a.resolvedAt ? formatDuration(a.resolvedAt - a.startedAt) : <span className="text-error">firing</span>}</td>
                    <td className="nowrap">
                      <Link to={tracesLink(a)}>Traces</Link> · <Link to={logsLink(a)}>Logs</Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}

      {editing ? (
        <AlertRuleDialog
          initial={editing === 'new' ? null : editing}
          services={(services.data ?? []).map((s) => s.name)}
          takenIds={(alerts.data?.rules ?? []).map((r) => r.rule.id)}
          onClose={() => setEditing(null)}
          onSaved={(id) => {
            setEditing(null);
            update((p) => p.set('rule', id), { replace: true });
          }}
        />
      ) : null}
      {deleting ? <DeleteRule rule={deleting} file={alerts.data?.file ?? 'alerts.yaml'} onClose={() => setDeleting(null)} /> : null}
    </div>
  );
}

function currentText(r: AlertRuleStatus): string {
  const v = r.current;
  if (!v) return '—';
  if (r.rule.kind === 'new_error_type') return v.newTypes.length ? `${v.newTypes.length} new` : 'none new';
  if (r.rule.mode === 'change') return v.compared === null ? 'no data' : `${v.compared >= 0 ? '+' : ''}${num(v.compared)} %`;
  return v.value === null ? 'no data' : formatMeasure(r.rule, v.value);
}

/** One firing alert: what, where, since when, who owns it, and where its evidence is. */
export function FiringCard({ alert }: { alert: AlertInstance }) {
  return (
    <div className={`alert-card alert-card-${alert.severity}`} data-testid="firing-alert">
      <div className="alert-card-head">
        <span className={`slo-state slo-state-${alert.severity}`}>{alert.severity === 'page' ? 'Page' : 'Ticket'}</span>
        <strong>{alert.name}</strong>
        <span className="muted small">
          {KIND_LABEL[alert.kind]} · {alert.target ? `${alert.service} → ${alert.target}` : alert.service} · since {formatRelative(alert.startedAt)}
        </span>
      </div>
      <div className="alert-card-summary">{alert.summary}</div>
      <div className="alert-card-foot">
        <Ownership owner={alert.owner} component={alert.component} />
        <span className="alert-card-links">
          <Link className="btn btn-small" to={tracesLink(alert)} data-testid="alert-traces-link">
            Traces
          </Link>
          <Link className="btn btn-small" to={logsLink(alert)} data-testid="alert-logs-link">
            Logs
          </Link>
          <Link className="btn btn-small" to={scopeLink(alert)}>
            {alert.target ? 'Edge on the map' : 'Service'}
          </Link>
        </span>
      </div>
    </div>
  );
}

function DeleteRule({ rule, file, onClose }: { rule: AlertRule; file: string; onClose: () => void }) {
  const remove = useDeleteAlertRule();
  return (
    <Dialog title={`Delete ${rule.name}?`} onClose={onClose}>
      <p>
        This removes <b>{rule.id}</b> from <code>{file}</code>. What it has firing resolves; its history stays.
      </p>
      {remove.isError ? <div className="form-error">{(remove.error as Error).message}</div> : null}
      <div className="slo-form-actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" disabled={remove.isPending} onClick={() => remove.mutate(rule.id, { onSuccess: onClose })}>
          Delete
        </button>
      </div>
    </Dialog>
  );
}
