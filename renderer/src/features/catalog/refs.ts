// Entity references as the catalog API spells them (`kind:namespace/name`, lower-case) and the
// addresses of their pages in the UI (`/catalog/<kind>/<namespace>/<name>`).

export interface RefParts {
  kind: string;
  namespace: string;
  name: string;
}

/** Splits `kind:namespace/name`; a reference without a kind or namespace gets `default`s. */
export function splitRef(ref: string): RefParts {
  const colon = ref.indexOf(':');
  const slash = ref.indexOf('/', colon + 1);
  const kind = colon > 0 ? ref.slice(0, colon) : '';
  const namespace = slash > colon ? ref.slice(colon + 1, slash) : 'default';
  const name = ref.slice(Math.max(colon + 1, slash + 1));
  return { kind, namespace, name };
}

export function refOf(parts: RefParts): string {
  return `${parts.kind}:${parts.namespace}/${parts.name}`.toLowerCase();
}

/** The page of an entity. */
export function entityPath(ref: string | RefParts, suffix = ''): string {
  const p = typeof ref === 'string' ? splitRef(ref) : ref;
  return `/catalog/${encodeURIComponent(p.kind.toLowerCase())}/${encodeURIComponent(p.namespace.toLowerCase())}/${encodeURIComponent(p.name.toLowerCase())}${suffix}`;
}

const KIND_LABELS: Record<string, string> = {
  component: 'Component',
  api: 'API',
  resource: 'Resource',
  system: 'System',
  domain: 'Domain',
  group: 'Group',
  user: 'User',
  location: 'Location',
  template: 'Template',
};

/** `api` → `API`, `component` → `Component`; unknown kinds keep their spelling. */
export function kindLabel(kind: string): string {
  return KIND_LABELS[kind.toLowerCase()] ?? kind;
}

/** A reference as people say it: the name, with the namespace when it is not `default`. */
export function refName(ref: string): string {
  const p = splitRef(ref);
  return p.namespace === 'default' ? p.name : `${p.namespace}/${p.name}`;
}

/** Title when there is one, else the name. */
export function displayName(e: { title?: string | null; name: string }): string {
  return e.title && e.title.trim() !== '' ? e.title : e.name;
}
