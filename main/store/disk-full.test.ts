// A full disk for real: the write connection is capped at its current page count
// (`PRAGMA max_page_count`, the limit SQLite itself enforces with SQLITE_FULL), through the
// real OTLP/HTTP receiver, queue and writer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startHarness, type Harness } from '../testing/core-harness';
import { dbPath } from './database';
import { tracesRequest } from '../../bench/otlp-generator';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const gen = { services: 3, spansPerTrace: 8, startMs: Date.now() - 60_000, spreadMs: 60_000, seed: 5 };
let next = 0;
async function send(): Promise<{ status: number; retryAfter: string | null; text: string; traceIds: string[] }> {
  const req = tracesRequest(gen, 20, (next += 20));
  const res = await fetch(h.otlp + '/v1/traces', { method: 'POST', body: new Uint8Array(req.body), headers: { 'content-type': 'application/x-protobuf' } });
  const text = Buffer.from(await res.arrayBuffer()).toString('latin1');
  return { status: res.status, retryAfter: res.headers.get('retry-after'), text, traceIds: req.traceIds };
}

describe('a full disk (SQLITE_FULL)', () => {
  it('answers 503 with Retry-After, corrupts nothing, and ingest recovers when space returns', async () => {
    const before = await send();
    expect(before.status).toBe(200);

    const writer = h.core.pipeline.inlineCore!.db;
    const pages = writer.pragma('page_count', { simple: true }) as number;
    writer.pragma(`max_page_count = ${pages + 1}`);
    let full: Awaited<ReturnType<typeof send>> | undefined;
    for (let i = 0; i < 200 && !full; i++) {
      const r = await send();
      if (r.status === 503) full = r;
      else expect(r.status).toBe(200);
    }
    expect(full, 'no request failed although the store could not grow').toBeDefined();
    expect(Number(full!.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(full!.text).toMatch(/the disk is full/);
    // Still full: every further request is refused the same way, none is half-stored.
    const again = await send();
    expect(again.status).toBe(503);
    expect((await h.api(`/api/traces/${again.traceIds[0]}`)).status).toBe(404);

    // Nothing stored is damaged: the file checks clean and earlier data reads back.
    const check = new Database(dbPath(h.dataDir), { readonly: true });
    try {
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      check.close();
    }
    expect((await h.api(`/api/traces/${before.traceIds[0]}`)).status).toBe(200);
    expect((await h.api('/api/health')).status).toBe(200);

    // Space returns: the next request is stored.
    writer.pragma('max_page_count = 1073741823');
    const after = await send();
    expect(after.status).toBe(200);
    const trace = await h.api(`/api/traces/${after.traceIds[0]}`);
    expect(trace.status).toBe(200);
  });
});
