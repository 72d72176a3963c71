// Small pieces every catalog page uses: kind icons, entity links, health marks, lifecycle
// chips, section panels and the catalog's own tabs.
import type { ReactNode } from 'react';
import { Link, NavLink, useLocation } from 'react-router-dom';
import { rangeParams } from '../../app/time-range';
import { formatPercent } from '../../ui/format';
import { entityPath, kindLabel, refName, splitRef } from './refs';
import { HEALTH_TEXT, type ComponentHealth } from './health';
import { useCatalogErrors } from './hooks';

const KIND_PATHS: Record<string, string> = {
  component: 'M3 5.2 8 2.5l5 2.7v5.6L8 13.5l-5-2.7zM3 5.2 8 8l5-2.8M8 8v5.5',
  api: 'M5.5 3.5C4 3.5 4 4.5 4 6s-1 2-1.5 2C3 8 4 8.5 4 10s0 2.5 1.5 2.5M10.5 3.5c1.5 0 1.5 1 1.5 2.5s1 2 1.5 2c-.5 0-1.5.5-1.5 2s0 2.5-1.5 2.5',
  resource: 'M3 4c0-.9 2.2-1.5 5-1.5s5 .6 5 1.5v8c0 .9-2.2 1.5-5 1.5S3 12.9 3 12zM3 4c0 .9 2.2 1.5 5 1.5S13 4.9 13 4M3 8c0 .9 2.2 1.5 5 1.5S13 8.9 13 8',
  system: 'M2.5 2.5h4.5v4.5H2.5zM9 2.5h4.5v4.5H9zM2.5 9h4.5v4.5H2.5zM9 9h4.5v4.5H9z',
  domain: 'M8 2.5a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11zM2.5 8h11M8 2.5c1.6 1.5 2.3 3.3 2.3 5.5S9.6 12 8 13.5C6.4 12 5.7 10.2 5.7 8S6.4 4 8 2.5',
  group: 'M6 7.5a2.2 2.2 0 1 0 0-4.4 2.2 2.2 0 0 0 0 4.4zM2 13c0-2.2 1.8-3.8 4-3.8s4 1.6 4 3.8M11 7.2a1.8 1.8 0 1 0 0-3.6M11.5 9.4c1.5.3 2.5 1.6 2.5 3.2',
  user: 'M8 7.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5zM3.5 13.5c0-2.5 2-4.3 4.5-4.3s4.5 1.8 4.5 4.3',
  location: 'M8 14s4.5-4.2 4.5-7.5a4.5 4.5 0 0 0-9 0C3.5 9.8 8 14 8 14zM8 8.2a1.7 1.7 0 1 0 0-3.4 1.7 1.7 0 0 0 0 3.4z',
  template: 'M4 2.5h5.5L12.5 5.5v8H4zM9.5 2.5v3h3M8.2 7.5v4M6.2 9.5h4',
};

export function KindIcon({ kind, size = 14 }: { kind: string; size?: number }) {
  const k = kind.toLowerCase();
  return (
    <svg className={`kind-icon kind-${KIND_PATHS[k] ? k : 'other'}`} width={size} height={size} viewBox="0 0 16 16" aria-hidden>
      <path d={KIND_PATHS[k] ?? 'M3 3h10v10H3z'} fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

/** `?from=…&to=…` of the current address, to keep the time range across links. */
export function useRangeSuffix(): string {
  const { search } = useLocation();
  const q = rangeParams(new URLSearchParams(search)).toString();
  return q ? `?${q}` : '';
}

/** A link to an entity's page; a reference nothing declares is shown struck through. */
export function EntityLink({
  entityRef,
  title,
  exists = true,
  icon = false,
  className,
}: {
  entityRef: string;
  title?: string | null;
  exists?: boolean;
  icon?: boolean;
  className?: string;
}) {
  const suffix = useRangeSuffix();
  const parts = splitRef(entityRef);
  const label = title || refName(entityRef);
  const inner = (
    <>
      {icon ? <KindIcon kind={parts.kind} /> : null}
      <span className="entity-link-text">{label}</span>
    </>
  );
  if (!exists)
    return (
      <span className={`entity-link entity-dangling ${className ?? ''}`} title={`${entityRef} is not declared in any descriptor`}>
        {inner}
      </span>
    );
  return (
    <Link to={entityPath(parts) + suffix} className={`entity-link ${className ?? ''}`} title={`${kindLabel(parts.kind)} ${entityRef}`}>
      {inner}
    </Link>
  );
}

export function HealthDot({ health }: { health: ComponentHealth }) {
  return <span className={`health-mark health-${health === 'silent' ? 'silent' : health}`} title={HEALTH_TEXT[health]} aria-label={HEALTH_TEXT[health]} />;
}

/** Health mark with the error rate, or "silent". */
export function HealthCell({ health, errorRate, requests }: { health: ComponentHealth; errorRate?: number; requests?: number }) {
  return (
    <span className="health-cell" data-health={health}>
      <HealthDot health={health} />
      {health === 'silent' ? (
        <span className="muted">silent</span>
      ) : (
        <span className={`err-${health}`}>{requests ? formatPercent(errorRate ?? 0) : 'idle'}</span>
      )}
    </span>
  );
}

export function LifecycleChip({ lifecycle }: { lifecycle: string | null | undefined }) {
  if (!lifecycle) return <span className="faint">—</span>;
  const l = lifecycle.toLowerCase();
  const tone = l === 'production' ? 'prod' : l === 'experimental' ? 'exp' : l === 'deprecated' ? 'dep' : 'other';
  return <span className={`lifecycle lifecycle-${tone}`}>{lifecycle}</span>;
}

export function Section({
  title,
  count,
  actions,
  children,
  className,
  testId,
}: {
  title: ReactNode;
  count?: number;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  testId?: string;
}) {
  return (
    <section className={`cat-section ${className ?? ''}`} data-testid={testId}>
      <header className="cat-section-head">
        <h2>
          {title}
          {count !== undefined ? <span className="count">{count}</span> : null}
        </h2>
        {actions ? <div className="cat-section-actions">{actions}</div> : null}
      </header>
      <div className="cat-section-body">{children}</div>
    </section>
  );
}

/** Entities · Drift · Problems · Sources, at the top of the catalog's own pages. */
export function CatalogTabs() {
  const suffix = useRangeSuffix();
  const errors = useCatalogErrors();
  // Errors apart from the rest: the red count is the one the navigation's badge shows.
  const errorCount = errors.data?.filter((p) => p.severity === 'error').length ?? 0;
  const otherCount = (errors.data?.length ?? 0) - errorCount;
  const tab = (to: string, label: ReactNode, end = false) => (
    <NavLink to={to + suffix} end={end} className={({ isActive }) => `tab${isActive ? ' tab-active' : ''}`}>
      {label}
    </NavLink>
  );
  return (
    <nav className="tabs cat-tabs" aria-label="Catalog">
      {tab('/catalog', 'Entities', true)}
      {tab('/catalog/drift', 'Drift')}
      {tab(
        '/catalog/problems',
        <>
          Problems
          {errorCount > 0 ? (
            <span className="count count-error" title={`${errorCount} ${errorCount === 1 ? 'error' : 'errors'}: the number next to Catalog in the navigation`} data-testid="problems-error-count">
              {errorCount}
            </span>
          ) : null}
          {otherCount > 0 ? (
            <span className="count" title={`${otherCount} ${otherCount === 1 ? 'warning or note' : 'warnings and notes'}, not counted in the navigation`} data-testid="problems-other-count">
              {errorCount > 0 ? `+${otherCount}` : otherCount}
            </span>
          ) : null}
        </>,
      )}
      {tab('/catalog/sources', 'Sources')}
    </nav>
  );
}

/** Key facts as a definition list; empty values are left out. */
export function Facts({ rows }: { rows: Array<[string, ReactNode]> }) {
  const shown = rows.filter(([, v]) => v !== null && v !== undefined && v !== '' && v !== false);
  return (
    <dl className="facts cat-facts">
      {shown.map(([k, v]) => (
        <div key={k} className="cat-fact">
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
