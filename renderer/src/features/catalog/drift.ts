// Pure helpers of the drift views: which components drifted, the descriptor that claims an
// ownerless service, and what a non-service dependency is (a database, a queue).
import type { CatalogComponentDrift } from '../../../../common/api/catalog-schemas';

export function hasDrift(c: CatalogComponentDrift): boolean {
  return c.undeclared.length + c.stale.length + c.unresolvedApis.length > 0;
}

/** A minimal catalog-info.yaml that makes a service someone's component. */
export function ownerlessSnippet(service: string): string {
  return `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${service}
spec:
  type: service
  lifecycle: production
  owner: <team>`;
}

export interface Peer {
  type: string;
  system: string;
}

/** Non-service nodes of the service map by name (names that are also services are left out). */
export function peersByName(nodes: ReadonlyArray<{ name: string; type: string; system?: string }>): Map<string, Peer> {
  const services = new Set(nodes.filter((n) => n.type === 'service').map((n) => n.name));
  const out = new Map<string, Peer>();
  for (const n of nodes) if (n.type !== 'service' && !services.has(n.name) && !out.has(n.name)) out.set(n.name, { type: n.type, system: n.system ?? '' });
  return out;
}
