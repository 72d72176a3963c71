// The edge drawer's releases part: how the callee's versions share this edge's calls (with RED
// per version, as the caller saw it) and the caller's retries, timeouts and calls refused by a
// circuit breaker — a retry storm called out.
import type { RangeSpec } from '../../app/time-range';
import { useApi } from '../../api/query';
import { formatDuration, formatPercent } from '../../ui/format';
import { ErrorBanner, SkeletonBlock } from '../../ui/states';
import './releases.css';

export function EdgeReleasesSection({ range, source, target }: { range: RangeSpec; source: string; target: string }) {
  const q = useApi('edgeReleases', { source, target }, { range, tables: ['spans'] });
  if (q.isError) return <ErrorBanner error={q.error} onRetry={() => void q.refetch()} what="Could not load this edge's versions and retries" />;
  if (q.isPending) return <SkeletonBlock height={80} />;
  const e = q.data;
  return (
    <section className="drawer-section" data-testid="edge-releases">
      <h3>Versions and resilience{e.sampled ? <span className="muted small"> · newest calls only</span> : null}</h3>
      {e.storm ? (
        <div className="badge badge-error" data-testid="retry-storm" title="At least 10 retries, making up at least 10% of the calls">
          Retry storm: {e.retries} retries ({formatPercent(e.retryRate)} of calls)
        </div>
      ) : null}
      <div className="edge-resilience">
        <span>
          <b>{e.retries}</b> retries <span className="muted">{e.calls ? formatPercent(e.retryRate) : ''}</span>
        </span>
        <span>
          <b>{e.timeouts}</b> timeouts <span className="muted">{e.calls ? formatPercent(e.timeoutRate) : ''}</span>
        </span>
        <span title="Refused by a circuit breaker, bulkhead or rate limiter">
          <b>{e.rejected}</b> rejected <span className="muted">{e.calls ? formatPercent(e.rejectedRate) : ''}</span>
        </span>
        <span className="muted">of {e.calls} client calls</span>
      </div>
      {e.versions.length > 0 ? (
        <table className="table red-table" data-testid="edge-versions">
          <thead>
            <tr>
              <th>Version of {target}</th>
              <th className="num">Share</th>
              <th className="num">Errors</th>
              <th className="num">p50</th>
              <th className="num">p95</th>
            </tr>
          </thead>
          <tbody>
            {e.versions.map((v) => (
              <tr key={v.version}>
                <td className="mono">{v.version || '(none)'}</td>
                <td className="num">
                  <span className="edge-share-bar" style={{ width: `${Math.round(v.share * 40)}px` }} /> {formatPercent(v.share)}
                </td>
                <td className={`num${v.errorRate > 0.1 ? ' text-error' : ''}`}>{formatPercent(v.errorRate)}</td>
                <td className="num">{formatDuration(v.p50Ms)}</td>
                <td className="num">{formatDuration(v.p95Ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <div className="muted small">No answered calls to split by version.</div>
      )}
    </section>
  );
}
