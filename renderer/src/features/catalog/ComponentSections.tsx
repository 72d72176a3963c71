// What an entity page shows about a component that runs: its golden signals and recent errors
// when telemetry has it, its declared dependencies against the calls observed, its APIs, and
// every relation grouped by type.
import { Link } from 'react-router-dom';
import type { CatalogComponentDrift, CatalogDriftDependency, CatalogEntityDetail, CatalogResolvedRelation } from '../../../../common/api/catalog-schemas';
import type { ServiceSummary } from '../../../../common/api/service-schemas';
import { useApi } from '../../api/query';
import { rangeLabel, useTimeRange, type RangeSpec } from '../../app/time-range';
import { formatDuration, formatPercent, formatRate } from '../../ui/format';
import { ErrorBanner, SkeletonBlock } from '../../ui/states';
import { RelativeTime } from '../../ui/time';
import { SeverityBadge } from '../logs/SeverityBadge';
import { GoldenSignalsCharts } from './GoldenSignals';
import { EntityLink, HealthDot, Section, useRangeSuffix } from './parts';
import { groupRelations } from './relations';
import { refName } from './refs';
import { DependencyTarget, servicePath, usePeers } from './peers';

export { servicePath };

function withParams(path: string, suffix: string, extra: Record<string, string>): string {
  const p = new URLSearchParams(suffix.replace(/^\?/, ''));
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  return `${path}?${p}`;
}

export function LiveSection({ service }: { service: ServiceSummary }) {
  const { spec } = useTimeRange();
  const suffix = useRangeSuffix();
  const signals = useApi('goldenSignals', { name: service.name }, { range: spec, tables: ['rollups'], placeholder: 'keep' });
  return (
    <Section
      title={
        <>
          <HealthDot health={service.health} /> Golden signals <span className="muted small cat-h-note">{rangeLabel(spec).toLowerCase()}</span>
        </>
      }
      actions={
        <span className="cat-actions-links">
          <Link to={withParams('/traces', suffix, { service: service.name })}>Traces</Link>
          <Link to={withParams('/logs', suffix, { service: service.name })}>Logs</Link>
        </span>
      }
      testId="entity-live"
    >
      <div className="gs-totals">
        <span>
          <b>{formatRate(service.rps)}</b>
        </span>
        <span>
          <b className={`err-${service.health}`}>{service.requests ? formatPercent(service.errorRate) : '—'}</b> errors
        </span>
        <span>
          p50 <b>{formatDuration(service.p50Ms)}</b>
        </span>
        <span>
          p95 <b>{formatDuration(service.p95Ms)}</b>
        </span>
        <span>
          p99 <b>{formatDuration(service.p99Ms)}</b>
        </span>
        {service.versions.length ? <span className="muted">versions {service.versions.join(', ')}</span> : null}
      </div>
      {signals.isError ? <ErrorBanner error={signals.error} what="Could not load the golden signals" /> : null}
      {signals.data ? <GoldenSignalsCharts data={signals.data} /> : <SkeletonBlock height={118} />}
    </Section>
  );
}

export function RecentErrorsSection({ service, range }: { service: string; range: RangeSpec }) {
  const suffix = useRangeSuffix();
  const logs = useApi('logs', { service, minSeverity: 17, limit: 8 }, { range, tables: ['logs'], placeholder: 'keep' });
  const list = logs.data ?? [];
  return (
    <Section
      title="Recent errors"
      count={logs.data ? list.length : undefined}
      actions={<Link to={withParams('/logs', suffix, { service, sev: '17' })}>All error logs</Link>}
      testId="entity-errors"
    >
      {logs.isError ? <ErrorBanner error={logs.error} what="Could not load error logs" /> : null}
      {logs.isSuccess && list.length === 0 ? <div className="muted small cat-none">No error logs from {service} in this window.</div> : null}
      {list.length > 0 ? (
        <ul className="cat-errors">
          {list.map((l) => (
            <li key={l.id}>
              <SeverityBadge number={l.severityNumber} text={l.severityText} />
              <Link className="cat-error-body" to={withParams('/logs', suffix, { service, sev: '17', log: String(l.id) })} title={l.body}>
                {l.body}
              </Link>
              {l.traceId ? (
                <Link className="mono small" to={`/traces/${l.traceId}`} title="Open the trace">
                  trace
                </Link>
              ) : null}
              <RelativeTime className="muted small nowrap" ms={l.time} />
            </li>
          ))}
        </ul>
      ) : null}
    </Section>
  );
}

const STATUS_TEXT = {
  confirmed: 'Declared and observed in traces',
  undeclared: 'Observed in traces but not declared',
  stale: 'Declared but not observed in this window',
} as const;

export type DriftStatus = keyof typeof STATUS_TEXT;

export function DriftBadge({ status }: { status: DriftStatus }) {
  return (
    <span className={`drift-badge drift-${status}`} title={STATUS_TEXT[status]}>
      {status}
    </span>
  );
}

function via(d: CatalogDriftDependency) {
  if (d.via === 'observed') return <span className="muted">observed only</span>;
  if (d.via === 'consumesApi' && d.apiRef) return <span className="muted">consumes <EntityLink entityRef={d.apiRef} /></span>;
  return <span className="muted">dependsOn</span>;
}

/** Declared dependencies against the calls seen in traces, for one component. */
export function DependenciesSection({ drift, loading }: { drift: CatalogComponentDrift | undefined; loading: boolean }) {
  const suffix = useRangeSuffix();
  const { spec } = useTimeRange();
  const peers = usePeers();
  if (!drift) return loading ? <SkeletonBlock height={90} /> : null;
  const rows: Array<{ d: CatalogDriftDependency; status: DriftStatus }> = [
    ...drift.confirmed.map((d) => ({ d, status: 'confirmed' as const })),
    ...drift.undeclared.map((d) => ({ d, status: 'undeclared' as const })),
    ...drift.stale.map((d) => ({ d, status: 'stale' as const })),
  ];
  return (
    <Section
      title={
        <>
          Dependencies <span className="muted small cat-h-note">declared vs observed, {rangeLabel(spec).toLowerCase()}</span>
        </>
      }
      actions={<Link to={`/catalog/drift${suffix}`}>Drift report</Link>}
      testId="entity-dependencies"
    >
      {rows.length === 0 && drift.unresolvedApis.length === 0 ? (
        <div className="muted small cat-none">No dependency declared, and no call to another service observed.</div>
      ) : (
        <table className="table cat-mini-table">
          <tbody>
            {rows.map(({ d, status }) => (
              <tr key={`${status}:${d.targetRef ?? d.targetService}`} data-dependency={d.targetService ?? d.targetRef ?? ''} data-status={status}>
                <td className="col-status">
                  <DriftBadge status={status} />
                </td>
                <td>
                  <DependencyTarget d={d} peers={peers} />
                </td>
                <td>{via(d)}</td>
                <td className="num">
                  {d.targetRef && d.targetService && status !== 'stale' && !peers.has(d.targetService) ? (
                    <Link className="small" to={servicePath(d.targetService, suffix)} title={`Service page of ${d.targetService}`}>
                      service →
                    </Link>
                  ) : null}
                </td>
              </tr>
            ))}
            {drift.unresolvedApis.map((api) => (
              <tr key={api}>
                <td className="col-status">
                  <span className="drift-badge drift-unknown" title="No component provides this API, so it cannot be compared with traffic">
                    no provider
                  </span>
                </td>
                <td>
                  <EntityLink entityRef={api} icon />
                </td>
                <td className="muted">consumesApi</td>
                <td />
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

function RelationList({ items }: { items: CatalogResolvedRelation[] }) {
  return (
    <ul className="rel-list">
      {items.map((r) => (
        <li key={r.targetRef}>
          <EntityLink entityRef={r.targetRef} title={r.target.title ?? refName(r.targetRef)} exists={r.target.exists} icon />
          {!r.target.exists ? <span className="badge badge-error">missing</span> : null}
        </li>
      ))}
    </ul>
  );
}

export function ApisSection({ detail }: { detail: CatalogEntityDetail }) {
  const provided = detail.relations.filter((r) => r.type === 'providesApi');
  const consumed = detail.relations.filter((r) => r.type === 'consumesApi');
  if (provided.length + consumed.length === 0) return null;
  return (
    <Section title="APIs" count={provided.length + consumed.length} testId="entity-apis">
      <div className="api-cols">
        <div>
          <h3 className="cat-subhead">Provides</h3>
          {provided.length ? <RelationList items={provided} /> : <div className="faint small">none</div>}
        </div>
        <div>
          <h3 className="cat-subhead">Consumes</h3>
          {consumed.length ? <RelationList items={consumed} /> : <div className="faint small">none</div>}
        </div>
      </div>
    </Section>
  );
}

export function RelationsSection({ detail, skip = [] }: { detail: CatalogEntityDetail; skip?: string[] }) {
  const groups = groupRelations(detail.relations, skip);
  const suffix = useRangeSuffix();
  return (
    <Section
      title="Relations"
      count={detail.relations.length}
      actions={<Link to={`${entityGraphPath(detail)}${suffix}`}>Graph</Link>}
      testId="entity-relations"
    >
      {groups.length === 0 ? <div className="muted small cat-none">No relations.</div> : null}
      <div className="rel-groups">
        {groups.map((g) => (
          <div key={g.type} className="rel-group" data-relation={g.type}>
            <h3 className="cat-subhead">
              {g.label} <span className="faint">{g.items.length}</span>
            </h3>
            <RelationList items={g.items} />
          </div>
        ))}
      </div>
    </Section>
  );
}

export function entityGraphPath(detail: CatalogEntityDetail): string {
  const e = detail.entity;
  return `/catalog/${encodeURIComponent(e.kind.toLowerCase())}/${encodeURIComponent(e.namespace.toLowerCase())}/${encodeURIComponent(e.name.toLowerCase())}/graph`;
}
