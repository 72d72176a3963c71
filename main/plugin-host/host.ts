// The plugin host: the discovered plugins and one process per plugin, started lazily. The core
// reaches plugins only through here; a plugin never gets the database handle, only the SDK.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OtlpSink } from '../../common/ingest';
import type { Capability } from '../../common/plugin-protocol';
import { discoverPlugins, type DiscoveredPlugin, type PluginOrigin } from './discovery';
import { PluginProcess, type PluginStatus, type Timing } from './plugin-process';

export interface PluginHostOptions {
  dataDir: string;
  /** Folders named with --plugin DIR. */
  extraDirs?: string[];
  /** Overrides for where the bundled runner, SDK and built-in plugins are (tests build them). */
  runtime?: PluginRuntime;
  sink?: OtlpSink;
  log?: (line: string) => void;
  secrets?: () => string[];
  timing?: Partial<Timing>;
}

export interface PluginRuntime {
  runnerFile: string;
  sdkFile: string;
  builtinDir: string | null;
}

export interface PluginInfo {
  id: string;
  name: string;
  version: string;
  description: string;
  capabilities: Capability[];
  origin: PluginOrigin;
  dir: string;
  status: PluginStatus;
  /** The settings form (JSON Schema), known once the plugin has started. */
  settingsSchema: Record<string, unknown> | null;
}

/** dist/plugin-runner.js, dist/plugin-sdk.js and dist/plugins/ beside the running bundle; from
 * TypeScript sources, the repository's dist/. */
export function defaultRuntime(): PluginRuntime {
  for (const base of ['./', '../../dist/']) {
    const url = new URL(base, import.meta.url);
    if (url.protocol !== 'file:') continue;
    const dir = fileURLToPath(url);
    const runnerFile = `${dir}plugin-runner.js`;
    if (existsSync(runnerFile)) return { runnerFile, sdkFile: `${dir}plugin-sdk.js`, builtinDir: existsSync(`${dir}plugins`) ? `${dir}plugins` : null };
  }
  return { runnerFile: '', sdkFile: '', builtinDir: null };
}

export class PluginHost {
  readonly problems: string[];
  private readonly plugins: DiscoveredPlugin[];
  private readonly processes = new Map<string, PluginProcess>();
  private readonly runtime: PluginRuntime;

  constructor(private readonly opts: PluginHostOptions) {
    this.runtime = opts.runtime ?? defaultRuntime();
    const found = discoverPlugins({ builtinDir: this.runtime.builtinDir, dataDir: opts.dataDir, extraDirs: opts.extraDirs });
    this.plugins = found.plugins;
    this.problems = found.problems;
    if (!this.runtime.runnerFile && this.plugins.length) this.problems.push('the plugin runner is not built (run "node build/build.mjs core"); plugins cannot start');
    for (const p of this.problems) opts.log?.(`loupe: plugin problem: ${p}`);
  }

  list(): PluginInfo[] {
    return this.plugins.map((p) => {
      const proc = this.processes.get(p.manifest.id);
      return {
        id: p.manifest.id,
        name: p.manifest.name,
        version: p.manifest.version,
        description: p.manifest.description ?? '',
        capabilities: p.manifest.capabilities,
        origin: p.origin,
        dir: p.dir,
        status: proc?.status() ?? { state: 'stopped', lastError: null, restarts: 0, pid: null, nextRestartAt: null },
        settingsSchema: proc?.hello?.settingsSchema ?? null,
      };
    });
  }

  has(id: string): boolean {
    return this.plugins.some((p) => p.manifest.id === id);
  }

  /** The process of one plugin (created, not yet started, on first use). */
  process(id: string): PluginProcess {
    let proc = this.processes.get(id);
    if (proc) return proc;
    const plugin = this.plugins.find((p) => p.manifest.id === id);
    if (!plugin) throw new Error(`no plugin "${id}" is installed (installed: ${this.plugins.map((p) => p.manifest.id).join(', ') || 'none'})`);
    proc = new PluginProcess({
      manifest: plugin.manifest,
      mainFile: plugin.mainFile,
      runnerFile: this.runtime.runnerFile,
      sdkFile: this.runtime.sdkFile,
      sink: this.opts.sink,
      log: this.opts.log,
      secrets: this.opts.secrets,
      timing: this.opts.timing,
    });
    this.processes.set(id, proc);
    return proc;
  }

  /** Starts a plugin and returns its settings schema (for the settings form). */
  async settingsSchema(id: string): Promise<Record<string, unknown>> {
    const proc = this.process(id);
    await proc.ensureStarted();
    return proc.hello!.settingsSchema;
  }

  async close(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.close()));
  }
}
