// Every problem the catalog reports has a stable rule id, so users can search for it and tests can
// prove each rule is exercised. Entity rules follow Backstage's catalog-model policies
// (NoForeignRootFieldsEntityPolicy, FieldFormatEntityPolicy, the kinds' JSON schemas, ref.ts);
// the rest describe how descriptor files are read and followed.
import type { CatalogSeverity } from '../../common/api/catalog-schemas';

export interface CatalogRule {
  severity: CatalogSeverity;
  description: string;
}

export const CATALOG_RULES = {
  // reading files
  'file.unreadable': { severity: 'error', description: 'A descriptor file or source folder could not be read.' },
  'file.too-large': {
    severity: 'error',
    description: 'A descriptor file is larger than Loupe reads (2 MiB); split it into several files that a Location entity lists.',
  },
  'source.empty': {
    severity: 'info',
    description: 'A source folder holds no catalog-info.yaml (other .yaml files are read only when a Location targets them).',
  },
  'yaml.syntax': { severity: 'error', description: 'The YAML document does not parse; its entity is skipped.' },
  'location.target-missing': {
    severity: 'warning',
    description: 'A Location target (relative to the file that declares it) does not exist.',
  },
  'location.target-not-followable': {
    severity: 'info',
    description: 'A Location target is a URL (or of a type other than file/url); only files on disk are followed.',
  },
  // entity envelope (Entity.schema.json, NoForeignRootFieldsEntityPolicy)
  'entity.not-object': { severity: 'error', description: 'A document must be a mapping with apiVersion, kind and metadata.' },
  'entity.unknown-root-field': { severity: 'error', description: 'Only apiVersion, kind, metadata and spec may appear at the root.' },
  'apiVersion.required': { severity: 'error', description: 'apiVersion must be present.' },
  'apiVersion.format': { severity: 'error', description: 'apiVersion must be an optional DNS-subdomain group and an alphanumeric version.' },
  'apiVersion.unsupported': {
    severity: 'error',
    description: 'Built-in kinds accept apiVersion backstage.io/v1alpha1 or backstage.io/v1beta1 only.',
  },
  'kind.required': { severity: 'error', description: 'kind must be present.' },
  'kind.format': { severity: 'error', description: 'kind must be a letter followed by letters and digits, at most 63 characters.' },
  'kind.unknown': { severity: 'error', description: 'kind must be one of the catalog kinds (case-sensitive, as in Backstage).' },
  // metadata (EntityMeta.schema.json, FieldFormatEntityPolicy)
  'metadata.required': { severity: 'error', description: 'metadata must be a mapping.' },
  'metadata.name.required': { severity: 'error', description: 'metadata.name must be present.' },
  'metadata.name.format': {
    severity: 'error',
    description: 'metadata.name: sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters.',
  },
  'metadata.namespace.format': {
    severity: 'error',
    description: 'metadata.namespace: sequences of [a-z0-9] separated by [-], at most 63 characters.',
  },
  'metadata.field-type': { severity: 'error', description: 'metadata.title and description are strings; labels and annotations mappings; tags and links lists.' },
  'metadata.labels.key': { severity: 'error', description: 'Label keys: an optional DNS-subdomain prefix and / then a valid name.' },
  'metadata.labels.value': { severity: 'error', description: 'Label values: empty or a valid name (at most 63 characters).' },
  'metadata.annotations.key': { severity: 'error', description: 'Annotation keys: an optional DNS-subdomain prefix and / then a valid name.' },
  'metadata.annotations.value': { severity: 'error', description: 'Annotation values must be strings.' },
  'metadata.tags.format': {
    severity: 'error',
    description: 'Tags: sequences of [a-z0-9:+#] separated by [-], at most 63 characters.',
  },
  'metadata.links.url': { severity: 'error', description: 'Every link needs a url that parses as a URL.' },
  'metadata.links.title': { severity: 'error', description: 'A link title, when given, must be a non-empty string.' },
  'metadata.links.icon': { severity: 'error', description: 'A link icon, when given, must be a valid name.' },
  // spec (kinds/*.schema.json)
  'spec.required': { severity: 'error', description: 'Built-in kinds require a spec mapping.' },
  'spec.field-required': { severity: 'error', description: 'A field the kind requires is missing or empty.' },
  'spec.field-type': { severity: 'error', description: 'A spec field has the wrong type (string, list of strings, mapping).' },
  // references (ref.ts)
  'ref.format': { severity: 'error', description: 'An entity reference must be on the form [<kind>:][<namespace>/]<name>.' },
  'ref.kind-required': {
    severity: 'error',
    description: 'dependsOn and dependencyOf have no default kind, so their references must name one (component:, resource:).',
  },
  // the catalog as a whole
  'entity.duplicate': { severity: 'error', description: 'Two descriptors declare the same kind:namespace/name; the first one wins.' },
  'ref.dangling': { severity: 'warning', description: 'A reference points to an entity that is not in the catalog.' },
} as const satisfies Record<string, CatalogRule>;

export type CatalogRuleId = keyof typeof CATALOG_RULES;

export function severityOf(rule: CatalogRuleId): CatalogSeverity {
  return CATALOG_RULES[rule].severity;
}
