// A trace as a tree, computed once per fetched trace (span map, roots, orphans, services, clock
// skew, self time, depth-first order), and flattened into rows for the virtualized waterfall.
// Views read this model and never rescan. Building it is linear in the number of spans apart
// from sorting each span's children by start time.
import type { SpanDetail, TraceDetail } from '../../../../common/api/schemas';

export interface SpanSkew {
  /** How long before its parent the span starts (ms, 0 when it does not). */
  startsBeforeParentMs: number;
  /** How long after its parent the span ends (ms, 0 when it does not). */
  endsAfterParentMs: number;
}

export interface SpanNode {
  span: SpanDetail;
  /** Offsets from the trace start and duration, in ms (nanosecond precision kept via BigInt). */
  offsetMs: number;
  durationMs: number;
  /** offsetMs + durationMs. */
  endMs: number;
  children: SpanNode[];
  parent: SpanNode | null;
  /** Has a parent id that is not in the trace (a lost or not-yet-received span). */
  orphan: boolean;
  /** Its parent chain led back to itself (malformed input); shown at the root level. */
  cyclic: boolean;
  /** Number of spans below this one. */
  descendants: number;
  depth: number;
  /** Position in depth-first order (`TraceModel.order`). */
  index: number;
  /** Time not covered by any child (children clipped to this span), in ms. */
  selfMs: number;
  /** Set when the span starts before or ends after its parent (clocks of two hosts disagree). */
  skew: SpanSkew | null;
}

export interface ServiceStat {
  name: string;
  spans: number;
  errors: number;
}

export interface TraceModel {
  traceId: string;
  nodes: SpanNode[];
  /** Every span in depth-first order (the order of the fully expanded waterfall). */
  order: SpanNode[];
  byId: Map<string, SpanNode>;
  roots: SpanNode[];
  orphans: number;
  skewed: number;
  /** Trace start as unix ms (float) and its nanosecond value. */
  startMs: number;
  startNs: bigint;
  durationMs: number;
  services: ServiceStat[];
  errorCount: number;
  /** Error spans in depth-first order. */
  errors: SpanNode[];
  root: SpanNode | null;
  maxDepth: number;
}

export function nsToOffsetMs(ns: string, startNs: bigint): number {
  return Number(BigInt(ns) - startNs) / 1e6;
}

export function buildTraceModel(detail: TraceDetail): TraceModel {
  const spans = detail.spans;
  const starts = new Array<bigint>(spans.length);
  const ends = new Array<bigint>(spans.length);
  let startNs = 0n;
  let endNs = 0n;
  for (let i = 0; i < spans.length; i++) {
    const a = BigInt(spans[i].startTimeUnixNano);
    const b = BigInt(spans[i].endTimeUnixNano);
    starts[i] = a;
    ends[i] = b < a ? a : b;
    if (i === 0 || a < startNs) startNs = a;
    if (i === 0 || ends[i] > endNs) endNs = ends[i];
  }
  const byId = new Map<string, SpanNode>();
  const nodes: SpanNode[] = spans.map((span, i) => {
    const offsetMs = Number(starts[i] - startNs) / 1e6;
    const durationMs = Number(ends[i] - starts[i]) / 1e6;
    const node: SpanNode = {
      span,
      offsetMs,
      durationMs,
      endMs: offsetMs + durationMs,
      children: [],
      parent: null,
      orphan: false,
      cyclic: false,
      descendants: 0,
      depth: 0,
      index: 0,
      selfMs: durationMs,
      skew: null,
    };
    // A repeated span id keeps its first occurrence as the tree node.
    if (!byId.has(span.spanId)) byId.set(span.spanId, node);
    return node;
  });

  // Link every span to its parent, then walk down from the spans without one. Spans the walk
  // never reaches sit on a parent cycle (malformed input): each cycle is cut at one span,
  // which becomes a root. Linear, however deep the tree.
  for (const node of nodes) {
    const pid = node.span.parentSpanId;
    const parent = pid ? byId.get(pid) : undefined;
    if (parent && parent !== node) node.parent = parent;
    else if (pid) node.orphan = true;
  }
  const roots: SpanNode[] = [];
  for (const node of nodes) if (!node.parent) roots.push(node);
  for (const node of nodes) if (node.parent) node.parent.children.push(node);
  const reached = new Set<SpanNode>();
  const mark = (from: SpanNode) => {
    const stack = [from];
    while (stack.length) {
      const n = stack.pop()!;
      if (reached.has(n)) continue;
      reached.add(n);
      for (const c of n.children) stack.push(c);
    }
  };
  for (const r of roots) mark(r);
  if (reached.size < nodes.length) {
    for (const node of nodes) {
      if (reached.has(node)) continue;
      // Every unreached span has an unreached parent, so climbing ends on the cycle.
      const seen = new Set<SpanNode>();
      let onCycle = node;
      while (!seen.has(onCycle)) {
        seen.add(onCycle);
        onCycle = onCycle.parent!;
      }
      const parent = onCycle.parent!;
      parent.children.splice(parent.children.indexOf(onCycle), 1);
      onCycle.parent = null;
      onCycle.cyclic = true;
      roots.push(onCycle);
      mark(onCycle);
    }
  }
  let orphans = 0;
  for (const r of roots) if (r.orphan) orphans++;

  const byStart = (a: SpanNode, b: SpanNode) => a.offsetMs - b.offsetMs || a.span.name.localeCompare(b.span.name);
  roots.sort((a, b) => Number(a.orphan || a.cyclic) - Number(b.orphan || b.cyclic) || byStart(a, b));
  for (const n of nodes) if (n.children.length > 1) n.children.sort(byStart);

  // Depth-first order, depths, and the skew of each child against its parent.
  const order: SpanNode[] = [];
  let maxDepth = 0;
  let skewed = 0;
  const stack: SpanNode[] = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push(roots[i]);
  while (stack.length) {
    const n = stack.pop()!;
    n.index = order.length;
    order.push(n);
    const p = n.parent;
    if (p) {
      n.depth = p.depth + 1;
      if (n.depth > maxDepth) maxDepth = n.depth;
      const before = p.offsetMs - n.offsetMs;
      const after = n.endMs - p.endMs;
      // Below a microsecond is rounding in exporters, not skew.
      if (before > 0.001 || after > 0.001) {
        n.skew = { startsBeforeParentMs: Math.max(0, before), endsAfterParentMs: Math.max(0, after) };
        skewed++;
      }
    }
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
  }

  // Children before parents: descendant counts and self time.
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i];
    let d = 0;
    for (const c of n.children) d += 1 + c.descendants;
    n.descendants = d;
    n.selfMs = selfTime(n);
  }

  const services = new Map<string, ServiceStat>();
  const errors: SpanNode[] = [];
  for (const n of order) {
    const st = services.get(n.span.service) ?? { name: n.span.service, spans: 0, errors: 0 };
    st.spans++;
    if (n.span.isError) {
      st.errors++;
      errors.push(n);
    }
    services.set(n.span.service, st);
  }
  const root = roots.find((r) => !r.orphan && !r.cyclic) ?? roots[0] ?? null;
  return {
    traceId: detail.traceId,
    nodes,
    order,
    byId,
    roots,
    orphans,
    skewed,
    startNs,
    startMs: Number(startNs / 1000n) / 1000,
    durationMs: Number(endNs - startNs) / 1e6,
    services: [...services.values()].sort((a, b) => b.spans - a.spans || a.name.localeCompare(b.name)),
    errorCount: errors.length,
    errors,
    root,
    maxDepth,
  };
}

/**
 * A span's self time: its duration minus the union of its children's intervals, each clipped to
 * the span (a skewed child only covers the part that overlaps its parent). Children are sorted
 * by start, so one sweep merges the intervals.
 */
export function selfTime(n: SpanNode): number {
  const s = n.offsetMs;
  const e = n.endMs;
  let covered = 0;
  let curStart = -Infinity;
  let curEnd = -Infinity;
  for (const c of n.children) {
    const a = Math.max(s, c.offsetMs);
    const b = Math.min(e, c.endMs);
    if (b <= a) continue;
    if (a > curEnd) {
      if (curEnd > curStart) covered += curEnd - curStart;
      curStart = a;
      curEnd = b;
    } else if (b > curEnd) curEnd = b;
  }
  if (curEnd > curStart) covered += curEnd - curStart;
  return Math.max(0, n.durationMs - covered);
}

export interface WaterfallRow {
  node: SpanNode;
  depth: number;
  collapsed: boolean;
}

/** Depth-first rows, skipping the children of collapsed spans. */
export function flattenRows(model: TraceModel, collapsed: ReadonlySet<string>): WaterfallRow[] {
  if (collapsed.size === 0) return model.order.map((node) => ({ node, depth: node.depth, collapsed: false }));
  const rows: WaterfallRow[] = [];
  const order = model.order;
  for (let i = 0; i < order.length; ) {
    const node = order[i];
    const isCollapsed = node.children.length > 0 && collapsed.has(node.span.spanId);
    rows.push({ node, depth: node.depth, collapsed: isCollapsed });
    // In depth-first order a span's descendants follow it directly: skip them in one step.
    i += isCollapsed ? 1 + node.descendants : 1;
  }
  return rows;
}

/** The ids of a span's ancestors (to expand them when a hidden span is revealed). */
export function ancestorIds(node: SpanNode): string[] {
  const out: string[] = [];
  for (let p = node.parent; p; p = p.parent) out.push(p.span.spanId);
  return out;
}

/** Round tick positions for a duration axis: 0, step, 2·step, … (step 1/2/5 × 10^k). */
export function timeTicks(durationMs: number, target = 6): number[] {
  return rangeTicks(0, durationMs, target);
}

/** Round tick positions inside [from, to] (a zoomed part of the trace). */
export function rangeTicks(from: number, to: number, target = 6): number[] {
  const span = to - from;
  if (!(span > 0)) return [from];
  const raw = span / target;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const ticks: number[] = [];
  const first = Math.ceil(from / step - 1e-9) * step;
  for (let t = first; t <= to + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}
