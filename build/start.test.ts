// `npm start` without an Electron binary (as on machines where it cannot be downloaded):
// it says so in one line and serves the same UI through `loupe serve --open`.
import { afterEach, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
let proc: ChildProcess | null = null;
let dir = '';
afterEach(() => {
  proc?.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('falls back to loupe serve --open and says why', async () => {
  let electronPresent = false;
  try {
    const { createRequire } = await import('node:module');
    electronPresent = existsSync(createRequire(import.meta.url)('electron') as string);
  } catch {
    electronPresent = false;
  }
  if (electronPresent) return; // with a real Electron binary, npm start opens the desktop app instead
  expect(existsSync(join(root, 'dist', 'cli.js'))).toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'loupe-start-'));
  proc = spawn(process.execPath, [join(root, 'build', 'start.mjs'), '--data-dir', dir, '--port', '0', '--otlp-http-port', '0', '--otlp-grpc-port', '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PATH: '/nonexistent' }, // no browser to open here
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  for (let i = 0; i < 300 && !existsSync(join(dir, 'server.json')); i++) await new Promise((r) => setTimeout(r, 50));
  expect(out).toMatch(/Electron is not available \(.+\); starting `loupe serve --open`/);
  const info = JSON.parse(readFileSync(join(dir, 'server.json'), 'utf8'));
  const res = await fetch(`${info.url}/api/health`, { headers: { authorization: `Bearer ${info.token}` } });
  expect(res.status).toBe(200);
  // The core runs with two malloc arenas and a small young generation (main/config/core-env.ts),
  // as the desktop app starts it.
  if (process.platform === 'linux' && !process.env.MALLOC_ARENA_MAX)
    expect(readFileSync(`/proc/${info.pid}/environ`, 'utf8').split('\0')).toContain('MALLOC_ARENA_MAX=2');
  if (process.platform === 'linux' && !process.env.NODE_OPTIONS?.includes('--max-semi-space-size'))
    expect(readFileSync(`/proc/${info.pid}/environ`, 'utf8').split('\0').find((v) => v.startsWith('NODE_OPTIONS='))).toContain('--max-semi-space-size=4');
  const exited = new Promise((r) => proc!.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
  expect(existsSync(join(dir, 'server.json'))).toBe(false);
});
