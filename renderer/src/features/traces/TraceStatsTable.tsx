// The Statistics tab: per service or per operation, how many spans, total and self time, and
// the average, fastest and slowest span. A row finds its spans in the timeline.
import { useMemo } from 'react';
import { ServiceChip } from '../../ui/Chip';
import { formatDuration, formatPercent } from '../../ui/format';
import { SortHeader } from '../../ui/SortHeader';
import { useSorted } from '../../ui/sort';
import type { TraceModel } from './trace-model';
import { traceStats, type SpanGroupStat, type StatsGrouping } from './trace-stats';

type Key = 'name' | 'count' | 'errors' | 'total' | 'self' | 'avg' | 'min' | 'max';
const ACCESSORS: Record<Key, (s: SpanGroupStat) => number | string> = {
  name: (s) => `${s.service} ${s.name}`,
  count: (s) => s.count,
  errors: (s) => s.errors,
  total: (s) => s.totalMs,
  self: (s) => s.selfMs,
  avg: (s) => s.avgMs,
  min: (s) => s.minMs,
  max: (s) => s.maxMs,
};

export function TraceStatsTable({
  model,
  grouping,
  onGrouping,
  onFind,
}: {
  model: TraceModel;
  grouping: StatsGrouping;
  onGrouping: (g: StatsGrouping) => void;
  onFind: (query: string) => void;
}) {
  const stats = useMemo(() => traceStats(model, grouping), [model, grouping]);
  const { sorted, sort, toggle } = useSorted<SpanGroupStat, Key>(stats, ACCESSORS, { key: 'self', dir: 'desc' });
  const maxSelf = Math.max(1e-9, ...stats.map((s) => s.selfMs));
  return (
    <div className="trace-stats">
      <div className="trace-stats-bar">
        <div className="segmented seg-text" role="radiogroup" aria-label="Group by">
          {(['service', 'operation'] as const).map((g) => (
            <button key={g} type="button" role="radio" aria-checked={grouping === g} className={`seg${grouping === g ? ' seg-active' : ''}`} onClick={() => onGrouping(g)}>
              By {g}
            </button>
          ))}
        </div>
        <span className="muted small">
          Self time is the part of a span no child covers. Click a row to find its spans in the timeline.
        </span>
      </div>
      <div className="table-wrap">
        <table className="table stats-table" data-testid="trace-stats">
          <thead>
            <tr>
              <SortHeader id="name" sort={sort} onSort={toggle} firstDir="asc">
                {grouping === 'service' ? 'Service' : 'Service · operation'}
              </SortHeader>
              <SortHeader id="count" sort={sort} onSort={toggle} align="right">
                Spans
              </SortHeader>
              <SortHeader id="errors" sort={sort} onSort={toggle} align="right">
                Errors
              </SortHeader>
              <SortHeader id="total" sort={sort} onSort={toggle} align="right">
                Total
              </SortHeader>
              <SortHeader id="self" sort={sort} onSort={toggle} className="col-self">
                Self time
              </SortHeader>
              <SortHeader id="avg" sort={sort} onSort={toggle} align="right">
                Avg
              </SortHeader>
              <SortHeader id="min" sort={sort} onSort={toggle} align="right">
                Min
              </SortHeader>
              <SortHeader id="max" sort={sort} onSort={toggle} align="right">
                Max
              </SortHeader>
            </tr>
          </thead>
          <tbody>
            {sorted.map((s) => (
              <tr
                key={s.key}
                className="row-click"
                onClick={() => onFind(grouping === 'service' ? `service=${s.service}` : s.name)}
                title="Find these spans in the timeline"
              >
                <td className="stats-name">
                  <ServiceChip name={s.service} />
                  {s.name ? <span className="stats-op">{s.name}</span> : null}
                </td>
                <td className="num">{s.count.toLocaleString()}</td>
                <td className={`num${s.errors ? ' text-error' : ' muted'}`}>{s.errors || '—'}</td>
                <td className="num mono">{formatDuration(s.totalMs)}</td>
                <td className="col-self">
                  <div className="dur-cell">
                    <div className="dur-track">
                      <div className="dur-bar" style={{ width: `${Math.max(0.5, (s.selfMs / maxSelf) * 100)}%` }} />
                    </div>
                    <span className="mono dur-text">{formatDuration(s.selfMs)}</span>
                    <span className="muted small stats-share">{formatPercent(s.selfShare)}</span>
                  </div>
                </td>
                <td className="num mono">{formatDuration(s.avgMs)}</td>
                <td className="num mono">{formatDuration(s.minMs)}</td>
                <td className="num mono">{formatDuration(s.maxMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
