// Settings › Telemetry sources: every source that sent data, per service — when it last arrived, its usual
// interval, whether it went silent, and data that arrived late.
import { formatDuration, formatRelative } from '../../ui/format';
import { ErrorBanner } from '../../ui/states';
import { useSourceActivity } from '../services/silence';

export function SourceActivitySection() {
  const q = useSourceActivity();
  if (q.isError) return <ErrorBanner error={q.error} what="Cannot read source activity" onRetry={() => void q.refetch()} />;
  if (!q.data) return <div className="muted small">Loading…</div>;
  const rows = q.data.services.flatMap((s) => s.sources.map((src) => ({ service: s.service, ...src })));
  if (rows.length === 0) return <div className="muted small">Nothing has arrived yet.</div>;
  return (
    <>
    <div className="table-wrap">
      <table className="table" data-testid="source-activity">
        <thead>
          <tr>
            <th>Service</th>
            <th>Source</th>
            <th>Last seen</th>
            <th className="num">Usual interval</th>
            <th className="num">Arrivals</th>
            <th>Late data</th>
            <th>State</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.service}/${r.source}`} data-source-row={`${r.service}/${r.source}`}>
              <td>{r.service}</td>
              <td className="mono">{r.source}</td>
              <td title={new Date(r.lastSeen).toLocaleString(undefined, { hour12: false })}>{formatRelative(r.lastSeen, q.data.now)}</td>
              <td className="num">{r.usualIntervalMs === null ? '—' : formatDuration(r.usualIntervalMs)}</td>
              <td className="num">{r.arrivals.toLocaleString()}</td>
              <td>{r.late.items ? `${r.late.items.toLocaleString()} items, up to ${formatDuration(r.late.maxLagMs)} behind` : <span className="muted">none</span>}</td>
              <td>
                {r.silent ? (
                  <span className="reason reason-error">silent</span>
                ) : r.live ? (
                  <span className="muted">sending</span>
                ) : (
                  <span className="muted">{r.source === 'snapshot' ? 'opened once' : 'imported'}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
      <p className="muted small">
        A source is silent after {q.data.silentAfterIntervals} of its usual intervals without data (at least {formatDuration(q.data.silentAfterMinMs)}); data more than{' '}
        {formatDuration(q.data.lateAfterMs)} behind its arrival is late.
      </p>
    </>
  );
}
