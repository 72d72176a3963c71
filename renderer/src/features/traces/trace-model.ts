// A trace as a tree, computed once per fetched trace (span map, roots, orphans, services), and
// flattened into rows for the virtualized waterfall. Views read this model and never rescan.
import type { SpanDetail, TraceDetail } from '../../../../common/api/schemas';

export interface SpanNode {
  span: SpanDetail;
  /** Offsets from the trace start and duration, in ms (nanosecond precision kept via BigInt). */
  offsetMs: number;
  durationMs: number;
  children: SpanNode[];
  parent: SpanNode | null;
  /** Has a parent id that is not in the trace (a lost or not-yet-received span). */
  orphan: boolean;
  /** Number of spans below this one. */
  descendants: number;
}

export interface ServiceStat {
  name: string;
  spans: number;
  errors: number;
}

export interface TraceModel {
  traceId: string;
  nodes: SpanNode[];
  byId: Map<string, SpanNode>;
  roots: SpanNode[];
  orphans: number;
  /** Trace start as unix ms (float) and its nanosecond value. */
  startMs: number;
  startNs: bigint;
  durationMs: number;
  services: ServiceStat[];
  errorCount: number;
  root: SpanNode | null;
}

export function nsToOffsetMs(ns: string, startNs: bigint): number {
  return Number(BigInt(ns) - startNs) / 1e6;
}

export function buildTraceModel(detail: TraceDetail): TraceModel {
  const spans = detail.spans;
  let startNs = spans.length ? BigInt(spans[0].startTimeUnixNano) : 0n;
  let endNs = startNs;
  for (const s of spans) {
    const a = BigInt(s.startTimeUnixNano);
    const b = BigInt(s.endTimeUnixNano);
    if (a < startNs) startNs = a;
    if (b > endNs) endNs = b;
  }
  const byId = new Map<string, SpanNode>();
  const nodes: SpanNode[] = spans.map((span) => {
    const node: SpanNode = {
      span,
      offsetMs: nsToOffsetMs(span.startTimeUnixNano, startNs),
      durationMs: Math.max(0, Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6),
      children: [],
      parent: null,
      orphan: false,
      descendants: 0,
    };
    // A repeated span id keeps its first occurrence as the tree node.
    if (!byId.has(span.spanId)) byId.set(span.spanId, node);
    return node;
  });

  const roots: SpanNode[] = [];
  let orphans = 0;
  for (const node of nodes) {
    const pid = node.span.parentSpanId;
    const parent = pid ? byId.get(pid) : undefined;
    if (parent && parent !== node && !isAncestor(node, parent)) {
      node.parent = parent;
      parent.children.push(node);
    } else {
      if (pid) {
        node.orphan = true;
        orphans++;
      }
      roots.push(node);
    }
  }
  const byStart = (a: SpanNode, b: SpanNode) => a.offsetMs - b.offsetMs || a.span.name.localeCompare(b.span.name);
  roots.sort((a, b) => Number(a.orphan) - Number(b.orphan) || byStart(a, b));
  for (const n of nodes) if (n.children.length > 1) n.children.sort(byStart);
  // Descendant counts, children before parents (iterative: traces can be deep).
  for (const n of postOrder(roots)) n.descendants = n.children.reduce((a, c) => a + 1 + c.descendants, 0);

  const services = new Map<string, ServiceStat>();
  let errorCount = 0;
  for (const n of nodes) {
    const st = services.get(n.span.service) ?? { name: n.span.service, spans: 0, errors: 0 };
    st.spans++;
    if (n.span.isError) {
      st.errors++;
      errorCount++;
    }
    services.set(n.span.service, st);
  }
  const root = roots.find((r) => !r.orphan) ?? roots[0] ?? null;
  return {
    traceId: detail.traceId,
    nodes,
    byId,
    roots,
    orphans,
    startNs,
    startMs: Number(startNs / 1000n) / 1000,
    durationMs: Number(endNs - startNs) / 1e6,
    services: [...services.values()].sort((a, b) => b.spans - a.spans || a.name.localeCompare(b.name)),
    errorCount,
    root,
  };
}

function isAncestor(candidate: SpanNode, of: SpanNode): boolean {
  // Guards against parent cycles in malformed input: is `candidate` above `of` already?
  for (let p: SpanNode | null = of; p; p = p.parent) if (p === candidate) return true;
  return false;
}

function postOrder(roots: SpanNode[]): SpanNode[] {
  const out: SpanNode[] = [];
  const stack: Array<[SpanNode, boolean]> = roots.map((r) => [r, false]);
  while (stack.length) {
    const [n, done] = stack.pop()!;
    if (done) {
      out.push(n);
      continue;
    }
    stack.push([n, true]);
    for (const c of n.children) stack.push([c, false]);
  }
  return out;
}

export interface WaterfallRow {
  node: SpanNode;
  depth: number;
  collapsed: boolean;
  /** For indentation guides: whether each ancestor level still has siblings below. */
  isLast: boolean;
}

/** Depth-first rows, skipping the children of collapsed spans. */
export function flattenRows(model: TraceModel, collapsed: ReadonlySet<string>): WaterfallRow[] {
  const rows: WaterfallRow[] = [];
  const stack: Array<{ node: SpanNode; depth: number; isLast: boolean }> = [];
  for (let i = model.roots.length - 1; i >= 0; i--) stack.push({ node: model.roots[i], depth: 0, isLast: i === model.roots.length - 1 });
  while (stack.length) {
    const { node, depth, isLast } = stack.pop()!;
    const isCollapsed = collapsed.has(node.span.spanId) && node.children.length > 0;
    rows.push({ node, depth, collapsed: isCollapsed, isLast });
    if (isCollapsed) continue;
    for (let i = node.children.length - 1; i >= 0; i--)
      stack.push({ node: node.children[i], depth: depth + 1, isLast: i === node.children.length - 1 });
  }
  return rows;
}

/** Round tick positions for a duration axis: 0, step, 2·step, … (step 1/2/5 × 10^k). */
export function timeTicks(durationMs: number, target = 6): number[] {
  if (!(durationMs > 0)) return [0];
  const raw = durationMs / target;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const ticks: number[] = [];
  for (let t = 0; t <= durationMs + step * 1e-9; t += step) ticks.push(t);
  return ticks;
}
