// The catalog's read side: list and search, facet counts, one entity with its relations resolved,
// problems, and the relations graph. Pure functions over a loaded snapshot; every per-entity
// field they filter on was computed once when the snapshot was built.
import type {
  CatalogEntitiesQuery,
  CatalogEntity,
  CatalogEntityDetail,
  CatalogEntityParams,
  CatalogErrorsQuery,
  CatalogFacets,
  CatalogFacetsQuery,
  CatalogGraph,
  CatalogGraphQuery,
  CatalogProblem,
  CatalogRelationType,
} from '../../common/api/catalog-schemas';
import { EntityRefError, parseEntityRef, splitEntityRef, stringifyEntityRef } from './entity-ref';
import { entityLinks, type LinkOptions } from './links';
import { isForwardRelation, reverseRelation } from './relations';
import type { CatalogEntry, CatalogSnapshot } from './snapshot';

/** A request the catalog cannot answer; `status` and `code` say how the HTTP layer should answer. */
export class CatalogRequestError extends Error {
  constructor(
    readonly status: 400 | 404,
    readonly code: 'bad_request' | 'not_found',
    message: string,
  ) {
    super(message);
  }
}

export class CatalogEntityNotFoundError extends CatalogRequestError {
  constructor(readonly ref: string) {
    super(404, 'not_found', `No entity ${ref} in the catalog`);
  }
}

type Filter = (entry: CatalogEntry) => boolean;
type FilterName = 'kind' | 'owner' | 'q' | 'type' | 'lifecycle' | 'system' | 'tag' | 'namespace';

/**
 * A reference filter: a full reference (`group:default/team-a`, or `default/team-a` with the
 * field's default kind) matches exactly; a bare name matches that name in any namespace, since
 * users rarely type namespaces.
 */
function refMatcher(value: string, defaultKind: string): (refs: string[]) => boolean {
  const wanted = value.trim().toLowerCase();
  if (!wanted.includes(':') && !wanted.includes('/')) {
    return (refs) => refs.some((r) => splitEntityRef(r).name === wanted);
  }
  let full: string;
  try {
    full = stringifyEntityRef(parseEntityRef(wanted, { defaultKind }));
  } catch (e) {
    if (e instanceof EntityRefError) return () => false;
    throw e;
  }
  return (refs) => refs.includes(full);
}

function buildFilters(query: CatalogFacetsQuery): Map<FilterName, Filter> {
  const filters = new Map<FilterName, Filter>();
  const lower = (xs: string[]) => new Set(xs.map((x) => x.toLowerCase()));
  if (query.kind.length > 0) {
    const kinds = lower(query.kind);
    filters.set('kind', (e) => kinds.has(e.kindLower));
  }
  if (query.type.length > 0) {
    const types = lower(query.type);
    filters.set('type', (e) => e.type !== null && types.has(e.type.toLowerCase()));
  }
  if (query.lifecycle.length > 0) {
    const lifecycles = lower(query.lifecycle);
    filters.set('lifecycle', (e) => e.lifecycle !== null && lifecycles.has(e.lifecycle.toLowerCase()));
  }
  if (query.tag.length > 0) {
    const tags = [...lower(query.tag)];
    filters.set('tag', (e) => tags.every((t) => e.tags.includes(t)));
  }
  if (query.owner.length > 0) {
    const matchers = query.owner.map((o) => refMatcher(o, 'group'));
    filters.set('owner', (e) => matchers.some((m) => m(e.owners)));
  }
  if (query.system.length > 0) {
    const matchers = query.system.map((sys) => refMatcher(sys, 'system'));
    filters.set('system', (e) => matchers.some((m) => m(e.systems)));
  }
  if (query.namespace) {
    const namespace = query.namespace.toLowerCase();
    filters.set('namespace', (e) => e.entity.namespace.toLowerCase() === namespace);
  }
  const words = (query.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length > 0) filters.set('q', (e) => words.every((w) => e.searchText.includes(w)));
  return filters;
}

function matchAll(filters: Iterable<Filter>): Filter {
  const list = [...filters];
  return (entry) => {
    for (const f of list) if (!f(entry)) return false;
    return true;
  };
}

export function listEntities(snapshot: CatalogSnapshot, query: CatalogEntitiesQuery): CatalogEntity[] {
  const matches = matchAll(buildFilters(query).values());
  const out: CatalogEntity[] = [];
  let skipped = 0;
  for (const entry of snapshot.ordered) {
    if (!matches(entry)) continue;
    if (skipped < query.offset) {
      skipped++;
      continue;
    }
    out.push(entry.entity);
    if (out.length >= query.limit) break;
  }
  return out;
}

type FacetName = Exclude<keyof CatalogFacets, 'total'>;

/** Each facet: the filter it corresponds to, and how an entry contributes its values. */
const FACETS: ReadonlyArray<{ facet: FacetName; filter: FilterName; each: (e: CatalogEntry, add: (value: string) => void) => void }> = [
  { facet: 'kind', filter: 'kind', each: (e, add) => add(e.entity.kind) },
  { facet: 'type', filter: 'type', each: (e, add) => e.type && add(e.type) },
  { facet: 'owner', filter: 'owner', each: (e, add) => e.owners.forEach(add) },
  { facet: 'lifecycle', filter: 'lifecycle', each: (e, add) => e.lifecycle && add(e.lifecycle) },
  { facet: 'system', filter: 'system', each: (e, add) => e.systems.forEach(add) },
  { facet: 'tags', filter: 'tag', each: (e, add) => new Set(e.tags).forEach(add) },
];

/**
 * Value counts per facet. Each facet is counted with every filter except its own, so a UI can
 * show how many entities each alternative value would give (the usual faceted-search rule).
 */
export function catalogFacets(snapshot: CatalogSnapshot, query: CatalogFacetsQuery): CatalogFacets {
  const filters = buildFilters(query);
  const selected = filters.size === 0 ? snapshot.ordered : snapshot.ordered.filter(matchAll(filters.values()));
  const result: CatalogFacets = { total: selected.length, kind: [], type: [], owner: [], lifecycle: [], system: [], tags: [] };
  for (const { facet, filter, each } of FACETS) {
    // Without a filter of its own, a facet counts over the selection itself.
    const pool = filters.has(filter) ? snapshot.ordered.filter(matchAll([...filters].filter(([name]) => name !== filter).map(([, f]) => f))) : selected;
    const counts = new Map<string, number>();
    const add = (value: string) => counts.set(value, (counts.get(value) ?? 0) + 1);
    for (const entry of pool) each(entry, add);
    result[facet] = [...counts]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  }
  return result;
}

export function getEntity(snapshot: CatalogSnapshot, params: CatalogEntityParams, links: LinkOptions = {}): CatalogEntityDetail {
  const ref = stringifyEntityRef(params);
  const entry = snapshot.get(ref);
  if (!entry) throw new CatalogEntityNotFoundError(ref);
  const relations = entry.entity.relations.map((relation) => {
    const target = snapshot.get(relation.targetRef);
    const parts = target ? { kind: target.entity.kind, namespace: target.entity.namespace, name: target.entity.name } : splitEntityRef(relation.targetRef);
    return { ...relation, target: { ...parts, title: target?.entity.title ?? null, exists: target !== undefined } };
  });
  return {
    entity: entry.entity,
    relations,
    links: entityLinks(entry.entity, links),
    problems: snapshot.problemsByRef.get(ref) ?? [],
  };
}

export function catalogErrors(snapshot: CatalogSnapshot, query: CatalogErrorsQuery): CatalogProblem[] {
  const severities = new Set(query.severity);
  const rules = new Set(query.rule);
  const entityRef = query.entityRef?.toLowerCase();
  return snapshot.problems.filter(
    (p) =>
      (severities.size === 0 || severities.has(p.severity)) &&
      (rules.size === 0 || rules.has(p.rule)) &&
      (!query.file || p.file === query.file || p.file.endsWith(`/${query.file}`)) &&
      (!entityRef || p.entityRef === entityRef),
  );
}

/** Nodes beyond this are left out (and `truncated` set), so a hub like an org root stays drawable. */
export const GRAPH_NODE_LIMIT = 300;

/**
 * The neighbourhood of one entity, breadth first up to `depth` hops. Each relation pair is one
 * edge, drawn with its forward type (ownedBy, partOf, dependsOn, providesApi, consumesApi,
 * memberOf, childOf) from the entity that declares that direction.
 */
export function catalogGraph(snapshot: CatalogSnapshot, query: CatalogGraphQuery): CatalogGraph {
  let rootRef: string;
  try {
    rootRef = stringifyEntityRef(parseEntityRef(query.ref, {}));
  } catch (e) {
    if (e instanceof EntityRefError) throw new CatalogRequestError(400, 'bad_request', `ref: ${e.message}`);
    throw e;
  }
  if (!snapshot.get(rootRef)) throw new CatalogEntityNotFoundError(rootRef);
  const wanted = new Set<CatalogRelationType>();
  for (const type of query.relations) wanted.add(type).add(reverseRelation(type));
  const follows = (type: CatalogRelationType) => wanted.size === 0 || wanted.has(type);

  const distance = new Map<string, number>([[rootRef, 0]]);
  const edges = new Map<string, CatalogGraph['edges'][number]>();
  let truncated = false;
  let frontier = [rootRef];
  for (let hop = 1; hop <= query.depth && frontier.length > 0; hop++) {
    const next: string[] = [];
    for (const ref of frontier) {
      for (const relation of snapshot.get(ref)?.entity.relations ?? []) {
        if (!follows(relation.type)) continue;
        if (!distance.has(relation.targetRef)) {
          if (distance.size >= GRAPH_NODE_LIMIT) {
            truncated = true;
            continue;
          }
          distance.set(relation.targetRef, hop);
          next.push(relation.targetRef);
        }
        const edge = isForwardRelation(relation.type)
          ? { source: ref, target: relation.targetRef, type: relation.type }
          : { source: relation.targetRef, target: ref, type: reverseRelation(relation.type) };
        edges.set(`${edge.source} ${edge.type} ${edge.target}`, edge);
      }
    }
    frontier = next;
  }

  const nodes = [...distance].map(([ref, d]) => {
    const entry = snapshot.get(ref);
    const parts = entry ? { kind: entry.entity.kind, namespace: entry.entity.namespace, name: entry.entity.name } : splitEntityRef(ref);
    return { ref, ...parts, title: entry?.entity.title ?? null, exists: entry !== undefined, distance: d };
  });
  return { root: rootRef, nodes, edges: [...edges.values()], truncated };
}
