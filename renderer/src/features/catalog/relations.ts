// Relation types as people read them, in the order an entity page lists them.
import type { CatalogRelationType } from '../../../../common/api/catalog-schemas';

export const RELATION_LABELS: Record<CatalogRelationType, string> = {
  ownedBy: 'Owned by',
  ownerOf: 'Owns',
  partOf: 'Part of',
  hasPart: 'Has part',
  dependsOn: 'Depends on',
  dependencyOf: 'Dependency of',
  providesApi: 'Provides API',
  apiProvidedBy: 'API provided by',
  consumesApi: 'Consumes API',
  apiConsumedBy: 'API consumed by',
  memberOf: 'Member of',
  hasMember: 'Has member',
  childOf: 'Child of',
  parentOf: 'Parent of',
};

const ORDER: CatalogRelationType[] = [
  'ownedBy',
  'partOf',
  'hasPart',
  'providesApi',
  'consumesApi',
  'apiProvidedBy',
  'apiConsumedBy',
  'dependsOn',
  'dependencyOf',
  'childOf',
  'parentOf',
  'memberOf',
  'hasMember',
  'ownerOf',
];

/** The forward type of each pair: what the graph's edges are labelled with and filtered by. */
export const GRAPH_RELATIONS: Array<{ type: CatalogRelationType; label: string }> = [
  { type: 'ownedBy', label: 'owned by' },
  { type: 'partOf', label: 'part of' },
  { type: 'dependsOn', label: 'depends on' },
  { type: 'providesApi', label: 'provides API' },
  { type: 'consumesApi', label: 'consumes API' },
  { type: 'memberOf', label: 'member of' },
  { type: 'childOf', label: 'child of' },
];

export interface RelationGroup<T> {
  type: CatalogRelationType;
  label: string;
  items: T[];
}

/** Groups relations by type in reading order; unknown types go last, items keep their order. */
export function groupRelations<T extends { type: string }>(relations: readonly T[], skip: readonly string[] = []): Array<RelationGroup<T>> {
  const groups = new Map<string, T[]>();
  for (const r of relations) {
    if (skip.includes(r.type)) continue;
    const list = groups.get(r.type);
    if (list) list.push(r);
    else groups.set(r.type, [r]);
  }
  const rank = (t: string) => {
    const i = ORDER.indexOf(t as CatalogRelationType);
    return i === -1 ? ORDER.length : i;
  };
  return [...groups]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([type, items]) => ({ type: type as CatalogRelationType, label: RELATION_LABELS[type as CatalogRelationType] ?? type, items }));
}

/** Targets of one relation type. */
export function targetsOf<T extends { type: string; targetRef: string }>(relations: readonly T[], type: CatalogRelationType): T[] {
  return relations.filter((r) => r.type === type);
}
