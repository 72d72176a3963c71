// The number of firing alerts, next to "Alerts" in the navigation.
import { useAlerts } from './hooks';
import '../catalog/nav-badge.css';

export function AlertsNavBadge() {
  const alerts = useAlerts();
  const n = alerts.data?.firing.length ?? 0;
  if (n === 0) return null;
  return (
    <span className="nav-badge" title={`${n} alert${n === 1 ? '' : 's'} firing`} data-testid="alerts-nav-badge">
      {n}
    </span>
  );
}
