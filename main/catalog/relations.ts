// Backstage stores every relation twice, once from each end (catalog-model's RELATION_* pairs),
// so any entity page can list both what it points to and what points to it.
import type { CatalogRelationType } from '../../common/api/catalog-schemas';

/** [forward, reverse] pairs; the forward type is how the graph draws the edge. */
export const RELATION_PAIRS: ReadonlyArray<readonly [CatalogRelationType, CatalogRelationType]> = [
  ['ownedBy', 'ownerOf'],
  ['partOf', 'hasPart'],
  ['dependsOn', 'dependencyOf'],
  ['providesApi', 'apiProvidedBy'],
  ['consumesApi', 'apiConsumedBy'],
  ['memberOf', 'hasMember'],
  ['childOf', 'parentOf'],
];

const REVERSE = new Map<CatalogRelationType, CatalogRelationType>();
const FORWARD = new Set<CatalogRelationType>();
for (const [forward, reverse] of RELATION_PAIRS) {
  REVERSE.set(forward, reverse);
  REVERSE.set(reverse, forward);
  FORWARD.add(forward);
}

export function reverseRelation(type: CatalogRelationType): CatalogRelationType {
  return REVERSE.get(type)!;
}

export function isForwardRelation(type: CatalogRelationType): boolean {
  return FORWARD.has(type);
}
