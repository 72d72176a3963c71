// The catalog kinds: which spec fields each requires (Backstage's kinds/*.schema.json) and which
// fields are entity references, with the default kind and the relation pair they produce
// (catalog-backend's BuiltinKindsEntityProcessor). One table drives validation, relations and
// the line numbers of reference problems.
import type { CatalogKind, CatalogRelationType } from '../../common/api/catalog-schemas';
import { CATALOG_KINDS } from '../../common/api/catalog-schemas';

export type SpecFieldType = 'string' | 'string[]' | 'object';

export interface SpecField {
  name: string;
  type: SpecFieldType;
  required?: boolean;
}

export interface RefField {
  /** The spec field holding one reference (string) or several (list). */
  name: string;
  /** Kind assumed when the reference names none; absent means a kind is mandatory. */
  defaultKind?: string;
  relation: CatalogRelationType;
}

export interface KindDefinition {
  kind: CatalogKind;
  /** Accepted apiVersions; null accepts any well-formed one. */
  apiVersions: readonly string[] | null;
  /** Whether spec fields are checked; Template is listed but not validated in depth. */
  validateSpec: boolean;
  fields: readonly SpecField[];
  refs: readonly RefField[];
  /** At least one of these fields must be present (Location: target or targets). */
  requireOneOf?: readonly string[];
}

const BACKSTAGE_API_VERSIONS = ['backstage.io/v1alpha1', 'backstage.io/v1beta1'] as const;

const owner: RefField = { name: 'owner', defaultKind: 'Group', relation: 'ownedBy' };
const system: RefField = { name: 'system', defaultKind: 'System', relation: 'partOf' };
// dependsOn/dependencyOf may point at components or resources, so Backstage gives them no default kind.
const dependsOn: RefField = { name: 'dependsOn', relation: 'dependsOn' };
const dependencyOf: RefField = { name: 'dependencyOf', relation: 'dependencyOf' };

const profile: SpecField = { name: 'profile', type: 'object' };

export const KIND_DEFINITIONS: Record<CatalogKind, KindDefinition> = {
  Component: {
    kind: 'Component',
    apiVersions: BACKSTAGE_API_VERSIONS,
    validateSpec: true,
    fields: [
      { name: 'type', type: 'string', required: true },
      { name: 'lifecycle', type: 'string', required: true },
      { name: 'owner', type: 'string', required: true },
      { name: 'system', type: 'string' },
      { name: 'subcomponentOf', type: 'string' },
      { name: 'providesApis', type: 'string[]' },
      { name: 'consumesApis', type: 'string[]' },
      { name: 'dependsOn', type: 'string[]' },
      { name: 'dependencyOf', type: 'string[]' },
    ],
    refs: [
      owner,
      system,
      { name: 'subcomponentOf', defaultKind: 'Component', relation: 'partOf' },
      { name: 'providesApis', defaultKind: 'API', relation: 'providesApi' },
      { name: 'consumesApis', defaultKind: 'API', relation: 'consumesApi' },
      dependsOn,
      dependencyOf,
    ],
  },
  API: {
    kind: 'API',
    apiVersions: BACKSTAGE_API_VERSIONS,
    validateSpec: true,
    fields: [
      { name: 'type', type: 'string', required: true },
      { name: 'lifecycle', type: 'string', required: true },
      { name: 'owner', type: 'string', required: true },
      { name: 'definition', type: 'string', required: true },
      { name: 'system', type: 'string' },
    ],
    refs: [owner, system],
  },
  Resource: {
    kind: 'Resource',
    apiVersions: BACKSTAGE_API_VERSIONS,
    validateSpec: true,
    fields: [
      { name: 'type', type: 'string', required: true },
      { name: 'owner', type: 'string', required: true },
      { name: 'system', type: 'string' },
      { name: 'dependsOn', type: 'string[]' },
      { name: 'dependencyOf', type: 'string[]' },
    ],
    refs: [owner, system, dependsOn, dependencyOf],
  },
  System: {
    kind: 'System',
    apiVersions: BACKSTAGE_API_VERSIONS,
    validateSpec: true,
    fields: [
      { name: 'owner', type: 'string', required: true },
      { name: 'domain', type: 'string' },
    ],
    refs: [owner, { name: 'domain', defaultKind: 'Domain', relation: 'partOf' }],
  },
  Domain: {
    kind: 'Domain',
    apiVersions: BACKSTAGE_API_VERSIONS,
    validateSpec: true,
    fields: [
      { name: 'owner', type: 'string', required: true },
      { name: 'subdomainOf', type: 'string' },
    ],
    refs: [owner, { name: 'subdomainOf', defaultKind: 'Domain', relation: 'partOf' }],
  },
  Group: {
    kind: 'Group',
    apiVersions: BACKSTAGE_API_VERSIONS,
    validateSpec: true,
    fields: [
      { name: 'type', type: 'string', required: true },
      { name: 'children', type: 'string[]', required: true },
      { name: 'parent', type: 'string' },
      { name: 'members', type: 'string[]' },
      profile,
    ],
    refs: [
      { name: 'parent', defaultKind: 'Group', relation: 'childOf' },
      { name: 'children', defaultKind: 'Group', relation: 'parentOf' },
      { name: 'members', defaultKind: 'User', relation: 'hasMember' },
    ],
  },
  User: {
    kind: 'User',
    apiVersions: BACKSTAGE_API_VERSIONS,
    validateSpec: true,
    fields: [{ name: 'memberOf', type: 'string[]', required: true }, profile],
    refs: [{ name: 'memberOf', defaultKind: 'Group', relation: 'memberOf' }],
  },
  Location: {
    kind: 'Location',
    apiVersions: BACKSTAGE_API_VERSIONS,
    validateSpec: true,
    fields: [
      { name: 'type', type: 'string' },
      { name: 'target', type: 'string' },
      { name: 'targets', type: 'string[]' },
    ],
    refs: [],
    // Backstage's schema leaves both optional, but a Location that names no target points nowhere.
    requireOneOf: ['target', 'targets'],
  },
  Template: {
    kind: 'Template',
    // The scaffolder's Template has moved through several apiVersions (backstage.io/v1beta2,
    // scaffolder.backstage.io/v1beta3); any well-formed one is accepted.
    apiVersions: null,
    validateSpec: false,
    fields: [],
    refs: [owner],
  },
};

const KIND_BY_LOWER = new Map(CATALOG_KINDS.map((k) => [k.toLowerCase(), k]));

export function kindDefinition(kind: string): KindDefinition | undefined {
  return (KIND_DEFINITIONS as Record<string, KindDefinition>)[kind];
}

/** The catalog kind whose name matches case-insensitively (for "did you mean" hints). */
export function similarKind(kind: string): CatalogKind | undefined {
  return KIND_BY_LOWER.get(kind.toLowerCase());
}
