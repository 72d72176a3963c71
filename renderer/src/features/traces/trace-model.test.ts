import { describe, expect, it } from 'vitest';
import { buildTraceModel, flattenRows, rangeTicks } from './trace-model';
import { sid, traceOf, type SpanSpec } from './trace-fixtures';

const SHOP: SpanSpec[] = [
  { id: 'r', service: 'web', name: 'GET /', start: 0, end: 100 },
  { id: 'a', parent: 'r', service: 'web', name: 'auth', start: 10, end: 40 },
  { id: 'b', parent: 'r', service: 'api', name: 'load', start: 20, end: 90 },
  { id: 'b1', parent: 'b', service: 'db', name: 'SELECT', start: 25, end: 50 },
  { id: 'b2', parent: 'b', service: 'db', name: 'SELECT', start: 55, end: 85 },
  // Ends 20 ms after its parent: the two hosts' clocks disagree.
  { id: 'c', parent: 'r', service: 'mail', name: 'send', start: 95, end: 120 },
];

describe('trace model', () => {
  it('builds the tree in depth-first order with depths and descendant counts', () => {
    const m = buildTraceModel(traceOf(SHOP));
    expect(m.order.map((n) => n.span.name)).toEqual(['GET /', 'auth', 'load', 'SELECT', 'SELECT', 'send']);
    expect(m.order.map((n) => n.depth)).toEqual([0, 1, 1, 2, 2, 1]);
    expect(m.root?.span.spanId).toBe(sid('r'));
    expect(m.root?.descendants).toBe(5);
    expect(m.durationMs).toBe(120);
    expect(m.maxDepth).toBe(2);
  });

  it('computes self time as the duration no child covers, clipping children to the parent', () => {
    const m = buildTraceModel(traceOf(SHOP));
    const self = (id: string) => m.byId.get(sid(id))!.selfMs;
    // Root 100 ms; children cover [10,90] and the clipped [95,100].
    expect(self('r')).toBeCloseTo(15, 6);
    // load 70 ms minus its two queries (25 + 30).
    expect(self('b')).toBeCloseTo(15, 6);
    expect(self('b1')).toBeCloseTo(25, 6);
  });

  it('marks a child that starts before or ends after its parent, with the amounts', () => {
    const m = buildTraceModel(
      traceOf([
        ...SHOP,
        { id: 'early', parent: 'b', service: 'db', name: 'early', start: 15, end: 30 },
        { id: 'call', parent: 'r', service: 'web', name: 'GET api', kind: 'CLIENT', start: 41, end: 60 },
        { id: 'srv', parent: 'call', service: 'api', name: 'GET /api', kind: 'SERVER', start: 42, end: 61.5 },
      ]),
    );
    // Starting before the parent is impossible in real time: the clocks disagree.
    const early = m.byId.get(sid('early'))!.skew!;
    expect(early.kind).toBe('clock');
    expect(early.startsBeforeParentMs).toBeCloseTo(5, 6);
    expect(early.endsAfterParentMs).toBe(0);
    // A server span cannot end after the client span that waited for it.
    expect(m.byId.get(sid('srv'))!.skew).toMatchObject({ kind: 'clock', startsBeforeParentMs: 0 });
    expect(m.byId.get(sid('srv'))!.skew!.endsAfterParentMs).toBeCloseTo(1.5, 6);
    // Other work may outlive its parent (asynchronous tasks): shown, but not called skew.
    expect(m.byId.get(sid('c'))!.skew).toEqual({ kind: 'outlives', startsBeforeParentMs: 0, endsAfterParentMs: 20 });
    expect(m.byId.get(sid('b'))!.skew).toBeNull();
    expect(m.skewed).toBe(2);
    expect(m.outliving).toBe(1);
  });

  it('keeps spans whose parent is missing as orphans at the root level, after the real root', () => {
    const m = buildTraceModel(traceOf([{ id: 'x', parent: 'gone', start: 0, end: 5 }, ...SHOP]));
    expect(m.orphans).toBe(1);
    expect(m.roots.map((r) => r.span.spanId)).toEqual([sid('r'), sid('x')]);
    expect(m.byId.get(sid('x'))!.orphan).toBe(true);
  });

  it('cuts a parent cycle instead of looping or losing spans', () => {
    const m = buildTraceModel(
      traceOf([
        { id: 'p', parent: 'q', start: 0, end: 10 },
        { id: 'q', parent: 'p', start: 1, end: 9 },
        { id: 'k', parent: 'q', start: 2, end: 3 },
      ]),
    );
    expect(m.order).toHaveLength(3);
    expect(m.roots.filter((r) => r.cyclic)).toHaveLength(1);
  });

  it('handles a 10,000-deep chain without recursion', () => {
    const specs: SpanSpec[] = Array.from({ length: 10_000 }, (_, i) => ({ id: `s${i}`, parent: i ? `s${i - 1}` : undefined, start: i * 0.01, end: 200 - i * 0.01 }));
    const m = buildTraceModel(traceOf(specs));
    expect(m.maxDepth).toBe(9_999);
    expect(m.root!.descendants).toBe(9_999);
  });

  it('flattens rows skipping the subtrees of collapsed spans', () => {
    const m = buildTraceModel(traceOf(SHOP));
    expect(flattenRows(m, new Set())).toHaveLength(6);
    const rows = flattenRows(m, new Set([sid('b')]));
    expect(rows.map((r) => r.node.span.spanId)).toEqual([sid('r'), sid('a'), sid('b'), sid('c')]);
    expect(rows[2].collapsed).toBe(true);
    // Collapsing a leaf hides nothing.
    expect(flattenRows(m, new Set([sid('a')]))).toHaveLength(6);
  });

  it('places round ticks inside a zoomed range', () => {
    expect(rangeTicks(0, 100, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(rangeTicks(13, 47, 4)).toEqual([20, 30, 40]);
  });
});
