// Every service in the window with its golden signals, ranked so that what is broken now comes
// first (SLO pages, failing services, latency regressions); a row opens the service's page.
import { useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { useServices } from '../../api/hooks';
import type { ServiceSummary } from '../../../../common/api/service-schemas';
import { useShortcuts } from '../../app/shortcuts';
import { useUpdateParams } from '../../app/url-state';
import { rangeLabel, useTimeRange } from '../../app/time-range';
import { refName } from './owner';
import { Chip } from '../../ui/Chip';
import { LateBadge, SilentBadge, SilentCallout, useActivityByService } from './silence';
import { healthOf, serviceColor } from '../../ui/colors';
import { formatCount, formatDuration, formatPercent, formatRate } from '../../ui/format';
import { SortHeader } from '../../ui/SortHeader';
import { useSorted } from '../../ui/sort';
import { Sparkline } from '../../ui/Sparkline';
import { EmptyHint, ErrorBanner, SkeletonRows } from '../../ui/states';
import { RelativeTime } from '../../ui/time';
import { problemReasons, RANKING_VALUE, type Ranking } from './problems';
import { SourcePicker, useSource } from '../datasources/SourcePicker';
import './services.css';

type SortKey = 'name' | 'rps' | 'errorRate' | 'p50' | 'p95' | 'p99' | 'spans' | 'lastSeen' | 'owner' | 'problems' | 'regression' | 'slo';

const ACCESSORS: Record<SortKey, (s: ServiceSummary) => number | string> = {
  name: (s) => s.name,
  rps: (s) => s.rps,
  errorRate: (s) => s.errorRate,
  p50: (s) => s.p50Ms ?? -1,
  p95: (s) => s.p95Ms ?? -1,
  p99: (s) => s.p99Ms ?? -1,
  spans: (s) => s.spanCount,
  lastSeen: (s) => s.lastSeen,
  owner: (s) => (s.owner ? refName(s.owner) : '\uffff'),
  problems: RANKING_VALUE.problems,
  regression: RANKING_VALUE.regression,
  slo: RANKING_VALUE.slo,
};

const RANKINGS: Array<{ id: Ranking; key: SortKey; label: string; title: string }> = [
  { id: 'problems', key: 'problems', label: 'Problems first', title: 'Paging SLO alerts, failing services, ticket alerts, latency regressions, degraded services, then the rest' },
  { id: 'errors', key: 'errorRate', label: 'Error rate', title: 'Highest share of failed requests first' },
  { id: 'regression', key: 'regression', label: 'Latency regression', title: 'p95 against the window just before this one, biggest rise first' },
  { id: 'slo', key: 'slo', label: 'SLO burn', title: 'Firing SLO alerts first, then the fastest 1-hour burn rate' },
];

const HEALTH_TEXT = {
  healthy: 'Healthy: error rate under 0.1%',
  degraded: 'Degraded: error rate at or above 0.1%',
  failing: 'Failing: error rate above 10%',
  idle: 'No requests in this window',
};

export function ServicesPage() {
  const { spec, setRange, relative } = useTimeRange();
  const [params] = useSearchParams();
  const update = useUpdateParams();
  const filter = params.get('q') ?? '';
  const source = useSource();
  const remote = source !== 'local';
  const services = useServices(spec, 40, source);
  const navigate = useNavigate();
  const [selected, setSelected] = useState(0);

  const rows = useMemo(() => {
    const q = filter.trim().toLowerCase();
    const list = services.data ?? [];
    return q ? list.filter((s) => s.name.toLowerCase().includes(q) || s.namespace.toLowerCase().includes(q) || s.versions.some((v) => v.includes(q))) : list;
  }, [services.data, filter]);
  const { sorted, sort, toggle } = useSorted<ServiceSummary, SortKey>(rows, ACCESSORS, { key: 'problems', dir: 'desc' });
  const withOwners = (services.data ?? []).some((s) => s.component !== null || s.owner !== null);

  const pageOf = (s: ServiceSummary) => {
    const p = new URLSearchParams();
    p.set('from', spec.from);
    p.set('to', spec.to);
    if (remote) p.set('source', source);
    return `/services/${encodeURIComponent(s.name)}?${p}`;
  };
  const open = (s: ServiceSummary) => navigate(pageOf(s));
  const activity = useActivityByService();
  const setFilter = (v: string) =>
    update(
      (p) => {
        if (v) p.set('q', v);
        else p.delete('q');
      },
      { replace: true },
    );

  useShortcuts({
    j: () => setSelected((i) => Math.min(sorted.length - 1, i + 1)),
    k: () => setSelected((i) => Math.max(0, i - 1)),
    Enter: () => sorted[selected] && open(sorted[selected]),
  });

  const totals = useMemo(() => {
    const list = services.data ?? [];
    const requests = list.reduce((a, s) => a + s.requests, 0);
    const errors = list.reduce((a, s) => a + s.requestErrors, 0);
    return { count: list.length, rps: list.reduce((a, s) => a + s.rps, 0), errorRate: requests ? errors / requests : 0, failing: list.filter((s) => ['degraded', 'failing'].includes(s.health ?? healthOf(s.errorRate, s.requests))).length };
  }, [services.data]);

  return (
    <div className="page-pad page-services">
      <div className="page-head">
        <div>
          <h1>Services</h1>
          <div className="page-sub">
            {services.data ? (
              <>
                <span>
                  <b>{totals.count}</b> services
                </span>
                <span>
                  <b>{formatRate(totals.rps)}</b> total
                </span>
                <span>
                  <b>{formatPercent(totals.errorRate)}</b> of requests failed
                </span>
                {totals.failing > 0 ? (
                  <span className="text-warn">
                    <b>{totals.failing}</b> degraded or failing
                  </span>
                ) : null}
              </>
            ) : (
              <span>&nbsp;</span>
            )}
          </div>
        </div>
        <div className="page-head-tools">
          <SourcePicker capability="serviceGraph" />
          <input
            className="input filter-input"
            type="search"
            placeholder="Filter services…   /"
            aria-label="Filter services"
            value={filter}
            data-search-box
            onChange={(e) => setFilter(e.target.value)}
          />
        </div>
      </div>
      <SilentCallout onOpen={(name) => navigate(`/services/${encodeURIComponent(name)}?${new URLSearchParams({ from: spec.from, to: spec.to })}`)} />
      <div className="services-rank" role="group" aria-label="Rank services by">
        <span className="muted small">Rank by</span>
        <div className="segmented segmented-text">
          {RANKINGS.map((r) => (
            <button
              key={r.id}
              type="button"
              className={`seg${sort.key === r.key && sort.dir === 'desc' ? ' seg-active' : ''}`}
              aria-pressed={sort.key === r.key && sort.dir === 'desc'}
              title={r.title}
              onClick={() => (sort.key === r.key && sort.dir === 'desc' ? undefined : sort.key === r.key ? toggle(r.key) : toggle(r.key, 'desc'))}
            >
              {r.label}
            </button>
          ))}
        </div>
      </div>
      {services.isError ? <ErrorBanner error={services.error} onRetry={() => void services.refetch()} what="Could not load services" /> : null}
      <div className="table-wrap">
        <table className="table services-table" data-testid="services-table">
          <thead>
            <tr>
              <SortHeader id="name" sort={sort} onSort={toggle} firstDir="asc">
                Service
              </SortHeader>
              <SortHeader id="rps" sort={sort} onSort={toggle} align="right">
                Requests
              </SortHeader>
              <SortHeader id="errorRate" sort={sort} onSort={toggle} align="right">
                Errors
              </SortHeader>
              <SortHeader id="p50" sort={sort} onSort={toggle} align="right">
                p50
              </SortHeader>
              <SortHeader id="p95" sort={sort} onSort={toggle} align="right">
                p95
              </SortHeader>
              <SortHeader id="p99" sort={sort} onSort={toggle} align="right">
                p99
              </SortHeader>
              <th scope="col" className="col-spark">
                Traffic <span className="muted small">(errors in red)</span>
              </th>
              {withOwners ? (
                <SortHeader id="owner" sort={sort} onSort={toggle} firstDir="asc">
                  Owner
                </SortHeader>
              ) : null}
              {/* With owners shown, the span count makes room for them. */}
              {withOwners ? null : (
                <SortHeader id="spans" sort={sort} onSort={toggle} align="right">
                  Spans
                </SortHeader>
              )}
              <SortHeader id="lastSeen" sort={sort} onSort={toggle} align="right">
                Last seen
              </SortHeader>
            </tr>
          </thead>
          <tbody>
            {services.isPending ? <SkeletonRows columns={9} /> : null}
            {sorted.map((s, i) => {
              const health = s.health ?? healthOf(s.errorRate, s.requests);
              const regressed = s.latencyRatio !== null && s.latencyRatio !== undefined && s.latencyRatio >= 1.5 && s.p95BaselineMs !== null;
              return (
                <tr
                  key={`${s.namespace}/${s.name}`}
                  className={`row-click${i === selected ? ' row-selected' : ''}`}
                  onClick={() => open(s)}
                  onMouseEnter={() => setSelected(i)}
                  data-service={s.name}
                >
                  <td className="svc-cell">
                    <span className={`health-mark health-${health}`} title={HEALTH_TEXT[health]} aria-label={HEALTH_TEXT[health]} />
                    <span className="svc-swatch" style={{ background: serviceColor(s.name) }} />
                    <span className="svc-title">
                      <a
                        href={pageOf(s)}
                        className="svc-link"
                        onClick={(e) => {
                          e.preventDefault();
                          e.stopPropagation();
                          open(s);
                        }}
                      >
                        {s.name}
                      </a>
                      {s.namespace ? <span className="muted small"> {s.namespace}</span> : null}
                    </span>
                    <span className="chips">
                      {activity.get(s.name)?.silent ? <SilentBadge activity={activity.get(s.name)!} /> : null}
                      {activity.get(s.name) ? <LateBadge activity={activity.get(s.name)!} /> : null}
                      {problemReasons(s).map((r) => (
                        <span key={r.text} className={`reason reason-${r.tone}`} title={r.title} data-testid="problem-reason">
                          {r.text}
                        </span>
                      ))}
                      {s.versions.slice(-3).map((v) => (
                        <Chip key={v} tone="muted" title={`service.version ${v}`}>
                          {v}
                        </Chip>
                      ))}
                      {s.versions.length > 3 ? <Chip tone="muted">+{s.versions.length - 3}</Chip> : null}
                    </span>
                  </td>
                  <td className="num" data-col="rps" title={`${s.requests.toLocaleString()} requests, per second of the part of the window the service's data covers`}>
                    {formatRate(s.rps)}
                  </td>
                  <td className={`num err-${health}`} data-col="errors" title={`${s.requestErrors.toLocaleString()} failed of ${s.requests.toLocaleString()}`}>
                    {s.requests > 0 ? formatPercent(s.errorRate) : '—'}
                  </td>
                  <td className="num mono">{formatDuration(s.p50Ms)}</td>
                  <td className="num mono">
                    {regressed ? (
                      <span
                        className="regress"
                        title={`p95 is ${s.latencyRatio!.toFixed(1)}× the previous window's ${formatDuration(s.p95BaselineMs)}`}
                      >
                        ↑{s.latencyRatio!.toFixed(1)}×
                      </span>
                    ) : null}
                    {formatDuration(s.p95Ms)}
                  </td>
                  <td className="num mono">{formatDuration(s.p99Ms)}</td>
                  <td className="col-spark">
                    <Sparkline
                      values={trimPartial(s.sparkline ?? [], relative)}
                      errors={trimPartial(s.errorSparkline ?? [], relative)}
                      label={`Requests over ${rangeLabel(spec).toLowerCase()}`}
                    />
                  </td>
                  {withOwners ? (
                    <td className="svc-owner-cell" title={s.owner ?? 'No owner: no catalog component describes this service, or it names no owner'}>
                      {s.owner ? refName(s.owner) : <span className="faint">no owner</span>}
                    </td>
                  ) : null}
                  {withOwners ? null : (
                    <td className="num">{remote ? <span className="faint" title={`${source} counts requests, not spans`}>—</span> : formatCount(s.spanCount)}</td>
                  )}
                  <td className="num">{s.lastSeen ? <RelativeTime ms={s.lastSeen} /> : <span className="faint" title={`${source} does not say when a service was last seen`}>—</span>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {services.isSuccess && sorted.length === 0 ? (
          filter ? (
            <EmptyHint title={`No service matches “${filter}”`}>
              <button type="button" className="btn btn-small" onClick={() => setFilter('')}>
                Clear the filter
              </button>
            </EmptyHint>
          ) : remote ? (
            <EmptyHint title={`${source} has no service signals in the ${rangeLabel(spec).toLowerCase()}`}>
              <span>
                A data source&apos;s services come from its service-graph and span-metrics series (<span className="mono">traces_service_graph_request_total</span>,{' '}
                <span className="mono">traces_span_metrics_calls_total</span>) or <span className="mono">http_server_request_duration_seconds</span>.
              </span>
            </EmptyHint>
          ) : (
            <EmptyHint title={`No service sent data in the ${rangeLabel(spec).toLowerCase()}`}>
              <span>Widen the time range to see older data.</span>
              <button type="button" className="btn btn-small" onClick={() => setRange({ from: 'now-7d', to: 'now' })}>
                Show the last 7 days
              </button>
            </EmptyHint>
          )
        ) : null}
      </div>
    </div>
  );
}

/** With a range ending now, the newest bucket is still filling; drawing it would look like a drop. */
function trimPartial(values: number[], relative: boolean): number[] {
  return relative && values.length > 3 ? values.slice(0, -1) : values;
}
