// Who owns a service and where to go during an incident — owner, on-call (PagerDuty link,
// Opsgenie team), runbook, source and dashboards — read from its catalog component and shown
// where the incident is looked at (the service page header, the map drawer), not only on the
// catalog entity page.
import { Fragment } from 'react';
import { Link } from 'react-router-dom';
import type { CatalogLink } from '../../../../common/api/catalog-schemas';
import { useApi } from '../../api/query';
import { entityPath, splitRef } from './refs';

const SHOWN: Array<CatalogLink['category']> = ['oncall', 'runbook', 'source', 'dashboard'];
const LABEL: Record<string, string> = { oncall: 'On call', runbook: 'Runbook', source: 'Source', dashboard: 'Dashboard' };

/** The incident links of a catalog component (nothing while it loads or when there is none). */
export function OwnershipLinks({ component }: { component: string | null | undefined }) {
  const ref = splitRef(component ?? '');
  const entity = useApi('catalogEntity', { kind: ref.kind || 'component', namespace: ref.namespace, name: ref.name || '-' }, { tables: [], enabled: !!component, extra: { retry: false } });
  if (!component || !entity.data) return null;
  const annotations = (entity.data.entity.metadata.annotations ?? {}) as Record<string, unknown>;
  const opsgenie = [annotations['opsgenie.com/team'], annotations['opsgenie.com/component-selector']].find((v): v is string => typeof v === 'string' && v.trim() !== '');
  const links = SHOWN.flatMap((c) => entity.data.links.filter((l) => l.category === c).slice(0, c === 'oncall' ? 3 : 2));
  if (links.length === 0 && !opsgenie) return null;
  return (
    <span className="ownership-links" data-testid="ownership-links">
      {links.map((l, i) => (
        <Fragment key={l.url}>
          {/* Opsgenie names a team, not a page: it stands with the other on-call entries. */}
          {opsgenie && l.category !== 'oncall' && (i === 0 || links[i - 1].category === 'oncall') ? <Opsgenie team={opsgenie} /> : null}
          <a href={l.url} target="_blank" rel="noreferrer" className={`own-link own-${l.category}`} title={`${l.title} — from ${l.from}`}>
            {l.title.toLowerCase() === LABEL[l.category].toLowerCase() ? null : <span className="own-cat">{LABEL[l.category]}</span>} {l.title} ↗
          </a>
        </Fragment>
      ))}
      {opsgenie && links.every((l) => l.category === 'oncall') ? <Opsgenie team={opsgenie} /> : null}
    </span>
  );
}

/** Owner and component as a line, with the incident links after it. */
export function Ownership({ owner, component }: { owner: string | null | undefined; component: string | null | undefined }) {
  if (!owner && !component) return <span className="muted small">no owner in the catalog</span>;
  return (
    <span className="ownership" data-testid="ownership">
      {owner ? (
        <span>
          owned by{' '}
          <Link to={entityPath(owner)}>
            <b>{splitRef(owner).name}</b>
          </Link>
        </span>
      ) : (
        <span className="muted">no owner</span>
      )}
      <OwnershipLinks component={component} />
    </span>
  );
}

function Opsgenie({ team }: { team: string }) {
  return (
    <span className="own-link own-oncall" title="opsgenie.com annotation">
      <span className="own-cat">On call</span> Opsgenie {team}
    </span>
  );
}
