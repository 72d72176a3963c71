// Catalog components joined with the services seen in telemetry (a service row names the
// component it matched), and the health of a set of them rolled up for teams and systems.
import type { ServiceSummary } from '../../../../common/api/service-schemas';

export type ServiceHealth = ServiceSummary['health'];
/** `silent`: the component sent nothing in the window. */
export type ComponentHealth = ServiceHealth | 'silent';

export function servicesByComponent(services: readonly ServiceSummary[] | undefined): Map<string, ServiceSummary> {
  const out = new Map<string, ServiceSummary>();
  for (const s of services ?? []) if (s.component && !out.has(s.component)) out.set(s.component, s);
  return out;
}

export interface HealthRollUp {
  components: number;
  /** Components with telemetry in the window, and those without. */
  live: number;
  silent: number;
  healthy: number;
  degraded: number;
  failing: number;
  idle: number;
  requests: number;
  errors: number;
  errorRate: number;
  rps: number;
  /** The worst health among live components (failing > degraded > healthy > idle). */
  worst: ServiceHealth | null;
}

const SEVERITY: Record<ServiceHealth, number> = { idle: 0, healthy: 1, degraded: 2, failing: 3 };

export function rollUp(componentRefs: readonly string[], byComponent: Map<string, ServiceSummary>): HealthRollUp {
  const r: HealthRollUp = { components: 0, live: 0, silent: 0, healthy: 0, degraded: 0, failing: 0, idle: 0, requests: 0, errors: 0, errorRate: 0, rps: 0, worst: null };
  for (const ref of new Set(componentRefs)) {
    r.components++;
    const s = byComponent.get(ref);
    if (!s) {
      r.silent++;
      continue;
    }
    r.live++;
    r[s.health]++;
    r.requests += s.requests;
    r.errors += s.requestErrors;
    r.rps += s.rps;
    if (r.worst === null || SEVERITY[s.health] > SEVERITY[r.worst]) r.worst = s.health;
  }
  r.errorRate = r.requests > 0 ? r.errors / r.requests : 0;
  return r;
}

export function componentHealth(ref: string, byComponent: Map<string, ServiceSummary>): ComponentHealth {
  return byComponent.get(ref)?.health ?? 'silent';
}

export const HEALTH_TEXT: Record<ComponentHealth, string> = {
  healthy: 'Healthy: error rate under 0.1%',
  degraded: 'Degraded: error rate at or above 0.1%',
  failing: 'Failing: error rate above 10%',
  idle: 'Seen, but no requests in this window',
  silent: 'Silent: no telemetry from this component in this window',
};
