import { describe, expect, it } from 'vitest';
import { buildTraceModel } from '../traces/trace-model';
import { traceOf, type SpanSpec } from '../traces/trace-fixtures';
import { diffTraces, spanPathKeys } from './trace-diff';

const BASE: SpanSpec[] = [
  { id: 'r', service: 'web', name: 'POST /checkout', start: 0, end: 100 },
  { id: 'o', parent: 'r', service: 'orders', name: 'create', start: 5, end: 60 },
  { id: 'q', parent: 'o', service: 'db', name: 'INSERT', start: 10, end: 20 },
  { id: 'p', parent: 'r', service: 'pay', name: 'charge', start: 60, end: 95 },
  { id: 'm', parent: 'r', service: 'mail', name: 'send', start: 95, end: 99 },
];

describe('trace diff', () => {
  const a = buildTraceModel(traceOf(BASE));
  const b = buildTraceModel(
    traceOf([
      { id: 'r', service: 'web', name: 'POST /checkout', start: 0, end: 300 },
      { id: 'o', parent: 'r', service: 'orders', name: 'create', start: 5, end: 61 },
      { id: 'q', parent: 'o', service: 'db', name: 'INSERT', start: 10, end: 20 },
      { id: 'q2', parent: 'o', service: 'db', name: 'INSERT', start: 25, end: 35 },
      { id: 'p', parent: 'r', service: 'pay', name: 'charge', start: 60, end: 290, error: true },
      { id: 'f', parent: 'p', service: 'pay', name: 'fraud check', start: 70, end: 280 },
    ]),
  );
  const diff = diffTraces(a, b);
  const row = (...labels: string[]) => diff.rows.find((r) => r.labels.join(' > ') === labels.join(' > '))!;

  it('matches spans by their service and name path from the root, in tree order', () => {
    expect(diff.rows.map((r) => r.labels[r.labels.length - 1])).toEqual([
      'web · POST /checkout',
      'orders · create',
      'db · INSERT',
      'pay · charge',
      'pay · fraud check',
      'mail · send',
    ]);
    expect(row('web · POST /checkout', 'orders · create').depth).toBe(1);
  });

  it('lists operations present on one side only', () => {
    expect(row('web · POST /checkout', 'mail · send').kind).toBe('only-a');
    expect(row('web · POST /checkout', 'pay · charge', 'pay · fraud check').kind).toBe('only-b');
    expect(diff.onlyA).toBe(1);
    expect(diff.onlyB).toBe(1);
  });

  it('reports duration deltas and count changes per path', () => {
    const insert = row('web · POST /checkout', 'orders · create', 'db · INSERT');
    expect(insert.a?.count).toBe(1);
    expect(insert.b?.count).toBe(2);
    expect(insert.countChanged).toBe(true);
    expect(insert.deltaMs).toBeCloseTo(10, 6);
    expect(insert.deltaPct).toBeCloseTo(1, 6);
    // Only INSERT ran a different number of times; one-sided rows are not counted here.
    expect(diff.countChanges).toBe(1);
  });

  it('flags regressions (slower beyond both thresholds, or more errors) and ignores jitter', () => {
    expect(row('web · POST /checkout').regression).toBe(true);
    const charge = row('web · POST /checkout', 'pay · charge');
    expect(charge.regression).toBe(true);
    expect(charge.b?.errors).toBe(1);
    // 1 ms slower on 55 ms: below 20 %.
    expect(row('web · POST /checkout', 'orders · create').regression).toBe(false);
    // On one side only: marked as such, not as slower or faster.
    const mail = row('web · POST /checkout', 'mail · send');
    expect([mail.kind, mail.improvement, mail.regression]).toEqual(['only-a', false, false]);
    expect(mail.deltaMs).toBeCloseTo(-4, 6);
    expect(row('web · POST /checkout', 'pay · charge', 'pay · fraud check').regression).toBe(false);
  });

  it('finds no differences between a trace and itself', () => {
    const same = diffTraces(a, a);
    expect(same.rows.every((r) => r.kind === 'both' && !r.regression && !r.improvement && !r.countChanged && r.deltaMs === 0)).toBe(true);
  });
});

describe('span path keys', () => {
  it('give every span the key of its diff row', () => {
    const a = buildTraceModel(traceOf(BASE));
    const keys = spanPathKeys(a);
    const rowKeys = new Set(diffTraces(a, a).rows.map((r) => r.key));
    expect(keys.size).toBe(BASE.length);
    for (const k of keys.values()) expect(rowKeys.has(k)).toBe(true);
  });
});
