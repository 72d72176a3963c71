// The alert rules of one service (on it, or on its calls to others), for its page: what fires
// now, with links to its evidence, the rules' states, and a rule to add with the service filled in.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { AlertRule } from '../../../../common/api/alert-schemas';
import { describeRule, scopeOf } from '../../../../common/alert-rules';
import { SkeletonBlock } from '../../ui/states';
import { AlertRuleDialog } from './AlertRuleDialog';
import { FiringCard } from './AlertsPage';
import { useAlerts } from './hooks';
import './alerts.css';

const STATE_TEXT = { firing: 'Firing', pending: 'Pending', ok: 'OK', no_data: 'No data' } as const;

export function ServiceAlerts({ service, services }: { service: string; services: string[] }) {
  const alerts = useAlerts();
  const [editing, setEditing] = useState<AlertRule | 'new' | null>(null);
  const mine = (alerts.data?.rules ?? []).filter((r) => r.rule.service === service || r.rule.target === service);
  const firing = mine.flatMap((r) => r.firing);
  return (
    <section className="svc-section" data-testid="service-alerts">
      <h2>
        Alert rules <span className="count">{mine.length}</span>
        <button type="button" className="btn btn-small svc-section-action" onClick={() => setEditing('new')}>
          Add an alert rule
        </button>
      </h2>
      {alerts.isPending ? <SkeletonBlock height={60} /> : null}
      {alerts.data && mine.length === 0 ? (
        <div className="muted small">No alert rule watches {service} yet. One can watch its error rate, latency or throughput (or those of its calls to another service), or new error types.</div>
      ) : null}
      {firing.length ? (
        <div className="alert-firing-list">
          {firing.map((a) => (
            <FiringCard key={a.id} alert={a} />
          ))}
        </div>
      ) : null}
      {mine.length ? (
        <ul className="svc-alert-rules">
          {mine.map((r) => (
            <li key={r.rule.id}>
              <span className={`slo-state alert-state-${r.state}`}>{STATE_TEXT[r.state]}</span>
              <Link to={`/alerts?rule=${encodeURIComponent(r.rule.id)}`}>{r.rule.name}</Link>
              <span className="muted small">
                {scopeOf(r.rule)} · {describeRule(r.rule)}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {editing ? (
        <AlertRuleDialog
          initial={editing === 'new' ? null : editing}
          service={service}
          services={services}
          takenIds={(alerts.data?.rules ?? []).map((r) => r.rule.id)}
          onClose={() => setEditing(null)}
          onSaved={() => setEditing(null)}
        />
      ) : null}
    </section>
  );
}
