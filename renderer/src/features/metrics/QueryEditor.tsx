// One query of the explorer, built from parts: metric, attribute filters (=, !=, =~, !~) and
// group-by with key and value suggestions, aggregation, percentiles for histograms; or, against
// a data source that speaks it, PromQL sent as written (run with Enter, kept in the URL) or
// written by the builder from the source's label names and values. For this Loupe's own store,
// PromQL mode shows the query a Prometheus source would get.
import { useEffect, useState } from 'react';
import type { RangeSpec } from '../../app/time-range';
import { Combobox } from '../../ui/Combobox';
import { FILTER_OPS, toPromql, type FilterOp, type MetricQuery } from '../../../../common/metrics/query-model';
import type { MetricChart } from '../../../../common/api/metric-schemas';
import { useMetricAttributes } from './hooks';

export const QUERY_LETTERS = 'ABCDEFGH';

export function QueryEditor({
  index,
  query,
  remote = false,
  sent = null,
  range,
  metricNames,
  chart,
  onChange,
  onRemove,
}: {
  index: number;
  query: MetricQuery;
  /** The query goes to a data source (which answers PromQL). */
  remote?: boolean;
  /** The PromQL the builder sends to that data source. */
  sent?: string | null;
  range: RangeSpec;
  metricNames: string[];
  chart: MetricChart | undefined;
  onChange: (q: MetricQuery) => void;
  onRemove: (() => void) | null;
}) {
  const attrs = useMetricAttributes(range, query.mode === 'builder' ? query.metric : '', query.source);
  const [promql, setPromql] = useState(query.promql);
  useEffect(() => setPromql(query.promql), [query.promql]);
  const runPromql = () => promql.trim() !== query.promql && onChange({ ...query, promql: promql.trim() });
  const keys = attrs.data ?? [];
  const [metric, setMetric] = useState(query.metric);
  const [key, setKey] = useState('');
  const [op, setOp] = useState<FilterOp>('=');
  const [value, setValue] = useState('');
  const [by, setBy] = useState('');
  const [pct, setPct] = useState(query.percentiles.join(', '));
  useEffect(() => setMetric(query.metric), [query.metric]);
  useEffect(() => setPct(query.percentiles.join(', ')), [query.percentiles]);
  const letter = QUERY_LETTERS[index];
  const isHistogram = chart?.display === 'percentiles';

  const addFilter = () => {
    if (!key.trim()) return;
    onChange({ ...query, filters: [...query.filters, { key: key.trim(), op, value }] });
    setKey('');
    setValue('');
  };
  const addGroup = (k: string) => {
    const v = k.trim();
    if (!v || query.groupBy.includes(v)) return;
    onChange({ ...query, groupBy: [...query.groupBy, v] });
    setBy('');
  };
  const valuesOf = (k: string) => keys.find((a) => a.key === k)?.values.map((v) => ({ value: v.value, hint: `${v.series} series` })) ?? [];

  return (
    <div className="query-editor" data-testid={`query-${letter}`}>
      <div className="query-row">
        <span className={`query-letter query-letter-${index}`}>{letter}</span>
        <span className="badge badge-muted" title={remote ? `Where this query is answered: the data source ${query.source}` : "Where this query is answered: this Loupe's own store"}>
          {query.source}
        </span>
        <div className="segmented" role="radiogroup" aria-label={`Mode of query ${letter}`}>
          <button
            type="button"
            role="radio"
            aria-checked={query.mode === 'builder'}
            className={`seg seg-text${query.mode === 'builder' ? ' seg-active' : ''}`}
            onClick={() => onChange({ ...query, mode: 'builder' })}
            title={remote ? `Build the query from ${query.source}'s metric names, labels and values; Loupe writes the PromQL` : undefined}
          >
            Builder
          </button>
          <button
            type="button"
            role="radio"
            aria-checked={query.mode === 'promql'}
            className={`seg seg-text${query.mode === 'promql' ? ' seg-active' : ''}`}
            onClick={() => onChange({ ...query, mode: 'promql', promql: sent ?? (query.promql || toPromql(query, chart?.display)) })}
          >
            PromQL
          </button>
        </div>
        {query.mode === 'builder' ? (
          <Combobox
            className="query-metric"
            label={`Metric of query ${letter}`}
            placeholder="metric name"
            mono
            value={metric}
            onChange={setMetric}
            onCommit={(v) => v.trim() && v !== query.metric && onChange({ ...query, metric: v.trim(), filters: [], groupBy: [] })}
            suggestions={metricNames.map((n) => ({ value: n }))}
          />
        ) : (
          <>
            <input
              className="input mono query-promql"
              aria-label={`PromQL of query ${letter}`}
              placeholder={remote ? 'sum by (service_name) (rate(traces_span_metrics_calls_total[5m]))' : undefined}
              value={promql}
              onChange={(e) => setPromql(e.target.value)}
              onKeyDown={(e) => e.key === 'Enter' && runPromql()}
              onBlur={runPromql}
            />
            {remote ? (
              <button type="button" className="btn btn-small btn-primary" onClick={runPromql} disabled={!promql.trim()} title="Run the query (Enter)">
                Run
              </button>
            ) : null}
          </>
        )}
        {query.mode === 'builder' ? (
          <label className="field-inline">
            <span className="muted">combine</span>
            <select className="input" aria-label={`Aggregation of query ${letter}`} value={query.agg} onChange={(e) => onChange({ ...query, agg: e.target.value as MetricQuery['agg'] })}>
              <option value="sum">sum</option>
              <option value="avg">avg</option>
              <option value="min">min</option>
              <option value="max">max</option>
            </select>
          </label>
        ) : null}
        {isHistogram && query.mode === 'builder' ? (
          <label className="field-inline">
            <span className="muted">percentiles</span>
            <input
              className="input query-pct"
              aria-label={`Percentiles of query ${letter}`}
              value={pct}
              onChange={(e) => setPct(e.target.value)}
              onBlur={() => {
                const list = pct.split(/[\s,]+/).map(Number).filter((n) => n > 0 && n <= 100);
                if (list.length) onChange({ ...query, percentiles: list });
                else setPct(query.percentiles.join(', '));
              }}
              onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
            />
          </label>
        ) : null}
        {onRemove ? (
          <button type="button" className="btn btn-small query-remove" onClick={onRemove} aria-label={`Remove query ${letter}`}>
            Remove
          </button>
        ) : null}
      </div>
      {sent ? (
        <p className="muted small query-hint query-sent" data-testid="query-sent">
          Sends to <span className="mono">{query.source}</span>: <code className="mono">{sent}</code>
        </p>
      ) : null}
      {query.mode === 'promql' && remote ? null : query.mode === 'promql' ? (
        <p className="muted small query-hint">
          PromQL is answered by Prometheus-compatible data sources; this Loupe&apos;s own store is queried with the builder. Switch back to Builder to chart it here.
        </p>
      ) : (
        <div className="query-row query-row-filters">
          <span className="muted query-label">where</span>
          {query.filters.map((f, i) => (
            <span key={i} className="filter-chip mono" data-testid="metric-filter">
              {f.key} {f.op} {f.value || '""'}
              <button type="button" aria-label={`Remove filter ${f.key}`} onClick={() => onChange({ ...query, filters: query.filters.filter((_, j) => j !== i) })}>
                ×
              </button>
            </span>
          ))}
          <Combobox className="query-key" label={`Filter key of query ${letter}`} placeholder="attribute" mono value={key} onChange={setKey} suggestions={keys.map((k) => ({ value: k.key }))} />
          <select className="input query-op" aria-label={`Filter operator of query ${letter}`} value={op} onChange={(e) => setOp(e.target.value as FilterOp)}>
            {FILTER_OPS.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
          <Combobox
            className="query-value"
            label={`Filter value of query ${letter}`}
            placeholder={op.includes('~') ? 'regex' : 'value'}
            mono
            value={value}
            onChange={setValue}
            onCommit={() => undefined}
            suggestions={valuesOf(key)}
          />
          <button type="button" className="btn btn-small" onClick={addFilter} disabled={!key.trim()}>
            Add filter
          </button>
          <span className="muted query-label">by</span>
          {query.groupBy.map((k) => (
            <span key={k} className="filter-chip mono" data-testid="metric-group">
              {k}
              <button type="button" aria-label={`Stop grouping by ${k}`} onClick={() => onChange({ ...query, groupBy: query.groupBy.filter((x) => x !== k) })}>
                ×
              </button>
            </span>
          ))}
          <Combobox
            className="query-key"
            label={`Group by of query ${letter}`}
            placeholder="group by…"
            mono
            value={by}
            onChange={setBy}
            onCommit={addGroup}
            suggestions={keys.filter((k) => !query.groupBy.includes(k.key)).map((k) => ({ value: k.key, hint: `${k.values.length} values` }))}
          />
        </div>
      )}
    </div>
  );
}
