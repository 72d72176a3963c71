// `loupe plugins list` and `loupe plugins check DIR`.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { defaultDataDir } from '../config/paths';
import { discoverPlugins, readPlugin } from './discovery';
import { defaultRuntime, type PluginRuntime } from './host';
import { PluginProcess } from './plugin-process';

export async function pluginsCommand(argv: string[], runtime: PluginRuntime = defaultRuntime(), out = console.log, err = console.error): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'list') {
    const { values } = parseArgs({ args: rest, strict: true, options: { 'data-dir': { type: 'string' }, plugin: { type: 'string', multiple: true } } });
    const found = discoverPlugins({ builtinDir: runtime.builtinDir, dataDir: values['data-dir'] ?? defaultDataDir(), extraDirs: values.plugin ?? [] });
    for (const p of found.plugins) out(`${p.manifest.id}\t${p.manifest.version}\t${p.origin}\t${p.manifest.capabilities.join(',')}\t${p.dir}`);
    if (found.plugins.length === 0) out('no plugins found');
    for (const problem of found.problems) err(problem);
    return found.problems.length ? 1 : 0;
  }
  if (sub === 'check') {
    const { positionals } = parseArgs({ args: rest, strict: true, allowPositionals: true, options: {} });
    if (positionals.length !== 1) {
      err('usage: loupe plugins check DIR');
      return 2;
    }
    return checkPlugin(resolve(positionals[0]), runtime, out, err);
  }
  err(`loupe plugins: unknown subcommand "${sub ?? ''}"; use "list" or "check DIR"`);
  return 2;
}

/** Reads the manifest, starts the plugin in its own process and checks its hello. */
export async function checkPlugin(dir: string, runtime: PluginRuntime, out: (l: string) => void, err: (l: string) => void): Promise<number> {
  const { plugin, problems } = readPlugin(dir, 'command-line');
  for (const p of problems) err(p);
  if (!plugin) return 1;
  if (!runtime.runnerFile) {
    err('the plugin runner is not built (run "node build/build.mjs core")');
    return 1;
  }
  const proc = new PluginProcess({ manifest: plugin.manifest, mainFile: plugin.mainFile, runnerFile: runtime.runnerFile, sdkFile: runtime.sdkFile, timing: { startTimeoutMs: 15_000 } });
  try {
    await proc.ensureStarted();
    const hello = proc.hello!;
    const fields = Object.entries((hello.settingsSchema.properties ?? {}) as Record<string, { secret?: boolean }>).map(([k, v]) => (v?.secret ? `${k} (secret)` : k));
    out(`ok: ${hello.id} ${hello.version} speaks protocol ${hello.protocol}`);
    out(`  capabilities: ${hello.capabilities.join(', ') || 'none'} (declared: ${plugin.manifest.capabilities.join(', ')})`);
    out(`  settings: ${fields.join(', ') || 'none'}`);
    const undeclaredUse = plugin.manifest.capabilities.filter((c) => c !== 'health' && !hello.capabilities.includes(c));
    if (undeclaredUse.length) out(`  note: declares ${undeclaredUse.join(', ')} but registers no handler for it`);
    return 0;
  } catch (e) {
    err(`${dir}: ${(e as Error).message}`);
    return 1;
  } finally {
    await proc.close();
  }
}
