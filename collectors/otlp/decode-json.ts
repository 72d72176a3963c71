// OTLP/JSON → normalized batches, following the OTLP JSON mapping: lowerCamelCase field names
// (snake_case accepted too), trace/span ids as hex, 64-bit integers as strings or numbers,
// enums as integers (their names accepted too). Unknown fields are ignored, as the spec asks.
import type {
  AttrValue,
  LogRecordRow,
  MetricKind,
  MetricRecord,
  ResourceGroup,
  ScopeRecord,
  SpanHints,
  Signal,
  SpanRecord,
  TelemetryBatch,
} from '../../common/model';
import { emptyBatch } from '../../common/model';
import { fromHex, toHex } from '../../common/ids';
import {
  AttributeWriter,
  DEFAULT_LIMITS,
  type IngestLimits,
  addError,
  finishPoint,
  makeResource,
  MAX_VALUE_DEPTH,
  maxPlausibleNs,
  nestingMessage,
  newPointDraft,
  noteHint,
  noteSearch,
  validateLog,
  validateSpan,
} from './normalize';
import { DecodeError } from './proto-reader';

type Json = Record<string, unknown>;

/** Thrown for structural problems: the whole request is malformed (HTTP 400). */
class Shape extends DecodeError {}

function field(o: Json, camel: string, snake?: string): unknown {
  const v = o[camel];
  return v !== undefined ? v : snake !== undefined ? o[snake] : undefined;
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function list(o: Json, camel: string, snake: string, where: string): unknown[] {
  const v = field(o, camel, snake);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Shape(`"${camel}" must be an array, got ${typeName(v)}`, where);
  return v;
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

class ItemError extends Error {}

function str(v: unknown, name: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new ItemError(`${name} must be a string, got ${typeName(v)}`);
  return v;
}

function u64(v: unknown, name: string): bigint {
  if (v === undefined || v === null || v === '') return 0n;
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) throw new ItemError(`${name} must be a non-negative integer, got ${v}`);
    return BigInt(Math.round(v));
  }
  if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v);
  throw new ItemError(`${name} must be an integer (string or number), got ${JSON.stringify(v)}`);
}

function int(v: unknown, name: string): number {
  if (v === undefined || v === null || v === '') return 0;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new ItemError(`${name} must be a number, got ${JSON.stringify(v)}`);
  return n;
}

function optDouble(v: unknown, name: string): number | null {
  if (v === undefined || v === null) return null;
  return dbl(v, name);
}

function dbl(v: unknown, name: string): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  throw new ItemError(`${name} must be a number, got ${JSON.stringify(v)}`);
}

function enumValue(v: unknown, names: readonly string[], prefix: string, name: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string') {
    const i = names.indexOf(v.startsWith(prefix) ? v.slice(prefix.length) : v);
    if (i >= 0) return i;
    if (/^\d+$/.test(v)) return Number(v);
  }
  throw new ItemError(`${name} has unknown value ${JSON.stringify(v)}`);
}

const KIND_NAMES = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS_NAMES = ['UNSET', 'OK', 'ERROR'];
const TEMPORALITY_NAMES = ['UNSPECIFIED', 'DELTA', 'CUMULATIVE'];
const SEVERITY_NAMES = [
  'UNSPECIFIED',
  'TRACE', 'TRACE2', 'TRACE3', 'TRACE4',
  'DEBUG', 'DEBUG2', 'DEBUG3', 'DEBUG4',
  'INFO', 'INFO2', 'INFO3', 'INFO4',
  'WARN', 'WARN2', 'WARN3', 'WARN4',
  'ERROR', 'ERROR2', 'ERROR3', 'ERROR4',
  'FATAL', 'FATAL2', 'FATAL3', 'FATAL4',
];

/** Ids are hex in OTLP/JSON; base64 (the generic proto3 JSON mapping) is accepted as well. */
function id(v: unknown, size: number, name: string): Uint8Array | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string') throw new ItemError(`${name} must be a hex string, got ${typeName(v)}`);
  if (v.length === size * 2) {
    const b = fromHex(v);
    if (b) return b;
  }
  if (v.length === Math.ceil(size / 3) * 4 && /^[A-Za-z0-9+/]+=*$/.test(v)) {
    return Uint8Array.from(atob(v), (ch) => ch.charCodeAt(0));
  }
  throw new ItemError(`${name} must be ${size * 2} hex digits, got ${JSON.stringify(v.slice(0, 80))}`);
}

/** Thrown past MAX_VALUE_DEPTH: the whole request is refused (400), naming the attribute. */
class TooDeep extends Shape {}

export function anyValueJson(v: unknown, name = 'value', depth = 0): AttrValue {
  if (v === undefined || v === null) return null;
  if (!isObj(v)) throw new ItemError(`${name} must be an AnyValue object, got ${typeName(v)}`);
  if ('stringValue' in v || 'string_value' in v) return str(field(v, 'stringValue', 'string_value'), name);
  if ('boolValue' in v || 'bool_value' in v) return Boolean(field(v, 'boolValue', 'bool_value'));
  if ('intValue' in v || 'int_value' in v) {
    const raw = field(v, 'intValue', 'int_value');
    if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
    if (typeof raw === 'string' && /^-?\d+$/.test(raw)) {
      const n = Number(raw);
      return Number.isSafeInteger(n) ? n : raw;
    }
    throw new ItemError(`${name}.intValue must be an integer, got ${JSON.stringify(raw)}`);
  }
  if ('doubleValue' in v || 'double_value' in v) return dbl(field(v, 'doubleValue', 'double_value'), `${name}.doubleValue`);
  if (depth >= MAX_VALUE_DEPTH && ('arrayValue' in v || 'array_value' in v || 'kvlistValue' in v || 'kvlist_value' in v))
    throw new TooDeep(`${rootOf(name)}: ${nestingMessage()}`, '');
  if ('arrayValue' in v || 'array_value' in v) {
    const a = field(v, 'arrayValue', 'array_value');
    const values = isObj(a) ? a.values : undefined;
    if (values !== undefined && !Array.isArray(values)) throw new ItemError(`${name}.arrayValue.values must be an array`);
    return (values ?? []).map((x, i) => anyValueJson(x, `${name}.arrayValue.values[${i}]`, depth + 1));
  }
  if ('kvlistValue' in v || 'kvlist_value' in v) {
    const kv = field(v, 'kvlistValue', 'kvlist_value');
    const values = isObj(kv) ? kv.values : undefined;
    if (values !== undefined && !Array.isArray(values)) throw new ItemError(`${name}.kvlistValue.values must be an array`);
    const out: Record<string, AttrValue> = {};
    (values ?? []).forEach((x, i) => {
      if (!isObj(x)) throw new ItemError(`${name}.kvlistValue.values[${i}] must be an object`);
      out[str(x.key, `${name}.kvlistValue.values[${i}].key`)] = anyValueJson(x.value, `${name}.kvlistValue.values[${i}].value`, depth + 1);
    });
    return out;
  }
  if ('bytesValue' in v || 'bytes_value' in v) return str(field(v, 'bytesValue', 'bytes_value'), `${name}.bytesValue`);
  return null;
}

/** The attribute a nested value belongs to ("attributes[3].value"), not all 32 levels below it. */
function rootOf(name: string): string {
  const i = name.indexOf('.arrayValue');
  const j = name.indexOf('.kvlistValue');
  const cut = i < 0 ? j : j < 0 ? i : Math.min(i, j);
  return cut < 0 ? name : name.slice(0, cut);
}

function attributesInto(v: unknown, w: AttributeWriter, hints: SpanHints | null, name: string): void {
  if (v === undefined || v === null) return;
  if (!Array.isArray(v)) throw new ItemError(`${name} must be an array of {key, value}`);
  for (let i = 0; i < v.length; i++) {
    const kv = v[i];
    if (!isObj(kv)) throw new ItemError(`${name}[${i}] must be an object`);
    const key = str(kv.key, `${name}[${i}].key`);
    const value = anyValueJson(kv.value, `${name}[${i}].value`);
    w.add(key, value);
    if (hints) {
      noteHint(hints, key, value);
      noteSearch(hints, key, value);
    }
  }
}

interface Ctx {
  batch: TelemetryBatch;
  limits: IngestLimits;
  attrs: AttributeWriter;
  nested: AttributeWriter;
  maxNs: bigint;
}

function scopeOf(c: Ctx, v: unknown, schemaUrl: string): ScopeRecord {
  const s: ScopeRecord = { name: '', version: '', attributes: '{}', droppedAttributesCount: 0, schemaUrl };
  if (!isObj(v)) return s;
  s.name = str(v.name, 'scope.name');
  s.version = str(v.version, 'scope.version');
  c.nested.reset();
  attributesInto(v.attributes, c.nested, null, 'scope.attributes');
  s.droppedAttributesCount = int(field(v, 'droppedAttributesCount', 'dropped_attributes_count'), 'scope.droppedAttributesCount') + c.nested.dropped;
  s.attributes = c.nested.take();
  return s;
}

function envelope<T>(
  c: Ctx,
  body: unknown,
  keys: { res: [string, string]; scope: [string, string]; items: [string, string]; legacyScope?: string },
  item: (c: Ctx, v: unknown) => T | null,
): ResourceGroup<T>[] {
  if (!isObj(body)) throw new Shape(`expected a JSON object with "${keys.res[0]}", got ${typeName(body)}`, '');
  const out: ResourceGroup<T>[] = [];
  const resources = list(body, keys.res[0], keys.res[1], '');
  resources.forEach((rv, ri) => {
    const rWhere = `${keys.res[0]}[${ri}]`;
    if (!isObj(rv)) throw new Shape(`must be an object, got ${typeName(rv)}`, rWhere);
    const schemaUrl = String(field(rv, 'schemaUrl', 'schema_url') ?? '');
    const res = field(rv, 'resource');
    const attrs: Array<[string, AttrValue]> = [];
    let dropped = 0;
    if (isObj(res)) {
      const a = res.attributes;
      if (a !== undefined && !Array.isArray(a)) throw new Shape('resource.attributes must be an array', rWhere);
      for (const [i, kv] of ((a as unknown[]) ?? []).entries()) {
        if (!isObj(kv) || typeof kv.key !== 'string') throw new Shape(`resource.attributes[${i}] must be {key, value}`, rWhere);
        try {
          attrs.push([kv.key, anyValueJson(kv.value, `resource.attributes[${i}].value`)]);
        } catch (e) {
          throw new Shape((e as Error).message, rWhere);
        }
      }
      dropped = Number(field(res, 'droppedAttributesCount', 'dropped_attributes_count') ?? 0) || 0;
    }
    const group: ResourceGroup<T> = { resource: makeResource(attrs, dropped, schemaUrl, c.nested), scopes: [] };
    let scopes = list(rv, keys.scope[0], keys.scope[1], rWhere);
    if (scopes.length === 0 && keys.legacyScope) scopes = list(rv, keys.legacyScope, keys.legacyScope, rWhere);
    scopes.forEach((sv, si) => {
      const sWhere = `${rWhere}.${keys.scope[0]}[${si}]`;
      if (!isObj(sv)) throw new Shape(`must be an object, got ${typeName(sv)}`, sWhere);
      let scope: ScopeRecord;
      try {
        scope = scopeOf(c, field(sv, 'scope') ?? field(sv, 'instrumentationLibrary'), String(field(sv, 'schemaUrl', 'schema_url') ?? ''));
      } catch (e) {
        throw new Shape((e as Error).message, sWhere);
      }
      const items: T[] = [];
      list(sv, keys.items[0], keys.items[1], sWhere).forEach((iv, ii) => {
        const iWhere = `${sWhere}.${keys.items[0]}[${ii}]`;
        try {
          if (!isObj(iv)) throw new ItemError(`must be an object, got ${typeName(iv)}`);
          const it = item(c, iv);
          if (it !== null) items.push(it);
        } catch (e) {
          if (e instanceof TooDeep) throw new Shape(e.reason, iWhere);
          if (!(e instanceof ItemError)) throw e;
          addError(c.batch, c.limits, `${iWhere}: ${e.message}`);
        }
      });
      if (items.length > 0) group.scopes.push({ scope, items });
    });
    if (group.scopes.length > 0) out.push(group);
  });
  return out;
}

function newCtx(limits: IngestLimits): Ctx {
  const batch = emptyBatch();
  return {
    batch,
    limits,
    attrs: new AttributeWriter(limits, batch),
    nested: new AttributeWriter(limits, batch),
    maxNs: maxPlausibleNs(),
  };
}

// ---- traces ------------------------------------------------------------------------------

function spanJson(c: Ctx, v: unknown): SpanRecord {
  const s = v as Json;
  const hints: SpanHints = {};
  const traceId = id(field(s, 'traceId', 'trace_id'), 16, 'traceId');
  const spanId = id(field(s, 'spanId', 'span_id'), 8, 'spanId');
  const parentSpanId = id(field(s, 'parentSpanId', 'parent_span_id'), 8, 'parentSpanId');
  const startNs = u64(field(s, 'startTimeUnixNano', 'start_time_unix_nano'), 'startTimeUnixNano');
  const endNs = u64(field(s, 'endTimeUnixNano', 'end_time_unix_nano'), 'endTimeUnixNano');
  c.attrs.reset();
  attributesInto(s.attributes, c.attrs, hints, 'attributes');
  const droppedAttributesCount = int(field(s, 'droppedAttributesCount', 'dropped_attributes_count'), 'droppedAttributesCount') + c.attrs.dropped;
  const attributes = c.attrs.take();
  const rawEvents = s.events ?? [];
  if (!Array.isArray(rawEvents)) throw new ItemError('events must be an array');
  const events: string[] = [];
  let droppedEventsCount = int(field(s, 'droppedEventsCount', 'dropped_events_count'), 'droppedEventsCount');
  rawEvents.forEach((ev, i) => {
    if (events.length >= c.limits.maxEventsPerSpan) return void droppedEventsCount++;
    if (!isObj(ev)) throw new ItemError(`events[${i}] must be an object`);
    c.nested.reset();
    attributesInto(ev.attributes, c.nested, null, `events[${i}].attributes`);
    const dropped = int(field(ev, 'droppedAttributesCount', 'dropped_attributes_count'), `events[${i}].droppedAttributesCount`) + c.nested.dropped;
    events.push(
      `{"timeUnixNano":"${u64(field(ev, 'timeUnixNano', 'time_unix_nano'), `events[${i}].timeUnixNano`)}","name":${JSON.stringify(str(ev.name, `events[${i}].name`))},"attributes":${c.nested.take()},"droppedAttributesCount":${dropped}}`,
    );
  });
  const rawLinks = s.links ?? [];
  if (!Array.isArray(rawLinks)) throw new ItemError('links must be an array');
  const links: string[] = [];
  let droppedLinksCount = int(field(s, 'droppedLinksCount', 'dropped_links_count'), 'droppedLinksCount');
  rawLinks.forEach((l, i) => {
    if (links.length >= c.limits.maxLinksPerSpan) return void droppedLinksCount++;
    if (!isObj(l)) throw new ItemError(`links[${i}] must be an object`);
    c.nested.reset();
    attributesInto(l.attributes, c.nested, null, `links[${i}].attributes`);
    const dropped = int(field(l, 'droppedAttributesCount', 'dropped_attributes_count'), `links[${i}].droppedAttributesCount`) + c.nested.dropped;
    links.push(
      `{"traceId":"${toHex(id(field(l, 'traceId', 'trace_id'), 16, `links[${i}].traceId`))}","spanId":"${toHex(id(field(l, 'spanId', 'span_id'), 8, `links[${i}].spanId`))}","traceState":${JSON.stringify(str(field(l, 'traceState', 'trace_state'), `links[${i}].traceState`))},"attributes":${c.nested.take()},"droppedAttributesCount":${dropped},"flags":${int(l.flags, `links[${i}].flags`)}}`,
    );
  });
  const status = isObj(s.status) ? s.status : {};
  const record = validateSpan(
    {
      traceId,
      spanId,
      parentSpanId,
      traceState: str(field(s, 'traceState', 'trace_state'), 'traceState'),
      flags: int(s.flags, 'flags'),
      name: c.attrs.clip(str(s.name, 'name')),
      kind: enumValue(s.kind, KIND_NAMES, 'SPAN_KIND_', 'kind'),
      startNs,
      endNs,
      statusCode: enumValue(status.code, STATUS_NAMES, 'STATUS_CODE_', 'status.code'),
      statusMessage: str(status.message, 'status.message'),
      attributes,
      events: '[' + events.join(',') + ']',
      links: '[' + links.join(',') + ']',
      droppedAttributesCount,
      droppedEventsCount,
      droppedLinksCount,
      hints,
    },
    c.maxNs,
  );
  if (typeof record === 'string') throw new ItemError(record);
  return record;
}

const TRACE_KEYS = {
  res: ['resourceSpans', 'resource_spans'] as [string, string],
  scope: ['scopeSpans', 'scope_spans'] as [string, string],
  items: ['spans', 'spans'] as [string, string],
  legacyScope: 'instrumentationLibrarySpans',
};

// ---- logs --------------------------------------------------------------------------------

function logJson(c: Ctx, v: unknown): LogRecordRow {
  const l = v as Json;
  c.attrs.reset();
  attributesInto(l.attributes, c.attrs, null, 'attributes');
  const droppedAttributesCount = int(field(l, 'droppedAttributesCount', 'dropped_attributes_count'), 'droppedAttributesCount') + c.attrs.dropped;
  const out = validateLog(
    {
      timeNs: u64(field(l, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano'),
      observedNs: u64(field(l, 'observedTimeUnixNano', 'observed_time_unix_nano'), 'observedTimeUnixNano'),
      severityNumber: enumValue(field(l, 'severityNumber', 'severity_number'), SEVERITY_NAMES, 'SEVERITY_NUMBER_', 'severityNumber'),
      severityText: str(field(l, 'severityText', 'severity_text'), 'severityText'),
      body: anyValueJson(l.body, 'body'),
      traceId: id(field(l, 'traceId', 'trace_id'), 16, 'traceId'),
      spanId: id(field(l, 'spanId', 'span_id'), 8, 'spanId'),
      flags: int(l.flags, 'flags'),
      eventName: str(field(l, 'eventName', 'event_name'), 'eventName'),
      attributes: c.attrs.take(),
      droppedAttributesCount,
    },
    c.limits,
    c.maxNs,
    (s) => c.attrs.clip(s),
  );
  if (typeof out === 'string') throw new ItemError(out);
  return out;
}

const LOG_KEYS = {
  res: ['resourceLogs', 'resource_logs'] as [string, string],
  scope: ['scopeLogs', 'scope_logs'] as [string, string],
  items: ['logRecords', 'log_records'] as [string, string],
  legacyScope: 'instrumentationLibraryLogs',
};

// ---- metrics -----------------------------------------------------------------------------

function exemplarsJson(c: Ctx, v: unknown, name: string): unknown[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new ItemError(`${name} must be an array`);
  if (v.length === 0) return undefined;
  return v.map((e, i) => {
    if (!isObj(e)) throw new ItemError(`${name}[${i}] must be an object`);
    c.nested.reset();
    attributesInto(field(e, 'filteredAttributes', 'filtered_attributes'), c.nested, null, `${name}[${i}].filteredAttributes`);
    const out: Record<string, unknown> = {
      filteredAttributes: JSON.parse(c.nested.take()),
      timeUnixNano: u64(field(e, 'timeUnixNano', 'time_unix_nano'), `${name}[${i}].timeUnixNano`).toString(),
    };
    const asInt = field(e, 'asInt', 'as_int');
    const asDouble = field(e, 'asDouble', 'as_double');
    if (asInt !== undefined) out.value = int(asInt, `${name}[${i}].asInt`);
    else if (asDouble !== undefined) out.value = dbl(asDouble, `${name}[${i}].asDouble`);
    const sid = id(field(e, 'spanId', 'span_id'), 8, `${name}[${i}].spanId`);
    const tid = id(field(e, 'traceId', 'trace_id'), 16, `${name}[${i}].traceId`);
    if (sid) out.spanId = toHex(sid);
    if (tid) out.traceId = toHex(tid);
    return out;
  });
}

function countsOf(v: unknown, name: string): number[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ItemError(`${name} must be an array`);
  return v.map((x, i) => Number(u64(x, `${name}[${i}]`)));
}

const DATA_KEYS: Array<[MetricKind, string, string]> = [
  ['gauge', 'gauge', 'gauge'],
  ['sum', 'sum', 'sum'],
  ['histogram', 'histogram', 'histogram'],
  ['exponential_histogram', 'exponentialHistogram', 'exponential_histogram'],
  ['summary', 'summary', 'summary'],
];

function metricJson(c: Ctx, v: unknown): MetricRecord | null {
  const m = v as Json;
  const name = str(m.name, 'name');
  if (!name) throw new ItemError('metric has no name');
  let kind: MetricKind | null = null;
  let data: Json | null = null;
  for (const [k, camel, snake] of DATA_KEYS) {
    const d = field(m, camel, snake);
    if (isObj(d)) {
      kind = k;
      data = d;
      break;
    }
  }
  if (!kind || !data)
    throw new ItemError(`metric "${name}" has no data (gauge, sum, histogram, exponentialHistogram or summary)`);
  const rec: MetricRecord = {
    name,
    description: str(m.description, 'description'),
    unit: str(m.unit, 'unit'),
    kind,
    temporality: enumValue(field(data, 'aggregationTemporality', 'aggregation_temporality'), TEMPORALITY_NAMES, 'AGGREGATION_TEMPORALITY_', 'aggregationTemporality'),
    monotonic: Boolean(field(data, 'isMonotonic', 'is_monotonic')),
    points: [],
  };
  const points = field(data, 'dataPoints', 'data_points') ?? [];
  if (!Array.isArray(points)) throw new ItemError('dataPoints must be an array');
  points.forEach((pv, i) => {
    const pn = `dataPoints[${i}]`;
    try {
      if (!isObj(pv)) throw new ItemError(`${pn} must be an object`);
      const d = newPointDraft();
      d.startNs = u64(field(pv, 'startTimeUnixNano', 'start_time_unix_nano'), `${pn}.startTimeUnixNano`);
      d.timeNs = u64(field(pv, 'timeUnixNano', 'time_unix_nano'), `${pn}.timeUnixNano`);
      d.flags = int(pv.flags, `${pn}.flags`);
      c.attrs.reset();
      attributesInto(pv.attributes, c.attrs, null, `${pn}.attributes`);
      d.attributes = c.attrs.take();
      const exemplars = exemplarsJson(c, pv.exemplars, `${pn}.exemplars`);
      if (kind === 'gauge' || kind === 'sum') {
        const asInt = field(pv, 'asInt', 'as_int');
        const asDouble = field(pv, 'asDouble', 'as_double');
        if (asInt !== undefined) {
          d.value = int(asInt, `${pn}.asInt`);
          d.isInt = true;
        } else if (asDouble !== undefined) d.value = dbl(asDouble, `${pn}.asDouble`);
      } else {
        d.count = field(pv, 'count') === undefined ? null : Number(u64(pv.count, `${pn}.count`));
        d.sum = optDouble(pv.sum, `${pn}.sum`);
        d.min = optDouble(pv.min, `${pn}.min`);
        d.max = optDouble(pv.max, `${pn}.max`);
      }
      if (kind === 'histogram') {
        d.detail.bucketCounts = countsOf(field(pv, 'bucketCounts', 'bucket_counts'), `${pn}.bucketCounts`);
        const bounds = field(pv, 'explicitBounds', 'explicit_bounds') ?? [];
        if (!Array.isArray(bounds)) throw new ItemError(`${pn}.explicitBounds must be an array`);
        d.detail.explicitBounds = bounds.map((b, j) => dbl(b, `${pn}.explicitBounds[${j}]`));
      } else if (kind === 'exponential_histogram') {
        const buckets = (b: unknown, bn: string) => ({
          offset: isObj(b) ? int(b.offset, `${bn}.offset`) : 0,
          bucketCounts: isObj(b) ? countsOf(field(b, 'bucketCounts', 'bucket_counts'), `${bn}.bucketCounts`) : [],
        });
        d.detail.scale = int(pv.scale, `${pn}.scale`);
        d.detail.zeroCount = Number(u64(field(pv, 'zeroCount', 'zero_count'), `${pn}.zeroCount`));
        d.detail.zeroThreshold = optDouble(field(pv, 'zeroThreshold', 'zero_threshold'), `${pn}.zeroThreshold`) ?? 0;
        d.detail.positive = buckets(pv.positive, `${pn}.positive`);
        d.detail.negative = buckets(pv.negative, `${pn}.negative`);
      } else if (kind === 'summary') {
        const qv = field(pv, 'quantileValues', 'quantile_values') ?? [];
        if (!Array.isArray(qv)) throw new ItemError(`${pn}.quantileValues must be an array`);
        d.detail.quantileValues = qv.map((q, j) => ({
          quantile: isObj(q) ? optDouble(q.quantile, `${pn}.quantileValues[${j}].quantile`) ?? 0 : 0,
          value: isObj(q) ? optDouble(q.value, `${pn}.quantileValues[${j}].value`) ?? 0 : 0,
        }));
      }
      if (exemplars) d.detail.exemplars = exemplars;
      const p = finishPoint(d, kind!, c.maxNs);
      if (typeof p === 'string') throw new ItemError(`${pn}: ${p}`);
      rec.points.push(p);
    } catch (e) {
      if (!(e instanceof ItemError)) throw e;
      addError(c.batch, c.limits, `metric "${name}" ${e.message.startsWith(pn) ? e.message : `${pn}: ${e.message}`}`);
    }
  });
  return rec.points.length > 0 ? rec : null;
}

const METRIC_KEYS = {
  res: ['resourceMetrics', 'resource_metrics'] as [string, string],
  scope: ['scopeMetrics', 'scope_metrics'] as [string, string],
  items: ['metrics', 'metrics'] as [string, string],
  legacyScope: 'instrumentationLibraryMetrics',
};

/** Decodes an already-parsed OTLP/JSON request body of the given signal. */
export function decodeOtlpObject(signal: Signal, body: unknown, limits: IngestLimits = DEFAULT_LIMITS): TelemetryBatch {
  const c = newCtx(limits);
  if (signal === 'traces') c.batch.spans = envelope(c, body, TRACE_KEYS, spanJson);
  else if (signal === 'logs') c.batch.logs = envelope(c, body, LOG_KEYS, logJson);
  else c.batch.metrics = envelope(c, body, METRIC_KEYS, metricJson);
  return c.batch;
}

/** Decodes OTLP/JSON text; invalid JSON is a DecodeError (HTTP 400). */
export function decodeOtlpJson(signal: Signal, text: string, limits: IngestLimits = DEFAULT_LIMITS): TelemetryBatch {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new DecodeError(`invalid JSON: ${(e as Error).message}`, '');
  }
  return decodeOtlpObject(signal, body, limits);
}

/** Which signal an OTLP/JSON document carries, from its top-level key. */
export function detectSignal(body: unknown): 'traces' | 'logs' | 'metrics' | null {
  if (!isObj(body)) return null;
  if ('resourceSpans' in body || 'resource_spans' in body) return 'traces';
  if ('resourceLogs' in body || 'resource_logs' in body) return 'logs';
  if ('resourceMetrics' in body || 'resource_metrics' in body) return 'metrics';
  return null;
}
