// Catalog providers: data sources whose plugin answers `catalog.entities`. Each one's entities
// are written as a descriptor file (`<data-dir>/plugin-catalogs/<source>.yaml`, one YAML
// document per entity) that the catalog reads like any other file source, so a plugin's
// entities are validated, related and reported exactly as entities in catalog-info.yaml are.
// Asked again every minute and whenever data sources change; a failed answer keeps the last
// good entities and shows the error on the source.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { PluginCatalogState } from '../../common/api/catalog-provider-schemas';
import type { CatalogHost, PluginCatalogFile } from '../catalog/host';
import type { SourceRegistry } from './registry';

export const PLUGIN_CATALOG_DIR = 'plugin-catalogs';

export class CatalogFeed {
  private readonly dir: string;
  private readonly states = new Map<string, PluginCatalogState>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    dataDir: string,
    private readonly registry: SourceRegistry,
    private readonly catalog: CatalogHost,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.dir = join(dataDir, PLUGIN_CATALOG_DIR);
  }

  fileOf(source: string): string {
    return join(this.dir, `${encodeURIComponent(source)}.yaml`);
  }

  /** Asks every catalog provider for its entities now (one refresh at a time; a request during
   * one runs another right after). */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.refreshOnce()
      .catch((e: Error) => this.log(`loupe: catalog providers: ${e.message}`))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          void this.refresh();
        }
      });
    return this.running;
  }

  private async refreshOnce(): Promise<void> {
    const providers = this.registry.list().datasources.filter((d) => d.capabilities.includes('catalog'));
    let rewritten = false;
    await Promise.all(
      providers.map(async (d) => {
        const prev = this.states.get(d.name);
        const state: PluginCatalogState = prev && prev.type === d.type ? { ...prev } : { source: d.name, type: d.type, state: 'pending', error: null, entities: 0, refreshedAt: null };
        try {
          const { entities } = await this.registry.call(d.name, 'catalog.entities', {}, 30_000);
          const text =
            `# Written by Loupe from the entities of data source "${d.name}" (plugin ${d.type}); replaced on every refresh.\n` +
            entities.map((e) => stringify(e, { lineWidth: 0 })).join('---\n');
          const file = this.fileOf(d.name);
          if (!existsSync(file) || readFileSync(file, 'utf8') !== text) {
            mkdirSync(this.dir, { recursive: true });
            writeFileSync(`${file}.tmp`, text);
            renameSync(`${file}.tmp`, file);
            rewritten = true;
          }
          Object.assign(state, { state: 'ok', error: null, entities: entities.length, refreshedAt: Date.now() });
        } catch (e) {
          Object.assign(state, { state: 'error', error: (e as Error).message });
          // Listed (with its error) even before a first good answer.
          if (!existsSync(this.fileOf(d.name))) {
            mkdirSync(this.dir, { recursive: true });
            writeFileSync(this.fileOf(d.name), `# Written by Loupe for data source "${d.name}" (plugin ${d.type}): no entities yet.\n`);
          }
        }
        this.states.set(d.name, state);
      }),
    );
    // Sources removed (or no longer providers): their states and files go.
    const names = new Set(providers.map((d) => d.name));
    for (const name of [...this.states.keys()]) if (!names.has(name)) this.states.delete(name);
    if (existsSync(this.dir))
      for (const f of readdirSync(this.dir))
        if (f.endsWith('.yaml') && !names.has(decodeURIComponent(f.slice(0, -5)))) {
          rmSync(join(this.dir, f), { force: true });
          rewritten = true;
        }
    const files: PluginCatalogFile[] = providers.filter((d) => existsSync(this.fileOf(d.name))).map((d) => ({ path: this.fileOf(d.name), state: this.states.get(d.name)! }));
    await this.catalog.setPluginFiles(files, rewritten);
  }

  start(everyMs = 60_000): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
