// Everything wrong in the descriptor files: invalid fields, dangling references, duplicates,
// with file:line, rule and entity; filtered by severity and rule (kept in the URL).
import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useUpdateParams } from '../../app/url-state';
import { EmptyHint, ErrorBanner, SkeletonRows } from '../../ui/states';
import { SourceLocation } from './EntityAside';
import { useCatalogEntities, useCatalogErrors } from './hooks';
import { CatalogTabs, EntityLink, useRangeSuffix } from './parts';
import { SEVERITY_ORDER, countBy, filterProblems, sortProblems } from './problems';
import './catalog.css';

export function ProblemsPage() {
  const [params] = useSearchParams();
  const update = useUpdateParams();
  const suffix = useRangeSuffix();
  const errors = useCatalogErrors();
  // An entity that failed validation is not in the catalog: its reference is shown, not linked.
  const entities = useCatalogEntities({ limit: 20000 });
  const known = useMemo(() => new Set((entities.data ?? []).map((e) => e.ref)), [entities.data]);
  const severity = params.getAll('severity');
  const rule = params.getAll('rule');
  const all = useMemo(() => errors.data ?? [], [errors.data]);
  const bySeverity = useMemo(() => countBy(filterProblems(all, { severity: [], rule }), (p) => p.severity), [all, rule]);
  const byRule = useMemo(() => countBy(filterProblems(all, { severity, rule: [] }), (p) => p.rule), [all, severity]);
  const shown = useMemo(() => sortProblems(filterProblems(all, { severity, rule })), [all, severity, rule]);

  const toggle = (key: 'severity' | 'rule', value: string) =>
    update((p) => {
      const current = p.getAll(key);
      p.delete(key);
      for (const v of current.includes(value) ? current.filter((x) => x !== value) : [...current, value]) p.append(key, v);
    });

  return (
    <div className="page-pad cat-page">
      <div className="cat-head">
        <div>
          <h1>Catalog problems</h1>
          <div className="page-sub">
            <span>Descriptor files Loupe could not read as written; entities they describe may be missing or incomplete.</span>
          </div>
        </div>
        <CatalogTabs />
      </div>
      {errors.isError ? <ErrorBanner error={errors.error} what="Could not load the problems" onRetry={() => void errors.refetch()} /> : null}
      <div className="problem-filters" data-testid="problem-filters">
        <div className="filter-row">
          <span className="filter-label">Severity</span>
          {SEVERITY_ORDER.map((s) => {
            const count = bySeverity.find((c) => c.value === s)?.count ?? 0;
            const on = severity.includes(s);
            return (
              <button key={s} type="button" className={`pill-toggle${on ? ' pill-on' : ''}`} aria-pressed={on} onClick={() => toggle('severity', s)} disabled={!count && !on}>
                <span className={`sev-dot sev-dot-${s}`} />
                {s} <span className="pill-count">{count}</span>
              </button>
            );
          })}
        </div>
        {byRule.length ? (
          <div className="filter-row">
            <span className="filter-label">Rule</span>
            {byRule.map((r) => {
              const on = rule.includes(r.value);
              return (
                <button key={r.value} type="button" className={`pill-toggle mono${on ? ' pill-on' : ''}`} aria-pressed={on} onClick={() => toggle('rule', r.value)}>
                  {r.value} <span className="pill-count">{r.count}</span>
                </button>
              );
            })}
            {rule.length || severity.length ? (
              <button
                type="button"
                className="linklike small"
                onClick={() =>
                  update((p) => {
                    p.delete('rule');
                    p.delete('severity');
                  })
                }
              >
                Clear
              </button>
            ) : null}
          </div>
        ) : null}
      </div>
      <div className="table-wrap">
        <table className="table cat-table problems-table" data-testid="problems-table">
          <thead>
            <tr>
              <th scope="col">Severity</th>
              <th scope="col">Where</th>
              <th scope="col">Entity</th>
              <th scope="col">Rule</th>
              <th scope="col" className="col-desc">
                Problem
              </th>
            </tr>
          </thead>
          <tbody>
            {errors.isPending ? <SkeletonRows columns={5} rows={4} /> : null}
            {shown.map((p, i) => (
              <tr key={`${p.file}:${p.line}:${p.rule}:${i}`} data-rule={p.rule} data-severity={p.severity}>
                <td>
                  <span className={`sev-pill sev-pill-${p.severity}`}>{p.severity}</span>
                </td>
                <td>
                  <SourceLocation file={p.file} line={p.line} />
                </td>
                <td>
                  {p.entityRef && known.has(p.entityRef) ? (
                    <EntityLink entityRef={p.entityRef} icon />
                  ) : p.entityRef ? (
                    <span className="mono small muted" title="Not in the catalog: the descriptor could not be read as written">
                      {p.entityRef}
                    </span>
                  ) : (
                    <span className="faint">—</span>
                  )}
                </td>
                <td className="mono small">{p.rule}</td>
                <td className="col-desc problem-msg" title={p.message}>
                  {p.message}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {errors.isSuccess && shown.length === 0 ? (
          all.length === 0 ? (
            <EmptyHint title="No problems">
              <span>Every descriptor was read as written.</span>
              <Link to={`/catalog${suffix}`}>Back to the catalog</Link>
            </EmptyHint>
          ) : (
            <EmptyHint title="No problem matches these filters" />
          )
        ) : null}
      </div>
    </div>
  );
}
