// Metrics explorer: pick a metric from the list, build one or more queries (filters, group-by,
// aggregation, percentiles), read them on one chart with exemplars and, for histograms, a
// bucket heatmap. Queries, hidden series and the time range live in the URL. With a data
// source picked (?source=), the list is that source's metrics and queries are PromQL it answers.

import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useTimeRange } from '../../app/time-range';
import { useUpdateParams } from '../../app/url-state';
import { ErrorBanner, EmptyHint, Spinner } from '../../ui/states';
import { decodeQuery, emptyQuery, encodeQuery, toPromql, type MetricQuery } from '../../../../common/metrics/query-model';
import { BucketHeatmap } from './BucketHeatmap';
import { MetricChartView } from './MetricChartView';
import { ChartMarkersProvider, useDeployMarkers } from '../releases/ChartMarkers';
import { MetricList, kindLabel } from './MetricList';
import { QUERY_LETTERS, QueryEditor } from './QueryEditor';
import { useMetricChart, useMetricList, usePromqlChart } from './hooks';
import { builderPromql, promqlFor } from './promql-chart';
import { SourcePicker, useSource } from '../datasources/SourcePicker';
import './metrics.css';

const MAX_QUERIES = 4;

function useQueries(): { queries: MetricQuery[]; unreadable: number; setQueries: (q: MetricQuery[]) => void; hidden: Set<string>; toggle: (key: string) => void } {
  const [params] = useSearchParams();
  const update = useUpdateParams();
  const raw = params.getAll('q');
  const key = raw.join('\n');
  const { queries, unreadable } = useMemo(() => {
    const decoded = key ? key.split('\n').map(decodeQuery) : [];
    return { queries: decoded.filter((q): q is MetricQuery => q !== null), unreadable: decoded.filter((q) => q === null).length };
  }, [key]);
  const hiddenText = params.get('hide') ?? '';
  const hidden = useMemo(() => new Set(hiddenText ? hiddenText.split('|') : []), [hiddenText]);
  return {
    queries,
    unreadable,
    hidden,
    setQueries: (next) =>
      update((p) => {
        p.delete('q');
        p.delete('hide');
        for (const q of next) p.append('q', encodeQuery(q));
      }),
    toggle: (k) =>
      update(
        (p) => {
          const next = new Set(hidden);
          if (next.has(k)) next.delete(k);
          else next.add(k);
          if (next.size) p.set('hide', [...next].join('|'));
          else p.delete('hide');
        },
        { replace: true },
      ),
  };
}

export function MetricsPage() {
  const { spec } = useTimeRange();
  const [params] = useSearchParams();
  const update = useUpdateParams();
  const source = useSource();
  const remote = source !== 'local';
  // Opened from a service page: the list shows what that service sends, and a metric picked
  // from it is charted for that service alone.
  const service = params.get('service') ?? '';
  const metrics = useMetricList(spec, source, service);
  const { queries, unreadable, setQueries, hidden, toggle } = useQueries();
  // Every query reads the picked source; a data source answers PromQL, which the builder writes
  // from the metric, filters and grouping picked (with the source's own label names and values).
  const fresh = (metric = ''): MetricQuery => ({ ...emptyQuery(metric), source, mode: 'builder' });
  const active = (queries.length ? queries : [fresh()]).map((q) => (q.source === source ? q : { ...q, source }));
  const kindOf = (name: string) => metrics.data?.find((m) => m.name === name)?.kind;
  /** What a remote source is sent: the PromQL written, or the builder's. */
  const sent = (q: MetricQuery): MetricQuery => (remote && q.mode === 'builder' ? { ...q, mode: 'promql', promql: q.metric ? builderPromql(q, kindOf(q.metric)) : '' } : q);
  // A fixed number of chart hooks (one per possible query), so hooks keep their order.
  const results = Array.from({ length: MAX_QUERIES }, (_, i) => (active[i] ? (remote ? sent(active[i]) : active[i]) : emptyQuery()));
  const c0 = useMetricChart(spec, results[0]);
  const c1 = useMetricChart(spec, results[1]);
  const c2 = useMetricChart(spec, results[2]);
  const c3 = useMetricChart(spec, results[3]);
  const p0 = usePromqlChart(spec, results[0], source);
  const p1 = usePromqlChart(spec, results[1], source);
  const p2 = usePromqlChart(spec, results[2], source);
  const p3 = usePromqlChart(spec, results[3], source);
  const charts = (remote ? [p0, p1, p2, p3] : [c0, c1, c2, c3]).slice(0, active.length);
  const chartData = remote
    ? [p0, p1, p2, p3].slice(0, active.length).map((p) => p.chart)
    : [c0, c1, c2, c3].slice(0, active.length).map((c, i) => (active[i].metric && active[i].mode === 'builder' ? c.data : undefined));
  const first = chartData.find((c) => c !== undefined);
  const selected = active[0].metric;
  const hasQuery = remote ? active.some((q) => sent(q).promql.trim()) : !!selected;
  const info = metrics.data?.find((m) => m.name === selected);
  const histogram = chartData.find((c) => c?.heatmap);
  // Deploys of every service (and demo faults) on the chart: "did it change when X shipped?"
  const { markers } = useDeployMarkers(spec);

  const change = (i: number, q: MetricQuery) => setQueries(active.map((x, j) => (j === i ? q : x)));
  const pick = (name: string) => {
    const info = metrics.data?.find((m) => m.name === name);
    const scoped = service ? [{ key: 'service.name', op: '=' as const, value: service }] : [];
    const q = remote ? { ...fresh(name), promql: promqlFor(info ?? { name, kind: 'gauge' }) } : { ...fresh(name), filters: scoped };
    // A picked metric starts in the builder; its PromQL is what the PromQL tab then shows.
    setQueries(queries.length ? active.map((x, j) => (j === 0 ? q : x)) : [q]);
  };
  const clearService = () => update((p) => p.delete('service'));

  return (
    <div className="page-pad metrics-page">
      <div className="page-head">
        <div>
          <h1>Metrics</h1>
          <div className="page-sub">
            <span>
              {metrics.data ? (
                <>
                  <b>{metrics.data.length}</b> metrics in this window
                </>
              ) : (
                'Metrics sent over OTLP'
              )}
            </span>
          </div>
        </div>
        <SourcePicker capability="metrics" onChange={(next) => setQueries(queries.map((q) => ({ ...q, source: next })))} />
      </div>
      <div className="metrics-layout">
        <MetricList metrics={metrics} selected={selected} onPick={pick} service={service} onClearService={clearService} />
        <section className="metrics-main" aria-label="Chart">
          {unreadable ? <div className="banner banner-error">{unreadable} query in the address could not be read and was left out.</div> : null}
          {!hasQuery && active.length === 1 && remote ? (
            <EmptyHint title={`Pick a metric of ${source}, or write PromQL`}>
              The builder writes PromQL from the metric, filters and grouping you pick ({source}&apos;s own label names and values are suggested): counters as
              rates, histograms as percentiles. In PromQL mode the query is sent as written; {source}&apos;s own error is shown if it refuses it.
            </EmptyHint>
          ) : null}
          {!hasQuery && active.length === 1 && !remote ? (
            <EmptyHint title="Pick a metric">
              Choose one on the left, or type its name. Counters are charted as rates per second, histograms as percentiles with their buckets, gauges as
              values.
            </EmptyHint>
          ) : null}
          {selected && info && !remote ? (
            <div className="metric-head" data-testid="metric-head">
              <span className="mono metric-head-name">{info.name}</span>
              <span className={`metric-kind metric-kind-${info.kind}`}>{kindLabel(info)}</span>
              {info.unit ? <span className="badge badge-muted mono">{info.unit}</span> : null}
              {info.kind === 'sum' || info.kind === 'histogram' || info.kind === 'exponential_histogram' ? <span className="muted small">{info.temporality}</span> : null}
              <span className="muted small">from {info.services.join(', ')}</span>
              {info.description ? <span className="metric-head-desc">{info.description}</span> : null}
            </div>
          ) : null}
          <div className="query-list">
            {active.map((q, i) => (
              <QueryEditor
                key={i}
                index={i}
                query={q}
                remote={remote}
                sent={remote && q.mode === 'builder' ? sent(q).promql : null}
                range={spec}
                metricNames={(metrics.data ?? []).map((m) => m.name)}
                chart={chartData[i]}
                onChange={(next) => change(i, next)}
                onRemove={active.length > 1 ? () => setQueries(active.filter((_, j) => j !== i)) : null}
              />
            ))}
            {active.length < MAX_QUERIES && hasQuery ? (
              <button type="button" className="btn btn-small" onClick={() => setQueries([...active, fresh()])}>
                + Add query {QUERY_LETTERS[active.length]}
              </button>
            ) : null}
          </div>
          {charts.map((c, i) =>
            c.isError ? <ErrorBanner key={i} error={c.error} what={`Query ${QUERY_LETTERS[i]} could not be charted`} onRetry={() => void c.refetch()} /> : null,
          )}
          {hasQuery ? (
            <div className="metric-chart-panel">
              {charts.some((c) => c.isFetching) ? (
                <span className="metric-loading">
                  <Spinner />
                </span>
              ) : null}
              {first ? (
                <ChartMarkersProvider markers={markers}>
                  <MetricChartView charts={chartData} hidden={hidden} onToggle={toggle} from={first.from} to={first.to} />
                </ChartMarkersProvider>
              ) : charts[0]?.isLoading ? <div className="skeleton skeleton-block" style={{ height: 320 }} /> : null}
              {histogram ? <BucketHeatmap chart={histogram} /> : null}
              {chartData.map((c, i) =>
                c && c.notes.length ? (
                  <ul key={i} className="metric-notes" data-testid="metric-notes">
                    {c.notes.map((n) => (
                      <li key={n}>
                        <b>{QUERY_LETTERS[i]}</b> {n}
                      </li>
                    ))}
                  </ul>
                ) : null,
              )}
              {first && !remote ? (
                <details className="metric-promql">
                  <summary className="muted small">As PromQL</summary>
                  {active.map((q, i) => (
                    <code key={i} className="mono small">
                      {QUERY_LETTERS[i]}: {toPromql(q, chartData[i]?.display)}
                    </code>
                  ))}
                </details>
              ) : null}
            </div>
          ) : null}
        </section>
      </div>
    </div>
  );
}
