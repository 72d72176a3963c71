// The UI's snapshot path over real HTTP: download a range as a zip, drop it on another Loupe.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../testing/core-harness';

const FIXTURE = '/work/shared/fixtures/zipkin/messaging-kafka.json';

let source: Harness;
let target: Harness;

beforeAll(async () => {
  source = await startHarness();
  target = await startHarness();
});
afterAll(async () => {
  await source?.close();
  await target?.close();
});

describe('snapshots over the API', () => {
  it('downloads a range as a zip that another Loupe imports, opening at its window', async () => {
    const up = await source.api('/api/import?filename=kafka.json', { method: 'POST', body: readFileSync(FIXTURE) });
    expect(up.body.spans).toBe(28);
    const res = await fetch(`${source.ui}/api/snapshot?from=0&to=${Date.now()}`, { headers: { authorization: `Bearer ${source.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="loupe-snapshot-.*\.zip"/);
    const zip = Buffer.from(await res.arrayBuffer());
    expect(zip.subarray(0, 2).toString()).toBe('PK');

    const imported = await target.api('/api/import?filename=incident.zip', { method: 'POST', body: zip });
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ format: 'loupe-snapshot', spans: 28, errors: [], window: { from: 0 } });
    await target.waitForIngest({ spans: 28 });
    const traces = await target.api(`/api/traces?from=0&to=${Date.now()}&limit=50`);
    const sourceTraces = await source.api(`/api/traces?from=0&to=${Date.now()}&limit=50`);
    expect(traces.body.map((t: { traceId: string }) => t.traceId).sort()).toEqual(sourceTraces.body.map((t: { traceId: string }) => t.traceId).sort());
  });

  it('refuses a damaged snapshot with the reason and stores nothing', async () => {
    const res = await fetch(`${source.ui}/api/snapshot?from=0&to=${Date.now()}`, { headers: { authorization: `Bearer ${source.token}` } });
    const zip = Buffer.from(await res.arrayBuffer());
    const empty = await startHarness();
    try {
      const r = await empty.api('/api/import?filename=cut.zip', { method: 'POST', body: zip.subarray(0, zip.length - 40) });
      expect(r.body.spans).toBe(0);
      expect(r.body.errors[0]).toMatch(/cut\.zip: not a readable zip file .*nothing was imported/);
      const health = await empty.api('/api/health');
      expect(health.body.ingest.spans).toBe(0);
    } finally {
      await empty.close();
    }
  });

  it('answers 400 for a window that ends before it starts', async () => {
    const r = await source.api('/api/snapshot?from=10&to=5');
    expect(r.status).toBe(400);
  });
});
