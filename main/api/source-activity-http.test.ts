// Silent and late sources through a real OTLP exporter (the OpenTelemetry JS SDK over OTLP/HTTP):
// a service that sends at a steady rhythm and stops is called silent; when it sends again it is
// not; spans that arrive long after they ended are counted late with their lag.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { type Harness, startHarness } from '../testing/core-harness';
import { usualInterval } from '../query/source-activity';

let h: Harness;
let provider: BasicTracerProvider;

beforeAll(async () => {
  // Silent after 5 usual intervals, and at least 2 s of quiet (60 s by default).
  h = await startHarness({ silentAfterMinMs: 2_000 });
  provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'inventory' }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${h.otlp}/v1/traces` }))],
  });
});
afterAll(async () => {
  await provider?.shutdown();
  await h?.close();
});

type Activity = { services: Array<{ service: string; silent: boolean; silentForMs: number | null; usualIntervalMs: number | null; late: { items: number; maxLagMs: number }; sources: Array<{ source: string; live: boolean; silent: boolean; arrivals: number }> }> };

const tracer = () => provider.getTracer('stock');
const activity = async () => (await h.api<Activity>('/api/ingest/sources')).body;
const inventory = async () => (await activity()).services.find((s) => s.service === 'inventory');

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sends one span and waits until its arrival is recorded (the arrival count grows). */
async function send(): Promise<void> {
  const before = (await inventory())?.sources.find((s) => s.source === 'otlp-http')?.arrivals ?? 0;
  tracer().startSpan('reserve').end();
  await until('the arrival to be recorded', inventory, (s) => (s?.sources.find((x) => x.source === 'otlp-http')?.arrivals ?? 0) > before);
}

describe('silent and late sources', () => {
  it('learns the median gap between arrivals', () => {
    expect(usualInterval([0, 1000, 2000, 3000])).toBe(1000);
    expect(usualInterval([0, 1000, 2000, 60_000, 61_000])).toBe(1000);
    expect(usualInterval([0, 1000])).toBeNull();
  });

  it('calls a service silent when its exporter stops, and not once it sends again', async () => {
    // A steady rhythm: one export every ~1.2 s (arrivals within a second count once).
    for (let i = 0; i < 6; i++) {
      await send();
      await new Promise((r) => setTimeout(r, 1_200));
    }
    const sending = await inventory();
    expect(sending?.sources.map((s) => s.source)).toEqual(['otlp-http']);
    expect(sending?.sources[0].live).toBe(true);
    expect(sending?.usualIntervalMs).toBeGreaterThanOrEqual(1_000);

    // The exporter stops: after several usual intervals the service is called silent.
    const quiet = await until('inventory to be silent', inventory, (s) => s?.silent === true);
    expect(quiet!.silentForMs).toBeGreaterThan(Math.max(2_000, 4 * quiet!.usualIntervalMs!));
    expect(quiet!.sources[0].silent).toBe(true);

    // It sends again: no longer silent.
    await send();
    const back = await inventory();
    expect(back?.silent).toBe(false);
    expect(back?.silentForMs).toBeNull();
  }, 90_000);

  it('counts spans that arrive long after they ended as late, with the lag', async () => {
    const ended = Date.now() - 30 * 60_000;
    tracer().startSpan('reserve', { startTime: ended - 50 }).end(ended);
    const s = await until('late data to be counted', inventory, (x) => (x?.late.items ?? 0) >= 1);
    expect(s!.late.maxLagMs).toBeGreaterThan(29 * 60_000);
    expect(s!.late.maxLagMs).toBeLessThan(40 * 60_000);
  });

  it('keeps imports apart: old data imported is neither late nor ever silent', async () => {
    const up = await h.api('/api/import?filename=kafka.json', { method: 'POST', body: readFileSync('/work/shared/fixtures/zipkin/messaging-kafka.json') });
    expect(up.body.spans).toBe(28);
    const list = await activity();
    const imported = list.services.flatMap((s) => s.sources.filter((x) => x.source === 'import'));
    expect(imported.length).toBeGreaterThan(0);
    for (const x of imported) expect(x).toMatchObject({ live: false, silent: false });
    for (const s of list.services.filter((x) => x.sources.every((y) => y.source === 'import'))) expect(s).toMatchObject({ silent: false, late: { items: 0 } });
  });

  it('refuses parameters it does not take', async () => {
    expect((await h.api('/api/ingest/sources?service=inventory')).status).toBe(400);
  });
});
