// Log patterns over records sent over OTLP/HTTP into a real core: templates and counts, new
// since a time or a deploy, the cap, and filtering the log list and histogram to one pattern.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/core-harness';
import type { LogPatterns } from '../../common/api/incident-schemas';

let h: Harness;
const MIN = 60_000;
const start = (Math.floor(Date.now() / MIN) - 40) * MIN;
const ns = (ms: number) => String(BigInt(ms) * 1_000_000n);
const deployAt = start + 20 * MIN;
const HANDLED = 'request handled: GET /products/sku-<NUM> <NUM> in <NUM> ms';
const DECLINED = 'payment declined for order <UUID>: card <*>';

beforeAll(async () => {
  h = await startHarness();
  const records: Array<{ ms: number; body: string; sev: number }> = [];
  // Before and after the deploy: ordinary request lines, 120 of them, one every 15 s.
  for (let i = 0; i < 120; i++) records.push({ ms: start + i * 15_000 + 7, body: `request handled: GET /products/sku-${1000 + (i % 9)} ${i % 7 ? 200 : 304} in ${3 + (i % 11)} ms`, sev: 9 });
  // Only after it: a new error line, 15 times.
  for (let i = 0; i < 15; i++)
    records.push({ ms: deployAt + MIN + i * 20_000 + 3, body: `payment declined for order 7c9e6679-7425-40de-944b-e07fc1f90a${String(10 + i)}: card ${i % 2 ? 'expired' : 'stolen'}`, sev: 17 });
  const body = {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
        scopeLogs: [{ scope: { name: 'test' }, logRecords: records.map((r) => ({ timeUnixNano: ns(r.ms), severityNumber: r.sev, severityText: r.sev > 16 ? 'ERROR' : 'INFO', body: { stringValue: r.body } })) }],
      },
    ],
  };
  expect((await fetch(`${h.otlp}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status).toBe(200);
  await h.waitForIngest({ logs: 135 });
  const deploy = await h.api('/api/deploys', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ service: 'checkout', version: '2.8.0', time: deployAt }) });
  expect(deploy.status).toBe(200);
}, 60_000);
afterAll(async () => {
  await h.close();
});

const window = `from=${start}&to=${start + 40 * MIN}`;

describe('GET /api/logs/patterns', () => {
  it('clusters the bodies into templates with counts per bucket, and marks patterns new since a time', async () => {
    const { status, body } = await h.api<LogPatterns>(`/api/logs/patterns?${window}&buckets=40&since=${deployAt}`);
    expect(status).toBe(200);
    expect(body.patterns.map((p) => [p.template, p.count, p.new])).toEqual([
      [HANDLED, 120, false],
      [DECLINED, 15, true],
    ]);
    expect(body).toMatchObject({ clustered: 135, capped: false, since: deployAt, sinceSource: 'time' });
    const declined = body.patterns[1];
    expect(declined).toMatchObject({ severityText: 'ERROR', services: ['checkout'], firstSeen: deployAt + MIN + 3 });
    expect(declined.counts).toHaveLength(40);
    expect(declined.counts.slice(0, 21).every((c) => c === 0)).toBe(true);
    expect(declined.counts.reduce((a, b) => a + b, 0)).toBe(15);
    expect(declined.sample).toContain('payment declined for order 7c9e6679-7425-40de-944b-e07fc1f90a24');
  });

  it('takes the newest deploy in the window with since=deploy', async () => {
    const { body } = await h.api<LogPatterns>(`/api/logs/patterns?${window}&since=deploy`);
    expect(body).toMatchObject({ since: deployAt, sinceSource: 'deploy', deploy: { service: 'checkout', version: '2.8.0', time: deployAt } });
    expect(body.patterns.find((p) => p.template === DECLINED)?.new).toBe(true);
  });

  it('clusters only the newest records up to the cap and says so; newness it cannot judge is null', async () => {
    const { body } = await h.api<LogPatterns>(`/api/logs/patterns?${window}&limit=100&since=${start + 2 * MIN}`);
    expect(body).toMatchObject({ clustered: 100, limit: 100, capped: true });
    // 100 newest of 135: the first 35 request lines (up to 8.5 min in) were left out.
    expect(body.coveredFrom).toBe(start + 35 * 15_000 + 7);
    expect(body.patterns.every((p) => p.new === null)).toBe(true);
  });

  it('filters the log list and the histogram to one pattern', async () => {
    const logs = await h.api<Array<{ body: string }>>(`/api/logs?${window}&limit=500&pattern=${encodeURIComponent(DECLINED)}`);
    expect(logs.status).toBe(200);
    expect(logs.body).toHaveLength(15);
    expect(logs.body.every((l) => l.body.startsWith('payment declined for order'))).toBe(true);
    const hist = await h.api<{ total: number }>(`/api/logs/histogram?${window}&buckets=10&pattern=${encodeURIComponent(HANDLED)}`);
    expect(hist.body.total).toBe(120);
    const none = await h.api<unknown[]>(`/api/logs?${window}&pattern=${encodeURIComponent('nothing like this <*>')}`);
    expect(none.body).toEqual([]);
  });
});
