// One entity: a header with its kind, owner and system; an overview that depends on the kind
// (a team's ownership, a system's parts, a component's live signals); and its relations graph.
import { useMemo } from 'react';
import { Link, NavLink, useParams } from 'react-router-dom';
import type { CatalogEntityDetail } from '../../../../common/api/catalog-schemas';
import type { ServiceSummary } from '../../../../common/api/service-schemas';
import { ApiError } from '../../api/client';
import { useServices } from '../../api/hooks';
import { useTimeRange } from '../../app/time-range';
import { Chip } from '../../ui/Chip';
import { EmptyHint, ErrorBanner, SkeletonBlock } from '../../ui/states';
import { AboutSection, AnnotationsSection, EntityProblemsSection, LinksSection } from './EntityAside';
import { ApisSection, DependenciesSection, LiveSection, RecentErrorsSection, RelationsSection, entityGraphPath, servicePath } from './ComponentSections';
import { ApiConsumersSection, ApiDefinitionSection } from './ApiSections';
import { servicesByComponent } from './health';
import { useCatalogDrift, useCatalogEntity } from './hooks';
import { EntityLink, KindIcon, LifecycleChip, useRangeSuffix } from './parts';
import { RelationsGraph } from './RelationsGraph';
import { displayName, kindLabel } from './refs';
import { SystemOverview } from './SystemOverview';
import { TeamOverview } from './TeamOverview';
import './catalog.css';

export function EntityPage({ tab = 'overview' }: { tab?: 'overview' | 'graph' }) {
  const { kind = '', namespace = '', name = '' } = useParams();
  const detail = useCatalogEntity(kind, namespace, name);
  const suffix = useRangeSuffix();
  if (detail.isError) {
    const notFound = detail.error instanceof ApiError && detail.error.status === 404;
    return (
      <div className="page-pad cat-page">
        <Breadcrumb kind={kind} />
        {notFound ? (
          <EmptyHint title={`No ${kindLabel(kind)} “${name}” in the catalog`}>
            <span>It may have been renamed, or its descriptor removed.</span>
            <Link to={`/catalog${suffix}`} className="btn btn-small">
              Back to the catalog
            </Link>
          </EmptyHint>
        ) : (
          <ErrorBanner error={detail.error} what="Could not load this entity" onRetry={() => void detail.refetch()} />
        )}
      </div>
    );
  }
  if (!detail.data) {
    return (
      <div className="page-pad cat-page">
        <Breadcrumb kind={kind} />
        <SkeletonBlock height={60} />
        <SkeletonBlock height={300} />
      </div>
    );
  }
  return <EntityView detail={detail.data} tab={tab} />;
}

function Breadcrumb({ kind }: { kind: string }) {
  const suffix = useRangeSuffix();
  const p = new URLSearchParams(suffix.replace(/^\?/, ''));
  p.set('kind', kindLabel(kind));
  return (
    <div className="cat-crumbs">
      <Link to={`/catalog${suffix}`} className="back-link">
        Catalog
      </Link>
      <span className="faint">/</span>
      <Link to={`/catalog?${p}`} className="back-link">
        {kindLabel(kind)}
      </Link>
    </div>
  );
}

function EntityView({ detail, tab }: { detail: CatalogEntityDetail; tab: 'overview' | 'graph' }) {
  const e = detail.entity;
  const { spec } = useTimeRange();
  const suffix = useRangeSuffix();
  const services = useServices(spec);
  const byComponent = useMemo(() => servicesByComponent(services.data), [services.data]);
  const kind = e.kind.toLowerCase();
  const service = kind === 'component' ? byComponent.get(e.ref) : undefined;
  const owner = detail.relations.find((r) => r.type === 'ownedBy');
  const system = detail.relations.find((r) => r.type === 'partOf' && r.targetRef.startsWith('system:'));
  const type = typeof e.spec.type === 'string' ? e.spec.type : null;
  const lifecycle = typeof e.spec.lifecycle === 'string' ? e.spec.lifecycle : null;
  const overview = `${entityGraphPath(detail).replace(/\/graph$/, '')}${suffix}`;

  return (
    <div className="page-pad cat-page cat-entity" data-entity-ref={e.ref}>
      <Breadcrumb kind={e.kind} />
      <header className="entity-head" data-testid="entity-header">
        <div className="entity-title">
          <span className={`entity-kind-icon kind-bg-${kind}`}>
            <KindIcon kind={e.kind} size={18} />
          </span>
          <div className="entity-title-text">
            <h1>{displayName(e)}</h1>
            <div className="entity-sub">
              <span className="mono muted">{e.ref}</span>
              {type ? <Chip tone="muted">{type}</Chip> : null}
              {lifecycle ? <LifecycleChip lifecycle={lifecycle} /> : null}
              {owner ? (
                <span data-testid="entity-owner">
                  <span className="muted">owned by </span>
                  <EntityLink entityRef={owner.targetRef} title={owner.target.title} exists={owner.target.exists} icon />
                </span>
              ) : ['component', 'api', 'resource', 'system'].includes(kind) ? (
                <span className="text-warn">no owner</span>
              ) : null}
              {system ? (
                <span>
                  <span className="muted">in </span>
                  <EntityLink entityRef={system.targetRef} title={system.target.title} exists={system.target.exists} icon />
                </span>
              ) : null}
            </div>
          </div>
        </div>
        <div className="entity-head-actions">
          {service ? (
            <Link className="btn btn-small" to={servicePath(service.name, suffix)} data-testid="service-page-link">
              Service page →
            </Link>
          ) : null}
        </div>
      </header>
      <nav className="tabs cat-tabs entity-tabs" aria-label="Entity views">
        <NavLink to={overview} end className={() => `tab${tab === 'overview' ? ' tab-active' : ''}`}>
          Overview
        </NavLink>
        <NavLink to={`${entityGraphPath(detail)}${suffix}`} className={() => `tab${tab === 'graph' ? ' tab-active' : ''}`}>
          Relations graph
        </NavLink>
      </nav>
      {tab === 'graph' ? (
        <RelationsGraph rootRef={e.ref} />
      ) : kind === 'group' ? (
        <TeamOverview detail={detail} byComponent={byComponent} />
      ) : kind === 'system' || kind === 'domain' ? (
        <SystemOverview detail={detail} byComponent={byComponent} />
      ) : (
        <GenericOverview detail={detail} service={service} />
      )}
    </div>
  );
}

function GenericOverview({ detail, service }: { detail: CatalogEntityDetail; service: ServiceSummary | undefined }) {
  const e = detail.entity;
  const { spec } = useTimeRange();
  const kind = e.kind.toLowerCase();
  const isComponent = kind === 'component';
  const drift = useCatalogDrift(spec);
  const componentDrift = isComponent ? drift.data?.components.find((c) => c.ref === e.ref) : undefined;
  return (
    <div className="entity-grid">
      <div className="entity-main">
        {isComponent && service ? <LiveSection service={service} /> : null}
        {isComponent && !service && componentDrift ? (
          <div className="cat-notice cat-notice-muted" data-testid="entity-silent">
            <b>No telemetry from this component in this window.</b> Loupe matches it to the service named{' '}
            <span className="mono">{componentDrift.serviceName}</span>; set the <span className="mono">loupe.dev/service-name</span> annotation if the
            service reports another <span className="mono">service.name</span>.
          </div>
        ) : null}
        {isComponent ? <DependenciesSection drift={componentDrift} loading={drift.isPending} /> : null}
        {isComponent ? <ApisSection detail={detail} /> : null}
        {kind === 'api' ? <ApiConsumersSection detail={detail} /> : null}
        {isComponent && service ? <RecentErrorsSection service={service.name} range={spec} /> : null}
        <RelationsSection detail={detail} skip={isComponent ? ['providesApi', 'consumesApi'] : kind === 'api' ? ['apiProvidedBy', 'apiConsumedBy'] : []} />
        {kind === 'api' ? <ApiDefinitionSection detail={detail} /> : null}
      </div>
      <aside className="entity-aside">
        <EntityProblemsSection detail={detail} />
        <AboutSection detail={detail} serviceName={isComponent ? (service?.name ?? componentDrift?.serviceName) : null} />
        <LinksSection detail={detail} />
        <AnnotationsSection detail={detail} />
      </aside>
    </div>
  );
}
