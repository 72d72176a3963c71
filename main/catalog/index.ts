// The service catalog: Backstage descriptor files (catalog-info.yaml and the files Location
// entities point at) loaded into an in-memory snapshot, kept current by watching the files, and
// answered through one handler per endpoint of `catalogApi`.
import { EventEmitter } from 'node:events';
import type { z } from 'zod';
import type {
  CatalogApi,
  CatalogChangeEvent,
  CatalogDriftQuery,
  CatalogDriftReport,
  CatalogEntitiesQuery,
  CatalogEntity,
  CatalogEntityDetail,
  CatalogEntityParams,
  CatalogErrorsQuery,
  CatalogFacets,
  CatalogFacetsQuery,
  CatalogGraph,
  CatalogGraphQuery,
  CatalogProblem,
} from '../../common/api/catalog-schemas';
import type { LinkOptions } from './links';
import { DescriptorLoader, type LoadedSources } from './loader';
import { catalogErrors, catalogFacets, catalogGraph, getEntity, listEntities } from './queries';
import { buildSnapshot, CatalogSnapshot } from './snapshot';
import { computeDrift, type ObservedTelemetry } from './telemetry-matching';
import type { EntityDeclaration } from './validate-entity';
import { SourceWatcher, type WatchTargets } from './watcher';

export { DEFAULT_NAMESPACE, EntityRefError, parseEntityRef, stringifyEntityRef, type EntityRef } from './entity-ref';
export { CATALOG_RULES, type CatalogRuleId } from './rules';
export { CatalogEntityNotFoundError, CatalogRequestError } from './queries';
export { CatalogSnapshot } from './snapshot';
export { RUNBOOK_ANNOTATION, SERVICE_NAME_ANNOTATION, entityLinks, type LinkOptions } from './links';
export {
  computeDrift,
  findOwnerlessServices,
  findSilentComponents,
  matchServices,
  serviceNameOf,
  type ObservedEdge,
  type ObservedTelemetry,
} from './telemetry-matching';
export { formatProblem, runCatalogCommand, validateCatalog } from './cli';

export interface CatalogOptions {
  /** Folders (searched for catalog-info.yaml) and descriptor files. */
  sources: readonly string[];
  /** Quiet time after the last file event before reloading. */
  debounceMs?: number;
  /** Poll instead of using fs.watch (network drives, containers with bind mounts). */
  poll?: boolean;
  pollIntervalMs?: number;
  links?: LinkOptions;
}

export interface CatalogLoadSummary {
  entities: number;
  problems: number;
  errors: number;
  files: number;
  durationMs: number;
}

export class Catalog {
  private readonly loader = new DescriptorLoader();
  private readonly events = new EventEmitter();
  private current = CatalogSnapshot.empty();
  private loadedSignature = '';
  private loading: Promise<unknown> = Promise.resolve();
  private watchTargets: WatchTargets = { directories: [], paths: [] };
  private watcher: SourceWatcher | null = null;
  private reloading: Promise<void> | null = null;
  private reloadAgain = false;
  private readonly sources: readonly string[];

  constructor(private readonly options: CatalogOptions) {
    this.sources = [...options.sources];
  }

  /** The current state; replaced (never mutated) by each load. */
  get snapshot(): CatalogSnapshot {
    return this.current;
  }

  /** Loads (or reloads) every source. Calls are serialized, so the newest load always wins. */
  load(): Promise<CatalogLoadSummary> {
    const run = this.loading.then(() => this.loadNow());
    this.loading = run.catch(() => undefined);
    return run;
  }

  private async loadNow(): Promise<CatalogLoadSummary> {
    const started = performance.now();
    const loaded = await this.loader.load(this.sources);
    // Same files with the same fingerprints (and the same missing targets) give the same
    // snapshot; keeping it makes polls and unrelated file events cheap.
    const signature = loadSignature(loaded);
    if (signature !== this.loadedSignature) {
      this.current = buildSnapshot(loaded);
      this.loadedSignature = signature;
    }
    this.watchTargets = loaded.watch;
    if (this.watcher) await this.watcher.update(this.watchTargets);
    return {
      entities: this.current.entries.size,
      problems: this.current.problems.length,
      errors: this.current.problems.filter((p) => p.severity === 'error').length,
      files: this.current.files.size,
      durationMs: performance.now() - started,
    };
  }

  /** Starts watching the sources; each change reloads the catalog and emits `changed`. The
   * promise settles once the watchers are attached (callers that do not care need not wait). */
  watch(): Promise<void> {
    if (this.watcher) return Promise.resolve();
    this.watcher = new SourceWatcher({
      debounceMs: this.options.debounceMs ?? 200,
      pollIntervalMs: this.options.pollIntervalMs ?? 2000,
      poll: this.options.poll ?? false,
      onChange: (paths) => void this.reload(paths),
    });
    return this.watcher.update(this.watchTargets);
  }

  on(event: 'changed', listener: (change: CatalogChangeEvent) => void): this {
    this.events.on(event, listener);
    return this;
  }

  off(event: 'changed', listener: (change: CatalogChangeEvent) => void): this {
    this.events.off(event, listener);
    return this;
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
    this.events.removeAllListeners();
  }

  /** Resolves when no reload is running (tests and the CLI use it to wait for live reload). */
  async settled(): Promise<void> {
    while (this.reloading) await this.reloading;
  }

  // ---- handlers, one per endpoint of catalogApi -----------------------------------------

  listEntities(query: CatalogEntitiesQuery): CatalogEntity[] {
    return listEntities(this.current, query);
  }

  facets(query: CatalogFacetsQuery): CatalogFacets {
    return catalogFacets(this.current, query);
  }

  getEntity(params: CatalogEntityParams): CatalogEntityDetail {
    return getEntity(this.current, params, this.options.links);
  }

  errors(query: CatalogErrorsQuery): CatalogProblem[] {
    return catalogErrors(this.current, query);
  }

  /** Drift for the window; the core passes the services and edges it observed in it. */
  drift(_query: CatalogDriftQuery, observed: ObservedTelemetry): CatalogDriftReport {
    return computeDrift(this.current.ordered.map((e) => e.entity), observed);
  }

  graph(query: CatalogGraphQuery): CatalogGraph {
    return catalogGraph(this.current, query);
  }

  // ---- live reload ------------------------------------------------------------------------

  private reload(paths: string[]): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      try {
        do {
          this.reloadAgain = false;
          const before = this.current;
          await this.load();
          const change = describeChange(before, this.current, paths);
          if (change) this.events.emit('changed', change);
        } while (this.reloadAgain && this.watcher);
      } finally {
        this.reloading = null;
      }
    })();
    return this.reloading;
  }
}

function loadSignature(loaded: LoadedSources): string {
  const files = loaded.files.map((f) => `${f.file}\0${f.fingerprint}`).join('\n');
  const problems = loaded.problems.map((p) => `${p.file}:${p.line}:${p.rule}:${p.message}`).join('\n');
  return `${files}\n\n${problems}`;
}

/** What a reload changed, or null when no descriptor file did (a poll, an unrelated event). */
function describeChange(before: CatalogSnapshot, after: CatalogSnapshot, paths: string[]): CatalogChangeEvent | null {
  const files = new Set<string>();
  for (const [file, fingerprint] of after.files) if (before.files.get(file) !== fingerprint) files.add(file);
  for (const file of before.files.keys()) if (!after.files.has(file)) files.add(file);
  const problemsChanged = before.problems.length !== after.problems.length || before.problems.some((p, i) => !sameProblem(p, after.problems[i]));
  if (files.size === 0 && !problemsChanged) return null;

  const added: string[] = [];
  const removed: string[] = [];
  const updated: string[] = [];
  for (const [ref, entry] of after.entries) {
    const old = before.entries.get(ref);
    if (!old) added.push(ref);
    else if (!sameDeclaration(old.declaration, entry.declaration) || !sameRelations(old.entity.relations, entry.entity.relations)) updated.push(ref);
  }
  for (const ref of before.entries.keys()) if (!after.entries.has(ref)) removed.push(ref);
  for (const path of paths) if (after.files.has(path)) files.add(path);
  return { entities: after.entries.size, problems: after.problems.length, added, removed, updated, files: [...files].sort() };
}

function sameProblem(a: CatalogProblem, b: CatalogProblem): boolean {
  return a.file === b.file && a.line === b.line && a.rule === b.rule && a.message === b.message;
}

/** Unchanged files keep their parsed declarations, so identity settles most comparisons. */
function sameDeclaration(a: EntityDeclaration, b: EntityDeclaration): boolean {
  return a === b || (a.file === b.file && a.line === b.line && JSON.stringify(a.raw) === JSON.stringify(b.raw));
}

function sameRelations(a: CatalogEntity['relations'], b: CatalogEntity['relations']): boolean {
  return a.length === b.length && a.every((r, i) => r.type === b[i].type && r.targetRef === b[i].targetRef);
}

type Handler<K extends keyof CatalogApi> = (input: z.output<CatalogApi[K]['input']>) => Promise<z.output<CatalogApi[K]['output']>>;

/**
 * Handlers for every endpoint of `catalogApi`, keyed like it, for the HTTP server. Drift needs
 * the edges observed in the requested window; `observe` supplies them.
 */
export function catalogHandlers(
  catalog: Catalog | (() => Catalog),
  observe: (window: CatalogDriftQuery) => Promise<ObservedTelemetry>,
): { [K in keyof CatalogApi]: Handler<K> } {
  // A getter lets the owner swap the catalog (new sources) without re-registering routes.
  const current = typeof catalog === 'function' ? catalog : () => catalog;
  return {
    catalogEntities: async (input) => current().listEntities(input),
    catalogFacets: async (input) => current().facets(input),
    catalogEntity: async (input) => current().getEntity(input),
    catalogErrors: async (input) => current().errors(input),
    catalogDrift: async (input) => current().drift(input, await observe(input)),
    catalogGraph: async (input) => current().graph(input),
  };
}
