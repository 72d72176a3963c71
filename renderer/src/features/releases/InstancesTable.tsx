// A service's instances (Eureka-like): version, host, RED, runtime saturation, when each was
// first and last heard from, and a stale flag when one has gone quiet for longer than usual.
import type { Instance } from '../../../../common/api/releases-schemas';
import { healthOf } from '../../ui/colors';
import { formatBytes, formatDuration, formatPercent, formatRate } from '../../ui/format';
import { SortHeader } from '../../ui/SortHeader';
import { useSorted } from '../../ui/sort';
import { RelativeTime } from '../../ui/time';

type Key = 'instance' | 'version' | 'host' | 'rps' | 'errorRate' | 'p95' | 'cpu' | 'memory' | 'firstSeen' | 'lastSeen';
const ACCESSORS: Record<Key, (i: Instance) => number | string> = {
  instance: (i) => i.instance,
  version: (i) => i.version,
  host: (i) => i.host,
  rps: (i) => i.rps,
  errorRate: (i) => i.errorRate,
  p95: (i) => i.p95Ms ?? -1,
  cpu: (i) => i.saturation.cpu ?? -1,
  memory: (i) => i.saturation.memoryBytes ?? i.saturation.heapBytes ?? -1,
  firstSeen: (i) => i.firstSeen,
  lastSeen: (i) => i.lastSeen,
};

export function InstancesTable({ instances, testId = 'instances-table' }: { instances: Instance[]; testId?: string }) {
  const { sorted, sort, toggle } = useSorted<Instance, Key>(instances, ACCESSORS, { key: 'firstSeen', dir: 'asc' });
  if (instances.length === 0) return <div className="muted small">No instance sent telemetry in this window.</div>;
  return (
    <div className="table-wrap">
      <table className="table red-table" data-testid={testId}>
        <thead>
          <tr>
            <SortHeader id="instance" sort={sort} onSort={toggle} firstDir="asc">Instance</SortHeader>
            <SortHeader id="version" sort={sort} onSort={toggle} firstDir="asc">Version</SortHeader>
            <SortHeader id="host" sort={sort} onSort={toggle} firstDir="asc">Host</SortHeader>
            <SortHeader id="rps" sort={sort} onSort={toggle} align="right">Rate</SortHeader>
            <SortHeader id="errorRate" sort={sort} onSort={toggle} align="right">Errors</SortHeader>
            <SortHeader id="p95" sort={sort} onSort={toggle} align="right">p95</SortHeader>
            <SortHeader id="cpu" sort={sort} onSort={toggle} align="right">CPU</SortHeader>
            <SortHeader id="memory" sort={sort} onSort={toggle} align="right">Memory</SortHeader>
            <SortHeader id="firstSeen" sort={sort} onSort={toggle}>Up since</SortHeader>
            <SortHeader id="lastSeen" sort={sort} onSort={toggle}>Last heard</SortHeader>
          </tr>
        </thead>
        <tbody>
          {sorted.map((i) => {
            const memory = i.saturation.memoryBytes ?? i.saturation.heapBytes;
            return (
              <tr key={`${i.instance}\u0000${i.version}`} className={i.stale ? 'instance-stale' : undefined} data-testid="instance-row">
                <td className="red-name mono" title={i.instance}>
                  {i.instance}
                  {i.stale ? (
                    <span className="badge badge-error instance-flag" title={`Silent for ${formatDuration(i.silentMs)}; it usually sends something every ${formatDuration(i.usualIntervalMs)}`}>
                      stale
                    </span>
                  ) : null}
                  {i.replacedBy ? <span className="badge badge-muted instance-flag" title="The same instance now runs another version">now {i.replacedBy}</span> : null}
                </td>
                <td className="mono">{i.version || <span className="faint">none</span>}</td>
                <td className="mono muted">{i.host || '—'}</td>
                <td className="num">{formatRate(i.rps)}</td>
                <td className={`num err-${healthOf(i.errorRate, i.calls)}`}>{i.calls ? formatPercent(i.errorRate) : '—'}</td>
                <td className="num">{formatDuration(i.p95Ms)}</td>
                <td className="num">{i.saturation.cpu === null ? '—' : formatPercent(i.saturation.cpu)}</td>
                <td className="num">{memory === null ? '—' : formatBytes(memory)}</td>
                <td className="muted"><RelativeTime ms={i.firstSeen} /></td>
                <td className={i.stale ? 'text-error' : 'muted'}><RelativeTime ms={i.lastSeen} /></td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
