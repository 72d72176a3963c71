// Structural diff of two traces. Spans are matched by their operation path — the service and
// span name of every span from the root down to them — so the same request through the same
// code lines up even though every id differs. Per path: how many spans, their summed duration
// and errors on each side; what exists on one side only; and which differences are regressions.
import type { SpanNode, TraceModel } from '../traces/trace-model';

export interface PathStat {
  count: number;
  errors: number;
  totalMs: number;
  selfMs: number;
  maxMs: number;
}

export interface DiffRow {
  /** Stable key of the path. */
  key: string;
  /** One label per level: "service · span name". */
  labels: string[];
  service: string;
  name: string;
  depth: number;
  a: PathStat | null;
  b: PathStat | null;
  kind: 'both' | 'only-a' | 'only-b';
  /** Summed duration B − A (ms); a side without the path counts as 0. */
  deltaMs: number;
  /** deltaMs relative to A (null when A has no time there). */
  deltaPct: number | null;
  countChanged: boolean;
  regression: boolean;
  improvement: boolean;
}

export interface TraceDiff {
  rows: DiffRow[];
  onlyA: number;
  onlyB: number;
  countChanges: number;
  regressions: number;
  improvements: number;
  durationA: number;
  durationB: number;
}

export interface DiffThresholds {
  /** A path is slower (or faster) when its time changes by at least this share of A… */
  relative: number;
  /** …and by at least this many ms (tiny spans jitter by large percentages). */
  absoluteMs: number;
}

export const DEFAULT_THRESHOLDS: DiffThresholds = { relative: 0.2, absoluteMs: 1 };

interface TrieNode {
  key: string;
  labels: string[];
  service: string;
  name: string;
  depth: number;
  a: PathStat | null;
  b: PathStat | null;
  children: Map<string, TrieNode>;
}

const SEP = '\u0001';

function addTo(stat: PathStat | null, n: SpanNode): PathStat {
  const s = stat ?? { count: 0, errors: 0, totalMs: 0, selfMs: 0, maxMs: 0 };
  s.count++;
  if (n.span.isError) s.errors++;
  s.totalMs += n.durationMs;
  s.selfMs += n.selfMs;
  if (n.durationMs > s.maxMs) s.maxMs = n.durationMs;
  return s;
}

/** Adds every span of a trace to the merged path tree (depth-first, so parents come first). */
function fill(root: TrieNode, model: TraceModel, side: 'a' | 'b'): void {
  const at = new Map<SpanNode, TrieNode>();
  for (const n of model.order) {
    const parent = n.parent ? at.get(n.parent)! : root;
    const seg = `${n.span.service}\u0000${n.span.name}`;
    let t = parent.children.get(seg);
    if (!t) {
      const label = `${n.span.service} · ${n.span.name}`;
      t = {
        key: parent.key ? parent.key + SEP + seg : seg,
        labels: [...parent.labels, label],
        service: n.span.service,
        name: n.span.name,
        depth: parent.depth + 1,
        a: null,
        b: null,
        children: new Map(),
      };
      parent.children.set(seg, t);
    }
    t[side] = addTo(t[side], n);
    at.set(n, t);
  }
}

export function diffTraces(a: TraceModel, b: TraceModel, thresholds: DiffThresholds = DEFAULT_THRESHOLDS): TraceDiff {
  const root: TrieNode = { key: '', labels: [], service: '', name: '', depth: -1, a: null, b: null, children: new Map() };
  fill(root, a, 'a');
  fill(root, b, 'b');
  const rows: DiffRow[] = [];
  const summary = { onlyA: 0, onlyB: 0, countChanges: 0, regressions: 0, improvements: 0 };
  const stack: TrieNode[] = [...root.children.values()].reverse();
  while (stack.length) {
    const t = stack.pop()!;
    const ta = t.a?.totalMs ?? 0;
    const tb = t.b?.totalMs ?? 0;
    const deltaMs = tb - ta;
    const kind: DiffRow['kind'] = t.a && t.b ? 'both' : t.a ? 'only-a' : 'only-b';
    const significant = Math.abs(deltaMs) >= thresholds.absoluteMs && (ta === 0 || Math.abs(deltaMs) >= ta * thresholds.relative);
    const moreErrors = (t.b?.errors ?? 0) > (t.a?.errors ?? 0);
    const row: DiffRow = {
      key: t.key,
      labels: t.labels,
      service: t.service,
      name: t.name,
      depth: t.depth,
      a: t.a,
      b: t.b,
      kind,
      deltaMs,
      deltaPct: ta > 0 ? deltaMs / ta : null,
      // One side only is its own kind of difference, not a different count.
      countChanged: kind === 'both' && t.a!.count !== t.b!.count,
      // Slower or failing more where both traces ran the operation; on one side only, the row
      // says so instead (a new operation that fails still counts as a regression).
      regression: (kind === 'both' && significant && deltaMs > 0) || moreErrors,
      improvement: kind === 'both' && significant && deltaMs < 0 && !moreErrors,
    };
    if (kind === 'only-a') summary.onlyA++;
    if (kind === 'only-b') summary.onlyB++;
    if (row.countChanged) summary.countChanges++;
    if (row.regression) summary.regressions++;
    if (row.improvement) summary.improvements++;
    rows.push(row);
    const kids = [...t.children.values()];
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
  return { rows, ...summary, durationA: a.durationMs, durationB: b.durationMs };
}

/** Each span's operation path key (the same keys as DiffRow.key), by span id. */
export function spanPathKeys(model: TraceModel): Map<string, string> {
  const keys = new Map<string, string>();
  const byNode = new Map<SpanNode, string>();
  for (const n of model.order) {
    const seg = `${n.span.service}\u0000${n.span.name}`;
    const parentKey = n.parent ? byNode.get(n.parent) : undefined;
    const key = parentKey ? parentKey + SEP + seg : seg;
    byNode.set(n, key);
    keys.set(n.span.spanId, key);
  }
  return keys;
}
