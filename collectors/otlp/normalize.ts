// Rules shared by every decoder (protobuf, JSON, importers): limits, validation of ids and
// timestamps, attribute JSON, resource identity and the semantic-convention hints.
import type {
  AttrValue,
  LogRecordRow,
  MetricKind,
  MetricPointRow,
  ResourceRecord,
  SpanHints,
  SpanRecord,
  TelemetryBatch,
} from '../../common/model';
import { DEFAULT_SEARCH_PATTERNS, isSearchedKey, searchHash, searchText } from '../../common/search-attributes';

export interface IngestLimits {
  /** Longest attribute / body string kept; longer values are cut and counted as truncated. */
  maxValueLength: number;
  /** Attributes kept per item; extras are dropped and added to droppedAttributesCount. */
  maxAttributes: number;
  maxEventsPerSpan: number;
  maxLinksPerSpan: number;
  /** Errors kept per batch for the response and the UI. */
  maxErrorMessages: number;
}

export const DEFAULT_LIMITS: IngestLimits = {
  maxValueLength: 32 * 1024,
  maxAttributes: 256,
  maxEventsPerSpan: 1024,
  maxLinksPerSpan: 1024,
  maxErrorMessages: 20,
};

/**
 * How deep AnyValue arrays and key-value lists may nest. OTLP sets no limit; real
 * instrumentation stays within a handful of levels, and every reader of the stored JSON
 * (and the decoders themselves) recurses per level, so a value 20,000 levels deep must be
 * refused before it is walked.
 */
export const MAX_VALUE_DEPTH = 32;
/** How deep an OTLP/JSON document may nest as a whole (the envelope plus MAX_VALUE_DEPTH values). */
export const MAX_JSON_DEPTH = 8 + 3 * MAX_VALUE_DEPTH;

export function nestingMessage(): string {
  return `an attribute value nests arrays/key-value lists deeper than ${MAX_VALUE_DEPTH} levels`;
}

/** Timestamps outside this window are not plausible telemetry (1990 .. now + 7 days). */
export const MIN_PLAUSIBLE_NS = 631152000000000000n; // 1990-01-01
const FUTURE_SLACK_NS = 7n * 24n * 3600n * 1_000_000_000n;

export function maxPlausibleNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n + FUTURE_SLACK_NS;
}

export function describeNs(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) || Math.abs(ms) > 8.64e15 ? `${ns} ns` : `${ns} ns (${d.toISOString()})`;
}

/** Returns an error message when a timestamp is absent or implausible, else ''. */
export function checkTimestamp(ns: bigint, field: string, maxNs: bigint): string {
  if (ns === 0n) return `${field} is missing (0)`;
  if (ns < MIN_PLAUSIBLE_NS) return `${field} ${describeNs(ns)} is before 1990; expected nanoseconds since the Unix epoch`;
  if (ns > maxNs) return `${field} ${describeNs(ns)} is more than 7 days in the future`;
  return '';
}

export function addError(batch: TelemetryBatch, limits: IngestLimits, message: string): void {
  batch.rejected++;
  if (batch.errors.length < limits.maxErrorMessages) batch.errors.push(message);
}

export function isAllZero(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/** A trace/span id check; returns an error message or ''. */
export function checkId(id: Uint8Array | null, size: number, field: string): string {
  if (!id || id.length === 0) return `${field} is missing`;
  if (id.length !== size) return `${field} must be ${size} bytes, got ${id.length}`;
  if (isAllZero(id)) return `${field} is all zeroes`;
  return '';
}

/** A span as a decoder read it, before the rules every span must pass. */
export type RawSpan = Omit<SpanRecord, 'traceId' | 'spanId'> & { traceId: Uint8Array | null; spanId: Uint8Array | null };

/** What the span's fields are called in messages: OTLP's names, or a converted format's own. */
export interface SpanFieldNames {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  start: string;
  end: string;
}

export const OTLP_SPAN_FIELDS: SpanFieldNames = {
  traceId: 'traceId',
  spanId: 'spanId',
  parentSpanId: 'parentSpanId',
  start: 'startTimeUnixNano',
  end: 'endTimeUnixNano',
};

/**
 * The one place a span record is finished, whatever it was decoded from (protobuf, OTLP
 * JSON, a Jaeger or Zipkin file): ids checked, an empty or all-zero parent is a root, times
 * within the plausible window and in order, unknown kinds and status codes read as
 * unspecified. Returns the record (the same object, so no span is copied) or why it cannot
 * be stored.
 */
export function validateSpan(raw: RawSpan, maxNs: bigint, names: SpanFieldNames = OTLP_SPAN_FIELDS): SpanRecord | string {
  const problem = checkId(raw.traceId, 16, names.traceId) || checkId(raw.spanId, 8, names.spanId);
  if (problem) return problem;
  const parent = raw.parentSpanId;
  if (parent !== null && parent.length > 0 && parent.length !== 8) return `${names.parentSpanId} must be 8 bytes, got ${parent.length}`;
  if (parent !== null && (parent.length === 0 || isAllZero(parent))) raw.parentSpanId = null;
  const times = checkTimestamp(raw.startNs, names.start, maxNs) || checkTimestamp(raw.endNs, names.end, maxNs);
  if (times) return times;
  if (raw.endNs < raw.startNs) return `${names.end} ${raw.endNs} is before ${names.start} ${raw.startNs}`;
  if (!(raw.kind >= 0 && raw.kind <= 5)) raw.kind = 0;
  if (!(raw.statusCode >= 0 && raw.statusCode <= 2)) raw.statusCode = 0;
  return raw as SpanRecord;
}

/** Builds the JSON text of an attribute list while enforcing limits. */
export class AttributeWriter {
  private json = '';
  count = 0;
  dropped = 0;

  constructor(
    private readonly limits: IngestLimits,
    private readonly batch: TelemetryBatch,
  ) {}

  reset(): void {
    this.json = '';
    this.count = 0;
    this.dropped = 0;
  }

  add(key: string, value: AttrValue): void {
    if (this.count >= this.limits.maxAttributes) {
      this.dropped++;
      return;
    }
    this.json += (this.count === 0 ? '' : ',') + JSON.stringify(key) + ':' + this.valueJson(value);
    this.count++;
  }

  /** Adds an already-encoded `"key":` prefix and JSON value. */
  addJson(keyJson: string, valueJson: string): void {
    if (this.count >= this.limits.maxAttributes) {
      this.dropped++;
      return;
    }
    this.json += this.count === 0 ? keyJson + ':' + valueJson : ',' + keyJson + ':' + valueJson;
    this.count++;
  }

  /** Finishes the object and resets for the next item. */
  take(): string {
    const out = this.count === 0 ? '{}' : '{' + this.json + '}';
    this.json = '';
    this.count = 0;
    return out;
  }

  valueJson(value: AttrValue): string {
    switch (typeof value) {
      case 'string':
        return JSON.stringify(this.clip(value));
      case 'number':
        return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
      case 'boolean':
        return value ? 'true' : 'false';
      default:
        if (value === null) return 'null';
        return JSON.stringify(value, (_k, v) =>
          typeof v === 'string' ? this.clip(v) : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
        );
    }
  }

  clip(s: string): string {
    if (s.length <= this.limits.maxValueLength) return s;
    this.batch.truncated++;
    return s.slice(0, this.limits.maxValueLength) + '…';
  }
}

const HINT_SETTERS: Record<string, (h: SpanHints, v: AttrValue) => void> = {
  'http.response.status_code': (h, v) => (h.httpStatusCode = toInt(v)),
  'http.status_code': (h, v) => (h.httpStatusCode ??= toInt(v)),
  'rpc.system': (h, v) => (h.rpcSystem = String(v)),
  'rpc.grpc.status_code': (h, v) => (h.rpcGrpcStatusCode = toInt(v)),
  'peer.service': (h, v) => (h.peerService = String(v)),
  'server.address': (h, v) => (h.serverAddress = String(v)),
  'net.peer.name': (h, v) => (h.serverAddress ??= String(v)),
  'server.port': (h, v) => (h.serverPort = toInt(v)),
  'net.peer.port': (h, v) => (h.serverPort ??= toInt(v)),
  'db.system.name': (h, v) => (h.dbSystem = String(v)),
  'db.system': (h, v) => (h.dbSystem ??= String(v)),
  'db.namespace': (h, v) => (h.dbNamespace = String(v)),
  'db.name': (h, v) => (h.dbNamespace ??= String(v)),
  'db.operation.name': (h, v) => (h.dbOperation = String(v)),
  'db.operation': (h, v) => (h.dbOperation ??= String(v)),
  'db.query.text': (h, v) => (h.dbQueryStart = String(v).slice(0, 24)),
  'db.statement': (h, v) => (h.dbQueryStart ??= String(v).slice(0, 24)),
  'messaging.system': (h, v) => (h.messagingSystem = String(v)),
  'messaging.destination.name': (h, v) => (h.messagingDestination = String(v)),
  'messaging.destination': (h, v) => (h.messagingDestination ??= String(v)),
  'http.route': (h, v) => (h.httpRoute = String(v)),
};

function toInt(v: AttrValue): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? Math.trunc(n) : undefined;
}

/** Records a semantic-convention value when `key` is one the derivations use. */
export function noteHint(hints: SpanHints, key: string, value: AttrValue): void {
  const set = HINT_SETTERS[key];
  if (set !== undefined && value !== null && typeof value !== 'object') set(hints, value);
}

/** The span attribute patterns whose values go into the search index (see
 * common/search-attributes.ts); the writer's thread sets the user's own at start. */
let searchPatterns: readonly string[] = DEFAULT_SEARCH_PATTERNS;
let generation = 0;
const searchKeyCache = new Map<string, boolean>();

export function setSearchPatterns(patterns: readonly string[]): void {
  searchPatterns = patterns;
  searchKeyCache.clear();
  generation++;
}

/** Changes whenever the patterns do (decoders caching decisions per key compare it). */
export function searchGeneration(): number {
  return generation;
}

export function isSearchKey(key: string): boolean {
  let yes = searchKeyCache.get(key);
  if (yes === undefined) {
    yes = isSearchedKey(key, searchPatterns);
    if (searchKeyCache.size >= 4096) searchKeyCache.clear();
    searchKeyCache.set(key, yes);
  }
  return yes;
}

/** Records `key=value` for the search index when the key is indexed and the value scalar. */
export function noteSearch(hints: SpanHints, key: string, value: AttrValue | bigint): void {
  if (isSearchKey(key)) noteSearchValue(hints, key, value);
}

/** Records `key=value` of a key known to be indexed, when the value is scalar. */
export function noteSearchValue(hints: SpanHints, key: string, value: AttrValue | bigint): void {
  const text = searchText(value);
  if (text !== undefined) (hints.search ??= []).push(searchHash(key, text));
}

export const HINT_KEYS: readonly string[] = Object.keys(HINT_SETTERS);

/** Builds a resource record; attributes are canonicalised (sorted keys) so identical
 * resources hash identically whatever order a producer sends them in. */
export function makeResource(
  attrs: Array<[string, AttrValue]>,
  droppedAttributesCount: number,
  schemaUrl: string,
  writer: AttributeWriter,
): ResourceRecord {
  attrs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  writer.reset();
  let serviceName = '';
  let serviceNamespace = '';
  let serviceVersion = '';
  let environment = '';
  for (const [k, v] of attrs) {
    writer.add(k, v);
    if (k === 'service.name') serviceName = String(v ?? '');
    else if (k === 'service.namespace') serviceNamespace = String(v ?? '');
    else if (k === 'service.version') serviceVersion = String(v ?? '');
    else if (k === 'deployment.environment.name' || (k === 'deployment.environment' && !environment))
      environment = String(v ?? '');
  }
  droppedAttributesCount += writer.dropped;
  return {
    attributes: writer.take(),
    droppedAttributesCount,
    schemaUrl,
    // The SDKs' own default when service.name is not configured (resource semconv).
    serviceName: serviceName || 'unknown_service',
    serviceNamespace,
    serviceVersion,
    environment,
  };
}

// ---- logs and metric points: checks shared by the protobuf and JSON decoders -------------

export interface RawLog {
  timeNs: bigint;
  observedNs: bigint;
  severityNumber: number;
  severityText: string;
  body: AttrValue;
  traceId: Uint8Array | null;
  spanId: Uint8Array | null;
  flags: number;
  eventName: string;
  attributes: string;
  droppedAttributesCount: number;
}

/** Validation and body rendering shared with the JSON decoder (it passes its own where()). */
export function validateLog(
  raw: RawLog,
  limits: IngestLimits,
  maxNs: bigint,
  clip: (s: string) => string,
): LogRecordRow | string {
  let traceId = raw.traceId;
  let spanId = raw.spanId;
  if (traceId !== null && (traceId.length === 0 || isAllZero(traceId))) traceId = null;
  if (spanId !== null && (spanId.length === 0 || isAllZero(spanId))) spanId = null;
  if (traceId !== null && traceId.length !== 16) return `traceId must be 16 bytes, got ${traceId.length}`;
  if (spanId !== null && spanId.length !== 8) return `spanId must be 8 bytes, got ${spanId.length}`;
  if (raw.timeNs !== 0n) {
    const p = checkTimestamp(raw.timeNs, 'timeUnixNano', maxNs);
    if (p) return p;
  }
  let observedNs = raw.observedNs;
  if (observedNs !== 0n) {
    const p = checkTimestamp(observedNs, 'observedTimeUnixNano', maxNs);
    if (p) return p;
  } else observedNs = BigInt(Date.now()) * 1_000_000n;
  if (raw.severityNumber > 24) return `severityNumber ${raw.severityNumber} is outside 0..24`;
  const b = raw.body;
  const body = b === null ? '' : typeof b === 'string' ? clip(b) : clip(JSON.stringify(b));
  void limits;
  return {
    timeNs: raw.timeNs !== 0n ? raw.timeNs : observedNs,
    observedNs,
    severityNumber: raw.severityNumber,
    severityText: raw.severityText,
    body,
    bodyJson: b === null || typeof b === 'string' ? '' : body,
    traceId,
    spanId,
    flags: raw.flags,
    eventName: raw.eventName,
    attributes: raw.attributes,
    droppedAttributesCount: raw.droppedAttributesCount,
  };
}

export interface PointDraft {
  startNs: bigint;
  timeNs: bigint;
  value: number | null;
  isInt: boolean;
  count: number | null;
  sum: number | null;
  min: number | null;
  max: number | null;
  flags: number;
  detail: Record<string, unknown>;
  attributes: string;
}

export function newPointDraft(): PointDraft {
  return {
    startNs: 0n,
    timeNs: 0n,
    value: null,
    isInt: false,
    count: null,
    sum: null,
    min: null,
    max: null,
    flags: 0,
    detail: {},
    attributes: '{}',
  };
}

/** Checks a decoded point; returns the row or an error message. Shared with the JSON decoder. */
export function finishPoint(d: PointDraft, kind: MetricKind, maxNs: bigint): MetricPointRow | string {
  const problem = checkTimestamp(d.timeNs, 'timeUnixNano', maxNs);
  if (problem) return problem;
  if (d.startNs !== 0n && d.startNs > d.timeNs) return `startTimeUnixNano ${d.startNs} is after timeUnixNano ${d.timeNs}`;
  if (kind === 'histogram') {
    const counts = d.detail.bucketCounts as number[];
    const bounds = d.detail.explicitBounds as number[];
    if (counts.length > 0 && counts.length !== bounds.length + 1)
      return `bucketCounts has ${counts.length} entries; explicitBounds has ${bounds.length}, so ${bounds.length + 1} were expected`;
    for (let i = 1; i < bounds.length; i++)
      if (!(bounds[i] > bounds[i - 1])) return `explicitBounds must be strictly increasing (index ${i})`;
  }
  if ((kind === 'gauge' || kind === 'sum') && d.value === null) return 'data point has neither asDouble nor asInt';
  const hasDetail = Object.keys(d.detail).length > 0;
  return {
    attributes: d.attributes,
    startNs: d.startNs,
    timeNs: d.timeNs,
    value: kind === 'gauge' || kind === 'sum' ? d.value : d.sum,
    isInt: d.isInt,
    count: d.count,
    sum: d.sum,
    min: d.min,
    max: d.max,
    detail: hasDetail ? JSON.stringify(d.detail) : '',
    flags: d.flags,
  };
}

