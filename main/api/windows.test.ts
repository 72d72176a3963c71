// Windows of any length answer in bounded time and memory: clamped to the data, steps
// coarsened to a bounded number of points (the response says so), and a time budget per query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from '../testing/core-harness';
import { MAX_POINTS, QueryTimeout, ReadStore } from '../query/read-store';
import { migrate, openDatabase } from '../store/database';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  const now = BigInt(Date.now()) * 1_000_000n;
  const spans = Array.from({ length: 20 }, (_, i) => ({
    traceId: `${(i + 1).toString(16).padStart(2, '0')}${'ab'.repeat(15)}`,
    spanId: `${(i + 1).toString(16).padStart(2, '0')}${'cd'.repeat(7)}`,
    name: 'GET /',
    kind: 2,
    startTimeUnixNano: String(now - BigInt(i) * 60_000_000_000n),
    endTimeUnixNano: String(now - BigInt(i) * 60_000_000_000n + 5_000_000n),
  }));
  const body = JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'frontend' } }] }, scopeSpans: [{ spans }] }] });
  const res = await fetch(h.otlp + '/v1/traces', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  expect(res.status).toBe(200);
  await h.waitForIngest({ spans: 20 });
});
afterAll(async () => {
  await h.close();
});

const ALL_TIME = 'from=2020-01-01T00:00:00Z&to=2035-01-01T00:00:00Z';

describe('an all-time window', () => {
  it('golden signals with a one-minute step are clamped to the data and coarsened, and say so', async () => {
    const { status, body } = await h.api(`/api/services/frontend/golden-signals?${ALL_TIME}&step=60`);
    expect(status).toBe(200);
    expect(body.series.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(body.from).toBeGreaterThan(Date.parse('2026-01-01'));
    expect(body.notice).toMatch(/clamped to the data stored/);
    expect(body.series.reduce((n: number, p: { rps: number }) => n + p.rps * (body.stepMs / 1000), 0)).toBeCloseTo(20, 5);
    expect(body.totals.calls).toBe(20);
  });

  it('a step so fine the window would need more points than allowed is coarsened', async () => {
    const from = Date.now() - 30 * 86_400_000;
    const { body } = await h.api(`/api/services/frontend/golden-signals?from=${from}&to=${Date.now()}&step=1`);
    expect(body.series.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(body.totals.calls).toBe(20);
  });

  it('the service map and the services list answer with the data', async () => {
    const map = await h.api(`/api/service-map?${ALL_TIME}`);
    expect(map.status).toBe(200);
    expect(map.body.nodes.map((n: { name: string }) => n.name)).toContain('frontend');
    const list = await h.api(`/api/services?${ALL_TIME}&sparkline=30`);
    expect(list.status).toBe(200);
    expect(list.body.find((s: { name: string }) => s.name === 'frontend')).toMatchObject({ spanCount: 20 });
  });
});

describe('the time budget', () => {
  it('stops a query that runs past it with a 503-class error naming the query', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loupe-budget-'));
    const db = openDatabase(dir);
    migrate(db);
    db.close();
    const store = new ReadStore(dir, () => undefined);
    try {
      store.budgetMs = 20;
      expect(() =>
        store.timed('test.endless', () => {
          for (;;) store.check();
        }),
      ).toThrowError(QueryTimeout);
      // The budget belongs to one query: the next one starts afresh.
      expect(store.timed('test.quick', () => 42)).toBe(42);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
