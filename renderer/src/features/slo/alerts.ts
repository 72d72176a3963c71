// SLO alert toasts: what the toast list becomes when an alert starts firing.
import type { SloAlertEvent } from '../../../../common/api/slo-schemas';

/** One toast per SLO: the rules that started firing are gathered on it, the most severe first. */
export interface AlertToast {
  key: string;
  alert: SloAlertEvent;
  rules: string[];
}

export function mergeAlert(list: AlertToast[], alert: SloAlertEvent): AlertToast[] {
  const existing = list.find((t) => t.key === alert.sloId);
  if (!existing) return [{ key: alert.sloId, alert, rules: [alert.label] }, ...list];
  const worse = alert.severity === 'page' && existing.alert.severity !== 'page';
  const merged: AlertToast = {
    key: alert.sloId,
    alert: { ...(worse ? alert : existing.alert), burnRate: Math.max(alert.burnRate, existing.alert.burnRate) },
    rules: existing.rules.includes(alert.label) ? existing.rules : worse ? [alert.label, ...existing.rules] : [...existing.rules, alert.label],
  };
  return [merged, ...list.filter((t) => t.key !== alert.sloId)];
}
