// Builds everything a user runs: the core (CLI, ingest worker, demo services, Electron main
// and preload) with esbuild, and the renderer with Vite. Output goes to dist/.
import { build } from 'esbuild';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// LOUPE_DIST lets several builds (e.g. a bench run and a dev server) use separate folders.
const dist = process.env.LOUPE_DIST ? join(root, process.env.LOUPE_DIST) : join(root, 'dist');
const present = (entries) => Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(join(root, file))));
const only = process.argv.slice(2);
const want = (part) => only.length === 0 || only.includes(part);

if (only.length === 0) rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const started = Date.now();
function builtinPlugins() {
  return readdirSync(join(root, 'plugins'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'sdk' && existsSync(join(root, 'plugins', d.name, 'loupe-plugin.json')))
    .map((d) => d.name);
}
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
if (want('core')) {
  await build({
    absWorkingDir: root,
    entryPoints: present({
      cli: 'main/cli/index.ts',
      'ingest-writer': 'main/ingest/writer-thread.ts',
      'query-worker': 'main/query/query-worker.ts',
      'demo-service': 'main/demo/service.ts',
      'bench/run': 'bench/run.ts',
      'bench/soak': 'bench/soak.ts',
      // Plugins: the runner each plugin process starts, the SDK third-party plugins import as
      // '@loupe/plugin-sdk', and the built-in plugins (each with its loupe-plugin.json).
      'plugin-runner': 'plugins/sdk/serve.ts',
      'plugin-sdk': 'plugins/sdk/index.ts',
      ...Object.fromEntries(builtinPlugins().map((name) => [`plugins/${name}/index`, `plugins/${name}/index.ts`])),
    }),
    outdir: dist,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
    define: { 'process.env.LOUPE_VERSION': JSON.stringify(version) },
    banner: { js: "import { createRequire as __loupeCreateRequire } from 'node:module'; const require = __loupeCreateRequire(import.meta.url);" },
  });
  for (const name of builtinPlugins()) cpSync(join(root, 'plugins', name, 'loupe-plugin.json'), join(dist, 'plugins', name, 'loupe-plugin.json'));
  // Electron loads CommonJS for its main and preload scripts.
  await build({
    absWorkingDir: root,
    entryPoints: present({ 'electron/main': 'main/electron/main.ts', 'electron/preload': 'main/electron/preload.ts' }),
    outdir: dist,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    external: ['electron'],
    logLevel: 'warning',
  });
}
if (only.includes('docs')) {
  // The API reference, generated from the contract.
  const out = join(dist, 'api-docs.mjs');
  await build({ absWorkingDir: root, entryPoints: ['build/api-docs.ts'], outfile: out, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'warning' });
  const { renderApiDocs } = await import(out);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(root, 'docs', 'api.md'), renderApiDocs());
}
if (want('renderer')) {
  const { build: viteBuild } = await import('vite');
  await viteBuild({
    configFile: join(root, 'build/vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: join(dist, 'renderer'), emptyOutDir: true },
  });
}
console.log(`built ${only.length ? only.join(', ') : 'everything'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
