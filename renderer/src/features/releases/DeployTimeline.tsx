// Deploys as a timeline, newest first: a version arriving on a service, an instance starting or
// switching version, and deploys a pipeline announced.
import { Link, useSearchParams } from 'react-router-dom';
import type { DeployEvent } from '../../../../common/api/releases-schemas';
import { rangeParams } from '../../app/time-range';
import { formatAbsolute } from '../../ui/format';
import { RelativeTime } from '../../ui/time';

export function DeployTimeline({ deploys, showService = true, limit = 50 }: { deploys: DeployEvent[]; showService?: boolean; limit?: number }) {
  const [params] = useSearchParams();
  if (deploys.length === 0) return <div className="muted small">No deploys in this window.</div>;
  const newest = [...deploys].reverse().slice(0, limit);
  return (
    <ol className="deploy-timeline" data-testid="deploy-timeline">
      {newest.map((d, i) => (
        <li key={`${d.time}-${d.service}-${d.instance}-${i}`} className={`deploy-item deploy-${d.instance ? 'instance' : d.source}`}>
          <span className="deploy-dot" aria-hidden />
          <span className="deploy-time muted" title={formatAbsolute(d.time)}>
            <RelativeTime ms={d.time} />
          </span>
          {showService ? (
            <Link className="deploy-service" to={`/services/${encodeURIComponent(d.service)}?${rangeParams(params)}`}>
              {d.service}
            </Link>
          ) : null}
          <b className="mono">{d.version || '(no version)'}</b>
          <span className="muted small">
            {d.initial ? 'first seen' : d.description}
            {d.source === 'api' ? ' · announced' : ''}
          </span>
        </li>
      ))}
    </ol>
  );
}
