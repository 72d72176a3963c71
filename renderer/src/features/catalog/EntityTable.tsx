// A dense table of entities with the telemetry of the components among them: what a team owns,
// what a system is made of. Components that sent nothing in the window are marked silent.
import { useNavigate } from 'react-router-dom';
import type { CatalogEntity } from '../../../../common/api/catalog-schemas';
import type { ServiceSummary } from '../../../../common/api/service-schemas';
import { formatDuration, formatPercent, formatRate } from '../../ui/format';
import { componentHealth } from './health';
import { EntityLink, HealthDot, KindIcon, LifecycleChip, useRangeSuffix } from './parts';
import { entityPath, kindLabel } from './refs';

const str = (v: unknown) => (typeof v === 'string' ? v : '');

export function EntityTable({
  entities,
  byComponent,
  showOwner = false,
  showKind = true,
  telemetry = true,
  testId,
}: {
  entities: CatalogEntity[];
  byComponent: Map<string, ServiceSummary>;
  showOwner?: boolean;
  showKind?: boolean;
  /** Health, requests, errors and p95 columns (for lists that hold components). */
  telemetry?: boolean;
  testId?: string;
}) {
  const navigate = useNavigate();
  const suffix = useRangeSuffix();
  return (
    <div className="table-wrap">
      <table className="table cat-table cat-owned" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">Name</th>
            {showKind ? <th scope="col">Kind</th> : null}
            <th scope="col">Type</th>
            <th scope="col">Lifecycle</th>
            {showOwner ? <th scope="col">Owner</th> : null}
            {telemetry ? (
              <>
                <th scope="col" className="num">
                  Health
                </th>
                <th scope="col" className="num">
                  Requests
                </th>
                <th scope="col" className="num">
                  Errors
                </th>
                <th scope="col" className="num">
                  p95
                </th>
              </>
            ) : (
              <th scope="col" className="col-desc">
                Description
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {entities.map((e) => {
            const svc = byComponent.get(e.ref);
            const isComponent = e.kind === 'Component';
            const health = isComponent ? componentHealth(e.ref, byComponent) : null;
            const owner = e.relations.find((r) => r.type === 'ownedBy')?.targetRef;
            return (
              <tr key={e.ref} data-ref={e.ref} data-health={health ?? ''} className="row-click" onClick={() => navigate(entityPath(e) + suffix)}>
                <td className="col-name">
                  <span className="name-with-icon">
                    <KindIcon kind={e.kind} />
                    <EntityLink entityRef={e.ref} title={e.title ?? e.name} />
                  </span>
                </td>
                {showKind ? <td className="muted">{kindLabel(e.kind)}</td> : null}
                <td>{str(e.spec.type) || <span className="faint">—</span>}</td>
                <td>
                  <LifecycleChip lifecycle={str(e.spec.lifecycle)} />
                </td>
                {showOwner ? <td onClick={(ev) => ev.stopPropagation()}>{owner ? <EntityLink entityRef={owner} /> : <span className="text-warn">nobody</span>}</td> : null}
                {telemetry ? (
                  <>
                    <td className="num">
                      {health === 'silent' ? (
                        <span className="silent-mark" title="No telemetry from this component in this window">
                          <HealthDot health="silent" /> silent
                        </span>
                      ) : health ? (
                        <span className="health-cell">
                          <HealthDot health={health} />
                          {health}
                        </span>
                      ) : null}
                    </td>
                    <td className="num">{svc ? formatRate(svc.rps) : <span className="faint">—</span>}</td>
                    <td className={`num ${svc ? `err-${svc.health}` : ''}`}>{svc && svc.requests ? formatPercent(svc.errorRate) : <span className="faint">—</span>}</td>
                    <td className="num mono">{svc ? formatDuration(svc.p95Ms) : <span className="faint">—</span>}</td>
                  </>
                ) : (
                  <td className="col-desc muted" title={e.description ?? undefined}>
                    {e.description}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Components first (they run), then APIs, resources and the rest, each by name. */
export function byRunnableFirst(a: CatalogEntity, b: CatalogEntity): number {
  const rank = (e: CatalogEntity) => ['Component', 'API', 'Resource', 'System', 'Domain'].indexOf(e.kind) >>> 0;
  return rank(a) - rank(b) || (a.title ?? a.name).localeCompare(b.title ?? b.name);
}
