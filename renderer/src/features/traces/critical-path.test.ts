import { describe, expect, it } from 'vitest';
import { criticalPath } from './critical-path';
import { buildTraceModel } from './trace-model';
import { sid, traceOf, type SpanSpec } from './trace-fixtures';

const path = (specs: SpanSpec[]) => {
  const cp = criticalPath(buildTraceModel(traceOf(specs)));
  const seg = (id: string) => cp.segments.get(sid(id)) ?? [];
  return { cp, seg };
};

describe('critical path', () => {
  it('walks back from the root end through the last-finishing child that ends before the cursor', () => {
    const { cp, seg } = path([
      { id: 'r', start: 0, end: 100 },
      { id: 'a', parent: 'r', start: 10, end: 40 },
      { id: 'b', parent: 'r', start: 20, end: 90 },
      { id: 'b1', parent: 'b', start: 25, end: 50 },
      { id: 'b2', parent: 'b', start: 55, end: 85 },
    ]);
    // a overlaps b, which finished later: a ran in parallel and is not on the path.
    expect(seg('a')).toEqual([]);
    expect(seg('r')).toEqual([
      [0, 20],
      [90, 100],
    ]);
    expect(seg('b')).toEqual([
      [20, 25],
      [50, 55],
      [85, 90],
    ]);
    expect(seg('b1')).toEqual([[25, 50]]);
    expect(seg('b2')).toEqual([[55, 85]]);
    // The path accounts for the root's whole duration.
    expect(cp.totalMs).toBeCloseTo(100, 6);
  });

  it('takes sequential children one after the other', () => {
    const { seg } = path([
      { id: 'r', start: 0, end: 60 },
      { id: 'x', parent: 'r', start: 0, end: 20 },
      { id: 'y', parent: 'r', start: 20, end: 40 },
      { id: 'z', parent: 'r', start: 40, end: 60 },
    ]);
    expect(seg('x')).toEqual([[0, 20]]);
    expect(seg('y')).toEqual([[20, 40]]);
    expect(seg('z')).toEqual([[40, 60]]);
    expect(seg('r')).toEqual([]);
  });

  it('clips clock-skewed children to their parent and leaves out those entirely outside it', () => {
    const { cp, seg } = path([
      { id: 'r', start: 0, end: 100 },
      // Ends 20 ms after the root: only its first 5 ms can have held the root up.
      { id: 'late', parent: 'r', start: 95, end: 120 },
      { id: 'deep', parent: 'late', start: 110, end: 118 },
      // Starts before the root: clipped to start at 0.
      { id: 'early', parent: 'r', start: -10, end: 30 },
      // After the root ended (an async consumer): not on the path.
      { id: 'after', parent: 'r', start: 130, end: 150 },
    ]);
    // Offsets count from the trace start, which the early child moved to -10.
    expect(seg('late')).toEqual([[105, 110]]);
    expect(seg('deep')).toEqual([]);
    expect(seg('early')).toEqual([[10, 40]]);
    expect(seg('after')).toEqual([]);
    expect(seg('r')).toEqual([[40, 105]]);
    expect(cp.totalMs).toBeCloseTo(100, 6);
  });

  it('follows a 10,000-deep chain without exhausting the stack', () => {
    const specs: SpanSpec[] = Array.from({ length: 10_000 }, (_, i) => ({ id: `s${i}`, parent: i ? `s${i - 1}` : undefined, start: i * 0.01, end: 200 - i * 0.01 }));
    const { cp } = path(specs);
    expect(cp.segments.size).toBe(10_000);
    expect(cp.totalMs).toBeCloseTo(200, 3);
  });

  it('is empty for an empty trace', () => {
    expect(criticalPath(buildTraceModel(traceOf([]))).segments.size).toBe(0);
  });
});
