// `loupe serve` as users run it: the built CLI in its own process, the writer in its worker.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli.js');

interface Server {
  proc: ChildProcess;
  dataDir: string;
  otlp: string;
  ui: string;
  token: string;
}

const running: Server[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const s of running.splice(0)) s.proc.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function serve(dataDir: string, extra: string[] = []): Promise<Server> {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  const info = join(dataDir, 'server.json');
  rmSync(info, { force: true });
  const proc = spawn(process.execPath, [CLI, 'serve', '--data-dir', dataDir, '--port', '0', '--otlp-http-port', '0', '--otlp-grpc-port', '0', '--token', 'serve-test-token', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout!.on('data', (d) => (output += d));
  proc.stderr!.on('data', (d) => (output += d));
  // A loaded machine can take a while to start the core; the file appears whole (renamed into place).
  const deadline = Date.now() + 60_000;
  while (!existsSync(info)) {
    if (proc.exitCode !== null) throw new Error(`loupe serve exited: ${output}`);
    if (Date.now() > deadline) throw new Error(`loupe serve wrote no server.json within 60 s: ${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const s = JSON.parse(readFileSync(info, 'utf8'));
  const server = { proc, dataDir, otlp: `http://127.0.0.1:${s.ports.otlpHttp}`, ui: s.url, token: s.token };
  running.push(server);
  return server;
}

function payload(seed: number, spans: number): Buffer {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': `load-${seed % 3}` }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const t = provider.getTracer('load');
  for (let i = 0; i < spans; i++) t.startSpan(`op-${i % 7}`, { attributes: { i, seed, pad: 'x'.repeat(200) } }).end();
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!);
}

async function spanCount(s: Server): Promise<number> {
  const res = await fetch(s.ui + '/api/health', { headers: { authorization: `Bearer ${s.token}` } });
  return (await res.json()).ingest.spans;
}

describe('loupe serve', { timeout: 180_000 }, () => {
  it('answers 429 with Retry-After under backpressure and keeps serving', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'loupe-serve-'));
    dirs.push(dataDir);
    const s = await serve(dataDir, ['--ingest-queue-jobs', '2']);
    const bodies = Array.from({ length: 24 }, (_, i) => payload(i, 2000));
    const results = await Promise.all(
      bodies.map((b) => fetch(s.otlp + '/v1/traces', { method: 'POST', body: new Uint8Array(b), headers: { 'content-type': 'application/x-protobuf' } })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses).toContain(200);
    expect(statuses).toContain(429);
    const throttled = results.find((r) => r.status === 429)!;
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await spanCount(s)).toBe(statuses.filter((x) => x === 200).length * 2000);
  });

  it('loses nothing it acknowledged when killed with SIGKILL mid-ingest', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'loupe-kill-'));
    dirs.push(dataDir);
    const s = await serve(dataDir);
    const acknowledged: number[] = [];
    let stop = false;
    const senders = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; !stop && i < 200; i++) {
        const seed = w * 1000 + i;
        try {
          const res = await fetch(s.otlp + '/v1/traces', { method: 'POST', body: new Uint8Array(payload(seed, 300)), headers: { 'content-type': 'application/x-protobuf' } });
          if (res.status === 200) acknowledged.push(seed);
        } catch {
          return; // the server is gone
        }
      }
    });
    // Wait (bounded) until some requests were acknowledged, however busy the machine is.
    const ackDeadline = Date.now() + 45_000;
    while (acknowledged.length < 10 && Date.now() < ackDeadline) await new Promise((r) => setTimeout(r, 20));
    expect(acknowledged.length).toBeGreaterThanOrEqual(10);
    const exited = new Promise((r) => s.proc.once('exit', r));
    s.proc.kill('SIGKILL');
    stop = true;
    await Promise.all(senders);
    await exited;
    const again = await serve(dataDir);
    expect(await spanCount(again)).toBeGreaterThanOrEqual(acknowledged.length * 300);
    const stopped = new Promise((r) => again.proc.once('exit', r));
    again.proc.kill('SIGTERM');
    await stopped;
    expect(existsSync(join(dataDir, 'server.json'))).toBe(false);
  });
});
