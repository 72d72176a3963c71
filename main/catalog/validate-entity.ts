// Validates one YAML document as a catalog entity, the way Backstage's catalog-model does
// (NoForeignRootFieldsEntityPolicy, FieldFormatEntityPolicy, the kinds' JSON schemas, ref.ts),
// but collects every problem instead of stopping at the first, each with the line of the field.
import type { CatalogProblem, CatalogRelationType } from '../../common/api/catalog-schemas';
import type { DescriptorDocument, YamlPath } from './descriptor-yaml';
import { DEFAULT_NAMESPACE, EntityRefError, parseEntityRef, stringifyEntityRef } from './entity-ref';
import { kindDefinition, similarKind, type KindDefinition, type SpecField } from './kinds';
import { CATALOG_RULES, type CatalogRuleId } from './rules';
import * as v from './validators';

/** A reference written in a spec field, parsed with the field's defaults. */
export interface DeclaredReference {
  relation: CatalogRelationType;
  targetRef: string;
  /** e.g. `spec.owner`, `spec.dependsOn[1]`. */
  field: string;
  line: number;
}

export interface LocationTarget {
  target: string;
  /** spec.type of the Location, if given (`file`, `url`, …). */
  type: string | null;
  line: number;
}

/** One document of a descriptor file, checked. */
export interface EntityDeclaration {
  file: string;
  line: number;
  /** The document as written (a mapping), or null when it was not one. */
  raw: Record<string, unknown> | null;
  /** Canonical reference when kind and metadata.name are strings (even if invalid). */
  ref: string | null;
  kind: string | null;
  namespace: string;
  name: string | null;
  valid: boolean;
  problems: CatalogProblem[];
  references: DeclaredReference[];
  locationTargets: LocationTarget[];
}

const ROOT_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'spec']);

const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
const show = (x: unknown) => (typeof x === 'string' ? `"${x}"` : x === undefined ? 'nothing' : (JSON.stringify(x) ?? String(x)));

export function validateEntity(doc: DescriptorDocument, file: string): EntityDeclaration {
  const problems: CatalogProblem[] = [];
  const raw = isObject(doc.value) ? doc.value : null;
  const metadata = raw && isObject(raw.metadata) ? raw.metadata : null;
  const kind = raw && typeof raw.kind === 'string' ? raw.kind : null;
  const name = metadata && typeof metadata.name === 'string' ? metadata.name : null;
  const namespace = metadata && typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : DEFAULT_NAMESPACE;
  const ref = kind && name ? stringifyEntityRef({ kind, namespace, name }) : null;

  const report = (rule: CatalogRuleId, path: YamlPath, message: string) => {
    problems.push({ file, line: doc.lineAt(path), entityRef: ref, rule, message, severity: CATALOG_RULES[rule].severity });
  };
  const declaration: EntityDeclaration = {
    file,
    line: doc.line,
    raw,
    ref,
    kind,
    namespace,
    name,
    valid: false,
    problems,
    references: [],
    locationTargets: [],
  };

  if (!raw) {
    report('entity.not-object', [], `Expected a mapping with apiVersion, kind and metadata, found ${Array.isArray(doc.value) ? 'a list' : show(doc.value)}`);
    return declaration;
  }

  for (const field of Object.keys(raw)) {
    if (!ROOT_FIELDS.has(field)) report('entity.unknown-root-field', [field], `Unknown field "${field}" at the root; only apiVersion, kind, metadata and spec are allowed`);
  }

  const definition = checkKind(raw, report);
  checkApiVersion(raw, definition, report);
  checkMetadata(raw, metadata, report);
  if (definition) checkSpec(raw, definition, namespace, declaration, doc, report);

  declaration.valid = !problems.some((p) => p.severity === 'error');
  return declaration;
}

type Report = (rule: CatalogRuleId, path: YamlPath, message: string) => void;

function checkKind(raw: Record<string, unknown>, report: Report): KindDefinition | undefined {
  const kind = raw.kind;
  if (kind === undefined || kind === null) {
    report('kind.required', [], '"kind" must have a value');
    return undefined;
  }
  if (!v.isValidKind(kind)) {
    report('kind.format', ['kind'], `"kind" is not valid; expected a string that is a sequence of [a-zA-Z][a-z0-9A-Z], at most 63 characters in total but found ${show(kind)}`);
    return undefined;
  }
  const definition = kindDefinition(kind as string);
  if (!definition) {
    const similar = similarKind(kind as string);
    const hint = similar ? ` (kinds are case-sensitive: did you mean "${similar}"?)` : '';
    report('kind.unknown', ['kind'], `Unknown kind "${kind}"${hint}; expected one of Component, API, Resource, System, Domain, Group, User, Location, Template`);
  }
  return definition;
}

function checkApiVersion(raw: Record<string, unknown>, definition: KindDefinition | undefined, report: Report): void {
  const apiVersion = raw.apiVersion;
  if (apiVersion === undefined || apiVersion === null) {
    report('apiVersion.required', [], '"apiVersion" must have a value');
    return;
  }
  if (!v.isValidApiVersion(apiVersion)) {
    report('apiVersion.format', ['apiVersion'], `"apiVersion" is not valid; expected a valid prefix and/or suffix (e.g. backstage.io/v1alpha1) but found ${show(apiVersion)}`);
    return;
  }
  if (definition?.apiVersions && !definition.apiVersions.includes(apiVersion as string)) {
    report(
      'apiVersion.unsupported',
      ['apiVersion'],
      `apiVersion ${show(apiVersion)} is not supported for kind ${definition.kind}; expected ${definition.apiVersions.join(' or ')}`,
    );
  }
}

function checkMetadata(raw: Record<string, unknown>, metadata: Record<string, unknown> | null, report: Report): void {
  if (!metadata) {
    report('metadata.required', raw.metadata === undefined ? [] : ['metadata'], '"metadata" must be a mapping with at least a name');
    return;
  }
  const name = metadata.name;
  if (name === undefined || name === null) {
    report('metadata.name.required', ['metadata'], '"metadata.name" must have a value');
  } else if (!v.isValidObjectName(name)) {
    report(
      'metadata.name.format',
      ['metadata', 'name'],
      `"metadata.name" is not valid; expected a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total but found ${show(name)}`,
    );
  }
  if (metadata.namespace !== undefined && !v.isValidNamespace(metadata.namespace)) {
    report(
      'metadata.namespace.format',
      ['metadata', 'namespace'],
      `"metadata.namespace" is not valid; expected a string that is sequences of [a-z0-9] separated by [-], at most 63 characters in total but found ${show(metadata.namespace)}`,
    );
  }
  for (const field of ['title', 'description'] as const) {
    if (metadata[field] !== undefined && typeof metadata[field] !== 'string') {
      report('metadata.field-type', ['metadata', field], `"metadata.${field}" must be a string, found ${show(metadata[field])}`);
    }
  }

  checkKeyValues(metadata, 'labels', report, v.isValidLabelKey, v.isValidLabelValue, 'an empty string or a valid name (sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters)');
  checkKeyValues(metadata, 'annotations', report, v.isValidAnnotationKey, v.isValidAnnotationValue, 'a string');

  const tags = metadata.tags;
  if (tags !== undefined) {
    if (!Array.isArray(tags)) {
      report('metadata.field-type', ['metadata', 'tags'], `"metadata.tags" must be a list, found ${show(tags)}`);
    } else {
      tags.forEach((tag, i) => {
        if (!v.isValidTag(tag)) {
          report(
            'metadata.tags.format',
            ['metadata', 'tags', i],
            `"tags.${i}" is not valid; expected a string that is sequences of [a-z0-9:+#] separated by [-], at most 63 characters in total but found ${show(tag)}`,
          );
        }
      });
    }
  }

  const links = metadata.links;
  if (links !== undefined) {
    if (!Array.isArray(links)) {
      report('metadata.field-type', ['metadata', 'links'], `"metadata.links" must be a list, found ${show(links)}`);
    } else {
      links.forEach((link, i) => {
        const at = ['metadata', 'links', i];
        const l = isObject(link) ? link : {};
        if (!v.isValidUrl(l.url)) {
          report('metadata.links.url', [...at, 'url'], `"links.${i}.url" is not valid; expected a string that is a valid url but found ${show(l.url)}`);
        }
        if (l.title !== undefined && !v.isValidString(l.title)) {
          report('metadata.links.title', [...at, 'title'], `"links.${i}.title" is not valid; expected a non empty string but found ${show(l.title)}`);
        }
        if (l.icon !== undefined && !v.isValidObjectName(l.icon)) {
          report('metadata.links.icon', [...at, 'icon'], `"links.${i}.icon" is not valid; expected a valid name (e.g. dashboard) but found ${show(l.icon)}`);
        }
      });
    }
  }
}

function checkKeyValues(
  metadata: Record<string, unknown>,
  field: 'labels' | 'annotations',
  report: Report,
  isValidKey: (k: unknown) => boolean,
  isValidValue: (x: unknown) => boolean,
  expectedValue: string,
): void {
  const map = metadata[field];
  if (map === undefined) return;
  if (!isObject(map)) {
    report('metadata.field-type', ['metadata', field], `"metadata.${field}" must be a mapping, found ${show(map)}`);
    return;
  }
  const keyRule: CatalogRuleId = field === 'labels' ? 'metadata.labels.key' : 'metadata.annotations.key';
  const valueRule: CatalogRuleId = field === 'labels' ? 'metadata.labels.value' : 'metadata.annotations.value';
  for (const [key, value] of Object.entries(map)) {
    if (!isValidKey(key)) {
      report(keyRule, ['metadata', field, key], `"${field}.${key}" is not valid; expected a key with an optional DNS-subdomain prefix and / then a valid name (e.g. example.com/my-key) but found "${key}"`);
    }
    if (!isValidValue(value)) {
      report(valueRule, ['metadata', field, key], `"${field}.${key}" is not valid; expected ${expectedValue} but found ${show(value)}`);
    }
  }
}

function checkSpec(
  raw: Record<string, unknown>,
  definition: KindDefinition,
  namespace: string,
  declaration: EntityDeclaration,
  doc: DescriptorDocument,
  report: Report,
): void {
  const spec = raw.spec;
  if (!isObject(spec)) {
    if (definition.validateSpec) report('spec.required', spec === undefined ? [] : ['spec'], `"spec" must be a mapping for kind ${definition.kind}`);
    return;
  }
  const fieldsOk = new Set<string>();
  if (definition.validateSpec) {
    for (const field of definition.fields) if (checkSpecField(spec, field, definition, report)) fieldsOk.add(field.name);
    if (definition.requireOneOf && !definition.requireOneOf.some((f) => spec[f] !== undefined)) {
      report('spec.field-required', ['spec'], `"spec.${definition.requireOneOf.join('" or "spec.')}" is required for kind ${definition.kind}`);
    }
  }

  for (const refField of definition.refs) {
    const value = spec[refField.name];
    if (value === undefined || value === null) continue;
    if (definition.validateSpec && !fieldsOk.has(refField.name)) continue;
    const list = Array.isArray(value) ? value : [value];
    list.forEach((target, i) => {
      if (typeof target !== 'string') return;
      const path = Array.isArray(value) ? ['spec', refField.name, i] : ['spec', refField.name];
      const field = Array.isArray(value) ? `spec.${refField.name}[${i}]` : `spec.${refField.name}`;
      try {
        const targetRef = stringifyEntityRef(parseEntityRef(target, { defaultKind: refField.defaultKind, defaultNamespace: namespace }));
        declaration.references.push({ relation: refField.relation, targetRef, field, line: doc.lineAt(path) });
      } catch (e) {
        if (!(e instanceof EntityRefError)) throw e;
        report(e.rule, path, `"${field}": ${e.message}`);
      }
    });
  }

  if (definition.kind === 'Location') {
    const type = typeof spec.type === 'string' ? spec.type : null;
    if (typeof spec.target === 'string') declaration.locationTargets.push({ target: spec.target, type, line: doc.lineAt(['spec', 'target']) });
    if (Array.isArray(spec.targets)) {
      spec.targets.forEach((t, i) => {
        if (typeof t === 'string') declaration.locationTargets.push({ target: t, type, line: doc.lineAt(['spec', 'targets', i]) });
      });
    }
  }
}

/** Checks one spec field against the kind's schema; true when it is usable. */
function checkSpecField(spec: Record<string, unknown>, field: SpecField, definition: KindDefinition, report: Report): boolean {
  const value = spec[field.name];
  const path = ['spec', field.name];
  if (value === undefined || value === null || value === '') {
    if (field.required) {
      report('spec.field-required', value === undefined ? ['spec'] : path, `"spec.${field.name}" is required for kind ${definition.kind}`);
      return false;
    }
    if (value === undefined) return true;
  }
  // Backstage's kind schemas give every string a minLength of 1.
  const nonEmptyString = (x: unknown) => typeof x === 'string' && x.length > 0;
  switch (field.type) {
    case 'string':
      if (!nonEmptyString(value)) {
        report('spec.field-type', path, `"spec.${field.name}" must be a non-empty string, found ${show(value)}`);
        return false;
      }
      return true;
    case 'string[]':
      if (!Array.isArray(value)) {
        report('spec.field-type', path, `"spec.${field.name}" must be a list of entity references, found ${show(value)}`);
        return false;
      }
      for (let i = 0; i < value.length; i++) {
        if (!nonEmptyString(value[i])) {
          report('spec.field-type', [...path, i], `"spec.${field.name}[${i}]" must be a non-empty string, found ${show(value[i])}`);
          return false;
        }
      }
      return true;
    case 'object':
      if (!isObject(value)) {
        report('spec.field-type', path, `"spec.${field.name}" must be a mapping, found ${show(value)}`);
        return false;
      }
      return true;
  }
}
