// The service page's Exceptions section: the service's groups in the window, most frequent
// first, with a link to the Exceptions page scoped to it.
import { Link } from 'react-router-dom';
import type { RangeSpec } from '../../app/time-range';
import { SkeletonBlock } from '../../ui/states';
import { ExceptionGroups } from './ExceptionGroups';
import { useExceptions } from './use-exceptions';

export function ServiceExceptions({ service, range, carry }: { service: string; range: RangeSpec; carry: URLSearchParams }) {
  const list = useExceptions(range, service);
  const groups = list.data?.groups ?? [];
  const fresh = groups.filter((g) => g.new).length;
  return (
    <section className="svc-section" data-testid="service-exceptions">
      <h2>
        Exceptions <span className="count">{groups.length}</span>
        {fresh ? <span className="badge badge-new svc-section-note">{fresh} new</span> : null}
        <Link to={`/exceptions?${new URLSearchParams([...carry, ['service', service]])}`} className="small svc-section-note">
          all
        </Link>
      </h2>
      {list.isPending ? <SkeletonBlock height={80} /> : null}
      {list.data && groups.length === 0 ? <div className="muted small">No exceptions recorded in this window.</div> : null}
      {list.data && groups.length > 0 ? <ExceptionGroups groups={groups} carry={carry} lookbackMs={list.data.lookbackMs} showService={false} limit={6} testId="service-exception-groups" /> : null}
    </section>
  );
}
