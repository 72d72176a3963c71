// Hostile OTLP input through the real receiver, queue and writer: nothing a client sends may
// end the core, hang its queue or fail other clients' data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHarness, type Harness } from '../testing/core-harness';
import { keyValue, nestedArray, span, stringValue, traces } from '../testing/otlp-wire';
import { JobWriter } from '../ingest/job-writer';
import { IngestPipeline } from '../ingest/pipeline';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const PROTO = { 'content-type': 'application/x-protobuf' };
const JSON_CT = { 'content-type': 'application/json' };
const post = (path: string, body: Buffer | string, headers: Record<string, string>) =>
  fetch(h.otlp + path, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers });

async function statusMessage(res: Response): Promise<string> {
  const buf = Buffer.from(await res.arrayBuffer());
  return res.headers.get('content-type') === 'application/json' ? JSON.parse(buf.toString()).message : buf.toString('latin1');
}

let seq = 0;
const ids = () => {
  seq++;
  return { traceId: Buffer.from(`${seq.toString(16).padStart(8, '0')}aaaaaaaaaaaaaaaaaaaaaaaa`, 'hex'), spanId: Buffer.from(`${seq.toString(16).padStart(8, '0')}bbbbbbbb`, 'hex') };
};

async function spanCount(): Promise<number> {
  return (await h.api('/api/health')).body.ingest.spans;
}

describe('deeply nested attribute values', () => {
  it('a resource attribute 20,000 arrays deep (protobuf) is a 400 naming the attribute, and the core stays up', async () => {
    const body = traces([span(ids())], [keyValue('service.name', stringValue('deep')), keyValue('deep.one', nestedArray(20_000))]);
    const res = await post('/v1/traces', body, PROTO);
    expect(res.status).toBe(400);
    const message = await statusMessage(res);
    expect(message).toMatch(/resourceSpans\[0\]\.resource: attribute "deep\.one": .*deeper than 32 levels/);
    const ok = await post('/v1/traces', traces([span(ids())]), PROTO);
    expect(ok.status).toBe(200);
  });

  it('a span attribute nested past the limit is a 400 naming the span and the key; 32 levels are fine', async () => {
    const tooDeep = await post('/v1/traces', traces([span({ ...ids(), attributes: [keyValue('nest', nestedArray(33))] })]), PROTO);
    expect(tooDeep.status).toBe(400);
    expect(await statusMessage(tooDeep)).toMatch(/resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]: attribute "nest"/);
    const deepEnough = await post('/v1/traces', traces([span({ ...ids(), attributes: [keyValue('nest', nestedArray(32))] })]), PROTO);
    expect(deepEnough.status).toBe(200);
  });

  it('JSON 10,000 levels deep is a 400 naming where the limit was passed', async () => {
    let value = '{"stringValue":"bottom"}';
    for (let i = 0; i < 10_000; i++) value = `{"arrayValue":{"values":[${value}]}}`;
    const id = ids();
    const body = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${id.traceId.toString('hex')}","spanId":"${id.spanId.toString('hex')}","name":"x","startTimeUnixNano":"${Date.now()}000000","endTimeUnixNano":"${Date.now()}000000","attributes":[{"key":"k","value":${value}}]}]}]}]}`;
    const res = await post('/v1/traces', body, JSON_CT);
    expect(res.status).toBe(400);
    const { message } = await res.json();
    expect(message).toMatch(/resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]: attributes\[0\]\.value: .*deeper than 32 levels/);
    expect(message).not.toMatch(/call stack/);
  });
});

describe('timestamps past the int64 nanosecond range', () => {
  it('are rejected per item at decode, and valid requests sent alongside all succeed', async () => {
    const before = await spanCount();
    const now = BigInt(Date.now()) * 1_000_000n;
    const poisonProto = traces([span({ ...ids(), startNs: now, endNs: 2n ** 64n - 1n }), span({ ...ids(), startNs: now })]);
    const pid = ids();
    const poisonJson = JSON.stringify({
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: pid.traceId.toString('hex'), spanId: pid.spanId.toString('hex'), name: 'x', startTimeUnixNano: String(now), endTimeUnixNano: String(2n ** 63n) }] }] }],
    });
    const valid = Array.from({ length: 40 }, () => traces([span(ids())]));
    const [proto, json, ...rest] = await Promise.all([
      post('/v1/traces', poisonProto, PROTO),
      post('/v1/traces', poisonJson, JSON_CT),
      ...valid.map((b) => post('/v1/traces', b, PROTO)),
    ]);
    expect(proto.status).toBe(200);
    expect(Buffer.from(await proto.arrayBuffer()).toString('latin1')).toMatch(/spans\[0\]: endTimeUnixNano 18446744073709551615 ns .*is more than 7 days in the future/);
    expect(json.status).toBe(200);
    expect((await json.json()).partialSuccess).toMatchObject({ rejectedSpans: '1', errorMessage: expect.stringMatching(/endTimeUnixNano 9223372036854775808/) });
    expect(rest.map((r) => r.status)).toEqual(valid.map(() => 200));
    // The good span of the poisoned protobuf request and the 40 valid ones are stored.
    expect(await spanCount()).toBe(before + 41);
  });
});

describe('a job the store refuses fails alone', () => {
  it('the other jobs of its transaction are committed and answered', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loupe-core-'));
    const core = new JobWriter({ dataDir: dir });
    try {
      // The decoders let nothing through that SQLite would refuse, so the store is made to refuse
      // one span itself: a trigger on the write connection aborts its insert.
      core.db.exec(`CREATE TEMP TRIGGER refuse_poison BEFORE INSERT ON main.spans WHEN NEW.name = 'poison' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
      const job = (name: string) => ({ kind: 'otlp' as const, signal: 'traces' as const, encoding: 'protobuf' as const, source: 'test', body: traces([span({ ...ids(), name })]) });
      const good = (n: string) => job(`ok ${n}`);
      const poisoned = job('poison');
      const { outcomes, summary } = core.process([good('a1'), poisoned, good('a2')]);
      expect(outcomes[0]).toMatchObject({ accepted: 1 });
      expect(outcomes[1].accepted).toBe(0);
      expect(outcomes[1].malformed).toMatch(/the store could not take this payload/);
      expect(outcomes[1].failed).toBeUndefined();
      expect(outcomes[2]).toMatchObject({ accepted: 1 });
      expect(summary?.spans).toBe(2);
    } finally {
      core.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a writer thread that dies', () => {
  const WORKER = fileURLToPath(new URL('../../dist/ingest-writer.js', import.meta.url));

  it('is restarted; jobs in flight are answered (never left hanging), and later jobs are stored', async () => {
    if (!existsSync(WORKER)) throw new Error('dist/ingest-writer.js is missing: run `npm run build` first (npm test does)');
    const dir = mkdtempSync(join(tmpdir(), 'loupe-writer-'));
    const p = await IngestPipeline.start({ dataDir: dir, mode: 'worker', workerFile: WORKER, log: () => undefined });
    try {
      const big = () => traces(Array.from({ length: 2000 }, () => span({ ...ids(), attributes: [keyValue('pad', stringValue('x'.repeat(100)))] })));
      const inFlight = Array.from({ length: 10 }, () => p.submit({ kind: 'otlp', signal: 'traces', encoding: 'protobuf', body: big(), source: 'test' }));
      await p.terminateWriter();
      const outcomes = await Promise.all(inFlight);
      // Each job is answered: stored before the crash, or failed (503) so the sender retries.
      for (const o of outcomes) expect(o.accepted === 2000 || /being restarted/.test(o.failed ?? '')).toBe(true);
      expect(outcomes.some((o) => o.failed)).toBe(true);
      expect(p.restarts).toBe(1);
      const deadline = Date.now() + 20_000;
      let after = await p.submit({ kind: 'otlp', signal: 'traces', encoding: 'protobuf', body: traces([span(ids())]), source: 'test' });
      while (after.failed && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        after = await p.submit({ kind: 'otlp', signal: 'traces', encoding: 'protobuf', body: traces([span(ids())]), source: 'test' });
      }
      expect(after).toMatchObject({ accepted: 1 });
    } finally {
      await p.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the writer thread', () => {
  const WORKER = fileURLToPath(new URL('../../dist/ingest-writer.js', import.meta.url));
  /** Nice value of each thread of this process (Linux: /proc/self/task/<tid>/stat, field 19). */
  const niceOfThreads = () =>
    new Map(readdirSync('/proc/self/task').map((tid) => [Number(tid), Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[16])]));

  it.runIf(process.platform === 'linux')('runs behind the thread that serves the API when both want the CPU (nice 10 against 0)', async () => {
    if (!existsSync(WORKER)) throw new Error('dist/ingest-writer.js is missing: run `npm run build` first (npm test does)');
    const before = niceOfThreads();
    const dir = mkdtempSync(join(tmpdir(), 'loupe-writer-'));
    const p = await IngestPipeline.start({ dataDir: dir, mode: 'worker', workerFile: WORKER, log: () => undefined });
    try {
      const after = niceOfThreads();
      const started = [...after].filter(([tid]) => !before.has(tid));
      // The writer lowered its own priority once it had opened the store (it answered 'ready').
      expect(started.filter(([, nice]) => nice === 10).length).toBe(1);
      expect(after.get(process.pid)).toBe(before.get(process.pid));
      expect(await p.submit({ kind: 'otlp', signal: 'traces', encoding: 'protobuf', body: traces([span(ids())]), source: 'test' })).toMatchObject({ accepted: 1 });
    } finally {
      await p.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
