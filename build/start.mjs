// `npm start`: the desktop app when Electron's binary is present; otherwise the same UI in
// the browser through `loupe serve --open`.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let electron = null;
let why = 'the electron package is not installed';
try {
  // The electron package exports the path of its binary, and throws when it was not downloaded.
  const path = createRequire(import.meta.url)('electron');
  if (typeof path === 'string' && existsSync(path)) electron = path;
  else why = 'its binary is missing';
} catch (e) {
  why = /failed to install correctly/.test(String(e?.message)) ? 'its binary was not downloaded' : why;
}

let child;
if (electron) {
  child = spawn(electron, [root, ...args], { stdio: 'inherit', env: { ...process.env, LOUPE_NODE: process.execPath } });
} else {
  console.log(`Loupe: Electron is not available (${why}); starting \`loupe serve --open\` — the same UI in your browser.`);
  // Two malloc arenas, a fixed mmap threshold and a small young generation, as
  // main/config/core-env.ts explains (the desktop app sets the same).
  const nodeOptions = process.env.NODE_OPTIONS ?? '';
  const env = {
    ...process.env,
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
    MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? '1048576',
    NODE_OPTIONS: nodeOptions.includes('--max-semi-space-size') ? nodeOptions : `${nodeOptions} --max-semi-space-size=4`.trim(),
  };
  child = spawn(process.execPath, [join(root, 'bin', 'loupe.js'), 'serve', '--open', ...args], { stdio: 'inherit', env });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
