// Settings › Indexed attributes through the API, with the writer on its own thread as the app
// runs it: a key added is indexed from then on (the decoders note it at once, postings are
// written for it), it survives a restart, and a key taken out is no longer indexed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { searchHash } from '../../common/search-attributes';
import { dbPath } from '../store/database';
import { postingKey } from '../store/write/attribute-index';
import { startHarness, type Harness } from '../testing/core-harness';

const WORKER = fileURLToPath(new URL('../../dist/ingest-writer.js', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'loupe-search-keys-'));
let h: Harness;
const start = () => startHarness({ dataDir, ingestQueue: { workerFile: WORKER } });

beforeAll(async () => {
  if (!existsSync(WORKER)) throw new Error('dist/ingest-writer.js is missing: run `npm run build` first (npm test does)');
  h = await start();
});
afterAll(async () => {
  await h.close();
  rmSync(dataDir, { recursive: true, force: true });
});

type Keys = { keys: Array<{ key: string; origin: string; since: number }> };
const hex = (n: number, len: number) => n.toString(16).padStart(len, '0');
let nextTrace = 1;

/** 600 one-span traces of service api with app.tenant=`tenant` (more than a part's 512), at `atMs`. */
async function send(tenant: string, atMs: number): Promise<void> {
  const before = (await h.api('/api/health')).body.ingest.spans as number;
  const spans = Array.from({ length: 600 }, () => {
    const t = nextTrace++;
    const startNs = BigInt(atMs) * 1_000_000n + BigInt(t);
    return {
      traceId: hex(t, 32),
      spanId: hex(t, 16),
      name: 'GET /cart',
      kind: 2,
      startTimeUnixNano: String(startNs),
      endTimeUnixNano: String(startNs + 1_000_000n),
      attributes: [{ key: 'app.tenant', value: { stringValue: tenant } }],
    };
  });
  const body = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }] }, scopeSpans: [{ spans }] }] };
  const res = await fetch(`${h.otlp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  await h.waitForIngest({ spans: before + 600 });
}

/** Index rows (one per part) holding traces of api with app.tenant=`tenant`. */
function postingsOf(tenant: string): number {
  const db = new Database(dbPath(dataDir), { readonly: true });
  try {
    const service = db.prepare(`SELECT id FROM services WHERE name = 'api'`).pluck().get() as number | undefined;
    if (service === undefined) return 0;
    return db.prepare('SELECT count(*) FROM attr_postings WHERE h = ?').pluck().get(postingKey(service, searchHash('app.tenant', tenant))) as number;
  } finally {
    db.close();
  }
}

const put = (key: string) => h.api<Keys>(`/api/search-attributes/${encodeURIComponent(key)}`, { method: 'PUT' });
const del = (key: string) => h.api<Keys>(`/api/search-attributes/${encodeURIComponent(key)}`, { method: 'DELETE' });
const indexedFlag = async (from: number, to: number) =>
  (await h.api<Array<{ key: string; indexed?: boolean }>>(`/api/attributes?service=api&from=${from}&to=${to}`)).body.find((k) => k.key === 'app.tenant')?.indexed ?? false;

describe('indexed attributes', () => {
  it('lists the defaults, adds a key from now on, keeps it across a restart and takes it out again', async () => {
    const listed = await h.api<Keys>('/api/search-attributes');
    expect(listed.status).toBe(200);
    expect(listed.body.keys.map((k) => k.key)).toEqual(expect.arrayContaining(['http.*', 'rpc.*', 'db.*', 'messaging.*', 'url.path', 'error.type']));
    expect(listed.body.keys.every((k) => k.origin === 'default')).toBe(true);

    // Not indexed yet: spans carrying the key get no postings.
    const t0 = Date.now();
    await send('before', t0);
    expect(postingsOf('before')).toBe(0);

    const added = await put('app.tenant');
    expect(added.status).toBe(200);
    const key = added.body.keys.find((k) => k.key === 'app.tenant');
    expect(key?.origin).toBe('user');
    expect(key!.since).toBeGreaterThanOrEqual(t0);

    // The writer's decoders follow at once: spans stored now get postings for it.
    const later = key!.since + 60_000;
    await send('acme', later);
    expect(postingsOf('acme')).toBeGreaterThan(0);
    expect(await indexedFlag(later - 1000, later + 60_000)).toBe(true);
    const found = await h.api<Array<{ traceId: string }>>(`/api/traces?service=api&attr=${encodeURIComponent('app.tenant=acme')}&from=${later - 1000}&to=${later + 60_000}&limit=1000`);
    expect(found.body.length).toBe(600);

    // A key covered by a default pattern keeps that pattern (and the time it was indexed from).
    expect((await put('http.route')).body.keys.some((k) => k.key === 'http.route')).toBe(false);
    const bad = await put('app.*');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/attribute key such as app\.tenant/);

    // Kept in the store: a restart (without any flag) still indexes it.
    await h.close();
    h = await start();
    expect((await h.api<Keys>('/api/search-attributes')).body.keys.find((k) => k.key === 'app.tenant')?.origin).toBe('user');

    expect((await del('http.*')).status).toBe(400);
    expect((await del('app.region')).status).toBe(404);
    const removed = await del('app.tenant');
    expect(removed.status).toBe(200);
    expect(removed.body.keys.some((k) => k.key === 'app.tenant')).toBe(false);
    await send('after', later + 1000);
    expect(postingsOf('after')).toBe(0);
    expect(await indexedFlag(later - 1000, later + 60_000)).toBe(false);
  });
});
