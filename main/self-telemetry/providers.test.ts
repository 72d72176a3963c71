// --self-telemetry: Loupe's own ingest and API spans and counters arrive in its store as
// service "loupe", through its own OTLP receiver.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { startHarness, type Harness } from '../testing/core-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ selfTelemetry: true });
});
afterAll(async () => {
  await h.close();
});

it('stores its own spans and metrics as service "loupe", without tracing its own exports', async () => {
  const trace = readFileSync(new URL('../../../shared/fixtures/otlp/trace.json', import.meta.url));
  expect((await fetch(`${h.otlp}/v1/traces`, { method: 'POST', body: trace, headers: { 'content-type': 'application/json' } })).status).toBe(200);
  await h.api('/api/health');
  let names: string[] = [];
  for (let i = 0; i < 100 && !(names.includes('ingest traces') && names.includes('GET /api/health')); i++) {
    await new Promise((r) => setTimeout(r, 100));
    const found = await h.api('/api/traces?service=loupe&from=0&limit=200');
    const ids: string[] = found.body.map((t: { traceId: string }) => t.traceId);
    names = [];
    for (const id of ids) names.push(...(await h.api(`/api/traces/${id}`)).body.spans.map((s: { name: string }) => s.name));
  }
  expect(names).toContain('ingest traces');
  expect(names).toContain('GET /api/health');
  // an export of Loupe's own telemetry is not itself traced: every ingest span is for a
  // request that carried other telemetry, so there are far fewer of them than API spans
  const ingestSpans = names.filter((n) => n.startsWith('ingest ')).length;
  expect(ingestSpans).toBeLessThanOrEqual(2);
  let metrics: string[] = [];
  for (let i = 0; i < 100 && !metrics.includes('loupe.ingest.items.accepted'); i++) {
    await new Promise((r) => setTimeout(r, 100));
    metrics = (await h.api('/api/metrics?service=loupe&from=0')).body.map((m: { name: string }) => m.name);
  }
  expect(metrics).toContain('loupe.ingest.items.accepted');
});
