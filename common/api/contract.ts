// Every API method, declared once: path, input and output. The server's routes, the
// renderer's typed client and the API reference (docs/api.md) are all derived from this table.
import { z } from 'zod';
import { alertsApi } from './alert-schemas';
import { CatalogSources, catalogApi } from './catalog-schemas';
import { flowApi } from './flow-schemas';
import { releasesApi } from './releases-schemas';
import { incidentApi } from './incident-schemas';
import { SearchAttributeKeyParam, SearchAttributes, Settings } from './settings-schemas';
import { SourceActivityList } from './source-activity-schemas';
import {
  MetricAttributes,
  MetricAttributesQuery,
  MetricChart,
  MetricChartQuery,
  MetricInfo,
  MetricSeries,
  MetricSeriesQuery,
  MetricsQuery,
} from './metric-schemas';
import {
  DataSourceInfo,
  DataSourceList,
  DataSourcePut,
  DataSourceTest,
  DataSourceRename,
  PluginList,
  PromQlAnswer,
  PromQlQuery,
  SourceParam,
  DataSourceParam,
} from './datasource-schemas';
import { TimeRange } from './shared-schemas';
import { Health } from './health-schemas';
import {
  EdgeSignals,
  EdgeSignalsQuery,
  GoldenSignals,
  GoldenSignalsQuery,
  ServiceMap,
  ServiceSummary,
  ServicesQuery,
} from './service-schemas';
import { CompactTrace, TraceDetail, TraceSearch, TraceSummary } from './trace-schemas';
import { LogHistogram, LogHistogramQuery, LogRecord, LogSearch } from './log-schemas';
import { AttributeKeysQuery, AttributeValuesQuery, OperationsQuery } from './autocomplete-schemas';
import { DemoFaultChange, DemoFaults, DemoStatus } from './demo-schemas';
import { ImportResult, SnapshotQuery } from './ingest-schemas';
import { SloDefinition, SloList, SloListQuery, SloStatus } from './slo-schemas';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Endpoint<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  method: HttpMethod;
  /** Path with `:name` parameters; they are merged into the input. */
  path: string;
  /** GET: path and query parameters. Others: path parameters merged with the JSON body.
   * `raw` endpoints receive the request body unparsed (uploads). */
  input: I;
  output: O;
  summary: string;
  raw?: boolean;
}

function endpoint<I extends z.ZodType, O extends z.ZodType>(e: Endpoint<I, O>): Endpoint<I, O> {
  return e;
}

export const api = {
  health: endpoint({
    method: 'GET',
    path: '/api/health',
    input: z.object({}),
    output: Health,
    summary: 'Version, data directory, ingest counters, store size and recent ingest errors.',
  }),
  sourceActivity: endpoint({
    method: 'GET',
    path: '/api/ingest/sources',
    input: z.object({}),
    output: SourceActivityList,
    summary:
      'Per service and per source (otlp-http, otlp-grpc, import, snapshot, plugin:<id>): last seen, usual interval (median gap between recent arrivals), silent (quiet for 5 usual intervals and at least the minimum), and late data (items more than 2 minutes behind their arrival) with the lag.',
  }),
  services: endpoint({
    method: 'GET',
    path: '/api/services',
    input: ServicesQuery.extend(SourceParam.shape),
    output: z.array(ServiceSummary),
    summary: 'Services seen in the window with request rate, error rate and latency percentiles (from rollups).',
  }),
  operations: endpoint({
    method: 'GET',
    path: '/api/operations',
    input: OperationsQuery,
    output: z.array(z.object({ service: z.string(), name: z.string(), calls: z.number() })),
    summary: 'Span names per service (entry operations first), for search autocomplete.',
  }),
  attributeKeys: endpoint({
    method: 'GET',
    path: '/api/attributes',
    input: AttributeKeysQuery,
    output: z.array(
      z.object({
        key: z.string(),
        count: z.number(),
        /** Spans only: the trace search finds this key's values through the attribute index. */
        indexed: z.boolean().optional(),
      }),
    ),
    summary:
      'Attribute keys seen on recent spans or logs, most frequent first (sampled); for keys seen on span attributes, `indexed` says whether the trace search finds the key\'s values through the attribute index (http.*, rpc.*, db.*, messaging.*, url.path, error.type and keys added in Settings or with --search-attribute); keys seen on resources only carry none.',
  }),
  attributeValues: endpoint({
    method: 'GET',
    path: '/api/attributes/values',
    input: AttributeValuesQuery,
    output: z.array(z.object({ value: z.string(), count: z.number() })),
    summary: 'Values of one attribute key on recent spans or logs, most frequent first (sampled).',
  }),
  traces: endpoint({
    method: 'GET',
    path: '/api/traces',
    input: TraceSearch,
    output: z.array(TraceSummary),
    summary: 'Traces with a span matching every filter, newest first.',
  }),
  trace: endpoint({
    method: 'GET',
    path: '/api/traces/:traceId',
    input: z.object({ traceId: z.string() }),
    output: TraceDetail,
    summary: 'Every span of one trace (ids as lowercase hex; 64-bit ids are left-padded).',
  }),
  traceCompact: endpoint({
    method: 'GET',
    path: '/api/traces/:traceId/compact',
    input: z.object({ traceId: z.string() }),
    output: CompactTrace,
    summary: 'One trace with each resource and scope listed once and referenced by index (what the UI loads: a fraction of the size for large traces).',
  }),
  logs: endpoint({
    method: 'GET',
    path: '/api/logs',
    input: LogSearch,
    output: z.array(LogRecord),
    summary: 'Log records matching the filters and full-text query, newest first.',
  }),
  log: endpoint({
    method: 'GET',
    path: '/api/logs/:id',
    input: z.object({ id: z.coerce.number().int().positive() }),
    output: LogRecord,
    summary: 'One log record by id.',
  }),
  logHistogram: endpoint({
    method: 'GET',
    path: '/api/logs/histogram',
    input: LogHistogramQuery,
    output: LogHistogram,
    summary: 'Counts of matching log records per time bucket and severity band.',
  }),
  metrics: endpoint({
    method: 'GET',
    path: '/api/metrics',
    input: MetricsQuery.extend(SourceParam.shape),
    output: z.array(MetricInfo),
    summary: 'Metric names with kind, unit and the services that send them.',
  }),
  metricSeries: endpoint({
    method: 'GET',
    path: '/api/metrics/:name/series',
    input: MetricChartQuery,
    output: MetricChart,
    summary:
      'One metric charted over the window: filtered by attributes (attr=k=v, k!=v, k=~re, k!~re; repeatable), one series per groupBy value, combined with agg (sum, avg, min, max). Gauges and non-monotonic sums as values, monotonic sums as per-second rates (cumulative or delta, resets handled), histograms as percentiles with a bucket heatmap, summaries as quantiles; with exemplars and notes on what could not be shown.',
  }),
  metricAttributes: endpoint({
    method: 'GET',
    path: '/api/metrics/:name/attributes',
    input: MetricAttributesQuery.extend(SourceParam.shape),
    output: MetricAttributes,
    summary: "Attribute keys of one metric's series (point and resource attributes) with their values, for filters and group-by; with source=<name>, that data source's label names and values for the metric.",
  }),
  metricPoints: endpoint({
    method: 'GET',
    path: '/api/metrics/:name/points',
    input: MetricSeriesQuery.extend(SourceParam.shape),
    output: z.array(MetricSeries),
    summary: 'The stored series of one metric (one per attribute set and resource) with their points as sent (downsampled).',
  }),
  settings: endpoint({
    method: 'GET',
    path: '/api/settings',
    input: z.object({}),
    output: Settings,
    summary: 'How this Loupe runs: data directory, retention caps, listeners and the session token (set with `loupe serve` flags).',
  }),
  searchAttributes: endpoint({
    method: 'GET',
    path: '/api/search-attributes',
    input: z.object({}),
    output: SearchAttributes,
    summary: 'The span attribute keys the trace search index keeps (defaults and the user\'s own), each with the time from which spans are indexed for it.',
  }),
  searchAttributePut: endpoint({
    method: 'PUT',
    path: '/api/search-attributes/:key',
    input: SearchAttributeKeyParam,
    output: SearchAttributes,
    summary: 'Adds a span attribute key to the search index, from now on (spans stored before are still found, by walking them); kept across restarts.',
  }),
  searchAttributeDelete: endpoint({
    method: 'DELETE',
    path: '/api/search-attributes/:key',
    input: SearchAttributeKeyParam,
    output: SearchAttributes,
    summary: 'Takes a key the user added out of the search index (404 when it is not one; the defaults stay).',
  }),
  demo: endpoint({
    method: 'GET',
    path: '/api/demo',
    input: z.object({}),
    output: DemoStatus,
    summary: 'Whether the built-in demo system is running.',
  }),
  demoStart: endpoint({
    method: 'POST',
    path: '/api/demo/start',
    input: z.object({}),
    output: DemoStatus,
    summary: 'Starts the demo system: instrumented services sending OTLP to this Loupe.',
  }),
  demoStop: endpoint({
    method: 'POST',
    path: '/api/demo/stop',
    input: z.object({}),
    output: DemoStatus,
    summary: 'Stops the demo system (and every fault that is on).',
  }),
  demoFaults: endpoint({
    method: 'GET',
    path: '/api/demo/faults',
    input: z.object({}),
    output: DemoFaults,
    summary: "The demo's faults: what each does, which are on and since when, and every start and stop as events (newest first).",
  }),
  demoFaultSet: endpoint({
    method: 'POST',
    path: '/api/demo/faults',
    input: DemoFaultChange,
    output: DemoFaults,
    summary: 'Starts or stops one demo fault. 400 for an unknown fault (listing the known ones); 409 when the demo is not running.',
  }),
  serviceMap: endpoint({
    method: 'GET',
    path: '/api/service-map',
    input: TimeRange.extend(SourceParam.shape),
    output: ServiceMap,
    summary: 'Nodes (services, databases, queues, external peers) and edges with req/s, error rate and latency, from rollups.',
  }),
  edgeSignals: endpoint({
    method: 'GET',
    path: '/api/service-map/edge',
    input: EdgeSignalsQuery.extend(DataSourceParam.shape),
    output: EdgeSignals,
    summary: 'One edge of the service map over time: calls, errors and latency as the caller saw them.',
  }),
  goldenSignals: endpoint({
    method: 'GET',
    path: '/api/services/:name/golden-signals',
    input: GoldenSignalsQuery.extend(SourceParam.shape),
    output: GoldenSignals,
    summary: 'Latency (successful vs failed), traffic, errors by status class and saturation of one service over time, with its operations, callers, callees and versions. A database, queue or external node (its map id) gets what its callers saw.',
  }),
  slos: endpoint({
    method: 'GET',
    path: '/api/slos',
    input: SloListQuery.extend(SourceParam.shape),
    output: SloList,
    summary: 'Every SLO in slos.yaml (with service=<name>, those of one service) with its SLI, error budget, burn rates and multiwindow alerts; with source=<name>, computed from that data source (a plugin answering serviceGraph.sli), one call per SLO listed: an SLO the source cannot evaluate carries its own error and the others their status.',
  }),
  sloPut: endpoint({
    method: 'PUT',
    path: '/api/slos/:id',
    input: SloDefinition,
    output: SloStatus,
    summary: 'Creates or replaces one SLO (written to slos.yaml).',
  }),
  sloDelete: endpoint({
    method: 'DELETE',
    path: '/api/slos/:id',
    input: z.object({ id: z.string() }),
    output: z.object({ deleted: z.boolean() }),
    summary: 'Removes one SLO from slos.yaml.',
  }),
  ...alertsApi,
  catalogSources: endpoint({
    method: 'GET',
    path: '/api/catalog/sources',
    input: z.object({}),
    output: CatalogSources,
    summary: 'Folders and files the catalog is read from (--catalog ones and those added in the UI).',
  }),
  catalogSourcesPut: endpoint({
    method: 'PUT',
    path: '/api/catalog/sources',
    input: z.object({ sources: z.array(z.string()) }),
    output: CatalogSources,
    summary: 'Replaces the sources added in the UI (kept in catalog-sources.json) and reloads the catalog.',
  }),
  ...catalogApi,
  metricsQuery: endpoint({
    method: 'GET',
    path: '/api/metrics/query',
    input: PromQlQuery,
    output: PromQlAnswer,
    summary: 'A PromQL range query (instant when step=0) against a source that speaks PromQL; the backend\'s error is returned as it gave it.',
  }),
  plugins: endpoint({
    method: 'GET',
    path: '/api/plugins',
    input: z.object({}),
    output: PluginList,
    summary: 'Installed plugins (built-in, in <data-dir>/plugins, or named with --plugin) with their state, last error and restart count, and plugin folders that could not be loaded.',
  }),
  pluginSettings: endpoint({
    method: 'GET',
    path: '/api/plugins/:id/settings',
    input: z.object({ id: z.string() }),
    output: z.object({ id: z.string(), schema: z.record(z.string(), z.unknown()) }),
    summary: 'The settings a data source of this plugin takes, as JSON Schema (secret fields carry "secret": true); starts the plugin.',
  }),
  datasources: endpoint({
    method: 'GET',
    path: '/api/datasources',
    input: z.object({}),
    output: DataSourceList,
    summary: 'Data sources: local and those in datasources.yaml, each with its status and last error (secrets are never returned).',
  }),
  datasourcePut: endpoint({
    method: 'PUT',
    path: '/api/datasources/:name',
    input: DataSourcePut,
    output: DataSourceInfo,
    summary: 'Adds or replaces a data source (written to datasources.yaml; secrets to the secret store) and checks it.',
  }),
  datasourceDelete: endpoint({
    method: 'DELETE',
    path: '/api/datasources/:name',
    input: z.object({ name: z.string() }),
    output: z.object({ deleted: z.boolean() }),
    summary: 'Removes a data source and its secrets.',
  }),
  datasourceRename: endpoint({
    method: 'POST',
    path: '/api/datasources/:name/rename',
    input: DataSourceRename,
    output: DataSourceInfo,
    summary:
      'Renames a data source in datasources.yaml (in place: comments stay) and moves its secrets; the old name is kept as a former name, so links with ?source=<old> keep reading it.',
  }),
  datasourceTest: endpoint({
    method: 'POST',
    path: '/api/datasources/:name/test',
    input: z.object({ name: z.string() }),
    output: DataSourceTest,
    summary: 'Checks a data source now (its plugin\'s health check against the backend) and says what is wrong.',
  }),
  ...releasesApi,
  ...flowApi,
  ...incidentApi,
  importFile: endpoint({
    method: 'POST',
    path: '/api/import',
    input: z.object({ filename: z.string().default('upload') }),
    output: ImportResult,
    summary:
      'Imports one file sent as the request body: OTLP JSON or JSON lines, Jaeger JSON, Zipkin v2 JSON or a Loupe snapshot zip (checked whole first; a refused snapshot stores nothing) (?filename= names it in problems).',
    raw: true,
  }),
  snapshot: endpoint({
    method: 'GET',
    path: '/api/snapshot',
    input: SnapshotQuery,
    output: z.unknown(),
    summary:
      'Downloads an incident snapshot of the window as a zip (application/zip): traces, logs and metrics as OTLP JSON lines, SLOs, deploys, catalog entities and manifest.json.',
  }),
} as const;

export type Api = typeof api;
export type EndpointName = keyof Api;
export type InputOf<K extends EndpointName> = z.input<Api[K]['input']>;
export type ParsedInputOf<K extends EndpointName> = z.output<Api[K]['input']>;
export type OutputOf<K extends EndpointName> = z.output<Api[K]['output']>;

/** Server-Sent Events stream of live updates: `ingest` events carry an IngestEvent, `alert`
 * events an SloAlertEvent (an SLO alert started firing), `ruleAlert` and `ruleAlertResolved`
 * events an AlertInstance (an alert rule started firing, or resolved), `demoFault` events a
 * DemoFaultEvent (a demo fault started or stopped). */
export const EVENTS_PATH = '/api/events';

/** Fills `:params` of a path from an input object; returns the path and the rest. */
export function fillPath(path: string, input: Record<string, unknown>): { path: string; rest: Record<string, unknown> } {
  const rest = { ...input };
  const filled = path.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const v = rest[name];
    delete rest[name];
    return encodeURIComponent(String(v ?? ''));
  });
  return { path: filled, rest };
}

/** Builds a query string; arrays become repeated parameters, undefined/empty are skipped. */
export function toQueryString(params: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const item of v) q.append(k, String(item));
    else q.append(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
