// `loupe serve --snapshot FILE` as a colleague runs it: the built CLI in its own process, a
// snapshot written by another Loupe, and the view checked over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Harness, startHarness } from '../testing/core-harness';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli.js');
const FIXTURE = '/work/shared/fixtures/zipkin/messaging-kafka.json';
const TOKEN = 'snapshot-view-token-0123';

let source: Harness;
let dir: string;
let zipFile: string;
const procs: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loupe-serve-snapshot-'));
  source = await startHarness();
  const up = await source.api('/api/import?filename=kafka.json', { method: 'POST', body: readFileSync(FIXTURE) });
  expect(up.body.spans).toBe(28);
  const res = await fetch(`${source.ui}/api/snapshot?from=0&to=${Date.now()}`, { headers: { authorization: `Bearer ${source.token}` } });
  expect(res.status).toBe(200);
  zipFile = join(dir, 'incident.zip');
  writeFileSync(zipFile, Buffer.from(await res.arrayBuffer()));
});
afterAll(async () => {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  await source?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `loupe serve --snapshot FILE`; resolves with the UI URL it prints, or the exit code and output when it stops first. */
function serveSnapshot(file: string): Promise<{ proc: ChildProcess; ui?: string; exitCode?: number; output: string }> {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  const proc = spawn(process.execPath, [CLI, 'serve', '--snapshot', file, '--port', '0', '--token', TOKEN], { stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(proc);
  let output = '';
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`loupe serve --snapshot printed no UI URL within 60 s: ${output}`)), 60_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      const url = /UI:\s+(http:\/\/[^/\s]+)\//.exec(output)?.[1];
      if (url) {
        clearTimeout(deadline);
        resolve({ proc, ui: url, output });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    proc.once('exit', (code) => {
      clearTimeout(deadline);
      resolve({ proc, exitCode: code ?? -1, output });
    });
  });
}

async function call(ui: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(ui + path, { ...init, headers: { authorization: `Bearer ${TOKEN}`, ...(init.headers ?? {}) } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('loupe serve --snapshot', () => {
  it('shows the snapshot as it was, says it is one, and refuses every change', async () => {
    const view = await serveSnapshot(zipFile);
    expect(view.ui, view.output).toBeTruthy();
    const ui = view.ui!;
    expect(view.output).toMatch(/read-only view of .*incident\.zip/);

    const health = await call(ui, '/api/health');
    expect(health.status).toBe(200);
    expect(health.body.snapshot).toMatchObject({ file: 'incident.zip', from: 0 });
    expect(health.body.snapshot.services.length).toBeGreaterThan(0);
    expect(health.body.ingest.spans).toBe(28);
    // No receivers: nothing can be sent to a view.
    expect(health.body.endpoints.otlpHttp).toBe('');
    expect(health.body.endpoints.otlpGrpc).toBeNull();

    // The same services and traces as the Loupe the snapshot was taken in.
    const range = `from=0&to=${Date.now()}`;
    const names = (b: Array<{ name: string }>) => b.map((s) => s.name).sort();
    expect(names((await call(ui, `/api/services?${range}`)).body)).toEqual(names((await source.api(`/api/services?${range}`)).body));
    const ids = (b: Array<{ traceId: string }>) => b.map((t) => t.traceId).sort();
    expect(ids((await call(ui, `/api/traces?${range}&limit=50`)).body)).toEqual(ids((await source.api(`/api/traces?${range}&limit=50`)).body));

    // Every write is refused with a reason, and nothing changes.
    const attempts: Array<[string, RequestInit]> = [
      ['/api/import?filename=more.json', { method: 'POST', body: readFileSync(FIXTURE) }],
      ['/api/demo/start', { method: 'POST' }],
      ['/api/slos/checkout-availability', { method: 'PUT', body: JSON.stringify({ service: 'x' }), headers: { 'content-type': 'application/json' } }],
    ];
    for (const [path, init] of attempts) {
      const r = await call(ui, path, init);
      expect(r.status, path).toBe(403);
      expect(r.body.error.code).toBe('read_only');
      expect(r.body.error.message).toMatch(/read-only view of the snapshot incident\.zip/);
    }
    expect((await call(ui, '/api/health')).body.ingest.spans).toBe(28);

    // Stopping removes the temporary data directory the view was imported into.
    const dataDir = health.body.dataDir as string;
    expect(existsSync(dataDir)).toBe(true);
    const exited = new Promise<number | null>((r) => view.proc.once('exit', r));
    view.proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses a damaged snapshot with the reason and does not start', async () => {
    const cut = join(dir, 'cut.zip');
    const zip = readFileSync(zipFile);
    writeFileSync(cut, zip.subarray(0, zip.length - 40));
    const r = await serveSnapshot(cut);
    expect(r.ui).toBeUndefined();
    expect(r.exitCode).toBe(1);
    expect(r.output).toMatch(/cut\.zip: not a readable zip file .*nothing was imported/);
  });
});
