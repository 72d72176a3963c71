import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpanRecord, TelemetryBatch } from '../../common/model';
import { makeBatch, makeSpan, spanIdOf, traceIdOf } from '../testing/telemetry';
import { migrate, openDatabase } from '../store/database';
import { StoreWriter } from '../store/writer';
import { ReadStore } from '../query/read-store';
import { SloFile, readSloFile } from './slo-file';
import { SloEvaluator, sliWindows, statusFromCounts } from './slo-evaluator';
import type { SloAlertEvent } from '../../common/api/slo-schemas';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'loupe-slo-'));
  dirs.push(d);
  return d;
}

let n = 0;
/** `count` requests into `service` at `atMs`, `failed` of them failing, each `ms` long. */
function requests(service: string, atMs: number, count: number, failed: number, ms = 10): TelemetryBatch {
  const items: SpanRecord[] = [];
  for (let i = 0; i < count; i++) {
    n++;
    const start = BigInt(atMs) * 1_000_000n + BigInt(i);
    items.push(makeSpan({ traceId: traceIdOf(n.toString(16)), spanId: spanIdOf('1'), startNs: start, endNs: start + BigInt(ms * 1_000_000), name: 'GET /pay', statusCode: i < failed ? 2 : 0 }));
  }
  return makeBatch(service, items);
}

describe('slos.yaml', () => {
  it('reports invalid entries with their line and keeps the valid ones', () => {
    const dir = temp();
    const path = join(dir, 'slos.yaml');
    writeFileSync(
      path,
      `# team SLOs
slos:
  - id: pay-availability
    name: Payment availability
    service: payment
    sli: availability
    objective: 99.9
    window: 30d
  - id: Bad Id
    name: x
    service: payment
    sli: availability
    objective: 120
    window: 30d
  - id: pay-latency
    name: Payment latency
    service: payment
    sli: latency
    objective: 99
    window: 7d
`,
    );
    const state = readSloFile(path);
    expect(state.slos.map((s) => s.id)).toEqual(['pay-availability']);
    expect(state.problems).toHaveLength(2);
    expect(state.problems[0]).toMatch(/slos\.yaml:9: id: lower-case.*objective/);
    expect(state.problems[1]).toMatch(/slos\.yaml:15: latency SLO "pay-latency" needs thresholdMs/);
  });

  it('edits through the UI keep comments and entries it cannot read', () => {
    const dir = temp();
    const path = join(dir, 'slos.yaml');
    writeFileSync(path, `# owned by team payments\nslos:\n  - id: broken\n    objective: "high"\n`);
    const file = new SloFile(dir);
    file.upsert({ id: 'pay', name: 'Pay', service: 'payment', sli: 'latency', objective: 99, window: '7d', thresholdMs: 300 });
    const text = readFileSync(path, 'utf8');
    expect(text).toMatch(/# owned by team payments/);
    expect(text).toMatch(/id: broken/);
    expect(file.slos.map((s) => s.id)).toEqual(['pay']);
    expect(file.remove('pay')).toBe(true);
    expect(readFileSync(path, 'utf8')).toMatch(/id: broken/);
    file.close();
  });
});

describe('SLO status from rollups', () => {
  it('computes the SLI, the budget, burn rates and fires the fast-burn page once', () => {
    const dir = temp();
    const db = openDatabase(dir);
    migrate(db);
    const writer = new StoreWriter(db);
    const now = Date.now();
    // 3 days of good traffic, then the last 10 minutes fail at 5% (50× the 0.1% allowed)
    for (let h = 72; h >= 1; h--) writer.write([requests('payment', now - h * 3_600_000, 200, 0)]);
    for (let m = 10; m >= 1; m--) writer.write([requests('payment', now - m * 60_000, 100, 5)]);
    writeFileSync(
      join(dir, 'slos.yaml'),
      `slos:\n  - { id: pay, name: Payment availability, service: payment, sli: availability, objective: 99.9, window: 30d }\n  - { id: pay-fast, name: Payment latency, service: payment, sli: latency, objective: 99, window: 30d, thresholdMs: 5 }\n`,
    );
    const file = new SloFile(dir);
    const ev = new SloEvaluator(new ReadStore(dir, () => undefined), file);
    const [avail, latency] = ev.list(now).slos;
    expect(avail.total).toBe(72 * 200 + 1000);
    expect(avail.good).toBe(72 * 200 + 950);
    expect(avail.budget.allowed).toBeCloseTo(15.4, 6);
    expect(avail.budget.remaining).toBeCloseTo(1 - 50 / 15.4, 6);
    const burn = (w: number) => avail.burnRates.find((b) => b.windowMs === w)!.burnRate;
    expect(burn(5 * 60_000)).toBeCloseTo(50, 6); // 5% / 0.1%
    expect(burn(3_600_000)).toBeGreaterThan(14.4);
    expect(avail.state).toBe('page');
    expect(avail.alerts.find((a) => a.label.startsWith('14.4'))!.firing).toBe(true);
    // latency: every request took 10 ms against a 5 ms threshold → nothing is good
    expect(latency.good).toBe(0);
    expect(latency.sli).toBe(0);
    const fired: SloAlertEvent[] = [];
    const resolved: SloAlertEvent[] = [];
    ev.evaluate((e) => fired.push(e), (e) => resolved.push(e), now);
    const first = fired.length;
    expect(fired.filter((e) => e.sloId === 'pay' && e.label === '14.4× over 1h and 5m')).toHaveLength(1);
    // still firing a moment later: announced once, not again
    ev.invalidate();
    ev.evaluate((e) => fired.push(e), (e) => resolved.push(e), now + 1000);
    expect(fired.length).toBe(first);
    expect(resolved).toEqual([]);
    // an hour of good traffic later the fast burn is over: the page alert is resolved
    for (let m = 1; m <= 60; m++) writer.write([requests('payment', now + m * 60_000, 100, 0)]);
    ev.invalidate();
    ev.evaluate((e) => fired.push(e), (e) => resolved.push(e), now + 61 * 60_000);
    expect(resolved.map((e) => e.label)).toContain('14.4× over 1h and 5m');
    expect(ev.summaryByService(now).get('payment')).toMatchObject({ alert: 'page' });
    file.close();
  });
});

describe('SLO status from a source\'s counts', () => {
  it('never shows more good requests than requests, whatever the source answers', () => {
    const slo = { id: 'web-availability', name: 'web', service: 'web', sli: 'availability' as const, objective: 99, window: '1h' };
    const windows = sliWindows(slo).map((windowMs) => ({ windowMs, total: 31, good: 32 }));
    const status = statusFromCounts(slo, { windows, steps: [{ time: 0, total: 10, good: 12 }] });
    expect(status.sli).toBe(1);
    expect(status.state).toBe('ok');
    expect(status.history.every((h) => h.remaining === 1)).toBe(true);
  });
});
