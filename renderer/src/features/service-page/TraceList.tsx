// A compact list of traces (root operation, duration against the slowest shown, age), each a
// link to its waterfall.
import { Link, useSearchParams } from 'react-router-dom';
import type { TraceSummary } from '../../../../common/api/trace-schemas';
import { rangeParams } from '../../app/time-range';
import { serviceColor } from '../../ui/colors';
import { formatDuration } from '../../ui/format';
import { SkeletonBlock } from '../../ui/states';
import { RelativeTime } from '../../ui/time';
import './service.css';

export function TraceList({
  traces,
  loading,
  empty,
  order = 'newest',
  limit = 6,
  testId,
}: {
  traces: TraceSummary[] | undefined;
  loading: boolean;
  empty: string;
  order?: 'newest' | 'slowest';
  limit?: number;
  testId?: string;
}) {
  const [params] = useSearchParams();
  if (loading && !traces) return <SkeletonBlock height={120} />;
  const list = [...(traces ?? [])].sort((a, b) => (order === 'slowest' ? b.durationMs - a.durationMs : b.start - a.start)).slice(0, limit);
  if (list.length === 0) return <div className="muted small trace-list-empty">{empty}</div>;
  const max = Math.max(...list.map((t) => t.durationMs));
  const carry = rangeParams(params).toString();
  return (
    <ul className="trace-list" data-testid={testId}>
      {list.map((t) => (
        <li key={t.traceId}>
          <Link to={`/traces/${t.traceId}${carry ? `?${carry}` : ''}`} className="trace-list-row" title={`${t.rootService}: ${t.rootName} — ${t.spanCount} spans, ${t.errorCount} errors`}>
            <span className={`health-mark ${t.errorCount > 0 ? 'health-failing' : 'health-healthy'}`} aria-label={t.errorCount > 0 ? 'failed' : 'succeeded'} />
            <span className="trace-list-name">
              <span className="trace-list-svc" style={{ borderColor: serviceColor(t.rootService) }}>
                {t.rootService}
              </span>
              {t.rootName}
            </span>
            <span className="trace-list-bar" aria-hidden>
              <span style={{ width: `${Math.max(2, (t.durationMs / max) * 100)}%` }} className={t.errorCount > 0 ? 'bar-err' : ''} />
            </span>
            <span className="trace-list-dur mono">{formatDuration(t.durationMs)}</span>
            <RelativeTime ms={t.start} className="trace-list-age muted" />
          </Link>
        </li>
      ))}
    </ul>
  );
}
