// The critical path of a trace: the chain of work that decided how long the root span took.
// Shortening anything off this path does not make the request faster.
import type { SpanNode, TraceModel } from './trace-model';

export interface CriticalPath {
  /** Per span id, the parts of the span's own time on the path: [start, end] offsets in ms. */
  segments: Map<string, Array<[number, number]>>;
  /** Total length of all segments (equals the root's duration). */
  totalMs: number;
}

interface Clipped {
  node: SpanNode;
  start: number;
  end: number;
}

/**
 * The rule (as in Jaeger UI): start at the root with a cursor at its end. Among the span's
 * children, take the last-finishing one that ends at or before the cursor; the time between that
 * child's end and the cursor is the span's own work and is on the path. Walk into that child the
 * same way, then move the cursor to the child's start and repeat with the children that end
 * before it (a child overlapping the one just taken ran in parallel and did not hold anything
 * up). When no child is left, the time from the span's start to the cursor is the span's own.
 *
 * Clock skew: a child that starts before its parent or ends after it (the two hosts' clocks
 * disagree) is clipped to its parent's interval, and one lying entirely outside it is left out:
 * the parent cannot have waited for time outside itself. The clipped interval then bounds that
 * child's own children in turn.
 *
 * Iterative (an explicit stack), so very deep traces do not exhaust the call stack. Each span's
 * children are sorted once by end time; the walk over them is a single pass.
 */
export function criticalPath(model: TraceModel): CriticalPath {
  const segments = new Map<string, Array<[number, number]>>();
  const root = model.root;
  if (!root) return { segments, totalMs: 0 };
  let totalMs = 0;
  const add = (node: SpanNode, a: number, b: number) => {
    if (b <= a) return;
    const id = node.span.spanId;
    const list = segments.get(id);
    if (list) list.push([a, b]);
    else segments.set(id, [[a, b]]);
    totalMs += b - a;
  };
  const childrenWithin = (node: SpanNode, lo: number, hi: number): Clipped[] => {
    const out: Clipped[] = [];
    for (const c of node.children) {
      const start = Math.max(lo, c.offsetMs);
      const end = Math.min(hi, c.endMs);
      if (end > start) out.push({ node: c, start, end });
    }
    // Last-finishing first; of two ending together, the one that started later.
    return out.sort((x, y) => y.end - x.end || y.start - x.start);
  };

  interface Frame {
    node: SpanNode;
    floor: number;
    cursor: number;
    kids: Clipped[];
    next: number;
  }
  const frame = (node: SpanNode, floor: number, cursor: number): Frame => ({ node, floor, cursor, kids: childrenWithin(node, floor, cursor), next: 0 });
  const stack: Frame[] = [frame(root, root.offsetMs, root.endMs)];
  while (stack.length) {
    const f = stack[stack.length - 1];
    let descended = false;
    while (f.next < f.kids.length) {
      const k = f.kids[f.next++];
      if (k.end > f.cursor) continue; // overlaps the child already on the path
      add(f.node, k.end, f.cursor);
      f.cursor = Math.max(f.floor, k.start);
      stack.push(frame(k.node, k.start, k.end));
      descended = true;
      break;
    }
    if (descended) continue;
    add(f.node, f.floor, f.cursor);
    stack.pop();
  }
  for (const list of segments.values()) if (list.length > 1) list.sort((x, y) => x[0] - y[0]);
  return { segments, totalMs };
}
