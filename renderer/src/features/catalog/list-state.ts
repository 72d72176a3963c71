// The catalog list's filters live in the URL: repeated `kind`, `type`, `lifecycle`, `tag`;
// single `owner` and `system` (the API filters on one of each); `q` for the search words.
import type { InputOf } from '../../api/client';

export const MULTI_FACETS = ['kind', 'type', 'lifecycle', 'tag'] as const;
export const SINGLE_FACETS = ['owner', 'system'] as const;
export type FacetParam = (typeof MULTI_FACETS)[number] | (typeof SINGLE_FACETS)[number];

export interface CatalogListState {
  q: string;
  kind: string[];
  type: string[];
  lifecycle: string[];
  tag: string[];
  owner: string;
  system: string;
}

export function readListState(params: URLSearchParams): CatalogListState {
  const many = (k: string) => [...new Set(params.getAll(k).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean))];
  return {
    q: params.get('q') ?? '',
    kind: many('kind'),
    type: many('type'),
    lifecycle: many('lifecycle'),
    tag: many('tag'),
    owner: params.get('owner') ?? '',
    system: params.get('system') ?? '',
  };
}

export function isSelected(state: CatalogListState, facet: FacetParam, value: string): boolean {
  const v = value.toLowerCase();
  if (facet === 'owner' || facet === 'system') return state[facet].toLowerCase() === v;
  return state[facet].some((x) => x.toLowerCase() === v);
}

/** Checks or unchecks one value; owner and system hold one value, so checking replaces. */
export function toggleFacet(params: URLSearchParams, facet: FacetParam, value: string): void {
  const state = readListState(params);
  if (facet === 'owner' || facet === 'system') {
    if (isSelected(state, facet, value)) params.delete(facet);
    else params.set(facet, value);
    return;
  }
  const v = value.toLowerCase();
  const next = isSelected(state, facet, value) ? state[facet].filter((x) => x.toLowerCase() !== v) : [...state[facet], value];
  params.delete(facet);
  for (const x of next) params.append(facet, x);
}

export function clearFilters(params: URLSearchParams): void {
  for (const k of ['q', ...MULTI_FACETS, ...SINGLE_FACETS]) params.delete(k);
}

export function hasFilters(state: CatalogListState): boolean {
  return state.q.trim() !== '' || MULTI_FACETS.some((f) => state[f].length > 0) || state.owner !== '' || state.system !== '';
}

/** The API filters for the current state. */
export function listQuery(state: CatalogListState): InputOf<'catalogFacets'> {
  return {
    q: state.q.trim() || undefined,
    kind: state.kind.length ? state.kind : undefined,
    type: state.type.length ? state.type : undefined,
    lifecycle: state.lifecycle.length ? state.lifecycle : undefined,
    tag: state.tag.length ? state.tag : undefined,
    owner: state.owner || undefined,
    system: state.system || undefined,
  };
}
