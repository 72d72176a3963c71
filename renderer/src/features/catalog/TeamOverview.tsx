// A team (Group): who is in it, its sub-teams, and what it owns with how healthy that is.
import { useMemo } from 'react';
import type { CatalogEntityDetail } from '../../../../common/api/catalog-schemas';
import type { ServiceSummary } from '../../../../common/api/service-schemas';
import { ErrorBanner, SkeletonBlock } from '../../ui/states';
import { AboutSection, AnnotationsSection, EntityProblemsSection, LinksSection } from './EntityAside';
import { EntityTable, byRunnableFirst } from './EntityTable';
import { rollUp } from './health';
import { useCatalogEntities } from './hooks';
import { EntityLink, Section } from './parts';
import { refName } from './refs';
import { RollUpBand } from './RollUpBand';

function initials(name: string): string {
  const parts = name.split(/[\s._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? parts[parts.length - 1][0] : (parts[0]?.[1] ?? ''))).toUpperCase();
}

export function TeamOverview({ detail, byComponent }: { detail: CatalogEntityDetail; byComponent: Map<string, ServiceSummary> }) {
  const e = detail.entity;
  const owned = useCatalogEntities({ owner: e.ref, limit: 5000 });
  const users = useCatalogEntities({ kind: ['user'], limit: 5000 });
  const memberRefs = detail.relations.filter((r) => r.type === 'hasMember');
  const subTeams = detail.relations.filter((r) => r.type === 'parentOf');
  const userByRef = useMemo(() => new Map((users.data ?? []).map((u) => [u.ref, u])), [users.data]);
  const list = useMemo(() => [...(owned.data ?? [])].sort(byRunnableFirst), [owned.data]);
  const components = list.filter((x) => x.kind === 'Component').map((x) => x.ref);
  const r = rollUp(components, byComponent);

  return (
    <div className="entity-grid">
      <div className="entity-main">
        <Section title="Owns" count={owned.data?.length} testId="team-owned">
          {owned.isError ? <ErrorBanner error={owned.error} what="Could not load what this team owns" /> : null}
          {owned.data ? (
            list.length ? (
              <>
                <RollUpBand r={r} />
                <EntityTable entities={list} byComponent={byComponent} testId="team-owned-table" />
              </>
            ) : (
              <div className="muted small cat-none">This group owns nothing in the catalog.</div>
            )
          ) : (
            <SkeletonBlock height={120} />
          )}
        </Section>
        {subTeams.length ? (
          <Section title="Sub-teams" count={subTeams.length} testId="team-subteams">
            <ul className="rel-list rel-list-inline">
              {subTeams.map((t) => (
                <li key={t.targetRef}>
                  <EntityLink entityRef={t.targetRef} title={t.target.title} exists={t.target.exists} icon />
                </li>
              ))}
            </ul>
          </Section>
        ) : null}
      </div>
      <aside className="entity-aside">
        <EntityProblemsSection detail={detail} />
        <Section title="Members" count={memberRefs.length} testId="team-members">
          {memberRefs.length === 0 ? <div className="muted small cat-none">No members declared.</div> : null}
          <ul className="members">
            {memberRefs.map((m) => {
              const user = userByRef.get(m.targetRef);
              const profile = (user?.spec.profile ?? {}) as Record<string, unknown>;
              const name = m.target.title ?? refName(m.targetRef);
              const email = typeof profile.email === 'string' ? profile.email : null;
              return (
                <li key={m.targetRef} className="member">
                  <span className="avatar" aria-hidden>
                    {initials(name)}
                  </span>
                  <span className="member-text">
                    <EntityLink entityRef={m.targetRef} title={name} exists={m.target.exists} />
                    {email ? <span className="muted small">{email}</span> : null}
                  </span>
                </li>
              );
            })}
          </ul>
        </Section>
        <AboutSection detail={detail} />
        <LinksSection detail={detail} />
        <AnnotationsSection detail={detail} />
      </aside>
    </div>
  );
}
