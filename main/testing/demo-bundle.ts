// The demo's service entry bundled for tests the way build/build.mjs bundles it, into a folder
// of its own (so concurrent builds of dist/ cannot interfere) inside the repository (so the
// external packages resolve).
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface DemoBundle {
  /** The bundled `demo-service.js`, for `startDemo({ serviceScript })`. */
  script: string;
  remove(): void;
}

export async function bundleDemoService(folderPrefix: string): Promise<DemoBundle> {
  const dir = mkdtempSync(join(REPO, folderPrefix));
  await build({
    absWorkingDir: REPO,
    entryPoints: { 'demo-service': 'main/demo/service.ts' },
    outdir: dir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
  return { script: join(dir, 'demo-service.js'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
