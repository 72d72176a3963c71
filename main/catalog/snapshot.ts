// One loaded state of the catalog: the valid entities keyed by reference, every relation stored
// from both ends (as Backstage's catalog stores them), duplicates and dangling references found,
// and the per-entity fields the list, search and facet queries read, computed once per load.
import type { CatalogEntity, CatalogProblem, CatalogRelation, CatalogRelationType } from '../../common/api/catalog-schemas';
import type { LoadedSources } from './loader';
import { reverseRelation } from './relations';
import { CATALOG_RULES } from './rules';
import type { EntityDeclaration } from './validate-entity';

export interface CatalogEntry {
  entity: CatalogEntity;
  declaration: EntityDeclaration;
  /** Lower-cased text the `q` search matches against. */
  searchText: string;
  kindLower: string;
  type: string | null;
  lifecycle: string | null;
  tags: string[];
  /** Targets of ownedBy relations (refs). */
  owners: string[];
  /** Targets of partOf relations that are systems (refs). */
  systems: string[];
}

export class CatalogSnapshot {
  /** Valid entities by canonical reference. */
  readonly entries: ReadonlyMap<string, CatalogEntry>;
  /** The same entries ordered by reference (kind, namespace, name). */
  readonly ordered: readonly CatalogEntry[];
  /** Every problem, ordered by file and line. */
  readonly problems: readonly CatalogProblem[];
  readonly problemsByRef: ReadonlyMap<string, CatalogProblem[]>;
  /** Every file read, with its fingerprint (for change detection). */
  readonly files: ReadonlyMap<string, string>;
  readonly loadedAt: number;

  constructor(entries: Map<string, CatalogEntry>, problems: CatalogProblem[], files: Map<string, string>, loadedAt = Date.now()) {
    this.entries = entries;
    this.ordered = [...entries.values()].sort((a, b) => (a.entity.ref < b.entity.ref ? -1 : a.entity.ref > b.entity.ref ? 1 : 0));
    this.problems = problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
    const byRef = new Map<string, CatalogProblem[]>();
    for (const p of problems) {
      if (!p.entityRef) continue;
      const list = byRef.get(p.entityRef);
      if (list) list.push(p);
      else byRef.set(p.entityRef, [p]);
    }
    this.problemsByRef = byRef;
    this.files = files;
    this.loadedAt = loadedAt;
  }

  static empty(): CatalogSnapshot {
    return new CatalogSnapshot(new Map(), [], new Map(), 0);
  }

  get(ref: string): CatalogEntry | undefined {
    return this.entries.get(ref.toLowerCase());
  }

  /** True when some problem has severity error (what makes `loupe catalog validate` fail). */
  get hasErrors(): boolean {
    return this.problems.some((p) => p.severity === 'error');
  }
}

export function buildSnapshot(loaded: LoadedSources, loadedAt = Date.now()): CatalogSnapshot {
  const problems: CatalogProblem[] = [...loaded.problems];
  const accepted = new Map<string, EntityDeclaration>();
  const invalid = new Map<string, EntityDeclaration>();
  const files = new Map<string, string>();

  for (const file of loaded.files) {
    files.set(file.file, file.fingerprint);
    problems.push(...file.problems);
    for (const declaration of file.declarations) {
      problems.push(...declaration.problems);
      if (!declaration.ref) continue;
      if (!declaration.valid) {
        if (!invalid.has(declaration.ref)) invalid.set(declaration.ref, declaration);
        continue;
      }
      const first = accepted.get(declaration.ref);
      if (first) {
        // Backstage rejects the second claim to a reference (a conflict); the first one wins.
        problems.push({
          file: declaration.file,
          line: declaration.line,
          entityRef: declaration.ref,
          rule: 'entity.duplicate',
          message: `${declaration.ref} is already declared at ${first.file}:${first.line}; this declaration is ignored`,
          severity: CATALOG_RULES['entity.duplicate'].severity,
        });
        continue;
      }
      accepted.set(declaration.ref, declaration);
    }
  }

  // Relations from both ends: each declared reference adds the relation to its source and the
  // reverse relation to its target. Copies (both ends declaring it) are dropped after sorting.
  const relations = new Map<string, CatalogRelation[]>();
  const addRelation = (source: string, type: CatalogRelationType, targetRef: string) => {
    const list = relations.get(source);
    if (list) list.push({ type, targetRef });
    else relations.set(source, [{ type, targetRef }]);
  };
  for (const [ref, declaration] of accepted) {
    for (const reference of declaration.references) {
      addRelation(ref, reference.relation, reference.targetRef);
      addRelation(reference.targetRef, reverseRelation(reference.relation), ref);
      if (!accepted.has(reference.targetRef)) {
        const broken = invalid.get(reference.targetRef);
        problems.push({
          file: declaration.file,
          line: reference.line,
          entityRef: ref,
          rule: 'ref.dangling',
          message: broken
            ? `${reference.field} refers to ${reference.targetRef}, which is declared at ${broken.file}:${broken.line} but is invalid`
            : `${reference.field} refers to ${reference.targetRef}, which is not in the catalog`,
          severity: CATALOG_RULES['ref.dangling'].severity,
        });
      }
    }
  }

  const entries = new Map<string, CatalogEntry>();
  for (const [ref, declaration] of accepted) entries.set(ref, toEntry(ref, declaration, sortedUnique(relations.get(ref) ?? [])));
  return new CatalogSnapshot(entries, problems, files, loadedAt);
}

function compareRelations(a: CatalogRelation, b: CatalogRelation): number {
  if (a.type !== b.type) return a.type < b.type ? -1 : 1;
  return a.targetRef < b.targetRef ? -1 : a.targetRef > b.targetRef ? 1 : 0;
}

function sortedUnique(list: CatalogRelation[]): CatalogRelation[] {
  if (list.length < 2) return list;
  list.sort(compareRelations);
  let kept = 1;
  for (let i = 1; i < list.length; i++) if (compareRelations(list[i], list[kept - 1]) !== 0) list[kept++] = list[i];
  list.length = kept;
  return list;
}

function toEntry(ref: string, declaration: EntityDeclaration, relations: CatalogRelation[]): CatalogEntry {
  const raw = declaration.raw!;
  // As written; the effective namespace is entity.namespace.
  const metadata = raw.metadata as Record<string, unknown>;
  const spec = (raw.spec && typeof raw.spec === 'object' ? raw.spec : {}) as Record<string, unknown>;
  const profile = spec.profile && typeof spec.profile === 'object' ? (spec.profile as Record<string, unknown>) : {};
  const title = typeof metadata.title === 'string' ? metadata.title : typeof profile.displayName === 'string' ? profile.displayName : null;
  const description = typeof metadata.description === 'string' ? metadata.description : null;
  const tags = Array.isArray(metadata.tags) ? (metadata.tags as string[]) : [];
  const type = typeof spec.type === 'string' ? spec.type : null;
  const lifecycle = typeof spec.lifecycle === 'string' ? spec.lifecycle : null;
  const owners: string[] = [];
  const systems: string[] = [];
  for (const r of relations) {
    if (r.type === 'ownedBy') owners.push(r.targetRef);
    else if (r.type === 'partOf' && r.targetRef.startsWith('system:')) systems.push(r.targetRef);
  }
  const entity: CatalogEntity = {
    ref,
    kind: declaration.kind!,
    namespace: declaration.namespace,
    name: declaration.name!,
    title,
    description,
    metadata,
    spec,
    relations,
    source: { file: declaration.file, line: declaration.line },
  };
  let searchText = `${ref}\n${title ?? ''}\n${description ?? ''}\n${type ?? ''}\n${lifecycle ?? ''}`;
  for (const tag of tags) if (typeof tag === 'string') searchText += `\n${tag}`;
  for (const owner of owners) searchText += `\n${owner.slice(owner.indexOf('/') + 1)}`;
  searchText = searchText.toLowerCase();
  return { entity, declaration, searchText, kindLower: declaration.kind!.toLowerCase(), type, lifecycle, tags, owners, systems };
}
