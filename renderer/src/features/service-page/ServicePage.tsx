// One service's golden signals: latency of successful and failed requests, traffic, errors by
// status class and saturation; its operations, callers and callees, versions side by side, SLOs,
// and the recent slow and failing traces and error logs.
import { OwnershipLinks } from '../catalog/Ownership';
import { useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useServices } from '../../api/hooks';
import { ApiError } from '../../api/client';
import { rangeLabel, rangeParams, useTimeRange } from '../../app/time-range';
import { severityBand } from '../../ui/colors';
import { formatClock, formatDuration, formatPercent, formatRate } from '../../ui/format';
import { EmptyHint, ErrorBanner, SkeletonBlock } from '../../ui/states';
import { RelativeTime } from '../../ui/time';
import { ServiceSlos } from '../slo/ServiceSlos';
import { ServiceAlerts } from '../alerts/ServiceAlerts';
import { refName } from '../services/owner';
import { isRegressed } from '../services/problems';
import { useErrorLogs, useFailingTraces, useGoldenSignals, useSlowTraces } from './hooks';
import { downstreamPeers, OperationsTable, PeersTable, upstreamPeers, VersionsTable } from './RedTables';
import { completeBuckets } from './series';
import { LatencyCharts, SaturationCharts, StatusChart, TrafficChart } from './SignalCharts';
import { TraceList } from './TraceList';
import { ServiceMetrics } from './ServiceMetrics';
import { ServiceExceptions } from '../exceptions/ServiceExceptions';
import { metricsHref } from '../metrics/links';
import { ChartMarkersProvider, useDeployMarkers } from '../releases/ChartMarkers';
import { DeployTimeline } from '../releases/DeployTimeline';
import { InstancesTable } from '../releases/InstancesTable';
import { useApi } from '../../api/query';
import { LocalOnlyNote, SourcePicker, useSource } from '../datasources/SourcePicker';
import './service.css';

const HEALTH_TEXT = {
  healthy: 'Healthy',
  degraded: 'Degraded',
  failing: 'Failing',
  idle: 'Idle',
};
const HEALTH_TITLE = {
  healthy: 'Error rate under 0.1%',
  degraded: 'Error rate at or above 0.1%',
  failing: 'Error rate above 10%',
  idle: 'No requests in this window',
};

export function ServicePage() {
  const { name = '' } = useParams();
  const { spec } = useTimeRange();
  const [params] = useSearchParams();
  const carry = rangeParams(params);
  // A data source answers the golden signals, operations, peers and SLOs; traces, logs,
  // instances, deploys and alert rules are this store's only.
  const source = useSource();
  const remote = source !== 'local';
  const gs = useGoldenSignals(spec, name, true, undefined, source);
  const services = useServices(spec, 0, source);
  const summary = services.data?.find((s) => s.name === name);
  const failing = useFailingTraces(spec, name, {}, 8, !remote);
  const slow = useSlowTraces(spec, name, gs.data?.totals.p95Ms ?? null, {}, 40, !remote);
  const logs = useErrorLogs(spec, name, 10, !remote);
  const link = (path: string, extra: Array<[string, string]> = []) => `${path}?${new URLSearchParams([...carry, ...extra])}`;
  /** Links to screens that read the same source (Services, the map). */
  const sourced = (path: string, extra: Array<[string, string]> = []) => link(path, remote ? [...extra, ['source', source]] : extra);
  const allServices = useMemo(() => (services.data ?? []).map((s) => s.name), [services.data]);

  const g = useMemo(() => (gs.data ? completeBuckets(gs.data) : undefined), [gs.data]);
  const health = g?.totals.health ?? summary?.health;
  const regressed = summary ? isRegressed(summary) : false;
  const { markers, deploys } = useDeployMarkers(spec, name);
  const [missing, setMissing] = useState<string | null>(null);
  const instances = useApi('instances', { name }, { range: spec, tables: ['rollups', 'metrics'], enabled: !!name && !remote, extra: { retry: false } });

  // No service (or peer) by this name: say so, and offer the ways on, not a Retry or an SLO form.
  // Remembered until data comes, so a live refresh (a new window, pending again) does not flash
  // the empty page back in.
  const notFoundNow = gs.error instanceof ApiError && gs.error.status === 404;
  if (notFoundNow && missing !== name) setMissing(name);
  else if (gs.data && missing !== null) setMissing(null);
  if (notFoundNow || (missing === name && !gs.data)) {
    const similar = allServices.filter((s) => s.toLowerCase().includes(name.toLowerCase()) || name.toLowerCase().includes(s.toLowerCase())).slice(0, 5);
    return (
      <div className="page-pad page-service" data-testid="service-page">
        <Link to={sourced('/services')} className="back-link">
          ← Services
        </Link>
        <div data-testid="service-not-found">
        <EmptyHint title={`No service called “${name}”`}>
          <span>
            Nothing named {name} sent spans in the {rangeLabel(spec).toLowerCase()}, and no service calls a peer by that name. It may have stopped sending
            before this window, or the name may be spelled differently.
          </span>
          {similar.length ? (
            <span>
              Did you mean{' '}
              {similar.map((s, i) => (
                <span key={s}>
                  {i ? ', ' : ''}
                  <Link className="link" to={sourced(`/services/${encodeURIComponent(s)}`)}>
                    {s}
                  </Link>
                </span>
              ))}
              ?
            </span>
          ) : null}
          <span className="svc-not-found-actions">
            <Link className="btn btn-small" to={sourced('/services')}>
              All services
            </Link>
            <Link className="btn btn-small" to={`/traces?${new URLSearchParams({ service: name, from: 'now-7d', to: 'now' })}`}>
              Search the last 7 days of traces
            </Link>
          </span>
        </EmptyHint>
        </div>
      </div>
    );
  }

  return (
    <ChartMarkersProvider markers={markers}>
    <div className="page-pad page-service" data-testid="service-page">
      <Link to={sourced('/services')} className="back-link">
        ← Services
      </Link>
      <header className="svc-head">
        <div className="svc-head-main">
          <h1>
            <span className={`health-mark health-${health ?? 'idle'}`} aria-hidden />
            {name}
          </h1>
          {health ? (
            <span className={`badge badge-health-${health}`} title={HEALTH_TITLE[health]} data-testid="service-health">
              {HEALTH_TEXT[health]}
            </span>
          ) : null}
          {summary?.sloAlert ? (
            <Link to={link('/slos', [['q', name]])} className={`slo-state slo-state-${summary.sloAlert}`} title="An SLO of this service is firing">
              SLO {summary.sloAlert}
            </Link>
          ) : null}
          {summary?.namespace ? <span className="muted">namespace {summary.namespace}</span> : null}
          <span className="svc-owner" data-testid="service-owner">
            {summary?.owner ? (
              <>
                owned by <b title={summary.owner}>{refName(summary.owner)}</b>
                {summary.component ? <span className="muted small"> · component {refName(summary.component)}</span> : null}
              </>
            ) : summary?.component ? (
              <span className="muted">component {refName(summary.component)}, no owner</span>
            ) : (
              <span className="muted" title="Add a catalog-info.yaml component for this service to name its owner">
                no owner in the catalog
              </span>
            )}
          </span>
          <OwnershipLinks component={summary?.component} />
        </div>
        <div className="svc-head-links">
          <SourcePicker capability="serviceGraph" />
          <Link className="btn btn-small" to={link('/traces', [['service', name]])} title={remote ? "Traces in this Loupe's own store" : undefined}>
            Traces
          </Link>
          <Link className="btn btn-small" to={link('/logs', [['service', name]])} title={remote ? "Logs in this Loupe's own store" : undefined}>
            Logs
          </Link>
          <Link className="btn btn-small" to={metricsHref(carry, name)} title={`The metrics ${name} sends, in the metrics explorer`}>
            Metrics
          </Link>
          <Link className="btn btn-small" to={sourced('/map', [['focus', name], ['sel', name]])}>
            On the map
          </Link>
        </div>
      </header>

      {gs.isError ? <ErrorBanner error={gs.error} onRetry={() => void gs.refetch()} what={`Could not load the golden signals of ${name}`} /> : null}

      {g ? (
        <div className="red-kpis red-kpis-large" data-testid="service-kpis">
          <div className="red-kpi">
            <span className="red-kpi-label">Traffic</span>
            <span className="red-kpi-value" data-testid="kpi-traffic" title="Requests per second over the part of the window the service's data covers">
              {formatRate(g.totals.rps)}
            </span>
            <span className="muted small">{g.totals.calls.toLocaleString()} requests</span>
          </div>
          <div className="red-kpi">
            <span className="red-kpi-label">Errors</span>
            <span className={`red-kpi-value err-${health ?? 'idle'}`} data-testid="kpi-errors">
              {g.totals.calls ? formatPercent(g.totals.errorRate) : '—'}
            </span>
            <span className="muted small">{g.totals.errors.toLocaleString()} failed</span>
          </div>
          <div className="red-kpi">
            <span className="red-kpi-label">p50</span>
            <span className="red-kpi-value mono">{formatDuration(g.totals.p50Ms)}</span>
          </div>
          <div className="red-kpi">
            <span className="red-kpi-label">p95</span>
            <span className="red-kpi-value mono">{formatDuration(g.totals.p95Ms)}</span>
            {summary?.p95BaselineMs !== null && summary?.p95BaselineMs !== undefined ? (
              <span className={`small ${regressed ? 'regress' : 'muted'}`} data-testid="p95-baseline" title="p95 of the window just before this one">
                {regressed ? `↑${summary.latencyRatio!.toFixed(1)}× ` : ''}was {formatDuration(summary.p95BaselineMs)}
              </span>
            ) : null}
          </div>
          <div className="red-kpi">
            <span className="red-kpi-label">p99</span>
            <span className="red-kpi-value mono">{formatDuration(g.totals.p99Ms)}</span>
          </div>
          <div className="red-kpi">
            <span className="red-kpi-label">Versions</span>
            <span className="red-kpi-value mono">{g.versions.length || '—'}</span>
            <span className="muted small">{rangeLabel(spec).toLowerCase()}</span>
          </div>
        </div>
      ) : gs.isPending ? (
        <SkeletonBlock height={64} />
      ) : null}

      {g && g.versions.length > 0 ? (
        <section className="svc-section">
          <h2>
            Versions <span className="count">{g.versions.length}</span>
            <span className="muted small svc-section-note">side by side in this window; the one slower or failing more than the best is marked</span>
          </h2>
          <VersionsTable versions={g.versions} />
        </section>
      ) : null}

      {g && g.totals.calls === 0 && g.operations.length === 0 ? (
        <EmptyHint title={`${name} received no requests in the ${rangeLabel(spec).toLowerCase()}`}>
          <span>Widen the time range, or check that the service sends server spans.</span>
        </EmptyHint>
      ) : null}

      {g ? (
        <>
          <div className="signal-grid">
            <LatencyCharts gs={g} />
            <TrafficChart gs={g} />
            <StatusChart gs={g} />
          </div>
          {g.saturation.length > 0 ? (
            <section className="svc-section">
              <h2>Saturation</h2>
              <div className="signal-grid signal-grid-small">
                <SaturationCharts gs={g} />
              </div>
            </section>
          ) : null}

          <ServiceMetrics service={name} range={spec} carry={carry} />

          {instances.data && instances.data.instances.length > 0 ? (
            <section className="svc-section">
              <h2>
                Instances <span className="count">{instances.data.instances.length}</span>
                <Link className="muted small svc-section-note" to={link('/releases', [['service', name], ['tab', 'instances']])}>
                  releases view
                </Link>
              </h2>
              <InstancesTable instances={instances.data.instances} />
            </section>
          ) : null}
          {!remote && deploys.data && deploys.data.length > 0 ? (
            <section className="svc-section">
              <h2>
                Deploys <span className="count">{deploys.data.length}</span>
                <Link className="muted small svc-section-note" to={link('/releases', [['service', name], ['tab', 'canary']])}>
                  judge a canary
                </Link>
              </h2>
              <DeployTimeline deploys={deploys.data} showService={false} limit={8} />
            </section>
          ) : null}

          <section className="svc-section">
            <h2>
              Operations <span className="count">{g.operations.length}</span>
            </h2>
            <OperationsTable operations={g.operations} service={name} />
          </section>

          <div className="svc-columns">
            <PeersTable title="Upstream · callers" peers={upstreamPeers(g)} testId="upstream-table" />
            <PeersTable title="Downstream · callees" peers={downstreamPeers(g)} testId="downstream-table" />
          </div>
        </>
      ) : gs.isPending ? (
        <SkeletonBlock height={360} />
      ) : null}

      <ServiceSlos service={name} services={allServices} source={source} />
      {remote ? <LocalOnlyNote source={source} what="Alert rules, traces and logs" /> : null}
      {remote ? null : <ServiceAlerts service={name} services={allServices} />}

      {remote ? null : (
      <>
      <div className="svc-columns">
        <section className="svc-section">
          <h2>
            Slowest recent traces
            {g?.totals.p95Ms ? <span className="muted small svc-section-note">at least its p95, {formatDuration(g.totals.p95Ms)}</span> : null}
          </h2>
          <TraceList traces={slow.data} loading={slow.isPending && !!g?.totals.p95Ms} order="slowest" limit={8} empty="No slow traces in this window." testId="slow-traces" />
        </section>
        <section className="svc-section">
          <h2>
            Failing traces <Link to={link('/traces', [['service', name], ['status', 'error']])} className="small svc-section-note">all</Link>
          </h2>
          <TraceList traces={failing.data} loading={failing.isPending} limit={8} empty="No failing traces in this window." testId="failing-traces" />
        </section>
      </div>

      <ServiceExceptions service={name} range={spec} carry={carry} />

      <section className="svc-section">
        <h2>
          Recent error logs{' '}
          <Link to={link('/logs', [['service', name], ['sev', '17']])} className="small svc-section-note">
            all
          </Link>
        </h2>
        {logs.isPending ? <SkeletonBlock height={80} /> : null}
        {logs.data && logs.data.length === 0 ? <div className="muted small">No ERROR or FATAL logs in this window.</div> : null}
        {logs.data && logs.data.length > 0 ? (
          <ul className="svc-logs" data-testid="error-logs">
            {logs.data.map((l) => (
              <li key={l.id} className="svc-log">
                <span className="svc-log-time mono muted" title={new Date(l.time).toISOString()}>
                  {formatClock(l.time)}
                </span>
                <span className={`sev sev-${severityBand(l.severityNumber).toLowerCase()}`}>{l.severityText || severityBand(l.severityNumber)}</span>
                <span className="svc-log-body">{l.body}</span>
                {l.traceId ? (
                  <Link to={link(`/traces/${l.traceId}`, l.spanId ? [['span', l.spanId]] : [])} className="small">
                    trace
                  </Link>
                ) : null}
                <RelativeTime ms={l.time} className="muted small svc-log-age" />
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      </>
      )}
    </div>
    </ChartMarkersProvider>
  );
}
