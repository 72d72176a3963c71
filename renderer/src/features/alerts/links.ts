// Where an alert's evidence is: the trace and log explorers for its window and its service or
// edge, through their own URL parameters (service, peer, status; service, sev; from, to).
import type { AlertInstance } from '../../../../common/api/alert-schemas';

const ERROR_SEVERITY = 17;

function range(alert: Pick<AlertInstance, 'windowFrom' | 'resolvedAt'>): URLSearchParams {
  const p = new URLSearchParams();
  p.set('from', String(Math.floor(alert.windowFrom)));
  // A firing alert's evidence keeps arriving: up to now; a resolved one's ends when it did.
  p.set('to', alert.resolvedAt ? String(Math.ceil(alert.resolvedAt)) : 'now');
  return p;
}

const errorKinds = new Set<AlertInstance['kind']>(['error_rate', 'new_error_type']);

export function tracesLink(alert: Pick<AlertInstance, 'kind' | 'service' | 'target' | 'windowFrom' | 'resolvedAt'>): string {
  const p = range(alert);
  p.set('service', alert.service);
  if (alert.target) p.set('peer', alert.target);
  if (errorKinds.has(alert.kind)) p.set('status', 'error');
  return `/traces?${p}`;
}

export function logsLink(alert: Pick<AlertInstance, 'kind' | 'service' | 'windowFrom' | 'resolvedAt'>): string {
  const p = range(alert);
  p.set('service', alert.service);
  if (errorKinds.has(alert.kind)) p.set('sev', String(ERROR_SEVERITY));
  return `/logs?${p}`;
}

/** The service page, or the map with the edge's drawer open. */
export function scopeLink(alert: Pick<AlertInstance, 'service' | 'target'>): string {
  if (alert.target) return `/map?edge=${encodeURIComponent(`${alert.service}→${alert.target}`)}`;
  return `/services/${encodeURIComponent(alert.service)}`;
}
