import { describe, expect, it } from 'vitest';
import { buildTraceModel } from './trace-model';
import { findSpans, stepThrough } from './trace-find';
import { traceStats } from './trace-stats';
import { sid, traceOf, type SpanSpec } from './trace-fixtures';

const SPANS: SpanSpec[] = [
  { id: 'r', service: 'web', name: 'GET /cart', start: 0, end: 100, attributes: { 'http.route': '/cart' } },
  { id: 'q1', parent: 'r', service: 'db', name: 'SELECT', start: 10, end: 30, attributes: { 'db.system.name': 'postgresql' } },
  { id: 'q2', parent: 'r', service: 'db', name: 'SELECT', start: 40, end: 50, error: true, attributes: { 'db.system.name': 'postgresql' } },
  { id: 'c', parent: 'r', service: 'cache', name: 'GET', start: 60, end: 64, attributes: { 'db.system.name': 'redis' } },
];

describe('trace statistics', () => {
  it('sums count, total and self time per operation with min, max and average', () => {
    const stats = traceStats(buildTraceModel(traceOf(SPANS)), 'operation');
    const select = stats.find((s) => s.name === 'SELECT')!;
    expect(select).toMatchObject({ service: 'db', count: 2, errors: 1, totalMs: 30, selfMs: 30, minMs: 10, maxMs: 20, avgMs: 15 });
    const root = stats.find((s) => s.name === 'GET /cart')!;
    // 100 ms minus the 34 ms its children cover.
    expect(root.selfMs).toBeCloseTo(66, 6);
    expect(root.totalMs).toBe(100);
    // Sorted by self time, shares add up to 1.
    expect(stats[0].name).toBe('GET /cart');
    expect(stats.reduce((a, s) => a + s.selfShare, 0)).toBeCloseTo(1, 6);
  });

  it('groups by service', () => {
    const stats = traceStats(buildTraceModel(traceOf(SPANS)), 'service');
    expect(stats.map((s) => [s.service, s.count])).toEqual([
      ['web', 1],
      ['db', 2],
      ['cache', 1],
    ]);
  });
});

describe('find within a trace', () => {
  const m = buildTraceModel(traceOf(SPANS));
  it('matches names, services, attribute values and span ids, in waterfall order', () => {
    expect(findSpans(m, 'select').map((n) => n.span.spanId)).toEqual([sid('q1'), sid('q2')]);
    expect(findSpans(m, 'CACHE').map((n) => n.span.spanId)).toEqual([sid('c')]);
    expect(findSpans(m, 'redis').map((n) => n.span.spanId)).toEqual([sid('c')]);
    expect(findSpans(m, sid('q2')).map((n) => n.span.spanId)).toEqual([sid('q2')]);
    expect(findSpans(m, '   ')).toEqual([]);
  });

  it('matches key=value on attributes by exact key', () => {
    expect(findSpans(m, 'db.system.name=postgres').map((n) => n.span.spanId)).toEqual([sid('q1'), sid('q2')]);
    expect(findSpans(m, 'db.system=postgres')).toEqual([]);
    expect(findSpans(m, 'service=web').map((n) => n.span.spanId)).toEqual([sid('r')]);
  });

  it('steps to the next and previous match, wrapping around', () => {
    const list = findSpans(m, 'db.system.name=');
    expect(list).toHaveLength(3);
    expect(stepThrough(list, 0, 1)?.span.spanId).toBe(sid('q1'));
    expect(stepThrough(list, list[2].index, 1)?.span.spanId).toBe(sid('q1'));
    expect(stepThrough(list, list[0].index, -1)?.span.spanId).toBe(sid('c'));
  });
});
