// Where the catalog meets telemetry. A component is the service whose `service.name` equals its
// metadata.name, or its `loupe.dev/service-name` annotation. Declared dependencies (dependsOn
// components and resources, and consumed APIs resolved to the components that provide them) are
// compared with the edges seen in traces: confirmed, undeclared (seen only), stale (declared only).
import type {
  CatalogComponentDrift,
  CatalogDriftDependency,
  CatalogDriftReport,
  CatalogEntity,
  CatalogSilentComponent,
} from '../../common/api/catalog-schemas';
import { splitEntityRef } from './entity-ref';
import { SERVICE_NAME_ANNOTATION } from './links';

/** An edge of the service map: `source` called `target` (telemetry service names, or the
 * display name of a database, queue or external peer, with its type and map node id). */
export interface ObservedEdge {
  source: string;
  target: string;
  targetType?: 'service' | 'database' | 'queue' | 'external';
  targetNode?: string;
}

export interface ObservedTelemetry {
  /** Service names seen in the window. */
  services: readonly string[];
  edges: readonly ObservedEdge[];
}

// Backstage compares names case-insensitively; service.name is case-sensitive in OpenTelemetry,
// but two services differing only in case are far rarer than a descriptor written in another case.
const key = (serviceName: string) => serviceName.toLowerCase();

// Components answer for services; resources for databases, queues and external peers, so a
// Kafka topic named like a service never confirms (or hides) a dependency on that service.
const targetKey = (name: string, isResource: boolean) => (isResource ? 'resource:' : 'service:') + key(name);
const isPeer = (edge: ObservedEdge) => edge.targetType !== undefined && edge.targetType !== 'service';

/** The telemetry service name of a component (or resource). */
export function serviceNameOf(entity: CatalogEntity): string {
  const annotations = entity.metadata.annotations as Record<string, unknown> | undefined;
  const annotated = annotations?.[SERVICE_NAME_ANNOTATION];
  return typeof annotated === 'string' && annotated.trim() !== '' ? annotated.trim() : entity.name;
}

const isComponent = (e: CatalogEntity) => e.kind === 'Component';
const canRun = (e: CatalogEntity) => e.kind === 'Component' || e.kind === 'Resource';

function byServiceName(entities: readonly CatalogEntity[], include: (e: CatalogEntity) => boolean): Map<string, CatalogEntity[]> {
  const index = new Map<string, CatalogEntity[]>();
  for (const entity of entities) {
    if (!include(entity)) continue;
    const k = key(serviceNameOf(entity));
    const list = index.get(k);
    if (list) list.push(entity);
    else index.set(k, [entity]);
  }
  return index;
}

/** For each observed service, the components it is (empty when none). */
export function matchServices(entities: readonly CatalogEntity[], services: readonly string[]): Array<{ serviceName: string; componentRefs: string[] }> {
  const index = byServiceName(entities, isComponent);
  return [...new Set(services)].sort().map((serviceName) => ({ serviceName, componentRefs: (index.get(key(serviceName)) ?? []).map((e) => e.ref) }));
}

/** Services seen in telemetry that no component describes. */
export function findOwnerlessServices(entities: readonly CatalogEntity[], services: readonly string[]): string[] {
  return matchServices(entities, services)
    .filter((m) => m.componentRefs.length === 0)
    .map((m) => m.serviceName);
}

/** Components whose service sent nothing (no service, no edge at either end). */
export function findSilentComponents(entities: readonly CatalogEntity[], observed: ObservedTelemetry): CatalogSilentComponent[] {
  const seen = observedServiceKeys(observed);
  return entities
    .filter((e) => isComponent(e) && !seen.has(key(serviceNameOf(e))))
    .map((e) => ({
      ref: e.ref,
      title: e.title,
      type: typeof e.spec.type === 'string' ? e.spec.type : null,
      serviceName: serviceNameOf(e),
      owner: e.relations.find((r) => r.type === 'ownedBy')?.targetRef ?? null,
    }))
    .sort((a, b) => (a.ref < b.ref ? -1 : 1));
}

function observedServiceKeys(observed: ObservedTelemetry): Set<string> {
  const seen = new Set(observed.services.map(key));
  for (const edge of observed.edges) {
    seen.add(key(edge.source));
    if (!isPeer(edge)) seen.add(key(edge.target));
  }
  return seen;
}

/** Declared dependencies of one component, one per target service (dependsOn wins over an API). */
function declaredDependencies(
  component: CatalogEntity,
  byRef: Map<string, CatalogEntity>,
): { declared: Map<string, CatalogDriftDependency>; unresolvedApis: string[] } {
  const declared = new Map<string, CatalogDriftDependency>();
  const unresolvedApis: string[] = [];
  const serviceOfRef = (ref: string) => {
    const target = byRef.get(ref);
    return target ? serviceNameOf(target) : splitEntityRef(ref).name;
  };
  const declare = (dependency: CatalogDriftDependency) => {
    const k = targetKey(dependency.targetService!, splitEntityRef(dependency.targetRef!).kind === 'resource');
    if (!declared.has(k) || (dependency.via === 'dependsOn' && declared.get(k)!.via !== 'dependsOn')) declared.set(k, dependency);
  };
  for (const relation of component.relations) {
    if (relation.type === 'dependsOn') {
      const kind = splitEntityRef(relation.targetRef).kind;
      if (kind !== 'component' && kind !== 'resource') continue;
      declare({ targetRef: relation.targetRef, targetService: serviceOfRef(relation.targetRef), via: 'dependsOn', apiRef: null, targetNode: null, targetType: null });
    } else if (relation.type === 'consumesApi') {
      const providers = (byRef.get(relation.targetRef)?.relations ?? [])
        .filter((r) => r.type === 'apiProvidedBy' && r.targetRef !== component.ref)
        .map((r) => r.targetRef);
      if (providers.length === 0) unresolvedApis.push(relation.targetRef);
      for (const provider of providers) {
        declare({ targetRef: provider, targetService: serviceOfRef(provider), via: 'consumesApi', apiRef: relation.targetRef, targetNode: null, targetType: null });
      }
    }
  }
  return { declared, unresolvedApis };
}

const byTargetService = (a: CatalogDriftDependency, b: CatalogDriftDependency) => key(a.targetService ?? '').localeCompare(key(b.targetService ?? ''));

export function computeDrift(entities: readonly CatalogEntity[], observed: ObservedTelemetry): CatalogDriftReport {
  const byRef = new Map(entities.map((e) => [e.ref, e]));
  const runnable = byServiceName(entities, canRun);
  const seen = observedServiceKeys(observed);
  const calls = new Map<string, Map<string, ObservedEdge>>();
  for (const edge of observed.edges) {
    if (!isPeer(edge) && key(edge.source) === key(edge.target)) continue;
    let targets = calls.get(key(edge.source));
    if (!targets) calls.set(key(edge.source), (targets = new Map()));
    targets.set(targetKey(edge.target, isPeer(edge)), edge);
    // An edge of unknown type may answer for a component or a resource of that name.
    if (edge.targetType === undefined) targets.set(targetKey(edge.target, true), edge);
  }

  const components: CatalogComponentDrift[] = [];
  const totals = { confirmed: 0, undeclared: 0, stale: 0 };
  for (const component of entities.filter(isComponent).sort((a, b) => (a.ref < b.ref ? -1 : 1))) {
    const serviceName = serviceNameOf(component);
    const { declared, unresolvedApis } = declaredDependencies(component, byRef);
    const observedTargets = calls.get(key(serviceName)) ?? new Map<string, ObservedEdge>();
    const confirmed: CatalogDriftDependency[] = [];
    const stale: CatalogDriftDependency[] = [];
    for (const [k, dependency] of declared) {
      const edge = observedTargets.get(k);
      if (edge) confirmed.push({ ...dependency, targetNode: edge.targetNode ?? edge.target, targetType: edge.targetType ?? 'service' });
      else stale.push(dependency);
    }
    const undeclared: CatalogDriftDependency[] = [];
    const declaredEdges = new Set([...declared.keys()].map((k) => observedTargets.get(k)).filter(Boolean));
    for (const edge of new Set(observedTargets.values())) {
      if (declaredEdges.has(edge)) continue;
      const target = runnable.get(key(edge.target))?.find((e) => (e.kind === 'Resource') === isPeer(edge));
      undeclared.push({
        targetRef: target?.ref ?? null,
        targetService: edge.target,
        via: 'observed',
        apiRef: null,
        targetNode: edge.targetNode ?? edge.target,
        targetType: edge.targetType ?? 'service',
      });
    }
    for (const list of [confirmed, undeclared, stale]) list.sort(byTargetService);
    totals.confirmed += confirmed.length;
    totals.undeclared += undeclared.length;
    totals.stale += stale.length;
    components.push({
      ref: component.ref,
      title: component.title,
      serviceName,
      observed: seen.has(key(serviceName)),
      confirmed,
      undeclared,
      stale,
      unresolvedApis,
    });
  }
  return {
    components,
    ownerlessServices: findOwnerlessServices(entities, observed.services).map((serviceName) => ({ serviceName })),
    silentComponents: findSilentComponents(entities, observed),
    totals,
  };
}
