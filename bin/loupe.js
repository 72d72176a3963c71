#!/usr/bin/env node
// The `loupe` command. The core is built to dist/ by `npm install` (prepare) or `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error('loupe: the core is not built yet; run `npm install` (or `npm run build`) in the Loupe folder first.');
  process.exit(2);
}
const { run } = await import(pathToFileURL(cli).href);
await run(process.argv.slice(2));
