// Alerts as they start firing: SLO alerts (the `alert` events of the live stream) as an in-app
// toast for every alert and a desktop notification for paging ones; alert rules (`ruleAlert`
// events) as a toast and a desktop notification each, the toast going away when the alert
// resolves (`ruleAlertResolved`). Its own stream, so alerts arrive even with live updates paused.
import { useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { EVENTS_PATH } from '../../../../common/api/contract';
import { SloAlertEvent } from '../../../../common/api/slo-schemas';
import { mergeAlert, type AlertToast } from './alerts';
import { formatBurn } from './slo-model';
import { notifyDesktop } from './notify';
import { RULE_ALERT_EVENT, RULE_ALERT_RESOLVED_EVENT, type AlertInstance } from '../../../../common/api/alert-schemas';
import { RuleAlertToast, notifyRuleAlert, parseRuleAlert } from '../alerts/RuleAlertToast';
import './slo.css';

const MAX_TOASTS = 4;
const TICKET_TOAST_MS = 20_000;

export function AlertToasts() {
  const [toasts, setToasts] = useState<AlertToast[]>([]);
  const [ruleToasts, setRuleToasts] = useState<AlertInstance[]>([]);
  const notified = useRef(new Set<string>());
  const client = useQueryClient();

  useEffect(() => {
    const source = new EventSource(EVENTS_PATH, { withCredentials: true });
    source.addEventListener('alert', (ev) => {
      let alert: SloAlertEvent;
      try {
        const parsed = SloAlertEvent.safeParse(JSON.parse((ev as MessageEvent<string>).data));
        if (!parsed.success) return;
        alert = parsed.data;
      } catch {
        return;
      }
      setToasts((list) => mergeAlert(list, alert).slice(0, MAX_TOASTS));
      void client.invalidateQueries({ queryKey: ['slos'] });
      void client.invalidateQueries({ queryKey: ['services'] });
      if (alert.severity === 'page' && !notified.current.has(alert.sloId)) {
        // One notification per SLO while its toast is up, however many rules fire.
        notified.current.add(alert.sloId);
        void notifyDesktop(`SLO alert: ${alert.name}`, `${alert.service} is burning its error budget ${formatBurn(alert.burnRate)} too fast (${alert.label}).`, alert.sloId);
      } else if (alert.severity === 'ticket') {
        window.setTimeout(() => setToasts((list) => list.filter((t) => t.key !== alert.sloId || t.alert.severity === 'page')), TICKET_TOAST_MS);
      }
    });
    source.addEventListener(RULE_ALERT_EVENT, (ev) => {
      const alert = parseRuleAlert((ev as MessageEvent<string>).data);
      if (!alert) return;
      setRuleToasts((list) => [alert, ...list.filter((a) => a.id !== alert.id)].slice(0, MAX_TOASTS));
      void client.invalidateQueries({ queryKey: ['alerts'] });
      void client.invalidateQueries({ queryKey: ['alertHistory'] });
      notifyRuleAlert(alert);
    });
    source.addEventListener(RULE_ALERT_RESOLVED_EVENT, (ev) => {
      const alert = parseRuleAlert((ev as MessageEvent<string>).data);
      if (!alert) return;
      setRuleToasts((list) => list.filter((a) => a.id !== alert.id));
      void client.invalidateQueries({ queryKey: ['alerts'] });
      void client.invalidateQueries({ queryKey: ['alertHistory'] });
    });
    return () => source.close();
  }, [client]);

  if (toasts.length === 0 && ruleToasts.length === 0) return null;
  const dismiss = (key: string) => {
    notified.current.delete(key);
    setToasts((list) => list.filter((t) => t.key !== key));
  };
  return (
    <div className="alert-toasts" role="region" aria-label="Alerts">
      {ruleToasts.map((a) => (
        <RuleAlertToast key={`rule-${a.id}`} alert={a} onDismiss={() => setRuleToasts((list) => list.filter((x) => x.id !== a.id))} />
      ))}
      {toasts.map(({ key, alert, rules }) => (
        <div key={key} className={`alert-toast alert-${alert.severity}`} role="alert" data-testid="slo-alert-toast">
          <div className="alert-toast-head">
            <span className={`slo-state slo-state-${alert.severity}`}>{alert.severity === 'page' ? 'Page' : 'Ticket'}</span>
            <strong>{alert.name}</strong>
            <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => dismiss(key)}>
              ×
            </button>
          </div>
          <div className="small">
            <Link to={`/services/${encodeURIComponent(alert.service)}`} onClick={() => dismiss(key)}>
              {alert.service}
            </Link>{' '}
            burns its error budget <b>{formatBurn(alert.burnRate)}</b> as fast as the objective allows.
          </div>
          <ul className="alert-toast-rules muted small">
            {rules.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
          <div className="alert-toast-actions">
            <Link className="btn btn-small" to={`/slos?slo=${encodeURIComponent(alert.sloId)}`} onClick={() => dismiss(key)}>
              Open the SLO
            </Link>
          </div>
        </div>
      ))}
    </div>
  );
}
