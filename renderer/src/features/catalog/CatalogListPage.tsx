// Every entity of the catalog: facets (kind, type, owner, lifecycle, system, tags) with counts,
// search, and a dense table with the health of components seen in telemetry. The URL is the state.
import { useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type { CatalogEntity, CatalogFacets } from '../../../../common/api/catalog-schemas';
import { useServices } from '../../api/hooks';
import { useShortcuts } from '../../app/shortcuts';
import { useTimeRange } from '../../app/time-range';
import { useUpdateParams } from '../../app/url-state';
import { formatRate } from '../../ui/format';
import { SortHeader } from '../../ui/SortHeader';
import { useSorted } from '../../ui/sort';
import { EmptyHint, ErrorBanner, SkeletonRows } from '../../ui/states';
import { CatalogEmpty } from './CatalogEmpty';
import { componentHealth, servicesByComponent } from './health';
import { useCatalogEntities, useCatalogFacets, useCatalogSources } from './hooks';
import { clearFilters, hasFilters, isSelected, listQuery, readListState, toggleFacet, type FacetParam } from './list-state';
import { CatalogTabs, EntityLink, HealthCell, KindIcon, LifecycleChip, useRangeSuffix } from './parts';
import { entityPath, kindLabel, refName } from './refs';
import './catalog.css';

const LIMIT = 2000;

type SortKey = 'kind' | 'name' | 'type' | 'owner' | 'lifecycle' | 'system' | 'health';

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const ownerOf = (e: CatalogEntity) => e.relations.find((r) => r.type === 'ownedBy')?.targetRef ?? '';
const systemOf = (e: CatalogEntity) => e.relations.find((r) => r.type === 'partOf' && r.targetRef.startsWith('system:'))?.targetRef ?? '';

const FACETS: Array<{ facet: keyof Omit<CatalogFacets, 'total'>; param: FacetParam; label: string; hint?: string }> = [
  { facet: 'kind', param: 'kind', label: 'Kind' },
  { facet: 'type', param: 'type', label: 'Type' },
  { facet: 'owner', param: 'owner', label: 'Owner', hint: 'one owner at a time' },
  { facet: 'lifecycle', param: 'lifecycle', label: 'Lifecycle' },
  { facet: 'system', param: 'system', label: 'System', hint: 'one system at a time' },
  { facet: 'tags', param: 'tag', label: 'Tags', hint: 'entities with every checked tag' },
];

export function CatalogListPage() {
  const [params] = useSearchParams();
  const update = useUpdateParams();
  const navigate = useNavigate();
  const suffix = useRangeSuffix();
  const { spec } = useTimeRange();
  const state = useMemo(() => readListState(params), [params]);
  const query = useMemo(() => listQuery(state), [state]);
  const facets = useCatalogFacets(query);
  const entities = useCatalogEntities({ ...query, limit: LIMIT });
  const sources = useCatalogSources();
  const services = useServices(spec);
  const byComponent = useMemo(() => servicesByComponent(services.data), [services.data]);
  const [selected, setSelected] = useState(0);

  const accessors = useMemo<Record<SortKey, (e: CatalogEntity) => string | number>>(
    () => ({
      kind: () => 0, // the API's order: kind, namespace, name
      name: (e) => (e.title ?? e.name).toLowerCase(),
      type: (e) => str(e.spec.type),
      owner: (e) => refName(ownerOf(e)),
      lifecycle: (e) => str(e.spec.lifecycle),
      system: (e) => refName(systemOf(e)),
      health: (e) => {
        const s = byComponent.get(e.ref);
        return s ? s.errorRate + 1 : e.kind === 'Component' ? 0 : -1;
      },
    }),
    [byComponent],
  );
  const { sorted, sort, toggle } = useSorted<CatalogEntity, SortKey>(entities.data ?? [], accessors, { key: 'kind', dir: 'asc' });

  const open = (e: CatalogEntity) => navigate(entityPath(e) + suffix);
  useShortcuts({
    j: () => setSelected((i) => Math.min(sorted.length - 1, i + 1)),
    k: () => setSelected((i) => Math.max(0, i - 1)),
    Enter: () => sorted[selected] && open(sorted[selected]),
  });

  const setQ = (v: string) =>
    update(
      (p) => {
        if (v) p.set('q', v);
        else p.delete('q');
      },
      { replace: true },
    );

  const total = facets.data?.total;
  const noSources = sources.data && sources.data.sources.length === 0;
  const emptyCatalog = !hasFilters(state) && facets.data?.total === 0;
  if (noSources || (emptyCatalog && sources.data)) {
    return (
      <div className="page-pad cat-page">
        <CatalogHead total={0} />
        <CatalogEmpty sources={sources.data!.sources} />
      </div>
    );
  }

  return (
    <div className="page-pad cat-page">
      <CatalogHead total={total} />
      <div className="cat-list-layout">
        <aside className="cat-facets" aria-label="Filters" data-testid="catalog-facets">
          {FACETS.map(({ facet, param, label, hint }) => (
            <FacetGroup
              key={facet}
              label={label}
              hint={hint}
              param={param}
              values={facets.data?.[facet] ?? []}
              isChecked={(v) => isSelected(state, param, v)}
              onToggle={(v) => update((p) => toggleFacet(p, param, v))}
            />
          ))}
        </aside>
        <div className="cat-list-main">
          <div className="cat-toolbar">
            <input
              className="input cat-search"
              type="search"
              placeholder="Search names, titles, descriptions, tags, owners…   /"
              aria-label="Search the catalog"
              value={state.q}
              data-search-box
              onChange={(e) => setQ(e.target.value)}
            />
            <span className="muted small" data-testid="catalog-count">
              {entities.data ? (
                <>
                  <b>{entities.data.length}</b>
                  {total !== undefined && total > entities.data.length ? ` of ${total}` : ''} {entities.data.length === 1 ? 'entity' : 'entities'}
                </>
              ) : null}
            </span>
            {hasFilters(state) ? (
              <button type="button" className="btn btn-small" onClick={() => update((p) => clearFilters(p))}>
                Clear filters
              </button>
            ) : null}
          </div>
          {entities.isError ? <ErrorBanner error={entities.error} what="Could not load the catalog" onRetry={() => void entities.refetch()} /> : null}
          <div className="table-wrap">
            <table className="table cat-table" data-testid="catalog-table">
              <thead>
                <tr>
                  <SortHeader id="kind" sort={sort} onSort={toggle} firstDir="asc" className="col-kind">
                    Kind
                  </SortHeader>
                  <SortHeader id="name" sort={sort} onSort={toggle} firstDir="asc">
                    Name
                  </SortHeader>
                  <SortHeader id="type" sort={sort} onSort={toggle} firstDir="asc">
                    Type
                  </SortHeader>
                  <SortHeader id="owner" sort={sort} onSort={toggle} firstDir="asc">
                    Owner
                  </SortHeader>
                  <SortHeader id="lifecycle" sort={sort} onSort={toggle} firstDir="asc">
                    Lifecycle
                  </SortHeader>
                  <SortHeader id="system" sort={sort} onSort={toggle} firstDir="asc">
                    System
                  </SortHeader>
                  <th scope="col" className="col-desc">
                    Description
                  </th>
                  <SortHeader id="health" sort={sort} onSort={toggle} align="right">
                    Health
                  </SortHeader>
                </tr>
              </thead>
              <tbody>
                {entities.isPending ? <SkeletonRows columns={8} /> : null}
                {sorted.map((e, i) => {
                  const owner = ownerOf(e);
                  const system = systemOf(e);
                  const svc = byComponent.get(e.ref);
                  return (
                    <tr
                      key={e.ref}
                      data-ref={e.ref}
                      className={`row-click${i === selected ? ' row-selected' : ''}`}
                      onClick={() => open(e)}
                      onMouseEnter={() => setSelected(i)}
                    >
                      <td className="col-kind">
                        <span className="kind-cell" title={kindLabel(e.kind)}>
                          <KindIcon kind={e.kind} />
                          <span>{kindLabel(e.kind)}</span>
                        </span>
                      </td>
                      <td className="col-name">
                        <EntityLink entityRef={e.ref} title={e.title ?? e.name} className="cat-name" />
                        {e.title ? <span className="muted small mono"> {e.name}</span> : null}
                        {e.namespace !== 'default' ? <span className="chip chip-muted ns-chip">{e.namespace}</span> : null}
                      </td>
                      <td>{str(e.spec.type) || <span className="faint">—</span>}</td>
                      <td onClick={(ev) => ev.stopPropagation()}>{owner ? <EntityLink entityRef={owner} /> : <span className="faint">—</span>}</td>
                      <td>
                        <LifecycleChip lifecycle={str(e.spec.lifecycle)} />
                      </td>
                      <td onClick={(ev) => ev.stopPropagation()}>{system ? <EntityLink entityRef={system} /> : <span className="faint">—</span>}</td>
                      <td className="col-desc muted" title={e.description ?? undefined}>
                        {e.description}
                      </td>
                      <td className="num">
                        {svc ? (
                          <span title={`service ${svc.name}: ${formatRate(svc.rps)}`}>
                            <HealthCell health={svc.health} errorRate={svc.errorRate} requests={svc.requests} />
                          </span>
                        ) : e.kind === 'Component' ? (
                          <HealthCell health={componentHealth(e.ref, byComponent)} />
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {entities.isSuccess && sorted.length === 0 ? (
              <EmptyHint title="No entity matches these filters">
                <button type="button" className="btn btn-small" onClick={() => update((p) => clearFilters(p))}>
                  Clear filters
                </button>
              </EmptyHint>
            ) : null}
          </div>
        </div>
      </div>
    </div>
  );
}

function CatalogHead({ total }: { total: number | undefined }) {
  return (
    <div className="cat-head">
      <div>
        <h1>Catalog</h1>
        <div className="page-sub">
          <span>Who owns what, from the teams’ catalog-info.yaml files{total !== undefined && total > 0 ? <> — <b>{total}</b> entities</> : null}</span>
        </div>
      </div>
      <CatalogTabs />
    </div>
  );
}

function FacetGroup({
  label,
  hint,
  param,
  values,
  isChecked,
  onToggle,
}: {
  label: string;
  hint?: string;
  param: FacetParam;
  values: Array<{ value: string; count: number }>;
  isChecked: (v: string) => boolean;
  onToggle: (v: string) => void;
}) {
  const [expanded, setExpanded] = useState(false);
  // Checked values stay visible even when they have no match left.
  const shown = expanded ? values : values.slice(0, 10);
  if (values.length === 0) return null;
  const isRef = param === 'owner' || param === 'system';
  return (
    <fieldset className="facet" data-facet={param}>
      <legend title={hint}>{label}</legend>
      {shown.map((v) => (
        <label key={v.value} className={`facet-row${isChecked(v.value) ? ' facet-checked' : ''}`} title={v.value}>
          <input type="checkbox" checked={isChecked(v.value)} onChange={() => onToggle(v.value)} />
          {param === 'kind' ? <KindIcon kind={v.value} size={13} /> : null}
          <span className="facet-value">{isRef ? refName(v.value) : param === 'kind' ? kindLabel(v.value) : v.value}</span>
          <span className="facet-count">{v.count}</span>
        </label>
      ))}
      {values.length > 10 ? (
        <button type="button" className="linklike small facet-more" onClick={() => setExpanded((x) => !x)}>
          {expanded ? 'Show fewer' : `Show all ${values.length}`}
        </button>
      ) : null}
    </fieldset>
  );
}
