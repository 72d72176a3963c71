// `npm run soak` (not in CI; a few minutes): Loupe under abuse, as `loupe serve` runs for users.
// Prints JSON figures next to their targets:
// - overload: 5x the exporters that saturate ingest, posting back to back for a minute, while
//   the UI's calls (/api/health, a trace search) are timed: API p95 target < 100 ms;
// - kill -9 during ingest, then restart: acknowledged-then-lost target 0;
// - retention under a small cap (--max-size-mb): database + WAL over the cap, target <= 1.2;
// - an all-time query (golden signals and the map over 2020–2035) during ingest;
// - queue drain time after a burst of hostile payloads;
// - the core's peak RSS (all threads) over the whole run.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { tracesRequest, type GeneratorOptions } from './otlp-generator';
import { mulberry32 } from '../common/random';
import { coreEnv } from '../main/config/core-env';
import { percentile, round } from './stats';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const CLI = join(HERE, '..', 'cli.js');
const TOKEN = 'soak-token-0123456789';
const OVERLOAD_MS = Number(process.env.SOAK_OVERLOAD_MS ?? 60_000);
const SATURATING_EXPORTERS = 4;

interface Core {
  proc: ChildProcess;
  dataDir: string;
  ui: string;
  otlp: string;
  peakRssMb: () => number;
}

async function serve(dataDir: string, extra: string[] = []): Promise<Core> {
  const info = join(dataDir, 'server.json');
  rmSync(info, { force: true });
  const proc = spawn(process.execPath, [CLI, 'serve', '--data-dir', dataDir, '--port', '0', '--otlp-http-port', '0', '--otlp-grpc-port', '0', '--token', TOKEN, ...extra], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: coreEnv(),
  });
  for (let i = 0; i < 600 && !existsSync(info); i++) {
    if (proc.exitCode !== null) throw new Error(`loupe serve exited (${proc.exitCode})`);
    await sleep(50);
  }
  let s: { url: string; ports: { otlpHttp: number } } | undefined;
  for (let i = 0; i < 20 && !s; i++) {
    try {
      s = JSON.parse(readFileSync(info, 'utf8'));
    } catch {
      await sleep(50);
    }
  }
  if (!s) throw new Error('loupe serve did not start');
  let peak = 0;
  const peakRssMb = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) / 1024);
    } catch {
      // not Linux, or it exited
    }
    return round(peak);
  };
  return { proc, dataDir, ui: s.url, otlp: `http://127.0.0.1:${s.ports.otlpHttp}`, peakRssMb };
}


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function stop(c: Core): Promise<void> {
  if (c.proc.exitCode !== null) return;
  const exited = new Promise((r) => c.proc.once('exit', r));
  c.proc.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000)]);
  if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
}

async function api(c: Core, path: string): Promise<{ status: number; ms: number; body: any }> {
  const t0 = performance.now();
  const res = await fetch(c.ui + path, { headers: { authorization: `Bearer ${TOKEN}` } });
  const text = await res.text();
  return { status: res.status, ms: performance.now() - t0, body: text ? JSON.parse(text) : undefined };
}

async function post(c: Core, body: Buffer, contentType = 'application/x-protobuf'): Promise<number> {
  try {
    const res = await fetch(c.otlp + '/v1/traces', { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': contentType } });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

function diskBytes(dataDir: string): number {
  let n = 0;
  for (const suffix of ['', '-wal']) {
    try {
      n += statSync(join(dataDir, 'loupe.db') + suffix).size;
    } catch {
      // no WAL
    }
  }
  return n;
}

const gen = (seed: number): GeneratorOptions => ({ services: 12, spansPerTrace: 8, startMs: Date.now() - 10 * 60_000, spreadMs: 10 * 60_000, seed });

/** Exporters posting 400-span requests back to back until `stopAt`; counts statuses. */
async function exporters(c: Core, n: number, stopAt: () => boolean, seed: number, onAck?: (traceIds: string[], spans: number) => void) {
  const statuses: Record<string, number> = {};
  let next = 0;
  let acceptedSpans = 0;
  const g = gen(seed);
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (!stopAt()) {
        const req = tracesRequest(g, 50, (next += 50));
        const status = await post(c, req.body);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status === 200) {
          acceptedSpans += req.spans;
          onAck?.(req.traceIds, req.spans);
        } else if (status === 0) await sleep(50);
      }
    }),
  );
  return { statuses, acceptedSpans };
}

async function overload(): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'loupe-soak-'));
  const c = await serve(dataDir);
  try {
    // Capacity: what the saturating exporters get accepted in 10 s.
    let until = Date.now() + 10_000;
    const base = await exporters(c, SATURATING_EXPORTERS, () => Date.now() > until, 1);
    const capacity = base.acceptedSpans / 10;
    const idle: number[] = [];
    for (let i = 0; i < 20; i++) idle.push((await api(c, '/api/health')).ms);
    // 5x: requests sent at five times the rate ingest sustains, whatever the answers (open
    // loop, like many SDKs at once; at most 700 in flight), for OVERLOAD_MS.
    until = Date.now() + OVERLOAD_MS;
    // The UI's calls are timed from a process of their own: the load generator's busy event
    // loop would otherwise be measured as Loupe's latency.
    const probe = probeApi(c, OVERLOAD_MS);
    const rssTimer = setInterval(() => c.peakRssMb(), 500);
    const statuses: Record<string, number> = {};
    const g = gen(2);
    const perRequest = 400;
    const intervalMs = 1000 / ((5 * capacity) / perRequest);
    let inFlight = 0;
    let next = 0;
    let acceptedSpans = 0;
    const sent: Array<Promise<void>> = [];
    for (let due = performance.now(); Date.now() < until; ) {
      while (performance.now() >= due) {
        due += intervalMs;
        if (inFlight >= 700) continue;
        inFlight++;
        const req = tracesRequest(g, perRequest / 8, (next += perRequest / 8));
        sent.push(
          post(c, req.body).then((status) => {
            inFlight--;
            statuses[status] = (statuses[status] ?? 0) + 1;
            if (status === 200) acceptedSpans += req.spans;
          }),
        );
      }
      await sleep(2);
    }
    await Promise.all(sent);
    clearInterval(rssTimer);
    const load = { statuses, acceptedSpans };
    const { health, search, apiErrors } = await probe;
    return {
      capacitySpansPerSec: Math.round(capacity),
      offeredSpansPerSec: Math.round(5 * capacity),
      seconds: OVERLOAD_MS / 1000,
      statuses: load.statuses,
      acceptedSpansPerSec: Math.round(load.acceptedSpans / (OVERLOAD_MS / 1000)),
      healthIdleP95Ms: round(percentile(idle, 95)),
      healthP95Ms: round(percentile(health, 95)),
      traceSearchP95Ms: round(percentile(search, 95)),
      apiSamples: health.length + search.length,
      apiErrors,
      peakRssMb: c.peakRssMb(),
    };
  } finally {
    await stop(c);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Times /api/health and a trace search (every 100 ms, for `ms`) from a separate process. */
function probeApi(c: Core, ms: number): Promise<{ health: number[]; search: number[]; apiErrors: Record<string, number> }> {
  const script = `
    const [ui, token, ms] = process.argv.slice(1);
    const until = Date.now() + Number(ms);
    const out = { health: [], search: [], apiErrors: {} };
    const call = async (path, into) => {
      const t0 = performance.now();
      const res = await fetch(ui + path, { headers: { authorization: 'Bearer ' + token } });
      await res.arrayBuffer();
      into.push(performance.now() - t0);
      if (res.status !== 200) out.apiErrors[res.status] = (out.apiErrors[res.status] ?? 0) + 1;
    };
    while (Date.now() < until) {
      await call('/api/health', out.health);
      await call('/api/traces?from=' + (Date.now() - 900000) + '&limit=20', out.search);
      await new Promise((r) => setTimeout(r, 100));
    }
    process.stdout.write(JSON.stringify(out));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, c.ui, TOKEN, String(ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(text)) : reject(new Error(`the API probe exited (${code})`)))));
}

async function killDuringIngest(rounds = 3): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'loupe-soak-kill-'));
  const acked: Array<{ traceIds: string[]; spans: number }> = [];
  let peak = 0;
  try {
    for (let round = 0; round < rounds; round++) {
      const c = await serve(dataDir);
      const killAt = Date.now() + 4000 + round * 700;
      const running = exporters(c, SATURATING_EXPORTERS, () => c.proc.exitCode !== null || c.proc.signalCode !== null, 10 + round, (traceIds, spans) => acked.push({ traceIds, spans }));
      while (Date.now() < killAt) {
        peak = Math.max(peak, c.peakRssMb());
        await sleep(100);
      }
      c.proc.kill('SIGKILL');
      await new Promise((r) => c.proc.once('exit', r));
      await running;
    }
    // Restart once more (recovers the WAL), stop, then count what was acknowledged.
    await stop(await serve(dataDir));
    const db = new Database(join(dataDir, 'loupe.db'), { readonly: true });
    const count = db.prepare('SELECT count(*) FROM spans WHERE trace_ref = (SELECT ref FROM traces WHERE trace_id = ?)').pluck();
    let ackedSpans = 0;
    let found = 0;
    for (const a of acked) {
      ackedSpans += a.spans;
      for (const id of a.traceIds) found += count.get(Buffer.from(id, 'hex')) as number;
    }
    const integrity = db.pragma('integrity_check', { simple: true });
    db.close();
    return { rounds, acknowledgedSpans: ackedSpans, acknowledgedThenLost: ackedSpans - found, integrity, peakRssMb: round(peak) };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function retentionUnderCap(capMb = 40): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'loupe-soak-cap-'));
  const c = await serve(dataDir, ['--max-size-mb', String(capMb)]);
  const cap = capMb * 1024 * 1024;
  try {
    let reached = false;
    let reachedAt = 0;
    let maxAfter = 0;
    const until = Date.now() + 60_000;
    let done = false;
    const sampler = setInterval(() => {
      const size = diskBytes(dataDir);
      if (size >= cap && !reached) {
        reached = true;
        reachedAt = Date.now();
      }
      if (reached) maxAfter = Math.max(maxAfter, size);
    }, 20);
    // An all-time query while ingest runs: clamped windows, inside their time budget.
    const allTime = (async () => {
      await sleep(5000);
      const from = Date.parse('2020-01-01T00:00:00Z');
      const to = Date.parse('2035-01-01T00:00:00Z');
      const signals = await api(c, `/api/services/svc-1/golden-signals?from=${from}&to=${to}&step=60`);
      const map = await api(c, `/api/service-map?from=${from}&to=${to}`);
      return { goldenSignals: { status: signals.status, ms: round(signals.ms) }, serviceMap: { status: map.status, ms: round(map.ms) } };
    })();
    // Until 30 s past the point the cap was first reached (retention at work), at most 60 s.
    const load = await exporters(c, SATURATING_EXPORTERS, () => done || Date.now() > until || (reached && Date.now() - reachedAt > 30_000), 20);
    done = true;
    clearInterval(sampler);
    return {
      capMb,
      secondsAtCap: reached ? round((Date.now() - reachedAt) / 1000) : 0,
      reachedCap: reached,
      capRatio: round(maxAfter / cap, 2),
      finalMb: round(diskBytes(dataDir) / 1024 / 1024),
      statuses: load.statuses,
      allTimeDuringIngest: await allTime,
      peakRssMb: c.peakRssMb(),
    };
  } finally {
    await stop(c);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Truncations, bit flips, garbage and wrong content types mixed with valid requests. */
async function fuzzBurstDrain(n = 600): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'loupe-soak-fuzz-'));
  const c = await serve(dataDir);
  const rand = mulberry32(99);
  try {
    const g = gen(30);
    const statuses: Record<string, number> = {};
    const sends: Array<Promise<void>> = [];
    for (let i = 0; i < n; i++) {
      const body = Buffer.from(tracesRequest(g, 20 + Math.floor(rand() * 200), i * 300).body);
      const kind = i % 4;
      const payload = kind === 1 ? body.subarray(0, Math.floor(rand() * body.length)) : body;
      if (kind === 2) for (let k = 0; k < 20; k++) payload[Math.floor(rand() * payload.length)] ^= 1 << Math.floor(rand() * 8);
      sends.push(post(c, payload, kind === 3 && rand() < 0.5 ? 'text/plain' : 'application/x-protobuf').then((s) => void (statuses[s] = (statuses[s] ?? 0) + 1)));
    }
    const burstEnd = performance.now();
    let drainedMs = -1;
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
      const h = await api(c, '/api/health');
      if (h.body.ingest.queueDepth === 0) {
        drainedMs = performance.now() - burstEnd;
        break;
      }
      await sleep(20);
    }
    await Promise.all(sends);
    const alive = (await api(c, '/api/health')).status === 200 && c.proc.exitCode === null;
    return { payloads: n, statuses, queueDrainMs: round(drainedMs), coreAlive: alive, peakRssMb: c.peakRssMb() };
  } finally {
    await stop(c);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: npm run soak builds it');
  const t0 = Date.now();
  const figures: Record<string, unknown> = {};
  // SOAK_ONLY=overload|kill|retention|fuzz runs one part.
  const only = process.env.SOAK_ONLY;
  if (!only || only === 'overload') figures.overload = await overload();
  if (!only || only === 'kill') figures.killDuringIngest = await killDuringIngest();
  if (!only || only === 'retention') figures.retention = await retentionUnderCap();
  if (!only || only === 'fuzz') figures.fuzzBurst = await fuzzBurstDrain();
  const peaks = Object.values(figures).map((f) => (f as { peakRssMb?: number }).peakRssMb ?? 0);
  figures.maxRssMb = Math.max(...peaks);
  figures.targets = {
    apiP95UnderOverloadMs: '< 100',
    acknowledgedThenLost: 0,
    capRatio: '<= 1.2',
    allTimeQuery: 'answered (200) or stopped at its budget (503), never hangs',
  };
  figures.seconds = Math.round((Date.now() - t0) / 1000);
  console.log(JSON.stringify(figures, null, 2));
}

await main();
