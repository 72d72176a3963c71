// A system or a domain: its components, APIs and resources with a health roll-up; a domain
// also lists its systems (and reaches their parts through them).
import { useMemo } from 'react';
import type { CatalogEntity, CatalogEntityDetail } from '../../../../common/api/catalog-schemas';
import type { ServiceSummary } from '../../../../common/api/service-schemas';
import { ErrorBanner, SkeletonBlock } from '../../ui/states';
import { AboutSection, AnnotationsSection, EntityProblemsSection, LinksSection } from './EntityAside';
import { EntityTable, byRunnableFirst } from './EntityTable';
import { rollUp } from './health';
import { useCatalogEntities } from './hooks';
import { Section } from './parts';
import { RelationsSection } from './ComponentSections';
import { RollUpBand } from './RollUpBand';

export function SystemOverview({ detail, byComponent }: { detail: CatalogEntityDetail; byComponent: Map<string, ServiceSummary> }) {
  const e = detail.entity;
  const isDomain = e.kind.toLowerCase() === 'domain';
  // A system's parts name it in spec.system; a domain's parts are those of its systems.
  const systemRefs = useMemo(
    () => (isDomain ? detail.relations.filter((r) => r.type === 'hasPart' && r.targetRef.startsWith('system:')).map((r) => r.targetRef) : [e.ref]),
    [detail, isDomain, e.ref],
  );
  const all = useCatalogEntities({ kind: ['component', 'api', 'resource', 'system'], limit: 20000 });
  const parts = useMemo(() => {
    const systems = new Set(systemRefs);
    return (all.data ?? [])
      .filter((x) => x.relations.some((r) => r.type === 'partOf' && systems.has(r.targetRef)) || (isDomain && systems.has(x.ref)))
      .sort(byRunnableFirst);
  }, [all.data, systemRefs, isDomain]);
  const of = (kind: string) => parts.filter((x) => x.kind === kind);
  const components = of('Component');
  const r = rollUp(
    components.map((c) => c.ref),
    byComponent,
  );
  const block = (title: string, list: CatalogEntity[], testId: string, telemetry = false) =>
    list.length ? (
      <Section title={title} count={list.length} testId={testId}>
        <EntityTable entities={list} byComponent={byComponent} showOwner showKind={false} telemetry={telemetry} testId={`${testId}-table`} />
      </Section>
    ) : null;

  return (
    <div className="entity-grid">
      <div className="entity-main">
        {all.isError ? <ErrorBanner error={all.error} what="Could not load the parts" /> : null}
        {all.data ? (
          <>
            <RollUpBand r={r} />
            {isDomain ? block('Systems', of('System'), 'domain-systems') : null}
            {block('Components', components, 'system-components', true)}
            {block('APIs', of('API'), 'system-apis')}
            {block('Resources', of('Resource'), 'system-resources')}
            {parts.length === 0 ? <div className="muted small cat-none">Nothing in the catalog is part of this {isDomain ? 'domain' : 'system'} yet.</div> : null}
          </>
        ) : (
          <SkeletonBlock height={200} />
        )}
      </div>
      <aside className="entity-aside">
        <EntityProblemsSection detail={detail} />
        <AboutSection detail={detail} />
        <LinksSection detail={detail} />
        <RelationsSection detail={detail} />
        <AnnotationsSection detail={detail} />
      </aside>
    </div>
  );
}
