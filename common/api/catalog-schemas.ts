// Shapes of the service-catalog API (Backstage descriptor format), declared once with zod.
// `catalogApi` is shaped like the entries of `api` in ./contract.ts so the contract can spread
// it in; the core's handlers live in main/catalog/.
import { z } from 'zod';
import type { Endpoint } from './contract';
import { TimeRange } from './shared-schemas';
import { PluginCatalogState } from './catalog-provider-schemas';

function endpoint<I extends z.ZodType, O extends z.ZodType>(e: Endpoint<I, O>): Endpoint<I, O> {
  return e;
}

// ---- vocabulary --------------------------------------------------------------------------

/** The kinds of Backstage's catalog model (Template comes from the scaffolder and is listed,
 * not validated in depth). */
export const CATALOG_KINDS = ['Component', 'API', 'Resource', 'System', 'Domain', 'Group', 'User', 'Location', 'Template'] as const;
export type CatalogKind = (typeof CATALOG_KINDS)[number];

/** Backstage's relation types; every relation is stored together with its reverse. */
export const CATALOG_RELATION_TYPES = [
  'ownedBy',
  'ownerOf',
  'partOf',
  'hasPart',
  'dependsOn',
  'dependencyOf',
  'providesApi',
  'apiProvidedBy',
  'consumesApi',
  'apiConsumedBy',
  'memberOf',
  'hasMember',
  'childOf',
  'parentOf',
] as const;
export const CatalogRelationType = z.enum(CATALOG_RELATION_TYPES);
export type CatalogRelationType = z.infer<typeof CatalogRelationType>;

export const CatalogSeverity = z.enum(['error', 'warning', 'info']);
export type CatalogSeverity = z.infer<typeof CatalogSeverity>;

/** A repeatable query parameter (?tag=a&tag=b, or ?tag=a,b) as a list; empty means "any". */
const listParam = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) =>
    (v === undefined ? [] : Array.isArray(v) ? v : [v])
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  );

const intParam = (def: number, min: number, max: number) =>
  z
    .union([z.number(), z.string()])
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return def;
      const n = typeof v === 'number' ? v : Number(v);
      if (!Number.isFinite(n)) {
        ctx.addIssue({ code: 'custom', message: `"${v}" is not a number` });
        return z.NEVER;
      }
      return Math.max(min, Math.min(max, Math.floor(n)));
    });

// ---- entities ----------------------------------------------------------------------------

/** `kind:namespace/name`, lower-case (Backstage's stringified entity reference). */
export const CatalogEntityRef = z.string();

export const CatalogRelation = z.object({
  type: CatalogRelationType,
  targetRef: CatalogEntityRef,
});
export type CatalogRelation = z.infer<typeof CatalogRelation>;

/** Where an entity (or a problem) was declared: absolute file path and 1-based line. */
export const CatalogSource = z.object({ file: z.string(), line: z.number() });
export type CatalogSource = z.infer<typeof CatalogSource>;

export const CatalogEntity = z.object({
  ref: CatalogEntityRef,
  /** As written in the descriptor (e.g. `Component`). */
  kind: z.string(),
  namespace: z.string(),
  name: z.string(),
  /** metadata.title, or a User's/Group's spec.profile.displayName. */
  title: z.string().nullable(),
  description: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  spec: z.record(z.string(), z.unknown()),
  relations: z.array(CatalogRelation),
  source: CatalogSource,
});
export type CatalogEntity = z.infer<typeof CatalogEntity>;

const entityFilters = {
  /** Kinds, case-insensitive (any of). */
  kind: listParam,
  /** Owner references (any of); a bare name matches that name in any namespace. */
  owner: listParam,
  /** Words that must all appear in the name, title, description, tags, type, owner or ref. */
  q: z.string().optional(),
  type: listParam,
  lifecycle: listParam,
  /** System references (any of); a bare name matches that name in any namespace. */
  system: listParam,
  /** Tags (all must be present). */
  tag: listParam,
  namespace: z.string().optional(),
};

export const CatalogEntitiesQuery = z.object({
  ...entityFilters,
  limit: intParam(1000, 1, 20000),
  offset: intParam(0, 0, Number.MAX_SAFE_INTEGER),
});
export type CatalogEntitiesQuery = z.output<typeof CatalogEntitiesQuery>;

/** Facets take the same filters, so counts describe the current selection. */
export const CatalogFacetsQuery = z.object(entityFilters);
export type CatalogFacetsQuery = z.output<typeof CatalogFacetsQuery>;

export const CatalogFacetValue = z.object({ value: z.string(), count: z.number() });
export const CatalogFacets = z.object({
  total: z.number(),
  kind: z.array(CatalogFacetValue),
  type: z.array(CatalogFacetValue),
  owner: z.array(CatalogFacetValue),
  lifecycle: z.array(CatalogFacetValue),
  system: z.array(CatalogFacetValue),
  tags: z.array(CatalogFacetValue),
});
export type CatalogFacets = z.infer<typeof CatalogFacets>;

// ---- one entity --------------------------------------------------------------------------

export const CatalogEntityParams = z.object({ kind: z.string(), namespace: z.string(), name: z.string() });
export type CatalogEntityParams = z.output<typeof CatalogEntityParams>;

export const CatalogResolvedRelation = CatalogRelation.extend({
  target: z.object({
    kind: z.string(),
    namespace: z.string(),
    name: z.string(),
    title: z.string().nullable(),
    /** False when nothing in the catalog has this reference (a dangling reference). */
    exists: z.boolean(),
  }),
});
export type CatalogResolvedRelation = z.infer<typeof CatalogResolvedRelation>;

export const CatalogLinkCategory = z.enum(['runbook', 'oncall', 'source', 'docs', 'dashboard', 'ci', 'chat', 'other']);
export type CatalogLinkCategory = z.infer<typeof CatalogLinkCategory>;

export const CatalogLink = z.object({
  url: z.string(),
  title: z.string(),
  category: CatalogLinkCategory,
  icon: z.string().nullable(),
  /** `metadata.links` or the annotation the link was derived from. */
  from: z.string(),
});
export type CatalogLink = z.infer<typeof CatalogLink>;

export const CatalogProblem = z.object({
  /** Absolute path of the descriptor file. */
  file: z.string(),
  /** 1-based line of the offending field (or of the document when no field applies). */
  line: z.number(),
  entityRef: CatalogEntityRef.nullable(),
  /** Stable rule id, e.g. `metadata.name.format`. */
  rule: z.string(),
  message: z.string(),
  severity: CatalogSeverity,
});
export type CatalogProblem = z.infer<typeof CatalogProblem>;

export const CatalogEntityDetail = z.object({
  entity: CatalogEntity,
  relations: z.array(CatalogResolvedRelation),
  links: z.array(CatalogLink),
  /** Problems reported against this entity (dangling references, for example). */
  problems: z.array(CatalogProblem),
});
export type CatalogEntityDetail = z.infer<typeof CatalogEntityDetail>;

export const CatalogErrorsQuery = z.object({
  severity: listParam,
  rule: listParam,
  file: z.string().optional(),
  entityRef: z.string().optional(),
});
export type CatalogErrorsQuery = z.output<typeof CatalogErrorsQuery>;

// ---- catalog meets telemetry -------------------------------------------------------------

export const CatalogDriftQuery = TimeRange;
export type CatalogDriftQuery = z.output<typeof CatalogDriftQuery>;

export const CatalogDependencyVia = z.enum(['dependsOn', 'consumesApi', 'observed']);

export const CatalogDriftDependency = z.object({
  /** The catalog entity at the other end, or null for a service the catalog does not know. */
  targetRef: CatalogEntityRef.nullable(),
  /** The telemetry service name at the other end (null if the target has no service name). */
  targetService: z.string().nullable(),
  /** How the dependency is declared; `observed` for edges seen only in telemetry. */
  via: CatalogDependencyVia,
  /** For `consumesApi`: the API that resolved to the providing component. */
  apiRef: CatalogEntityRef.nullable(),
  /** The service-map node that was observed (null for a stale dependency), and its type. */
  targetNode: z.string().nullable(),
  targetType: z.enum(['service', 'database', 'queue', 'external']).nullable(),
});
export type CatalogDriftDependency = z.infer<typeof CatalogDriftDependency>;

export const CatalogComponentDrift = z.object({
  ref: CatalogEntityRef,
  title: z.string().nullable(),
  serviceName: z.string(),
  /** Whether the component's service appears in telemetry at all. */
  observed: z.boolean(),
  confirmed: z.array(CatalogDriftDependency),
  undeclared: z.array(CatalogDriftDependency),
  stale: z.array(CatalogDriftDependency),
  /** Consumed APIs that no component provides, so they cannot be compared with traffic. */
  unresolvedApis: z.array(CatalogEntityRef),
});
export type CatalogComponentDrift = z.infer<typeof CatalogComponentDrift>;

export const CatalogOwnerlessService = z.object({ serviceName: z.string() });
export const CatalogSilentComponent = z.object({
  ref: CatalogEntityRef,
  title: z.string().nullable(),
  type: z.string().nullable(),
  serviceName: z.string(),
  owner: CatalogEntityRef.nullable(),
});
export type CatalogSilentComponent = z.infer<typeof CatalogSilentComponent>;

export const CatalogDriftReport = z.object({
  components: z.array(CatalogComponentDrift),
  ownerlessServices: z.array(CatalogOwnerlessService),
  silentComponents: z.array(CatalogSilentComponent),
  totals: z.object({ confirmed: z.number(), undeclared: z.number(), stale: z.number() }),
});
export type CatalogDriftReport = z.infer<typeof CatalogDriftReport>;

// ---- relations graph ---------------------------------------------------------------------

export const CatalogGraphQuery = z.object({
  ref: z.string(),
  depth: intParam(1, 1, 5),
  /** Relation types to follow (either of a pair selects both directions); empty means all. */
  relations: listParam.pipe(z.array(CatalogRelationType)),
});
export type CatalogGraphQuery = z.output<typeof CatalogGraphQuery>;

export const CatalogGraphNode = z.object({
  ref: CatalogEntityRef,
  kind: z.string(),
  namespace: z.string(),
  name: z.string(),
  title: z.string().nullable(),
  exists: z.boolean(),
  /** Hops from the requested entity. */
  distance: z.number(),
});

export const CatalogGraphEdge = z.object({
  source: CatalogEntityRef,
  target: CatalogEntityRef,
  /** The forward type of the pair (ownedBy, partOf, dependsOn, providesApi, consumesApi, memberOf, childOf). */
  type: CatalogRelationType,
});

export const CatalogGraph = z.object({
  root: CatalogEntityRef,
  nodes: z.array(CatalogGraphNode),
  edges: z.array(CatalogGraphEdge),
  /** True when the node cap cut the neighbourhood short. */
  truncated: z.boolean(),
});
export type CatalogGraph = z.infer<typeof CatalogGraph>;

// ---- live reload -------------------------------------------------------------------------

/** Sent when the descriptor files change and the catalog has been reloaded. */
export const CatalogChangeEvent = z.object({
  entities: z.number(),
  problems: z.number(),
  added: z.array(CatalogEntityRef),
  removed: z.array(CatalogEntityRef),
  updated: z.array(CatalogEntityRef),
  files: z.array(z.string()),
});
export type CatalogChangeEvent = z.infer<typeof CatalogChangeEvent>;

// ---- endpoints ---------------------------------------------------------------------------

export const catalogApi = {
  catalogEntities: endpoint({
    method: 'GET',
    path: '/api/catalog/entities',
    input: CatalogEntitiesQuery,
    output: z.array(CatalogEntity),
    summary: 'Catalog entities matching every filter, ordered by kind, namespace and name.',
  }),
  catalogFacets: endpoint({
    method: 'GET',
    path: '/api/catalog/facets',
    input: CatalogFacetsQuery,
    output: CatalogFacets,
    summary: 'Value counts of kind, type, owner, lifecycle, system and tags over the filtered entities.',
  }),
  catalogEntity: endpoint({
    method: 'GET',
    path: '/api/catalog/entities/:kind/:namespace/:name',
    input: CatalogEntityParams,
    output: CatalogEntityDetail,
    summary: 'One entity with its relations resolved and its links and annotations turned into links.',
  }),
  catalogErrors: endpoint({
    method: 'GET',
    path: '/api/catalog/errors',
    input: CatalogErrorsQuery,
    output: z.array(CatalogProblem),
    summary: 'Problems found in the descriptor files: invalid entities, duplicates, dangling references, missing targets.',
  }),
  catalogDrift: endpoint({
    method: 'GET',
    path: '/api/catalog/drift',
    input: CatalogDriftQuery,
    output: CatalogDriftReport,
    summary: 'Declared dependencies against edges observed in the window: confirmed, undeclared, stale; ownerless services and silent components.',
  }),
  catalogGraph: endpoint({
    method: 'GET',
    path: '/api/catalog/graph',
    input: CatalogGraphQuery,
    output: CatalogGraph,
    summary: 'Entities and relations around one entity, for the relations graph.',
  }),
} as const;

export type CatalogApi = typeof catalogApi;

// ---- catalog sources ---------------------------------------------------------------------

export const CatalogSources = z.object({
  sources: z.array(
    z.object({
      path: z.string(),
      origin: z.enum(['command-line', 'ui', 'demo', 'plugin']),
      exists: z.boolean(),
      /** Set for origin `plugin`: the data source feeding it and its state. */
      plugin: PluginCatalogState.optional(),
    }),
  ),
});
export type CatalogSources = z.infer<typeof CatalogSources>;
