// Finding plugins: built-in ones (dist/plugins/<name>/), folders in <data-dir>/plugins/, and
// folders named with --plugin DIR. Each has a loupe-plugin.json; a broken manifest is reported
// with file, line and rule and never stops the others.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { PLUGIN_MANIFEST_FILE, PluginManifest } from '../../common/plugin-protocol';

export type PluginOrigin = 'built-in' | 'data-dir' | 'command-line';

export interface DiscoveredPlugin {
  manifest: PluginManifest;
  dir: string;
  mainFile: string;
  origin: PluginOrigin;
}

export interface Discovery {
  plugins: DiscoveredPlugin[];
  /** `file:line: [rule] message`, one per problem. */
  problems: string[];
}

/** Reads and checks one plugin folder. */
export function readPlugin(dir: string, origin: PluginOrigin): { plugin: DiscoveredPlugin | null; problems: string[] } {
  const file = join(dir, PLUGIN_MANIFEST_FILE);
  if (!existsSync(file)) return { plugin: null, problems: [`${file}:1: [manifest-missing] a plugin folder needs a ${PLUGIN_MANIFEST_FILE}`] };
  const text = readFileSync(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const pos = /position (\d+)/.exec(message);
    const line = pos ? lineAt(text, Number(pos[1])) : 1;
    return { plugin: null, problems: [`${file}:${line}: [json] ${message}`] };
  }
  const parsed = PluginManifest.safeParse(json);
  if (!parsed.success) {
    return {
      plugin: null,
      problems: parsed.error.issues.map((i) => {
        const key = i.path[0] ?? (i.code === 'unrecognized_keys' ? (i as { keys?: string[] }).keys?.[0] : undefined);
        const line = typeof key === 'string' ? lineOfKey(text, key) : 1;
        return `${file}:${line}: [${i.path.join('.') || 'manifest'}] ${i.message}`;
      }),
    };
  }
  const manifest = parsed.data;
  const mainFile = resolve(dir, manifest.main);
  if (isAbsolute(manifest.main) || !mainFile.startsWith(resolve(dir))) {
    return { plugin: null, problems: [`${file}:${lineOfKey(text, 'main')}: [main] "${manifest.main}" must be a path inside the plugin's folder`] };
  }
  if (!existsSync(mainFile)) return { plugin: null, problems: [`${file}:${lineOfKey(text, 'main')}: [main] ${mainFile} does not exist`] };
  return { plugin: { manifest, dir: resolve(dir), mainFile, origin }, problems: [] };
}

export function discoverPlugins(opts: { builtinDir: string | null; dataDir: string; extraDirs?: string[] }): Discovery {
  const found: DiscoveredPlugin[] = [];
  const problems: string[] = [];
  const take = (dir: string, origin: PluginOrigin) => {
    const { plugin, problems: p } = readPlugin(dir, origin);
    problems.push(...p);
    if (!plugin) return;
    const clash = found.find((f) => f.manifest.id === plugin.manifest.id);
    if (clash) problems.push(`${join(dir, PLUGIN_MANIFEST_FILE)}:1: [id] plugin id "${plugin.manifest.id}" is already taken by ${clash.dir}; this one is ignored`);
    else found.push(plugin);
  };
  const children = (root: string) => {
    try {
      return readdirSync(root)
        .sort()
        .map((name) => join(root, name))
        .filter((p) => statSync(p).isDirectory());
    } catch {
      return [];
    }
  };
  if (opts.builtinDir) for (const dir of children(opts.builtinDir)) if (existsSync(join(dir, PLUGIN_MANIFEST_FILE))) take(dir, 'built-in');
  for (const dir of children(join(opts.dataDir, 'plugins'))) take(dir, 'data-dir');
  for (const dir of opts.extraDirs ?? []) take(resolve(dir), 'command-line');
  return { plugins: found, problems };
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function lineOfKey(text: string, key: string): number {
  const at = text.indexOf(JSON.stringify(key));
  return at < 0 ? 1 : lineAt(text, at);
}
