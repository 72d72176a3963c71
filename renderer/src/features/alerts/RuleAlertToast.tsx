// An alert rule that started firing, as a toast (beside the SLO alert toasts) and as a desktop
// notification naming the owner: where to look (traces, logs) is one click away.
import { Link } from 'react-router-dom';
import { AlertInstance } from '../../../../common/api/alert-schemas';
import { notifyDesktop } from '../slo/notify';
import { splitRef } from '../catalog/refs';
import { logsLink, tracesLink } from './links';
import './alerts.css';

export function parseRuleAlert(data: string): AlertInstance | null {
  try {
    const parsed = AlertInstance.safeParse(JSON.parse(data));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Title and body of the desktop notification for an alert. */
export function notificationText(alert: AlertInstance): { title: string; body: string } {
  const owner = alert.owner ? ` Owner: ${splitRef(alert.owner).name}.` : '';
  return { title: `Alert: ${alert.name}`, body: `${alert.target ? `${alert.service} → ${alert.target}` : alert.service}: ${alert.summary}.${owner}` };
}

export function notifyRuleAlert(alert: AlertInstance): void {
  const { title, body } = notificationText(alert);
  void notifyDesktop(title, body, `alert-${alert.id}`, `/alerts?rule=${encodeURIComponent(alert.ruleId)}`);
}

export function RuleAlertToast({ alert, onDismiss }: { alert: AlertInstance; onDismiss: () => void }) {
  return (
    <div className={`alert-toast alert-${alert.severity}`} role="alert" data-testid="rule-alert-toast">
      <div className="alert-toast-head">
        <span className={`slo-state slo-state-${alert.severity}`}>{alert.severity === 'page' ? 'Page' : 'Ticket'}</span>
        <strong>{alert.name}</strong>
        <button type="button" className="icon-btn" aria-label="Dismiss" onClick={onDismiss}>
          ×
        </button>
      </div>
      <div className="small alert-toast-summary">
        <b>{alert.target ? `${alert.service} → ${alert.target}` : alert.service}</b>: {alert.summary}
      </div>
      {alert.owner ? <div className="muted small">owned by {splitRef(alert.owner).name}</div> : null}
      <div className="alert-toast-actions">
        <Link className="btn btn-small" to={tracesLink(alert)} onClick={onDismiss}>
          Traces
        </Link>
        <Link className="btn btn-small" to={logsLink(alert)} onClick={onDismiss}>
          Logs
        </Link>
        <Link className="btn btn-small" to={`/alerts?rule=${encodeURIComponent(alert.ruleId)}`} onClick={onDismiss}>
          Open the alert
        </Link>
      </div>
    </div>
  );
}
