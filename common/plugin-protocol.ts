// The plugin protocol, declared once: what a plugin process and the core say to each other over
// the child process's IPC channel. Both sides validate with these schemas; every answer from a
// plugin is checked against its method's result schema before anything in the core uses it.
//
// Version 1. A plugin says which version it speaks in its `hello`; the host refuses versions it
// does not know (the plugin is shown as crashed with that reason) instead of guessing.
import { z } from 'zod';
import { EdgeSignals, GoldenSignals, ServiceMap } from './api/service-schemas';
import { TraceDetail, TraceSearch, TraceSummary } from './api/trace-schemas';
import { LogRecord, LogSearch } from './api/log-schemas';

export const PROTOCOL_VERSION = 1;

export const CAPABILITIES = ['metrics', 'serviceGraph', 'traces', 'logs', 'ingest', 'catalog', 'health'] as const;
export const Capability = z.enum(CAPABILITIES);
export type Capability = z.infer<typeof Capability>;

// ---- manifest (loupe-plugin.json) --------------------------------------------------------

export const PLUGIN_MANIFEST_FILE = 'loupe-plugin.json';

export const PluginManifest = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and "-" (1–63 characters)'),
    name: z.string().min(1).max(100),
    version: z.string().regex(/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/, 'a semantic version such as 1.0.0'),
    /** The ES module the plugin process runs, relative to the plugin's folder. */
    main: z.string().min(1),
    capabilities: z.array(Capability).min(1, 'at least one capability'),
    description: z.string().optional(),
    /** Heap cap of the plugin's process in MiB (default 256). */
    memoryMb: z.number().int().min(32).max(4096).optional(),
  })
  .strict();
export type PluginManifest = z.infer<typeof PluginManifest>;

// ---- methods: params and results ---------------------------------------------------------

const Window = z.object({ from: z.number(), to: z.number() });

export const HealthResult = z.object({ status: z.enum(['ok', 'error']), message: z.string() });

/** A metric series as Prometheus answers it: labels (including __name__) and [unix ms, value]. */
export const SeriesResult = z.object({
  labels: z.record(z.string(), z.string()),
  points: z.array(z.tuple([z.number(), z.number().nullable()])),
});
export type SeriesResult = z.infer<typeof SeriesResult>;

export const MetricQueryParams = Window.extend({
  /** PromQL for sources that speak it. */
  query: z.string().min(1),
  /** Seconds between points; 0 asks for an instant query at `to`. */
  stepSeconds: z.number().min(0),
});
export const MetricQueryResult = z.object({
  resultType: z.enum(['matrix', 'vector', 'scalar', 'string']),
  series: z.array(SeriesResult),
  warnings: z.array(z.string()),
});
export type MetricQueryResult = z.infer<typeof MetricQueryResult>;

export const SliCounts = z.object({
  windows: z.array(z.object({ windowMs: z.number(), total: z.number(), good: z.number() })),
  /** Each step's counts, `time` its start. */
  steps: z.array(z.object({ time: z.number(), total: z.number(), good: z.number() })),
  /** What the counts could not follow exactly (e.g. the threshold rounded to a bucket bound). */
  notice: z.string().optional(),
});
export type SliCounts = z.infer<typeof SliCounts>;

/** Every method a plugin may implement: its capability, params, result, and the array field of
 * the result that may arrive in chunks before the result itself (large results stream). */
export const methods = {
  health: { capability: 'health', params: z.object({}), result: HealthResult, stream: null },
  'metrics.names': { capability: 'metrics', params: Window.extend({ match: z.string().optional() }), result: z.object({ names: z.array(z.string()) }), stream: 'names' },
  'metrics.labels': { capability: 'metrics', params: Window.extend({ metric: z.string().optional() }), result: z.object({ labels: z.array(z.string()) }), stream: null },
  'metrics.labelValues': {
    capability: 'metrics',
    params: Window.extend({ label: z.string(), metric: z.string().optional() }),
    result: z.object({ values: z.array(z.string()) }),
    stream: 'values',
  },
  'metrics.query': { capability: 'metrics', params: MetricQueryParams, result: MetricQueryResult, stream: 'series' },
  'serviceGraph.map': { capability: 'serviceGraph', params: Window, result: ServiceMap, stream: null },
  'serviceGraph.goldenSignals': {
    capability: 'serviceGraph',
    params: Window.extend({ service: z.string(), stepMs: z.number().positive() }),
    result: GoldenSignals,
    stream: null,
  },
  /** One edge of the map over time (`source` and `target` are the edge's nodes). */
  'serviceGraph.edgeSignals': {
    capability: 'serviceGraph',
    params: Window.extend({ source: z.string(), target: z.string(), stepMs: z.number().positive() }),
    result: EdgeSignals,
    stream: null,
  },
  /** Counts an SLO is computed from: total and good requests into `service` over each of
   * `windowsMs` ending at `to`, and per step over [from, to] (for the budget's burn-down). Good is
   * "did not fail" (availability) or "did not fail and took at most thresholdMs" (latency). */
  'serviceGraph.sli': {
    capability: 'serviceGraph',
    params: Window.extend({
      service: z.string(),
      sli: z.enum(['availability', 'latency']),
      thresholdMs: z.number().positive().optional(),
      windowsMs: z.array(z.number().positive()).max(20),
      stepMs: z.number().positive(),
    }),
    result: SliCounts,
    stream: null,
  },
  'traces.search': { capability: 'traces', params: TraceSearch, result: z.object({ traces: z.array(TraceSummary) }), stream: 'traces' },
  'traces.get': { capability: 'traces', params: z.object({ traceId: z.string() }), result: TraceDetail, stream: 'spans' },
  'logs.search': { capability: 'logs', params: LogSearch, result: z.object({ logs: z.array(LogRecord) }), stream: 'logs' },
  /** Catalog entities (Backstage descriptors, as a catalog-info.yaml would hold them); the core
   * validates them exactly as it validates entities read from files. */
  'catalog.entities': { capability: 'catalog', params: z.object({}), result: z.object({ entities: z.array(z.record(z.string(), z.unknown())) }), stream: 'entities' },
} as const satisfies Record<string, { capability: Capability; params: z.ZodType; result: z.ZodObject; stream: string | null }>;

export type MethodName = keyof typeof methods;
export type ParamsOf<M extends MethodName> = z.input<(typeof methods)[M]['params']>;
export type ResultOf<M extends MethodName> = z.output<(typeof methods)[M]['result']>;
export const METHOD_NAMES = Object.keys(methods) as MethodName[];

// ---- messages ----------------------------------------------------------------------------

export const ErrorInfo = z.object({
  /** `bad_settings`, `unavailable`, `timeout`, `cancelled`, `bad_query`, `not_implemented`, `internal`… */
  code: z.string(),
  message: z.string(),
});
export type ErrorInfo = z.infer<typeof ErrorInfo>;

/** One configured data source as the plugin sees it: its name and validated settings
 * (secrets included: the plugin needs them to talk to its backend). */
export const Instance = z.object({ name: z.string(), settings: z.record(z.string(), z.unknown()) });

export const HostMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('call'),
    id: z.number().int(),
    method: z.string(),
    instance: Instance,
    params: z.unknown(),
    /** Unix ms after which the host no longer waits; the plugin's handler sees an aborted signal. */
    deadline: z.number(),
  }),
  z.object({ type: z.literal('cancel'), id: z.number().int() }),
  z.object({ type: z.literal('ping'), id: z.number().int() }),
  /** Starts (or restarts with new settings) a push source; stops it with `ingestStop`. */
  z.object({ type: z.literal('ingestStart'), instance: Instance }),
  z.object({ type: z.literal('ingestStop'), name: z.string() }),
  z.object({
    type: z.literal('ingestAck'),
    seq: z.number().int(),
    /** Items stored; refused (invalid) items with reasons; `retryAfterMs` when the queue was full. */
    accepted: z.number(),
    rejected: z.number(),
    errors: z.array(z.string()),
    retryAfterMs: z.number().nullable(),
    failed: z.string().nullable(),
  }),
]);
export type HostMessage = z.infer<typeof HostMessage>;

export const PluginHello = z.object({
  type: z.literal('hello'),
  protocol: z.number().int(),
  id: z.string(),
  name: z.string(),
  version: z.string(),
  capabilities: z.array(Capability),
  /** The settings schema as JSON Schema (draft 2020-12); secret fields carry `"secret": true`. */
  settingsSchema: z.record(z.string(), z.unknown()),
});
export type PluginHello = z.infer<typeof PluginHello>;

export const PluginMessage = z.discriminatedUnion('type', [
  PluginHello,
  z.object({ type: z.literal('result'), id: z.number().int(), result: z.unknown() }),
  z.object({ type: z.literal('chunk'), id: z.number().int(), items: z.array(z.unknown()) }),
  z.object({ type: z.literal('error'), id: z.number().int(), error: ErrorInfo }),
  z.object({ type: z.literal('pong'), id: z.number().int() }),
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string() }),
  /** A push source's batch: an OTLP JSON export request of `signal`, written through the same
   * ingest queue (same decoding, validation and backpressure) as the OTLP receivers. */
  z.object({ type: z.literal('ingest'), name: z.string(), seq: z.number().int(), signal: z.enum(['traces', 'logs', 'metrics']), otlp: z.record(z.string(), z.unknown()) }),
  /** A push source's health: per target, up or down with the last error. */
  z.object({
    type: z.literal('ingestStatus'),
    name: z.string(),
    targets: z.array(z.object({ target: z.string(), up: z.boolean(), lastError: z.string().nullable(), lastScrape: z.number().nullable() })),
  }),
]);
export type PluginMessage = z.infer<typeof PluginMessage>;

/** Largest streamed result the host accepts (items over all chunks). */
export const MAX_STREAMED_ITEMS = 200_000;
/** Items per chunk the SDK sends. */
export const CHUNK_ITEMS = 500;
