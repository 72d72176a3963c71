// Bundles the plugin runner, the SDK and the built-in plugins the way build/build.mjs does, into
// a folder of the caller's choosing. Tests use it so they run the real bundles without sharing
// dist/ with concurrent builds; build.mjs uses the same entry list.
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PluginRuntime } from './host';

/** Entry points relative to the repository: runner, SDK, and each built-in plugin's index.ts. */
export function pluginEntries(repo: string): Record<string, string> {
  const entries: Record<string, string> = { 'plugin-runner': 'plugins/sdk/serve.ts', 'plugin-sdk': 'plugins/sdk/index.ts' };
  for (const name of builtinPluginNames(repo)) entries[`plugins/${name}/index`] = `plugins/${name}/index.ts`;
  return entries;
}

export function builtinPluginNames(repo: string): string[] {
  return readdirSync(join(repo, 'plugins'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'sdk' && existsSync(join(repo, 'plugins', d.name, 'loupe-plugin.json')))
    .map((d) => d.name);
}

/** Copies each built-in plugin's manifest next to its bundle. */
export function copyManifests(repo: string, outdir: string): void {
  for (const name of builtinPluginNames(repo)) cpSync(join(repo, 'plugins', name, 'loupe-plugin.json'), join(outdir, 'plugins', name, 'loupe-plugin.json'));
}

/** Builds into `outdir` (inside the repository, so external packages resolve) with esbuild. */
export async function buildPluginRuntime(repo: string, outdir: string): Promise<PluginRuntime> {
  const { build } = await import('esbuild');
  await build({
    absWorkingDir: repo,
    entryPoints: pluginEntries(repo),
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
  copyManifests(repo, outdir);
  return { runnerFile: join(outdir, 'plugin-runner.js'), sdkFile: join(outdir, 'plugin-sdk.js'), builtinDir: join(outdir, 'plugins') };
}
