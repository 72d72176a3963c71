// The size cap under sustained ingest, through the real OTLP/HTTP receiver, queue, writer and
// retention. What is measured is what users see on disk: the database file plus its WAL.
import { afterEach, describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import { startHarness, type Harness } from '../testing/core-harness';
import { dbPath } from './database';
import { tracesRequest, type GeneratorOptions } from '../../bench/otlp-generator';

const MB = 1024 * 1024;

function diskBytes(dataDir: string): number {
  let n = 0;
  for (const suffix of ['', '-wal']) {
    try {
      n += statSync(dbPath(dataDir) + suffix).size;
    } catch {
      // no WAL yet
    }
  }
  return n;
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

interface Run {
  /** Largest file size seen (every 10 ms) once the file had first reached the cap. */
  maxAfterCap: number;
  reachedCap: boolean;
  statuses: Map<number, number>;
  /** Answers other than 200, or 429 without a usable Retry-After. */
  wrong: string[];
  firstTraceId: string;
  lastAcceptedTraceId: string;
  /** The text of the last 429's status message. */
  refusedBecause: string;
}

/** Four exporters posting 400-span requests back to back until `until` says stop. */
async function ingest(h: Harness, cap: number, gen: GeneratorOptions, until: (r: Run, acceptedBytes: number) => boolean, deadlineMs: number): Promise<Run> {
  const run: Run = { maxAfterCap: 0, reachedCap: false, statuses: new Map(), wrong: [], firstTraceId: '', lastAcceptedTraceId: '', refusedBecause: '' };
  const sample = () => {
    const size = diskBytes(h.dataDir);
    if (size >= cap) run.reachedCap = true;
    if (run.reachedCap) run.maxAfterCap = Math.max(run.maxAfterCap, size);
  };
  const sampler = setInterval(sample, 10);
  let next = 0;
  let accepted = 0;
  const deadline = Date.now() + deadlineMs;
  const sender = async () => {
    while (!until(run, accepted) && Date.now() < deadline) {
      const req = tracesRequest(gen, 50, (next += 50));
      run.firstTraceId ||= req.traceIds[0];
      const res = await fetch(h.otlp + '/v1/traces', { method: 'POST', body: new Uint8Array(req.body), headers: { 'content-type': 'application/x-protobuf' } });
      const text = Buffer.from(await res.arrayBuffer()).toString('latin1');
      run.statuses.set(res.status, (run.statuses.get(res.status) ?? 0) + 1);
      if (res.status === 200) {
        accepted += req.body.length;
        run.lastAcceptedTraceId = req.traceIds.at(-1)!;
      } else if (res.status !== 429 || !(Number(res.headers.get('retry-after')) >= 1))
        run.wrong.push(`${res.status} retry-after=${res.headers.get('retry-after')}`);
      else {
        run.refusedBecause = text;
        await new Promise((r) => setTimeout(r, 20));
      }
      sample();
    }
  };
  try {
    await Promise.all([sender(), sender(), sender(), sender()]);
  } finally {
    clearInterval(sampler);
  }
  return run;
}

describe('size cap under sustained ingest', () => {
  it('keeps the store file (database + WAL) within 20% of the cap; the oldest traces make room for new ones', async () => {
    const cap = 6 * MB;
    h = await startHarness({ retention: { maxSizeBytes: cap } });
    const gen = { services: 6, spansPerTrace: 8, startMs: Date.now() - 60_000, spreadMs: 60_000, seed: 7 };
    // ~3x the cap in OTLP payloads (the stored form is larger than the wire form).
    const run = await ingest(h, cap, gen, (_, accepted) => accepted > 3 * cap, 50_000);
    expect(run.wrong).toEqual([]);
    expect(run.reachedCap).toBe(true);
    expect(run.maxAfterCap).toBeLessThanOrEqual(cap * 1.2);
    expect(diskBytes(h.dataDir)).toBeLessThanOrEqual(cap * 1.2);
    expect((await h.api(`/api/traces/${run.firstTraceId}`)).status).toBe(404);
    expect((await h.api(`/api/traces/${run.lastAcceptedTraceId}`)).status).toBe(200);
  });

  it('when deleting raw data cannot bring the store under its cap, ingest gets 429 with Retry-After instead of filling the disk', async () => {
    const cap = 3 * MB;
    h = await startHarness({ retention: { maxSizeBytes: cap } });
    // Spans spread over 20 days and 400 services: each lands in its own minute, so the
    // per-minute summaries (kept 30 days, outliving raw rows) grow with every request until
    // they alone fill the cap.
    const gen = { services: 400, spansPerTrace: 8, startMs: Date.now() - 20 * 86_400_000, spreadMs: 20 * 86_400_000, seed: 11 };
    const run = await ingest(h, cap, gen, (r) => (r.statuses.get(429) ?? 0) >= 20, 50_000);
    expect(run.wrong).toEqual([]);
    expect(run.statuses.get(429) ?? 0).toBeGreaterThanOrEqual(20);
    expect(run.refusedBecause).toMatch(/over its size cap \(\d+\.\d MB used of 3\.0 MB\)/);
    expect(run.maxAfterCap).toBeLessThanOrEqual(cap * 1.2);
    const health = (await h.api('/api/health')).body;
    expect(health.ingest.throttled).toBeGreaterThanOrEqual(20);
    // Still serving: the summaries are there to read.
    const services = await h.api('/api/services');
    expect(services.status).toBe(200);
    expect(services.body.length).toBeGreaterThan(10);
  });
});
