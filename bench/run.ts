// `npm run bench`: prints JSON figures. Ingest end to end (client → OTLP/HTTP → decode →
// committed in SQLite with every index, summary and rollup) against the raw limits measured
// in the same run (protobuf decode alone; a bare better-sqlite3 insert of the same rows), then
// query latencies at the stored size. `--smoke` runs a small version (CI), `--spans N` sets
// the store size.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, freemem, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'node:http';
import Database from 'better-sqlite3';
import type { TelemetryBatch } from '../common/model';
import { decodeOtlpProto } from '../collectors/otlp/decode-proto';
import { bigTraceJson, logsRequest, perServiceRequests } from './otlp-generator';
import { benchCatalog } from './catalog';
import { openDatabase, migrate } from '../main/store/database';
import { StoreWriter } from '../main/store/writer';
import { benchQueries } from './queries';
import { protobufjsTraceDecoder } from './protobufjs-otlp';
import { coreEnv } from '../main/config/core-env';
import { round } from './stats';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
/** Keep the benchmark's store (its path is printed) to look at it afterwards. */
const keep = args.includes('--keep');
/** Only the ingest figures (decode, bare insert, end to end): for tuning the write path. */
const ingestOnly = args.includes('--ingest-only');
const spansArg = args.indexOf('--spans');
const TOTAL_SPANS = spansArg >= 0 ? Number(args[spansArg + 1]) : smoke ? 50_000 : 1_000_000;
const logsArg = args.indexOf('--logs');
const TOTAL_LOGS = logsArg >= 0 ? Number(args[logsArg + 1]) : smoke ? 20_000 : 1_000_000;
const LOGS_PER_REQUEST = 2000;
const BIG_TRACE_SPANS = smoke ? 2000 : 10_000;
const SPANS_PER_TRACE = 10;
const SERVICES = smoke ? 10 : 100;
/** Exporters sending at once (`--concurrency N`): each waits for its answer before the next
 * request, as an SDK's batch processor or a collector's queue consumer does. */
const concurrencyArg = args.indexOf('--concurrency');
const CONCURRENCY = concurrencyArg >= 0 ? Number(args[concurrencyArg + 1]) : 4;
const HERE = fileURLToPath(new URL('.', import.meta.url));
const CLI = join(HERE, '..', 'cli.js');


/**
 * Export requests as SDKs send them: one service's spans per request (~500), with successive
 * requests walking through the window, so the store ends up with traffic spread over the hour.
 */
function payloads(totalSpans: number, startMs: number, spreadMs: number): { bodies: Buffer[]; spans: number } {
  // ~50 traces per service per chunk: ~500 spans per request, an SDK batch.
  const tracesPerChunk = Math.min(SERVICES * 50, Math.ceil(totalSpans / SPANS_PER_TRACE));
  const chunks = Math.max(1, Math.round(totalSpans / (tracesPerChunk * SPANS_PER_TRACE)));
  const step = spreadMs / chunks;
  const bodies: Buffer[] = [];
  let spans = 0;
  for (let i = 0; i < chunks; i++) {
    const r = perServiceRequests(
      { services: SERVICES, spansPerTrace: SPANS_PER_TRACE, startMs: startMs + i * step, spreadMs: Math.min(5000, step), seed: 1 },
      tracesPerChunk,
      i * tracesPerChunk,
    );
    bodies.push(...r.bodies);
    spans += r.spans;
  }
  return { bodies, spans };
}

const spansIn = (bodies: Buffer[]) =>
  bodies.reduce((n, b) => n + decodeOtlpProto('traces', b).spans.reduce((m, g) => m + g.scopes.reduce((k, s) => k + s.items.length, 0), 0), 0);

interface Server {
  proc: ChildProcess;
  otlpPort: number;
  url: string;
  token: string;
}

/** Extra node flags for the server under test, e.g. LOUPE_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"
 * (node writes a profile per thread when the server stops). */
const SERVER_NODE_ARGS = (process.env.LOUPE_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

async function startServer(dataDir: string): Promise<Server> {
  const info = join(dataDir, 'server.json');
  const proc = spawn(process.execPath, [...SERVER_NODE_ARGS, CLI, 'serve', '--data-dir', dataDir, '--port', '0', '--otlp-http-port', '0', '--otlp-grpc-port', '0', '--max-size-mb', '100000'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: coreEnv(),
  });
  for (let i = 0; i < 400 && !existsSync(info); i++) await new Promise((r) => setTimeout(r, 50));
  const s = JSON.parse(readFileSync(info, 'utf8'));
  return { proc, otlpPort: s.ports.otlpHttp, url: s.url, token: s.token };
}

function post(agent: Agent, port: number, body: Buffer, path = '/v1/traces', type = 'application/x-protobuf'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': type, 'content-length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function ingestEndToEnd(server: Server, bodies: Buffer[], path = '/v1/traces'): Promise<{ seconds: number; retries: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  let retries = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        for (;;) {
          const status = await post(agent, server.otlpPort, body, path);
          if (status === 200) break;
          if (status !== 429 && status !== 503) throw new Error(`ingest answered ${status}`);
          retries++;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    }),
  );
  agent.destroy();
  return { seconds: (performance.now() - t0) / 1000, retries };
}

function decodeLimit(bodies: Buffer[]): number {
  for (const b of bodies.slice(0, 5)) decodeOtlpProto('traces', b); // warm up the JIT
  let spans = 0;
  const t0 = performance.now();
  for (const b of bodies) {
    const batch = decodeOtlpProto('traces', b);
    for (const g of batch.spans) for (const s of g.scopes) spans += s.items.length;
  }
  return spans / ((performance.now() - t0) / 1000);
}

/** Requests committed per transaction in the bare-insert limit: one request (what a writer
 * committing each request alone gets) up to many (what group commit can reach). */
const BARE_BATCHES = [1, 4, 16, 64];

/** The same rows into the same spans table (with its indexes) with nothing else: no trace
 * summaries, no rollups, no resource or scope resolution; committed `requestsPerTx` requests
 * at a time. */
function bareInsertRate(rows: TelemetryBatch[], dir: string, requestsPerTx: number): number {
  const file = join(dir, `bare-${requestsPerTx}.db`);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -131072');
  db.exec(`CREATE TABLE spans (id INTEGER PRIMARY KEY, trace_id BLOB NOT NULL, span_id BLOB NOT NULL, parent_span_id BLOB,
    service_id INTEGER NOT NULL, resource_id INTEGER NOT NULL, scope_id INTEGER NOT NULL, name TEXT NOT NULL, kind INTEGER NOT NULL,
    start_ns INTEGER NOT NULL, end_ns INTEGER NOT NULL, duration_ns INTEGER NOT NULL, status_code INTEGER NOT NULL, status_message TEXT,
    is_error INTEGER NOT NULL, trace_state TEXT, flags INTEGER, attributes TEXT NOT NULL, events TEXT, links TEXT,
    dropped_attributes_count INTEGER, dropped_events_count INTEGER, dropped_links_count INTEGER, received_ms INTEGER NOT NULL, trace_ref INTEGER);
    CREATE UNIQUE INDEX spans_by_trace_ref ON spans (trace_ref, span_id);
    CREATE INDEX spans_by_service ON spans (service_id, start_ns, name, is_error);`);
  const insert = db.prepare(`INSERT OR IGNORE INTO spans (trace_id, span_id, parent_span_id, service_id, resource_id, scope_id, name, kind,
    start_ns, end_ns, duration_ns, status_code, status_message, is_error, trace_state, flags, attributes, events, links,
    dropped_attributes_count, dropped_events_count, dropped_links_count, received_ms, trace_ref) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`);
  const now = Date.now();
  // Each trace's reference, given in order of first arrival (the store keeps it in traces).
  const refs = new Map<string, number>();
  const tx = db.transaction((batches: TelemetryBatch[]) => {
    let svc = 0;
    for (const batch of batches)
      for (const g of batch.spans) {
        svc++;
        for (const s of g.scopes)
          for (const sp of s.items) {
            const key = Buffer.from(sp.traceId.buffer, sp.traceId.byteOffset, sp.traceId.byteLength).toString('latin1');
            let ref = refs.get(key);
            if (ref === undefined) refs.set(key, (ref = refs.size + 1));
            insert.run(sp.traceId, sp.spanId, sp.parentSpanId, svc, svc, 1, sp.name, sp.kind, sp.startNs, sp.endNs, Number(sp.endNs - sp.startNs),
              sp.statusCode, sp.statusMessage || null, 0, null, sp.flags || null, sp.attributes, null, null, null, null, null, now, ref);
          }
      }
  });
  let spans = 0;
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += requestsPerTx) {
    const group = rows.slice(i, i + requestsPerTx);
    tx(group);
    for (const r of group) for (const g of r.spans) for (const s of g.scopes) spans += s.items.length;
  }
  const rate = spans / ((performance.now() - t0) / 1000);
  db.close();
  rmSync(file, { force: true });
  rmSync(`${file}-wal`, { force: true });
  rmSync(`${file}-shm`, { force: true });
  return rate;
}

/** The bare insert at each batch size, and its best: the ceiling end-to-end ingest is held to. */
function bareInsertLimit(bodies: Buffer[], dir: string): { best: number; bestRequestsPerTx: number; byRequestsPerTx: Record<string, number> } {
  const rows = bodies.map((b) => decodeOtlpProto('traces', b));
  const byRequestsPerTx: Record<string, number> = {};
  let best = 0;
  let bestRequestsPerTx = 1;
  for (const n of BARE_BATCHES) {
    const rate = bareInsertRate(rows, dir, n);
    byRequestsPerTx[n] = Math.round(rate);
    if (rate > best) {
      best = rate;
      bestRequestsPerTx = n;
    }
  }
  return { best, bestRequestsPerTx, byRequestsPerTx };
}

/** protobufjs decoding the same payloads into plain objects (what a general-purpose decoder
 * hands over before any row is built): the baseline the hand-written decoder is measured against. */
function protobufjsDecodeRate(bodies: Buffer[]): number {
  const decode = protobufjsTraceDecoder();
  for (const b of bodies.slice(0, 5)) decode(b);
  const spans = spansIn(bodies);
  const t0 = performance.now();
  for (const b of bodies) decode(b);
  return spans / ((performance.now() - t0) / 1000);
}

/** Passes of the rollups' cost. In each, the same batches are written into two new stores,
 * one without and one with rollups, side by side: chunk by chunk, in alternating order, so a
 * drift of the machine's speed (which moves whole runs by more than the cost itself) falls on
 * both alike. Until 2026-12-07 each mode wrote all its batches in a run of its own and five
 * such rounds spread from 3 % to 26 %. */
const ROLLUP_PASSES = 3;
const ROLLUP_CHUNK = 20;

/** What the per-minute rollups and map edges cost at ingest: the same decoded batches
 * written with and without them, in this process, one request per transaction. */
function rollupCost(bodies: Buffer[], dir: string, passes: number): { withRollups: number; withoutRollups: number; cost: number; costRange: [number, number]; passes: number } {
  const modes = ['off', 'on'] as const;
  const total = { on: { spans: 0, ms: 0 }, off: { spans: 0, ms: 0 } };
  const costs: number[] = [];
  for (let pass = 0; pass < passes; pass++) {
    const side = modes.map((mode) => {
      const d = join(dir, `rollups-${mode}-${pass}`);
      const db = openDatabase(d, { cacheMb: 128 });
      migrate(db);
      return { mode, d, db, writer: new StoreWriter(db, { rollups: mode === 'on' }), batches: bodies.map((b) => decodeOtlpProto('traces', b)), spans: 0, ms: 0 };
    });
    for (let first = 0, chunk = 0; first < bodies.length; first += ROLLUP_CHUNK, chunk++)
      for (const s of chunk % 2 === 0 ? side : [...side].reverse()) {
        const t0 = performance.now();
        for (let i = first; i < Math.min(first + ROLLUP_CHUNK, s.batches.length); i++) s.spans += s.writer.write([s.batches[i]]).spans;
        s.ms += performance.now() - t0;
      }
    for (const s of side) {
      total[s.mode].spans += s.spans;
      total[s.mode].ms += s.ms;
      s.db.close();
      rmSync(s.d, { recursive: true, force: true });
    }
    const [off, on] = side;
    costs.push(1 - on.spans / on.ms / (off.spans / off.ms));
  }
  const rate = (m: 'on' | 'off') => (total[m].spans / total[m].ms) * 1000;
  return {
    withRollups: Math.round(rate('on')),
    withoutRollups: Math.round(rate('off')),
    cost: round(1 - rate('on') / rate('off'), 3),
    costRange: [round(Math.min(...costs), 3), round(Math.max(...costs), 3)],
    passes,
  };
}

function logPayloads(total: number, startMs: number, spreadMs: number): Buffer[] {
  const out: Buffer[] = [];
  const requests = Math.ceil(total / LOGS_PER_REQUEST);
  const step = spreadMs / requests;
  for (let i = 0, first = 0; first < total; i++, first += LOGS_PER_REQUEST)
    out.push(
      logsRequest({ services: SERVICES, spansPerTrace: 1, startMs: startMs + i * step, spreadMs: Math.min(1000, step), seed: 7 }, Math.min(LOGS_PER_REQUEST, total - first), first).body,
    );
  return out;
}

async function main() {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  const dir = mkdtempSync(join(tmpdir(), 'loupe-bench-'));
  const now = Date.now();
  // Spread the data over the last hour so window queries see all of it.
  const { bodies, spans: totalSpans } = payloads(TOTAL_SPANS, now - 3_600_000, 3_540_000);
  const sampleBodies = bodies.slice(0, Math.min(bodies.length, smoke ? 100 : 600));
  const results: Record<string, unknown> = {
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGb: round(totalmem() / 1024 ** 3),
      freeMemoryGb: round(freemem() / 1024 ** 3),
      os: `${platform()} ${release()}`,
      node: process.version,
      sqlite: (new Database(':memory:').prepare('select sqlite_version() v').get() as { v: string }).v,
    },
    config: {
      spans: totalSpans,
      requests: bodies.length,
      logs: TOTAL_LOGS,
      services: SERVICES,
      spansPerRequest: Math.round(totalSpans / bodies.length),
      concurrency: CONCURRENCY,
      bigTraceSpans: BIG_TRACE_SPANS,
      smoke,
    },
  };
  try {
    const decode = decodeLimit(sampleBodies);
    const bareLimit = bareInsertLimit(sampleBodies, dir);
    const bare = bareLimit.best;
    const pbjs = protobufjsDecodeRate(sampleBodies);
    const server = await startServer(join(dir, 'store'));
    try {
      const e2e = await ingestEndToEnd(server, bodies);
      const rate = totalSpans / e2e.seconds;
      const afterIngest = await fetch(`${server.url}/api/health`, { headers: { authorization: `Bearer ${server.token}` } }).then((r) => r.json());
      results.ingest = {
        endToEndSpansPerSec: Math.round(rate),
        decodeOnlySpansPerSec: Math.round(decode),
        bareInsertSpansPerSec: Math.round(bare),
        bareInsertBestRequestsPerTx: bareLimit.bestRequestsPerTx,
        bareInsertByRequestsPerTx: bareLimit.byRequestsPerTx,
        protobufjsDecodeSpansPerSec: Math.round(pbjs),
        ratioToDecode: round(rate / decode, 2),
        ratioToBareInsert: round(rate / bare, 2),
        ratioToSlowerLimit: round(rate / Math.min(decode, bare), 2),
        backpressureRetries: e2e.retries,
        /** Requests the writer committed per transaction (the bare insert's batch sizes are
         * compared at this many). */
        requestsPerTransaction: afterIngest.ingest.jobsPerTransaction,
        seconds: round(e2e.seconds, 2),
      };
      if (ingestOnly) return;
      const logBodies = logPayloads(TOTAL_LOGS, now - 3_600_000, 3_540_000);
      const logs = await ingestEndToEnd(server, logBodies, '/v1/logs');
      results.logIngest = { records: TOTAL_LOGS, recordsPerSec: Math.round(TOTAL_LOGS / logs.seconds), seconds: round(logs.seconds, 2) };
      const big = bigTraceJson(BIG_TRACE_SPANS, now - 120_000);
      const bigAgent = new Agent({ keepAlive: false });
      const bigStatus = await post(bigAgent, server.otlpPort, Buffer.from(big.body), '/v1/traces', 'application/json');
      bigAgent.destroy();
      if (bigStatus !== 200) throw new Error(`the large trace was refused (${bigStatus})`);
      results.rollups = rollupCost(sampleBodies, dir, smoke ? 1 : ROLLUP_PASSES);
      results.queries = await benchQueries({
        url: server.url,
        token: server.token,
        services: SERVICES,
        smoke,
        storeDir: join(dir, 'store'),
        bigTraceId: big.traceId,
        bigTraceSpans: BIG_TRACE_SPANS,
      });
      const rss = await fetch(`${server.url}/api/health`, { headers: { authorization: `Bearer ${server.token}` } }).then((r) => r.json());
      results.store = { sizeMb: round(rss.store.sizeBytes / 1024 ** 2), spans: rss.ingest.spans, logs: rss.ingest.logs };
      results.catalog = await benchCatalog({ entities: smoke ? 1000 : 10_000, runs: smoke ? 20 : 200 });
    } finally {
      server.proc.kill('SIGTERM');
      await new Promise((r) => server.proc.once('exit', r));
    }
  } finally {
    if (keep) console.error(`kept the benchmark store in ${join(dir, 'store')}`);
    else rmSync(dir, { recursive: true, force: true });
    console.log(JSON.stringify(results, null, 2));
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
