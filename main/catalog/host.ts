// The catalog inside the core: sources from the command line (--catalog) plus those added in
// the UI (kept in catalog-sources.json next to the data), live reload, and the telemetry the
// catalog is compared with (services and edges seen in a window, from the rollups).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Catalog, type ObservedTelemetry, catalogHandlers, matchServices } from './index';
import type { CatalogChangeEvent } from '../../common/api/catalog-schemas';
import type { PluginCatalogState } from '../../common/api/catalog-provider-schemas';
import { nodeName, nodeTypeOf } from '../../common/service-map';
import type { ReadStore } from '../query/read-store';
import { windowOf } from '../query/read-store';
import { edgesSeen, servicesSeen } from '../query/observed-telemetry';

export const CATALOG_SOURCES_FILE = 'catalog-sources.json';
const SNAPSHOT_RELATIONS = new Set(['ownedBy', 'partOf', 'providesApi', 'consumesApi', 'dependsOn']);

export interface CatalogSource {
  path: string;
  origin: 'command-line' | 'ui' | 'demo' | 'plugin';
  exists: boolean;
  plugin?: PluginCatalogState;
}

/** A file of entities a catalog-provider plugin gave (written by main/datasources/catalog-feed.ts). */
export interface PluginCatalogFile {
  path: string;
  state: PluginCatalogState;
}

export class CatalogHost {
  private catalog: Catalog;
  private uiSources: string[];
  private readonly file: string;

  constructor(
    dataDir: string,
    private readonly cliSources: readonly string[],
    private readonly store: ReadStore,
    private readonly onChange: (e: CatalogChangeEvent) => void,
    private readonly log: (line: string) => void,
    /** false: the demo never brings its catalog (`--no-demo-catalog`). */
    private readonly runSourcesAllowed = true,
  ) {
    this.file = join(dataDir, CATALOG_SOURCES_FILE);
    this.uiSources = readSources(this.file);
    this.catalog = this.create();
  }

  private create(): Catalog {
    const catalog = new Catalog({ sources: this.allSources() });
    catalog.on('changed', (e: CatalogChangeEvent) => this.onChange(e));
    return catalog;
  }

  /** Sources added while running and not kept (the demo's catalog). */
  private runSources: string[] = [];
  /** Files written from catalog-provider plugins' answers, one per data source. */
  private pluginFiles: PluginCatalogFile[] = [];

  private allSources(): string[] {
    return [...new Set([...this.cliSources, ...this.uiSources, ...this.pluginFiles.map((f) => f.path), ...this.runSources].map((p) => resolve(p)))];
  }

  /** Whether the user has a catalog of their own (from --catalog, added in the UI, or a plugin). */
  private hasOwnSources(): boolean {
    return this.cliSources.length + this.uiSources.length + this.pluginFiles.length > 0;
  }

  /** Sets the plugin-fed sources; reloads when the set changed or a file was rewritten. */
  async setPluginFiles(files: PluginCatalogFile[], rewritten: boolean): Promise<void> {
    const before = this.pluginFiles.map((f) => resolve(f.path)).join('\n');
    this.pluginFiles = files;
    const changed = before !== files.map((f) => resolve(f.path)).join('\n');
    if (this.hasOwnSources()) this.runSources = [];
    if (changed || rewritten) await this.reload();
  }

  /** Adds a source for this run only (the demo's catalog when the demo starts) and reloads.
   * A catalog of the user's own wins: with one, the run source is left out (and a source added
   * in the UI later replaces it), so the demo never mixes its entities into a team's catalog. */
  async addRunSource(path: string): Promise<boolean> {
    if (!this.runSourcesAllowed) return false;
    if (this.hasOwnSources()) {
      this.log(`loupe: ${path} not loaded: the catalog has sources of its own`);
      return false;
    }
    if (this.allSources().includes(resolve(path))) return true;
    this.runSources.push(path);
    await this.reload();
    return true;
  }

  private async reload(): Promise<void> {
    const old = this.catalog;
    this.catalog = this.create();
    await old.close();
    await this.start();
    const snap = this.catalog.snapshot;
    this.onChange({ entities: snap.entries.size, problems: snap.problems.length, added: [], removed: [], updated: [], files: [] });
  }

  async start(): Promise<void> {
    if (this.allSources().length === 0) return;
    const s = await this.catalog.load();
    void this.catalog.watch();
    this.log(`loupe: catalog loaded ${s.entities} entities from ${s.files} files (${s.problems} problems) in ${Math.round(s.durationMs)} ms`);
  }

  sources(): CatalogSource[] {
    const cli = new Set(this.cliSources.map((p) => resolve(p)));
    const ui = new Set(this.uiSources.map((p) => resolve(p)));
    const fed = new Map(this.pluginFiles.map((f) => [resolve(f.path), f.state]));
    const origin = (path: string): CatalogSource['origin'] => (cli.has(path) ? 'command-line' : ui.has(path) ? 'ui' : fed.has(path) ? 'plugin' : 'demo');
    return this.allSources().map((path) => {
      const plugin = fed.get(path);
      return { path, origin: origin(path), exists: existsSync(path), ...(plugin ? { plugin } : {}) };
    });
  }

  /** Replaces the sources added in the UI and reloads everything. */
  async setUiSources(paths: string[]): Promise<CatalogSource[]> {
    this.uiSources = [...new Set(paths.map((p) => resolve(p.trim())).filter(Boolean))];
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify({ sources: this.uiSources }, null, 2) + '\n');
    renameSync(tmp, this.file);
    // The user's own catalog replaces the demo's.
    if (this.hasOwnSources()) this.runSources = [];
    await this.reload();
    return this.sources();
  }

  /** Services and the edges between nodes seen in the window (virtual nodes by their name). */
  observe(input: { from?: number; to?: number }): ObservedTelemetry {
    const { from, to } = windowOf(input, 24 * 3_600_000);
    const services = servicesSeen(this.store, from, to);
    const edges = edgesSeen(this.store, Math.floor(from / 60_000), Math.floor(to / 60_000))
      .filter((e) => nodeTypeOf(e.source) === 'service')
      .map((e) => ({ source: e.source, target: nodeName(e.target), targetType: nodeTypeOf(e.target), targetNode: e.target }));
    return { services, edges };
  }

  /** Component and owner of each telemetry service, by service.name (or the annotation). */
  owners(services: readonly string[]): Map<string, { component: string; owner: string | null }> {
    const entities = this.catalog.snapshot.ordered.map((e) => e.entity);
    const byRef = new Map(entities.map((e) => [e.ref, e]));
    const out = new Map<string, { component: string; owner: string | null }>();
    for (const m of matchServices(entities, services)) {
      const ref = m.componentRefs[0];
      if (!ref) continue;
      const owner = byRef.get(ref)?.relations.find((r) => r.type === 'ownedBy')?.targetRef ?? null;
      out.set(m.serviceName, { component: ref, owner });
    }
    return out;
  }

  /** Descriptors, as written, of the components these services match and of the entities they
   * name directly (owner, system, APIs, dependencies): what a snapshot carries of the catalog. */
  descriptorsFor(services: readonly string[]): Array<Record<string, unknown>> {
    const snap = this.catalog.snapshot;
    const refs = new Set<string>();
    for (const m of matchServices(snap.ordered.map((e) => e.entity), services))
      for (const ref of m.componentRefs) {
        refs.add(ref);
        for (const r of snap.get(ref)?.entity.relations ?? []) if (SNAPSHOT_RELATIONS.has(r.type)) refs.add(r.targetRef);
      }
    const out: Array<Record<string, unknown>> = [];
    for (const ref of refs) {
      const raw = snap.get(ref)?.declaration.raw;
      if (raw) out.push(raw);
    }
    return out;
  }

  /** Handlers for catalogApi; they always use the current catalog (sources can change). */
  handlers() {
    return catalogHandlers(
      () => this.catalog,
      async (window) => this.observe(window),
    );
  }

  close(): void {
    this.catalog.close();
  }
}

function readSources(file: string): string[] {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { sources?: unknown };
    return Array.isArray(parsed.sources) ? parsed.sources.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return [];
  }
}
