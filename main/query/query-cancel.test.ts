// A query whose client goes away is stopped: `loupe serve` as users run it (built CLI, query
// worker), a search made heavy by the data, and the client aborting it mid-way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tracesRequest } from '../../bench/otlp-generator';

const CLI = join(fileURLToPath(new URL('../../', import.meta.url)), 'dist', 'cli.js');
const TOKEN = 'query-cancel-token';

let proc: ChildProcess;
let dataDir: string;
let ui = '';
let otlp = '';

const api = async (path: string, signal?: AbortSignal) => {
  const res = await fetch(ui + path, { headers: { authorization: `Bearer ${TOKEN}` }, signal });
  return { status: res.status, body: await res.json() };
};
const queryStats = async (): Promise<{ running: number; queued: number; cancelled: number }> => (await api('/api/health')).body.queries;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  dataDir = mkdtempSync(join(tmpdir(), 'loupe-cancel-'));
  const info = join(dataDir, 'server.json');
  proc = spawn(process.execPath, [CLI, 'serve', '--data-dir', dataDir, '--port', '0', '--otlp-http-port', '0', '--otlp-grpc-port', '0', '--token', TOKEN], { stdio: 'ignore' });
  for (let i = 0; i < 600 && !existsSync(info) && proc.exitCode === null; i++) await new Promise((r) => setTimeout(r, 50));
  if (proc.exitCode !== null) throw new Error(`loupe serve exited (code ${proc.exitCode})`);
  const s = JSON.parse(readFileSync(info, 'utf8'));
  ui = s.url;
  otlp = `http://127.0.0.1:${s.ports.otlpHttp}`;
  // ~60k spans over the last half hour: a search no span matches walks every one of them.
  const gen = { services: 8, spansPerTrace: 8, startMs: Date.now() - 30 * 60_000, spreadMs: 29 * 60_000, seed: 3 };
  for (let i = 0; i < 150; i++) {
    const { body } = tracesRequest(gen, 50, i * 50);
    const res = await fetch(otlp + '/v1/traces', { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': 'application/x-protobuf' } });
    await res.arrayBuffer();
    if (res.status !== 200) {
      // Backpressure (429) on a busy machine: send the same batch again a moment later.
      i--;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}, 180_000);
afterAll(() => {
  proc?.kill('SIGKILL');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

// No span has this attribute: the search reads them all before answering.
const HEAVY = '/api/traces?from=0&attr=no.such.key%3Dnothing&limit=20';

describe('query cancellation', () => {
  it('stops queries whose client went away, and the next queries are answered', async () => {
    const before = await queryStats();
    let observed = false;
    // Four heavy searches at once (one runs, three wait); abort them all while they are in
    // flight. Repeated (bounded) in case a busy machine let them finish before they were seen.
    for (let attempt = 0; attempt < 5 && !observed; attempt++) {
      const clients = Array.from({ length: 4 }, () => new AbortController());
      const requests = clients.map((c) => api(HEAVY, c.signal).catch((e: Error) => e));
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const q = await queryStats();
        if (q.running + q.queued >= 2) {
          observed = true;
          break;
        }
        if (q.running + q.queued === 0 && (await Promise.race([Promise.all(requests).then(() => true), new Promise((r) => setTimeout(() => r(false), 5))]))) break;
      }
      for (const c of clients) c.abort();
      await Promise.all(requests);
    }
    expect(observed, 'the heavy searches were never seen in flight').toBe(true);

    // The queries in flight were stopped (not left to run to the end of their budget) ...
    let after = await queryStats();
    for (const deadline = Date.now() + 10_000; (after.running > 0 || after.queued > 0 || after.cancelled < before.cancelled + 2) && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 20));
      after = await queryStats();
    }
    expect(after.cancelled).toBeGreaterThanOrEqual(before.cancelled + 2);
    expect(after.running + after.queued).toBe(0);

    // ... and the next ones are answered by the query worker that replaced the stopped one.
    const cheap = await api('/api/traces?from=0&limit=5');
    expect(cheap.status).toBe(200);
    expect(cheap.body).toHaveLength(5);
    const map = await api('/api/service-map');
    expect(map.status).toBe(200);
    expect(map.body.nodes.length).toBeGreaterThan(0);
  });
});
