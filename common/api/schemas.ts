// Shapes of the core HTTP API, declared once with zod. The server validates input with
// them; the renderer's client is typed from them; the API reference is generated from them.
import { z } from 'zod';
import { PluginCatalogState } from './catalog-provider-schemas';
import { FAULT_NAMES } from '../demo-faults';

// ---- parameters --------------------------------------------------------------------------

/** A time parameter: unix milliseconds or an ISO-8601 timestamp. Parsed to unix ms. */
export const TimeParam = z.union([z.number(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  const t = v.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is neither unix milliseconds nor an ISO-8601 time` });
    return z.NEVER;
  }
  return ms;
});

const optionalNumber = z
  .union([z.number(), z.string()])
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '') return undefined;
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n)) {
      ctx.addIssue({ code: 'custom', message: `"${v}" is not a number` });
      return z.NEVER;
    }
    return n;
  });

/** Repeatable query parameter (?attr=a&attr=b) as an array. */
const repeated = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

const limit = (def: number, max: number) =>
  optionalNumber.transform((v) => Math.max(1, Math.min(max, Math.floor(v ?? def))));

export const TimeRange = z.object({
  from: TimeParam.optional(),
  to: TimeParam.optional(),
});

// ---- shared shapes -----------------------------------------------------------------------

export const AttributesSchema = z.record(z.string(), z.unknown());

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

// ---- health ------------------------------------------------------------------------------

export const Health = z.object({
  status: z.literal('ok'),
  version: z.string(),
  dataDir: z.string(),
  startedAt: z.number(),
  ingest: z.object({
    spans: z.number(),
    logs: z.number(),
    metricPoints: z.number(),
    /** Items (spans, log records, points) refused as invalid inside accepted requests. */
    rejected: z.number(),
    /** Whole requests refused as malformed (undecodable protobuf, invalid JSON, …). */
    malformedRequests: z.number(),
    duplicates: z.number(),
    queueDepth: z.number(),
    throttled: z.number(),
  }),
  store: z.object({
    sizeBytes: z.number(),
    maxSizeBytes: z.number(),
    maxAgeHours: z.number(),
  }),
  endpoints: z.object({
    otlpHttp: z.string(),
    otlpGrpc: z.string().nullable(),
    ui: z.string(),
  }),
  recentErrors: z.array(z.object({ time: z.number(), source: z.string(), message: z.string() })),
  demo: z.object({ running: z.boolean() }),
  /** Heavy queries (searches, the map, signals) in the query worker. */
  queries: z.object({
    running: z.number(),
    queued: z.number(),
    /** Stopped or dropped because their client went away, since start. */
    cancelled: z.number(),
  }),
  /** Set when this Loupe is a read-only view of a snapshot (`loupe serve --snapshot FILE`). */
  snapshot: z
    .object({
      /** The snapshot file's name. */
      file: z.string(),
      /** The window the snapshot was taken of, unix ms. */
      from: z.number(),
      to: z.number(),
      services: z.array(z.string()),
      /** When the snapshot was written (ISO time). */
      createdAt: z.string(),
    })
    .nullable(),
});
export type Health = z.infer<typeof Health>;
export type SnapshotView = NonNullable<Health['snapshot']>;

// ---- services ----------------------------------------------------------------------------

export const ServicesQuery = TimeRange.extend({
  /** Buckets of per-bucket request counts to return as a sparkline (0 = none). */
  sparkline: optionalNumber.transform((v) => Math.max(0, Math.min(120, Math.floor(v ?? 0)))),
});

export const ServiceSummary = z.object({
  name: z.string(),
  namespace: z.string(),
  /** All spans of the service in the window, and those that failed. */
  spanCount: z.number(),
  errorCount: z.number(),
  /** Requests that entered the service (server/consumer spans and local roots). */
  requests: z.number(),
  requestErrors: z.number(),
  errorRate: z.number(),
  /** Requests per second over the part of the window the service's data covers (a service
   * that started 4 minutes into an hour is rated over 56 minutes). */
  rps: z.number(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  /** Unix ms of the newest data from the service (any signal, any window). */
  lastSeen: z.number(),
  versions: z.array(z.string()),
  /** Requests (and failed requests) per second in each of `sparkline` equal parts of the window,
   * over the part of each the service's data covers. */
  sparkline: z.array(z.number()).optional(),
  errorSparkline: z.array(z.number()).optional(),
  /** Kiali's thresholds on errorRate: ≥0.1% degraded, >10% failing. */
  health: z.enum(['healthy', 'degraded', 'failing', 'idle']),
  /** p95 over the window just before this one (same length), for "latency regression". */
  p95BaselineMs: z.number().nullable(),
  /** p95 / baseline p95 (1 = unchanged); null without both. */
  latencyRatio: z.number().nullable(),
  /** The highest burn rate (1h window) among the service's SLOs, and any firing alert. */
  sloBurn: z.number().nullable(),
  sloAlert: z.enum(['page', 'ticket']).nullable(),
  /** The catalog component describing the service (service.name = metadata.name or the
   * loupe.dev/service-name annotation) and its owner, when a catalog is loaded. */
  component: z.string().nullable(),
  owner: z.string().nullable(),
});
export type ServiceSummary = z.infer<typeof ServiceSummary>;

// ---- traces ------------------------------------------------------------------------------

export const TraceSearch = TimeRange.extend({
  service: z.string().optional(),
  operation: z.string().optional(),
  minDurationMs: optionalNumber,
  maxDurationMs: optionalNumber,
  status: z.enum(['ok', 'error', 'any', '']).optional(),
  /** key=value filters on span attributes (and resource attributes), all must match one span. */
  attr: repeated,
  /** With `service`: only traces where that service called this map node (a service name,
   * or a database/queue/external node id as the service map names them). */
  peer: z.string().optional(),
  limit: limit(100, 1000),
});

export const TraceSummary = z.object({
  traceId: z.string(),
  rootService: z.string(),
  rootName: z.string(),
  /** Unix ms. */
  start: z.number(),
  durationMs: z.number(),
  spanCount: z.number(),
  errorCount: z.number(),
  services: z.array(z.string()),
});
export type TraceSummary = z.infer<typeof TraceSummary>;

export const SpanEvent = z.object({
  timeUnixNano: z.string(),
  name: z.string(),
  attributes: AttributesSchema,
  droppedAttributesCount: z.number().optional(),
});

export const SpanLink = z.object({
  traceId: z.string(),
  spanId: z.string(),
  traceState: z.string().optional(),
  attributes: AttributesSchema,
  droppedAttributesCount: z.number().optional(),
  flags: z.number().optional(),
});

export const SpanDetail = z.object({
  spanId: z.string(),
  parentSpanId: z.string(),
  service: z.string(),
  name: z.string(),
  kind: z.enum(['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER']),
  startTimeUnixNano: z.string(),
  endTimeUnixNano: z.string(),
  durationMs: z.number(),
  status: z.object({ code: z.enum(['UNSET', 'OK', 'ERROR']), message: z.string() }),
  /** Derived by the semantic-convention rules (status, HTTP and gRPC codes). */
  isError: z.boolean(),
  traceState: z.string(),
  flags: z.number(),
  attributes: AttributesSchema,
  events: z.array(SpanEvent),
  links: z.array(SpanLink),
  droppedAttributesCount: z.number(),
  droppedEventsCount: z.number(),
  droppedLinksCount: z.number(),
  resource: z.object({ attributes: AttributesSchema, schemaUrl: z.string() }),
  scope: z.object({ name: z.string(), version: z.string(), attributes: AttributesSchema }),
});
export type SpanDetail = z.infer<typeof SpanDetail>;

export const TraceDetail = z.object({
  traceId: z.string(),
  spans: z.array(SpanDetail),
});
export type TraceDetail = z.infer<typeof TraceDetail>;

/** A trace with each resource and scope once; spans point at them by index. */
export const CompactTrace = z.object({
  traceId: z.string(),
  resources: z.array(SpanDetail.shape.resource),
  scopes: z.array(SpanDetail.shape.scope),
  spans: z.array(SpanDetail.omit({ resource: true, scope: true }).extend({ resourceIndex: z.number(), scopeIndex: z.number() })),
});
export type CompactTrace = z.infer<typeof CompactTrace>;

// ---- logs --------------------------------------------------------------------------------

export const LogSearch = TimeRange.extend({
  /** Full-text query (FTS5 syntax: words, "phrases", prefix*, AND/OR/NOT). */
  q: z.string().optional(),
  service: z.string().optional(),
  minSeverity: optionalNumber,
  traceId: z.string().optional(),
  spanId: z.string().optional(),
  attr: repeated,
  /** A log pattern's template (from /api/logs/patterns): only the records it describes. */
  pattern: z.string().optional(),
  /** Newest first by default; `asc` for oldest first. */
  order: z.enum(['desc', 'asc', '']).optional(),
  /** Continue after / before this log id (paging and tailing in arrival order; full-text
   * results are in arrival order). */
  after: optionalNumber,
  before: optionalNumber,
  /** Keyset cursors in time order, `<timeUnixNano>:<id>` of the last record seen: exact
   * paging for lists ordered by time, however many records share a millisecond. */
  afterCursor: z.string().regex(/^\d+:\d+$/, 'a cursor is <timeUnixNano>:<id>').optional(),
  beforeCursor: z.string().regex(/^\d+:\d+$/, 'a cursor is <timeUnixNano>:<id>').optional(),
  limit: limit(200, 5000),
});

export const LogRecord = z.object({
  id: z.number(),
  /** `<timeUnixNano>:<id>`: pass as afterCursor/beforeCursor to continue from this record. */
  cursor: z.string(),
  /** Unix ms (float; timeUnixNano has full precision). */
  time: z.number(),
  timeUnixNano: z.string(),
  observedTimeUnixNano: z.string(),
  service: z.string(),
  severityNumber: z.number(),
  severityText: z.string(),
  body: z.string(),
  /** The body's structured value when it was not a string. */
  bodyValue: z.unknown().optional(),
  traceId: z.string(),
  spanId: z.string(),
  eventName: z.string(),
  attributes: AttributesSchema,
  resource: AttributesSchema.optional(),
});
export type LogRecord = z.infer<typeof LogRecord>;

export const LogHistogramQuery = LogSearch.extend({
  buckets: optionalNumber.transform((v) => Math.max(1, Math.min(500, Math.floor(v ?? 60)))),
});

export const LogHistogram = z.object({
  /** Bucket start times (unix ms) and width. */
  start: z.number(),
  stepMs: z.number(),
  /** counts[band][bucket] for bands TRACE, DEBUG, INFO, WARN, ERROR, FATAL, UNSPECIFIED. */
  bands: z.array(z.string()),
  counts: z.array(z.array(z.number())),
  total: z.number(),
});
export type LogHistogram = z.infer<typeof LogHistogram>;

// ---- metrics -----------------------------------------------------------------------------

export const MetricsQuery = TimeRange.extend({ service: z.string().optional(), q: z.string().optional() });

export const MetricInfo = z.object({
  name: z.string(),
  kind: z.enum(['gauge', 'sum', 'histogram', 'exponential_histogram', 'summary']),
  unit: z.string(),
  description: z.string(),
  services: z.array(z.string()),
  seriesCount: z.number(),
  temporality: z.enum(['unspecified', 'delta', 'cumulative']),
  monotonic: z.boolean(),
});
export type MetricInfo = z.infer<typeof MetricInfo>;

export const MetricSeriesQuery = TimeRange.extend({
  name: z.string(),
  service: z.string().optional(),
  limit: limit(50, 500),
  /** Points per series after downsampling (the newest point of each bucket is kept). */
  points: limit(500, 5000),
});

export const MetricPoint = z.object({
  time: z.number(),
  timeUnixNano: z.string(),
  startTimeUnixNano: z.string(),
  value: z.number().nullable(),
  count: z.number().nullable().optional(),
  sum: z.number().nullable().optional(),
  min: z.number().nullable().optional(),
  max: z.number().nullable().optional(),
  /** Histogram buckets, exponential buckets, quantiles and exemplars, as sent. */
  detail: z.record(z.string(), z.unknown()).optional(),
});

export const MetricSeries = z.object({
  name: z.string(),
  kind: z.string(),
  unit: z.string(),
  service: z.string(),
  attributes: AttributesSchema,
  resource: AttributesSchema,
  points: z.array(MetricPoint),
});
export type MetricSeries = z.infer<typeof MetricSeries>;

// ---- autocomplete ------------------------------------------------------------------------

export const AttributeKeysQuery = TimeRange.extend({ service: z.string().optional(), signal: z.enum(['traces', 'logs']).optional() });
export const AttributeValuesQuery = AttributeKeysQuery.extend({ key: z.string(), q: z.string().optional() });
export const OperationsQuery = TimeRange.extend({ service: z.string().optional() });

// ---- demo and import ---------------------------------------------------------------------

export const DemoStatus = z.object({ running: z.boolean(), services: z.array(z.string()) });
export type DemoStatus = z.infer<typeof DemoStatus>;

export const DemoFaultName = z.enum(FAULT_NAMES);

/** A fault started or stopped (`at`: ms since the epoch, when it took effect). */
export const DemoFaultEvent = z.object({
  fault: DemoFaultName,
  action: z.enum(['started', 'stopped']),
  at: z.number(),
  /** Why it stopped, when not switched off by hand (e.g. the demo was stopped). */
  reason: z.string().optional(),
});
export type DemoFaultEvent = z.infer<typeof DemoFaultEvent>;

export const DemoFaults = z.object({
  running: z.boolean(),
  faults: z.array(
    z.object({
      name: DemoFaultName,
      title: z.string(),
      target: z.string(),
      does: z.string(),
      whenOff: z.string(),
      lookFor: z.string(),
      active: z.boolean(),
      /** When it took effect, while on. */
      since: z.number().nullable(),
    }),
  ),
  /** Newest first. */
  history: z.array(DemoFaultEvent),
});
export type DemoFaults = z.infer<typeof DemoFaults>;

export const DemoFaultChange = z.object({
  /** One of the fault names (an unknown one is a 400 listing them). */
  fault: z.string().min(1),
  /** true starts the fault, false stops it. */
  active: z.boolean(),
});

export const ImportResult = z.object({
  file: z.string(),
  format: z.string(),
  spans: z.number(),
  logs: z.number(),
  metricPoints: z.number(),
  rejected: z.number(),
  errors: z.array(z.string()),
  traceIds: z.array(z.string()),
  /** A Loupe snapshot: the window it covers (unix ms), to open the screens at. */
  window: z.object({ from: z.number(), to: z.number() }).optional(),
});
export type ImportResult = z.infer<typeof ImportResult>;

export const SnapshotQuery = z.object({
  from: z.coerce.number(),
  to: z.coerce.number(),
  /** Only these services (repeatable); none: every service. */
  service: z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : [v].flat())),
});

// ---- live events (SSE) -------------------------------------------------------------------

export const IngestEvent = z.object({
  spans: z.number(),
  logs: z.number(),
  metricPoints: z.number(),
  services: z.array(z.string()),
  /** What changed, so clients refetch exactly the queries that read it. */
  tables: z.array(z.string()),
  /** Traces that gained spans (at most 200 per event; more changed when `traceIdsTruncated`). */
  traceIds: z.array(z.string()),
  traceIdsTruncated: z.boolean(),
  /** The newest stored log record's id (0 when no logs arrived): a tail knows whether to fetch. */
  lastLogId: z.number(),
});
export type IngestEvent = z.infer<typeof IngestEvent>;

// ---- service map -------------------------------------------------------------------------

export const MapNode = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(['service', 'database', 'queue', 'external']),
  namespace: z.string(),
  /** Requests into the node in the window (services: entry spans; peers: incoming calls). */
  calls: z.number(),
  errors: z.number(),
  rps: z.number(),
  errorRate: z.number(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  health: z.enum(['healthy', 'degraded', 'failing', 'idle']),
  /** A datastore written by more than one service ("shared database"). */
  shared: z.boolean(),
  /** Services that call (for datastores: write to) this node. */
  writers: z.array(z.string()),
  /** database / queue system (postgresql, redis, kafka, …). */
  system: z.string(),
});
export type MapNode = z.infer<typeof MapNode>;

export const MapEdge = z.object({
  source: z.string(),
  target: z.string(),
  connectionType: z.enum(['sync', 'messaging', 'database', 'virtual']),
  calls: z.number(),
  errors: z.number(),
  rps: z.number(),
  errorRate: z.number(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
});
export type MapEdge = z.infer<typeof MapEdge>;

export const ServiceMap = z.object({ nodes: z.array(MapNode), edges: z.array(MapEdge) });
export type ServiceMap = z.infer<typeof ServiceMap>;

// ---- golden signals ----------------------------------------------------------------------

export const GoldenSignalsQuery = TimeRange.extend({
  name: z.string(),
  /** Bucket width in seconds (≥ 60: rollups are per minute); default: about 60 buckets. */
  step: optionalNumber,
});

const Red = z.object({
  calls: z.number(),
  errors: z.number(),
  rps: z.number(),
  errorRate: z.number(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
});

export const GoldenSignals = z.object({
  service: z.string(),
  /** The window answered: long windows are clamped to the data stored (see notice). */
  from: z.number(),
  to: z.number(),
  stepMs: z.number(),
  /** Set when the window was clamped to the data or the step coarsened to bound the points. */
  notice: z.string().optional(),
  totals: Red.extend({ health: z.enum(['healthy', 'degraded', 'failing', 'idle']) }),
  series: z.array(
    z.object({
      time: z.number(),
      requests: z.number(),
      rps: z.number(),
      errors: z.number(),
      errorRate: z.number(),
      /** Latency of successful and of failed requests, separately. */
      okP50Ms: z.number().nullable(),
      okP95Ms: z.number().nullable(),
      okP99Ms: z.number().nullable(),
      errP50Ms: z.number().nullable(),
      errP95Ms: z.number().nullable(),
      errP99Ms: z.number().nullable(),
      http2xx: z.number(),
      http3xx: z.number(),
      http4xx: z.number(),
      http5xx: z.number(),
      otherErrors: z.number(),
    }),
  ),
  /** Saturation from the service's process/runtime/pool metrics, when it sends them. */
  saturation: z.array(
    z.object({
      metric: z.string(),
      label: z.string(),
      unit: z.string(),
      points: z.array(z.object({ time: z.number(), value: z.number() })),
    }),
  ),
  operations: z.array(Red.extend({ name: z.string(), http4xx: z.number(), http5xx: z.number() })),
  upstream: z.array(Red.extend({ service: z.string(), connectionType: z.string() })),
  downstream: z.array(Red.extend({ service: z.string(), type: z.string(), connectionType: z.string() })),
  versions: z.array(Red.extend({ version: z.string(), firstSeen: z.number(), lastSeen: z.number() })),
});
export type GoldenSignals = z.infer<typeof GoldenSignals>;

export const EdgeSignalsQuery = TimeRange.extend({ source: z.string(), target: z.string(), step: optionalNumber });

export const EdgeSignals = z.object({
  source: z.string(),
  target: z.string(),
  connectionType: z.enum(['sync', 'messaging', 'database', 'virtual']).nullable(),
  from: z.number(),
  to: z.number(),
  stepMs: z.number(),
  notice: z.string().optional(),
  totals: Red,
  /** Edges carry no status classes: failed calls count as otherErrors. */
  series: GoldenSignals.shape.series,
});
export type EdgeSignals = z.infer<typeof EdgeSignals>;

// ---- SLOs --------------------------------------------------------------------------------

export const SloDefinition = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lower-case letters, digits, ".", "_" and "-" (1–63 characters)'),
  name: z.string().min(1).max(200),
  service: z.string().min(1),
  /** availability: requests that did not fail; latency: successful requests faster than thresholdMs. */
  sli: z.enum(['availability', 'latency']),
  /** Percent of good events, e.g. 99.9. */
  objective: z.number().gt(0).lt(100),
  /** Rolling window, e.g. "30d", "7d". */
  window: z.string().regex(/^\d+(\.\d+)?\s*[mhdw]$/i, 'a duration such as 30d, 7d or 12h'),
  thresholdMs: z.number().positive().optional(),
  description: z.string().optional(),
});
export type SloDefinition = z.infer<typeof SloDefinition>;

export const SloStatus = z.object({
  slo: SloDefinition,
  state: z.enum(['ok', 'ticket', 'page', 'no_data']),
  windowMs: z.number(),
  total: z.number(),
  good: z.number(),
  /** good / total over the window (null without traffic). */
  sli: z.number().nullable(),
  budget: z.object({ allowed: z.number(), consumed: z.number(), remaining: z.number() }),
  burnRates: z.array(z.object({ windowMs: z.number(), burnRate: z.number() })),
  alerts: z.array(
    z.object({
      severity: z.enum(['page', 'ticket']),
      label: z.string(),
      factor: z.number(),
      longBurn: z.number(),
      shortBurn: z.number(),
      firing: z.boolean(),
    }),
  ),
  /** Budget remaining over the window, for a burn-down chart. */
  history: z.array(z.object({ time: z.number(), remaining: z.number() })),
  /** From a remote source: what its series could not follow exactly. */
  notice: z.string().optional(),
});
export type SloStatus = z.infer<typeof SloStatus>;

export const SloList = z.object({
  file: z.string(),
  /** Problems in slos.yaml (the valid entries still apply). */
  problems: z.array(z.string()),
  slos: z.array(SloStatus),
});
export type SloList = z.infer<typeof SloList>;

export const SloAlertEvent = z.object({
  sloId: z.string(),
  name: z.string(),
  service: z.string(),
  severity: z.enum(['page', 'ticket']),
  label: z.string(),
  burnRate: z.number(),
  startedAt: z.number(),
});
export type SloAlertEvent = z.infer<typeof SloAlertEvent>;

// ---- catalog sources ---------------------------------------------------------------------

export const CatalogSources = z.object({
  sources: z.array(
    z.object({
      path: z.string(),
      origin: z.enum(['command-line', 'ui', 'demo', 'plugin']),
      exists: z.boolean(),
      /** Set for origin `plugin`: the data source feeding it and its state. */
      plugin: PluginCatalogState.optional(),
    }),
  ),
});
export type CatalogSources = z.infer<typeof CatalogSources>;
