// Time spent per service or per operation inside one trace: how many spans, their summed
// duration, their self time (the part no child covers), and the spread of single durations.
import type { TraceModel } from './trace-model';

export type StatsGrouping = 'service' | 'operation';

export interface SpanGroupStat {
  key: string;
  service: string;
  /** Span name; empty when grouped by service. */
  name: string;
  count: number;
  errors: number;
  totalMs: number;
  selfMs: number;
  avgMs: number;
  minMs: number;
  maxMs: number;
  /** Share of the trace's summed self time (what the trace spent in this group itself). */
  selfShare: number;
}

export function traceStats(model: TraceModel, by: StatsGrouping): SpanGroupStat[] {
  const groups = new Map<string, SpanGroupStat>();
  let allSelf = 0;
  for (const n of model.nodes) {
    const s = n.span;
    const key = by === 'service' ? s.service : `${s.service}\u0000${s.name}`;
    let g = groups.get(key);
    if (!g) {
      g = { key, service: s.service, name: by === 'service' ? '' : s.name, count: 0, errors: 0, totalMs: 0, selfMs: 0, avgMs: 0, minMs: Infinity, maxMs: 0, selfShare: 0 };
      groups.set(key, g);
    }
    g.count++;
    if (s.isError) g.errors++;
    g.totalMs += n.durationMs;
    g.selfMs += n.selfMs;
    allSelf += n.selfMs;
    if (n.durationMs < g.minMs) g.minMs = n.durationMs;
    if (n.durationMs > g.maxMs) g.maxMs = n.durationMs;
  }
  const out = [...groups.values()];
  for (const g of out) {
    g.avgMs = g.totalMs / g.count;
    g.selfShare = allSelf > 0 ? g.selfMs / allSelf : 0;
  }
  return out.sort((a, b) => b.selfMs - a.selfMs || a.key.localeCompare(b.key));
}
