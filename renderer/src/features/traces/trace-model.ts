// A trace as a tree, computed once per fetched trace (span map, roots, orphans, services, clock
// skew, self time, depth-first order), and flattened into rows for the virtualized waterfall.
// Views read this model and never rescan. Building it is linear in the number of spans apart
// from sorting each span's children by start time. It reads the compact trace as served (each
// resource and scope once): spans are not expanded, nodes point at their shared resource and scope.
import type { CompactTrace } from '../../../../common/api/trace-schemas';

export type TraceSpan = CompactTrace['spans'][number];
export type TraceResource = CompactTrace['resources'][number];
export type TraceScope = CompactTrace['scopes'][number];

export interface SpanSkew {
  /**
   * `clock`: impossible in real time, so the two hosts' clocks disagree — the span starts before
   * its parent, or a SERVER span ends after the CLIENT span that waited for it.
   * `outlives`: any other child ending after its parent; asynchronous work (a consumer, a
   * background task) does that legitimately, though it may be skew too.
   */
  kind: 'clock' | 'outlives';
  /** How long before its parent the span starts (ms, 0 when it does not). */
  startsBeforeParentMs: number;
  /** How long after its parent the span ends (ms, 0 when it does not). */
  endsAfterParentMs: number;
}

export interface SpanNode {
  span: TraceSpan;
  /** The span's resource and instrumentation scope (shared by the spans that name them). */
  resource: TraceResource;
  scope: TraceScope;
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
  /** Spans with clock skew against their parent, and children that outlive their parent. */
  skewed: number;
  outliving: number;
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

const NO_RESOURCE: TraceResource = { attributes: {}, schemaUrl: '' };
const NO_SCOPE: TraceScope = { name: '', version: '', attributes: {} };

export function buildTraceModel(trace: CompactTrace): TraceModel {
  const spans = trace.spans;
  // Nanosecond timestamps split into whole milliseconds and the nanoseconds within: both parts
  // are exact doubles, so offsets keep nanosecond precision without a BigInt per span (BigInt
  // parsing and arithmetic made up most of the build time of a 10,000-span trace).
  const n = spans.length;
  const startMsPart = new Float64Array(n);
  const startNsPart = new Float64Array(n);
  const endMsPart = new Float64Array(n);
  const endNsPart = new Float64Array(n);
  let first = -1;
  let last = -1;
  for (let i = 0; i < n; i++) {
    splitNs(spans[i].startTimeUnixNano, startMsPart, startNsPart, i);
    splitNs(spans[i].endTimeUnixNano, endMsPart, endNsPart, i);
    if (endMsPart[i] < startMsPart[i] || (endMsPart[i] === startMsPart[i] && endNsPart[i] < startNsPart[i])) {
      endMsPart[i] = startMsPart[i];
      endNsPart[i] = startNsPart[i];
    }
    if (first < 0 || startMsPart[i] < startMsPart[first] || (startMsPart[i] === startMsPart[first] && startNsPart[i] < startNsPart[first])) first = i;
    if (last < 0 || endMsPart[i] > endMsPart[last] || (endMsPart[i] === endMsPart[last] && endNsPart[i] > endNsPart[last])) last = i;
  }
  const baseMs = first >= 0 ? startMsPart[first] : 0;
  const baseNs = first >= 0 ? startNsPart[first] : 0;
  const offsetOf = (ms: number, ns: number) => ms - baseMs + (ns - baseNs) / 1e6;
  const startNs = first >= 0 ? BigInt(spans[first].startTimeUnixNano) : 0n;
  const byId = new Map<string, SpanNode>();
  const nodes: SpanNode[] = new Array<SpanNode>(n);
  for (let i = 0; i < n; i++) {
    const span = spans[i];
    const offsetMs = offsetOf(startMsPart[i], startNsPart[i]);
    const endMs = offsetOf(endMsPart[i], endNsPart[i]);
    const node: SpanNode = {
      span,
      resource: trace.resources[span.resourceIndex] ?? NO_RESOURCE,
      scope: trace.scopes[span.scopeIndex] ?? NO_SCOPE,
      offsetMs,
      durationMs: endMs - offsetMs,
      endMs,
      children: [],
      parent: null,
      orphan: false,
      cyclic: false,
      descendants: 0,
      depth: 0,
      index: -1,
      selfMs: endMs - offsetMs,
      skew: null,
    };
    nodes[i] = node;
    // A repeated span id keeps its first occurrence as the tree node.
    if (!byId.has(span.spanId)) byId.set(span.spanId, node);
  }

  const roots: SpanNode[] = [];
  for (const node of nodes) {
    const pid = node.span.parentSpanId;
    const parent = pid ? byId.get(pid) : undefined;
    if (parent && parent !== node) {
      node.parent = parent;
      parent.children.push(node);
    } else {
      if (pid) node.orphan = true;
      roots.push(node);
    }
  }
  let orphans = 0;
  for (const r of roots) if (r.orphan) orphans++;

  // Plain comparisons: localeCompare costs a collator call each time, which dominated the build.
  const byStart = (a: SpanNode, b: SpanNode) => a.offsetMs - b.offsetMs || (a.span.name < b.span.name ? -1 : a.span.name > b.span.name ? 1 : 0);
  roots.sort((a, b) => Number(a.orphan) - Number(b.orphan) || byStart(a, b));
  for (const node of nodes) if (node.children.length > 1) node.children.sort(byStart);

  // Depth-first order from the roots, with depths and each child's skew against its parent.
  const order: SpanNode[] = [];
  let maxDepth = 0;
  let skewed = 0;
  let outliving = 0;
  const walk = (from: SpanNode) => {
    const stack: SpanNode[] = [from];
    while (stack.length) {
      const node = stack.pop()!;
      node.index = order.length;
      order.push(node);
      const p = node.parent;
      if (p) {
        node.depth = p.depth + 1;
        if (node.depth > maxDepth) maxDepth = node.depth;
        const before = p.offsetMs - node.offsetMs;
        const after = node.endMs - p.endMs;
        // Below a microsecond is rounding in exporters, not skew.
        if (before > 0.001 || after > 0.001) {
          const sync = node.span.kind === 'SERVER' && p.span.kind === 'CLIENT';
          const kind = before > 0.001 || sync ? 'clock' : 'outlives';
          node.skew = { kind, startsBeforeParentMs: Math.max(0, before), endsAfterParentMs: Math.max(0, after) };
          if (kind === 'clock') skewed++;
          else outliving++;
        }
      }
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
    }
  };
  for (const r of roots) walk(r);
  // Spans the walk never reached sit on a parent cycle (malformed input). Every unreached span
  // has an unreached parent, so climbing from one ends on the cycle, which is cut there; that
  // span becomes a root. Linear, however deep the tree.
  if (order.length < n) {
    for (const node of nodes) {
      if (node.index >= 0) continue;
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
      walk(onCycle);
    }
  }

  // Children before parents: descendant counts and self time.
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i];
    let d = 0;
    for (const c of node.children) d += 1 + c.descendants;
    node.descendants = d;
    node.selfMs = selfTime(node);
  }

  const services = new Map<string, ServiceStat>();
  const errors: SpanNode[] = [];
  for (const node of order) {
    const st = services.get(node.span.service) ?? { name: node.span.service, spans: 0, errors: 0 };
    st.spans++;
    if (node.span.isError) {
      st.errors++;
      errors.push(node);
    }
    services.set(node.span.service, st);
  }
  const root = roots.find((r) => !r.orphan && !r.cyclic) ?? roots[0] ?? null;
  return {
    traceId: trace.traceId,
    nodes,
    order,
    byId,
    roots,
    orphans,
    skewed,
    outliving,
    startNs,
    startMs: baseMs + baseNs / 1e6,
    durationMs: last >= 0 ? offsetOf(endMsPart[last], endNsPart[last]) : 0,
    services: [...services.values()].sort((a, b) => b.spans - a.spans || a.name.localeCompare(b.name)),
    errorCount: errors.length,
    errors,
    root,
    maxDepth,
  };
}

/** Splits a decimal nanosecond timestamp into whole milliseconds and the nanoseconds after them. */
function splitNs(text: string, msOut: Float64Array, nsOut: Float64Array, i: number): void {
  const len = text.length;
  if (len > 6) {
    msOut[i] = Number(text.slice(0, len - 6));
    nsOut[i] = Number(text.slice(len - 6));
  } else {
    msOut[i] = 0;
    nsOut[i] = Number(text) || 0;
  }
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
