// The normalized telemetry model every collector produces and the store consumes.
// Pure data: no node, no electron. Ids are raw bytes (Uint8Array) so the store can keep
// them as compact BLOBs; timestamps are nanoseconds since the epoch as bigint so nothing
// is rounded on the way through (a double only holds ~256 ns precision at today's epoch).

export const SpanKind = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;
export type SpanKindValue = (typeof SpanKind)[keyof typeof SpanKind];
export const SPAN_KIND_NAMES = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;

export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;
export const STATUS_CODE_NAMES = ['UNSET', 'OK', 'ERROR'] as const;

/** Attribute values as stored and served: OTLP AnyValue flattened to JSON. Bytes become base64
 * strings; int64 values outside the safe-integer range become decimal strings. */
export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };
export type Attributes = Record<string, AttrValue>;

/** Semantic-convention values pulled out of span attributes while decoding, so derivations
 * (errors, service map, golden signals) never re-parse the attribute JSON. */
export interface SpanHints {
  httpStatusCode?: number;
  rpcSystem?: string;
  rpcGrpcStatusCode?: number;
  peerService?: string;
  serverAddress?: string;
  serverPort?: number;
  dbSystem?: string;
  dbNamespace?: string;
  /** db.operation.name (or the older db.operation). */
  dbOperation?: string;
  /** The first words of db.query.text / db.statement, enough to tell reads from writes. */
  dbQueryStart?: string;
  messagingSystem?: string;
  messagingDestination?: string;
  httpRoute?: string;
  /** Hashes of `key=value` of the attributes the search index keeps (common/search-attributes.ts). */
  search?: number[];
}

export interface ResourceRecord {
  /** Canonical JSON object of all attributes (keys sorted). */
  attributes: string;
  droppedAttributesCount: number;
  schemaUrl: string;
  serviceName: string;
  serviceNamespace: string;
  serviceVersion: string;
  environment: string;
}

export interface ScopeRecord {
  name: string;
  version: string;
  /** JSON object text. */
  attributes: string;
  droppedAttributesCount: number;
  schemaUrl: string;
}

export interface SpanRecord {
  traceId: Uint8Array; // 16 bytes
  spanId: Uint8Array; // 8 bytes
  parentSpanId: Uint8Array | null;
  traceState: string;
  flags: number;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  statusCode: number;
  statusMessage: string;
  /** JSON object text. */
  attributes: string;
  /** JSON array text of {timeUnixNano, name, attributes, droppedAttributesCount}. */
  events: string;
  /** JSON array text of {traceId, spanId, traceState, attributes, flags, droppedAttributesCount}. */
  links: string;
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
  hints: SpanHints;
}

export interface LogRecordRow {
  timeNs: bigint; // 0n when the producer did not set it
  observedNs: bigint;
  severityNumber: number;
  severityText: string;
  /** Body as display text (strings as is, structured bodies as JSON). */
  body: string;
  /** JSON text of the body when it is not a plain string, else ''. */
  bodyJson: string;
  traceId: Uint8Array | null;
  spanId: Uint8Array | null;
  flags: number;
  eventName: string;
  attributes: string;
  droppedAttributesCount: number;
}

export type MetricKind = 'gauge' | 'sum' | 'histogram' | 'exponential_histogram' | 'summary';
export const METRIC_KINDS: readonly MetricKind[] = ['gauge', 'sum', 'histogram', 'exponential_histogram', 'summary'];

export interface MetricPointRow {
  /** JSON object text of the point's attributes. */
  attributes: string;
  startNs: bigint;
  timeNs: bigint;
  /** gauge/sum value; histogram/summary: sum when present. */
  value: number | null;
  /** True when a number point was sent as as_int. */
  isInt: boolean;
  count: number | null;
  sum: number | null;
  min: number | null;
  max: number | null;
  /** Kind-specific detail as JSON text: explicit buckets, exponential buckets, quantiles, exemplars. */
  detail: string;
  flags: number;
}

export interface MetricRecord {
  name: string;
  description: string;
  unit: string;
  kind: MetricKind;
  /** 0 unspecified, 1 delta, 2 cumulative (OTLP AggregationTemporality). */
  temporality: number;
  monotonic: boolean;
  points: MetricPointRow[];
}

export interface ScopeGroup<T> {
  scope: ScopeRecord;
  items: T[];
}

export interface ResourceGroup<T> {
  resource: ResourceRecord;
  scopes: ScopeGroup<T>[];
}

/** What one decoded request (or one imported chunk) contributes. */
export interface TelemetryBatch {
  spans: ResourceGroup<SpanRecord>[];
  logs: ResourceGroup<LogRecordRow>[];
  metrics: ResourceGroup<MetricRecord>[];
  /** Items dropped while decoding (invalid ids, absurd timestamps, ...). */
  rejected: number;
  /** Human-readable reasons for the rejected items, capped. */
  errors: string[];
  /** Values truncated to the configured limits. */
  truncated: number;
}

export type Signal = 'traces' | 'logs' | 'metrics';

export function emptyBatch(): TelemetryBatch {
  return { spans: [], logs: [], metrics: [], rejected: 0, errors: [], truncated: 0 };
}

export function countItems(batch: TelemetryBatch): { spans: number; logs: number; metricPoints: number } {
  let spans = 0;
  let logs = 0;
  let metricPoints = 0;
  for (const r of batch.spans) for (const s of r.scopes) spans += s.items.length;
  for (const r of batch.logs) for (const s of r.scopes) logs += s.items.length;
  for (const r of batch.metrics) for (const s of r.scopes) for (const m of s.items) metricPoints += m.points.length;
  return { spans, logs, metricPoints };
}

export const SEVERITY_BANDS = [
  { name: 'TRACE', min: 1 },
  { name: 'DEBUG', min: 5 },
  { name: 'INFO', min: 9 },
  { name: 'WARN', min: 13 },
  { name: 'ERROR', min: 17 },
  { name: 'FATAL', min: 21 },
] as const;

/** Severity band index: 0 TRACE … 5 FATAL, 6 UNSPECIFIED (severity number 0). */
export function severityBand(n: number): number {
  if (!n) return 6;
  let band = 0;
  for (let i = 0; i < SEVERITY_BANDS.length; i++) if (n >= SEVERITY_BANDS[i].min) band = i;
  return band;
}

/** OTLP severity number (1..24) to its band name; 0 is UNSPECIFIED. */
export function severityName(n: number): string {
  if (!n) return 'UNSPECIFIED';
  let name = 'TRACE';
  for (const band of SEVERITY_BANDS) if (n >= band.min) name = band.name;
  return name;
}
