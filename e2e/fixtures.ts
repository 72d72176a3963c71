// Starts the built CLI (`node dist/cli.js serve`) on free ports in a temporary data directory
// with a known token, waits for its server.json, and stops the whole process group afterwards.
import { test as base, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seed } from './seed';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Which build to run: dist/ unless LOUPE_DIST names another folder. */
const DIST = join(ROOT, process.env.LOUPE_DIST ?? 'dist');
export const SCREENSHOTS = join(ROOT, 'e2e', 'screenshots');
/** The demo system is part of the build once its service entry point is bundled. */
export const DEMO_BUILT = existsSync(join(DIST, 'demo-service.js'));

export interface Loupe {
  url: string;
  token: string;
  otlpHttp: string;
  dataDir: string;
  stop(): Promise<void>;
}

interface ServerInfo {
  url: string;
  token: string;
  ports: { api: number; otlpHttp: number };
}

export async function startLoupe(opts: { seed: boolean; demo?: boolean; args?: string[] }): Promise<Loupe> {
  const cli = join(DIST, 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build first with \`node build/build.mjs\``);
  const dataDir = mkdtempSync(join(tmpdir(), 'loupe-e2e-'));
  const token = `e2e-${Math.random().toString(36).slice(2)}`;
  const args = [cli, 'serve', '--data-dir', dataDir, '--port', '0', '--otlp-http-port', '0', '--otlp-grpc-port', '0', '--token', token];
  if (opts.demo) args.push('--demo');
  if (opts.args) args.push(...opts.args);
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const stop = () => stopGroup(child).finally(() => rmSync(dataDir, { recursive: true, force: true }));

  try {
    const info = await waitForServerInfo(join(dataDir, 'server.json'), child, () => output);
    const loupe: Loupe = { url: info.url, token, otlpHttp: `http://127.0.0.1:${info.ports.otlpHttp}`, dataDir, stop };
    if (opts.seed) {
      await seed(loupe.otlpHttp);
      await waitFor(async () => (await apiGet<unknown[]>(loupe, '/api/services?from=' + (Date.now() - 3_600_000))).length >= 7, 'seeded services to be listed');
    }
    return loupe;
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n--- loupe output ---\n${output}`);
  }
}

/** Starts `loupe serve --snapshot FILE` (a read-only view in a temporary data dir of its own) and waits for the UI URL it prints. */
export async function startSnapshotView(file: string): Promise<Loupe> {
  const cli = join(DIST, 'cli.js');
  const token = `e2e-${Math.random().toString(36).slice(2)}`;
  const child = spawn(process.execPath, [cli, 'serve', '--snapshot', file, '--port', '0', '--token', token], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const stop = () => stopGroup(child);
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const url = /UI:\s+(http:\/\/[^/\s]+)\//.exec(output)?.[1];
      if (url) return { url, token, otlpHttp: '', dataDir: '', stop };
      if (child.exitCode !== null) throw new Error(`loupe serve --snapshot exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error('loupe serve --snapshot printed no UI URL within 60 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n--- loupe output ---\n${output}`);
  }
}

async function waitForServerInfo(file: string, child: ChildProcess, output: () => string): Promise<ServerInfo> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`loupe serve exited with ${child.exitCode}: ${output()}`);
    if (existsSync(file)) {
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as ServerInfo;
      } catch {
        // being written
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`loupe serve did not write ${file} within 30 s`);
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 8000);
  await exited;
  clearTimeout(timer);
}

export async function apiGet<T>(loupe: Loupe, path: string): Promise<T> {
  const res = await fetch(loupe.url + path, { headers: { Authorization: `Bearer ${loupe.token}` } });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Opens a page of the UI the way a user does: through the tokened URL first. */
export async function openUi(page: Page, loupe: Loupe, path: string): Promise<void> {
  await page.goto(`${loupe.url}/?token=${encodeURIComponent(loupe.token)}`);
  await page.goto(loupe.url + path);
}

/**
 * Saves the current screen in the dark and the light theme. The palette is switched on the
 * document directly so open popovers and dialogs stay open (the theme test uses the switch).
 */
export async function screenshotBothThemes(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const before = await page.locator('html').getAttribute('data-theme');
  for (const theme of ['dark', 'light'] as const) {
    await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${theme}.png`) });
  }
  await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t ?? 'dark'), before);
}

export const test = base.extend<{}, { loupe: Loupe; emptyLoupe: Loupe }>({
  loupe: [
    async ({}, use) => {
      const loupe = await startLoupe({ seed: true, demo: DEMO_BUILT && process.env.LOUPE_E2E_DEMO !== '0' });
      await use(loupe);
      await loupe.stop();
    },
    { scope: 'worker', timeout: 90_000 },
  ],
  emptyLoupe: [
    async ({}, use) => {
      const loupe = await startLoupe({ seed: false });
      await use(loupe);
      await loupe.stop();
    },
    { scope: 'worker', timeout: 60_000 },
  ],
});

export { expect };
