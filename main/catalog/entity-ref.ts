// Entity references as Backstage's catalog-model defines them (packages/catalog-model/src/entity/ref.ts):
// the string form is `[<kind>:][<namespace>/]<name>`; a missing kind or namespace is filled from
// the context (the field's default kind, the referring entity's namespace); the canonical form
// is lower-case, so references compare case-insensitively.

export const DEFAULT_NAMESPACE = 'default';

export interface EntityRef {
  kind: string;
  namespace: string;
  name: string;
}

export interface EntityRefContext {
  /** Kind used when the reference has none; without it a kind-less reference is an error. */
  defaultKind?: string;
  /** Namespace used when the reference has none (Backstage: the referring entity's namespace). */
  defaultNamespace?: string;
}

export class EntityRefError extends Error {
  constructor(
    message: string,
    /** `ref.kind-required` when only the kind is missing, `ref.format` otherwise. */
    readonly rule: 'ref.format' | 'ref.kind-required',
  ) {
    super(message);
  }
}

/** Parses a reference string, filling kind and namespace from the context. Throws EntityRefError. */
export function parseEntityRef(ref: string, context: EntityRefContext = {}): EntityRef {
  if (typeof ref !== 'string' || ref === '') throw new EntityRefError('Entity reference must not be empty', 'ref.format');
  let colon = ref.indexOf(':');
  const slash = ref.indexOf('/');
  // Backstage: if the / comes before the :, the rest is the name (e.g. `ns/na:me`).
  if (slash !== -1 && slash < colon) colon = -1;
  const kind = colon === -1 ? undefined : ref.slice(0, colon);
  const namespace = slash === -1 ? undefined : ref.slice(colon + 1, slash);
  const name = ref.slice(Math.max(colon + 1, slash + 1));
  if (kind === '' || namespace === '' || name === '') {
    throw new EntityRefError(`Entity reference "${ref}" was not on the form [<kind>:][<namespace>/]<name>`, 'ref.format');
  }
  const resolvedKind = kind ?? context.defaultKind;
  if (!resolvedKind) {
    throw new EntityRefError(
      `Entity reference "${ref}" had missing or empty kind (e.g. did not start with "component:" or similar)`,
      'ref.kind-required',
    );
  }
  return { kind: resolvedKind, namespace: namespace ?? context.defaultNamespace ?? DEFAULT_NAMESPACE, name };
}

/** The canonical, lower-case `kind:namespace/name` form used as the catalog's key. (Backstage
 * lower-cases with the en-US locale, which is what toLowerCase() does, and several times faster.) */
export function stringifyEntityRef(ref: { kind: string; namespace?: string; name: string }): string {
  return `${ref.kind}:${ref.namespace ?? DEFAULT_NAMESPACE}/${ref.name}`.toLowerCase();
}

/** Splits a canonical reference string (as produced by stringifyEntityRef) back into its parts. */
export function splitEntityRef(ref: string): EntityRef {
  const colon = ref.indexOf(':');
  const slash = ref.indexOf('/', colon + 1);
  return { kind: ref.slice(0, colon), namespace: ref.slice(colon + 1, slash), name: ref.slice(slash + 1) };
}
