// Where the architecture on paper differs from production: for each component, dependencies
// confirmed by traces, observed but undeclared, and declared but not seen in the window; services
// no component describes (nobody owns them); components that sent nothing.
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { CatalogDriftDependency } from '../../../../common/api/catalog-schemas';
import { rangeLabel, useTimeRange } from '../../app/time-range';
import { useUpdateParams } from '../../app/url-state';
import { EmptyHint, ErrorBanner, SkeletonRows } from '../../ui/states';
import { type DriftStatus } from './ComponentSections';
import { DependencyTarget, servicePath, usePeers, type Peer } from './peers';
import { hasDrift, ownerlessSnippet } from './drift';
import { useCatalogDrift } from './hooks';
import { CatalogTabs, EntityLink, useRangeSuffix } from './parts';
import { refName } from './refs';
import './catalog.css';

export function DriftPage() {
  const { spec } = useTimeRange();
  const [params] = useSearchParams();
  const update = useUpdateParams();
  const drift = useCatalogDrift(spec);
  const peers = usePeers();
  const showAll = params.get('all') === '1';
  const d = drift.data;
  const rows = useMemo(() => (d ? (showAll ? d.components : d.components.filter(hasDrift)) : []), [d, showAll]);

  return (
    <div className="page-pad cat-page">
      <div className="cat-head">
        <div>
          <h1>Drift</h1>
          <div className="page-sub">
            <span>Declared dependencies against the calls seen in traces — {rangeLabel(spec).toLowerCase()}</span>
          </div>
        </div>
        <CatalogTabs />
      </div>
      {drift.isError ? <ErrorBanner error={drift.error} what="Could not compare the catalog with telemetry" onRetry={() => void drift.refetch()} /> : null}
      <div className="drift-stats" data-testid="drift-totals">
        <Stat label="confirmed" hint="declared and observed" value={d?.totals.confirmed} tone="ok" />
        <Stat label="undeclared" hint="observed, not declared" value={d?.totals.undeclared} tone="warn" />
        <Stat label="stale" hint="declared, not observed" value={d?.totals.stale} tone="muted" />
        <Stat label="ownerless services" hint="telemetry, no catalog entry" value={d?.ownerlessServices.length} tone={d?.ownerlessServices.length ? 'error' : 'ok'} href="#ownerless" />
        <Stat label="silent components" hint="catalog, no telemetry" value={d?.silentComponents.length} tone="muted" href="#silent" />
      </div>

      <section className="cat-section">
        <header className="cat-section-head">
          <h2>
            Components <span className="count">{rows.length}</span>
          </h2>
          <label className="check small">
            <input type="checkbox" checked={showAll} onChange={(e) => update((p) => (e.target.checked ? p.set('all', '1') : p.delete('all')), { replace: true })} />
            Include components without drift
          </label>
        </header>
        <div className="table-wrap drift-table-wrap">
          <table className="table cat-table drift-table" data-testid="drift-table">
            <thead>
              <tr>
                <th scope="col">Component</th>
                <th scope="col">Service</th>
                <th scope="col">Confirmed</th>
                <th scope="col">Undeclared (observed only)</th>
                <th scope="col">Stale (declared, not observed)</th>
              </tr>
            </thead>
            <tbody>
              {drift.isPending ? <SkeletonRows columns={5} rows={5} /> : null}
              {rows.map((c) => (
                <tr key={c.ref} data-ref={c.ref}>
                  <td className="col-name">
                    <EntityLink entityRef={c.ref} title={c.title ?? refName(c.ref)} icon />
                  </td>
                  <td>{c.observed ? <ServiceLink name={c.serviceName} /> : <span className="muted small" title="No telemetry from this component in the window">{c.serviceName} · silent</span>}</td>
                  <td data-col="confirmed">
                    <Deps list={c.confirmed} status="confirmed" peers={peers} />
                  </td>
                  <td data-col="undeclared">
                    <Deps list={c.undeclared} status="undeclared" peers={peers} />
                  </td>
                  <td data-col="stale">
                    <Deps list={c.stale} status="stale" peers={peers} />
                    {c.unresolvedApis.map((a) => (
                      <span key={a} className="dep dep-unknown" title="No component provides this API">
                        <EntityLink entityRef={a} /> <span className="faint">no provider</span>
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {d && rows.length === 0 ? (
            d.components.length === 0 ? (
              <EmptyHint title="The catalog has no component">
                <Link to="/catalog/sources">Add the folder with your catalog-info.yaml files</Link>
              </EmptyHint>
            ) : (
              <EmptyHint title="No drift: every declared dependency was observed, and every call was declared">
                <button type="button" className="btn btn-small" onClick={() => update((p) => p.set('all', '1'))}>
                  Show every component
                </button>
              </EmptyHint>
            )
          ) : null}
        </div>
      </section>

      <div className="drift-lower">
        <section className="cat-section" id="ownerless" data-testid="ownerless-services">
          <header className="cat-section-head">
            <h2>
              Ownerless services <span className="count">{d?.ownerlessServices.length ?? 0}</span>
            </h2>
            <span className="muted small">seen in telemetry, described by no component</span>
          </header>
          <div className="cat-section-body">
            {d?.ownerlessServices.length === 0 ? <div className="muted small cat-none">Every service in this window has a component.</div> : null}
            <ul className="plain-list">
              {d?.ownerlessServices.map((s) => <OwnerlessRow key={s.serviceName} name={s.serviceName} />)}
            </ul>
          </div>
        </section>
        <section className="cat-section" id="silent" data-testid="silent-components">
          <header className="cat-section-head">
            <h2>
              Silent components <span className="count">{d?.silentComponents.length ?? 0}</span>
            </h2>
            <span className="muted small">in the catalog, no telemetry in this window</span>
          </header>
          <div className="cat-section-body">
            {d?.silentComponents.length === 0 ? <div className="muted small cat-none">Every component sent telemetry in this window.</div> : null}
            <table className="table cat-mini-table">
              <tbody>
                {d?.silentComponents.map((s) => (
                  <tr key={s.ref} data-ref={s.ref}>
                    <td>
                      <EntityLink entityRef={s.ref} title={s.title ?? refName(s.ref)} icon />
                    </td>
                    <td className="muted">{s.type ?? ''}</td>
                    <td className="mono small muted" title="The service.name Loupe looks for">
                      {s.serviceName}
                    </td>
                    <td>{s.owner ? <EntityLink entityRef={s.owner} /> : <span className="text-warn">no owner</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </div>
    </div>
  );
}

function Stat({ label, hint, value, tone, href }: { label: string; hint: string; value: number | undefined; tone: 'ok' | 'warn' | 'muted' | 'error'; href?: string }) {
  const body = (
    <>
      <span className={`stat-value stat-${value ? tone : 'zero'}`}>{value ?? '–'}</span>
      <span className="stat-label">{label}</span>
      <span className="stat-hint">{hint}</span>
    </>
  );
  return href ? (
    <a className="drift-stat" href={href} data-stat={label}>
      {body}
    </a>
  ) : (
    <div className="drift-stat" data-stat={label}>
      {body}
    </div>
  );
}

function ServiceLink({ name }: { name: string }) {
  const suffix = useRangeSuffix();
  return (
    <Link className="mono small" to={servicePath(name, suffix)}>
      {name}
    </Link>
  );
}

function Deps({ list, status, peers }: { list: CatalogDriftDependency[]; status: DriftStatus; peers: Map<string, Peer> }) {
  if (list.length === 0) return <span className="faint">—</span>;
  return (
    <span className="deps">
      {list.map((d) => (
        <span key={`${d.targetRef ?? ''}${d.targetService ?? ''}`} className={`dep dep-${status}`} data-dep={d.targetService ?? d.targetRef ?? ''} title={depTitle(d, status)}>
          <DependencyTarget d={d} peers={peers} />
          {d.via === 'consumesApi' && d.apiRef ? <span className="faint"> via {refName(d.apiRef)}</span> : null}
        </span>
      ))}
    </span>
  );
}

function depTitle(d: CatalogDriftDependency, status: DriftStatus): string {
  const target = d.targetService ?? d.targetRef ?? '';
  if (status === 'confirmed') return `${target}: declared (${d.via}) and observed`;
  if (status === 'undeclared') return `${target}: called in traces, not declared in the descriptor`;
  return `${target}: declared (${d.via}${d.apiRef ? ` ${d.apiRef}` : ''}) but no call observed in this window`;
}

function OwnerlessRow({ name }: { name: string }) {
  const [open, setOpen] = useState(false);
  const [copied, setCopied] = useState(false);
  const snippet = ownerlessSnippet(name);
  return (
    <li className="ownerless" data-service={name}>
      <div className="ownerless-row">
        <ServiceLink name={name} />
        <button type="button" className="linklike small" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
          {open ? 'Hide descriptor' : 'Declare it'}
        </button>
      </div>
      {open ? (
        <div className="ownerless-snippet">
          <pre className="codeblock">{snippet}</pre>
          <button
            type="button"
            className="btn btn-small"
            onClick={() =>
              void navigator.clipboard?.writeText(snippet).then(() => {
                setCopied(true);
                window.setTimeout(() => setCopied(false), 1500);
              })
            }
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
        </div>
      ) : null}
    </li>
  );
}
