// A trace as an OTLP/JSON ExportTraceServiceRequest (`loupe export --trace`, "Download as OTLP"),
// following the OTLP JSON mapping: ids as lowercase hex, 64-bit integers and nanosecond
// timestamps as decimal strings, enums as integers, attributes as typed AnyValues. Any OTLP
// receiver accepts the result, and importing it back into Loupe gives the same spans.
import type { CompactTrace, SpanDetail, TraceDetail } from './api/trace-schemas';
import { SPAN_KIND_NAMES, STATUS_CODE_NAMES } from './model';

export type OtlpAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number | string }
  | { arrayValue: { values: OtlpAnyValue[] } }
  | { kvlistValue: { values: OtlpKeyValue[] } }
  | Record<string, never>;

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

export interface OtlpSpanJson {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  flags?: number;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  droppedAttributesCount?: number;
  events: Array<{ timeUnixNano: string; name: string; attributes: OtlpKeyValue[]; droppedAttributesCount?: number }>;
  droppedEventsCount?: number;
  links: Array<{ traceId: string; spanId: string; traceState?: string; attributes: OtlpKeyValue[]; droppedAttributesCount?: number; flags?: number }>;
  droppedLinksCount?: number;
  status: { code?: number; message?: string };
}

export interface OtlpTraceRequestJson {
  resourceSpans: Array<{
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: Array<{ scope: { name: string; version?: string; attributes: OtlpKeyValue[] }; spans: OtlpSpanJson[] }>;
    schemaUrl?: string;
  }>;
}

/**
 * An attribute value as an OTLP AnyValue. Stored attributes are JSON, which has one number type:
 * integers become intValue and everything else doubleValue (so a double that happens to be
 * whole, e.g. 2.0, comes back as an int — JSON cannot tell them apart).
 */
export function toAnyValue(v: unknown): OtlpAnyValue {
  switch (typeof v) {
    case 'string':
      return { stringValue: v };
    case 'boolean':
      return { boolValue: v };
    case 'bigint':
      return { intValue: v.toString() };
    case 'number':
      if (Number.isInteger(v)) return { intValue: String(v) };
      // The proto3 JSON mapping spells non-finite doubles as these strings.
      if (Number.isNaN(v)) return { doubleValue: 'NaN' };
      if (!Number.isFinite(v)) return { doubleValue: v > 0 ? 'Infinity' : '-Infinity' };
      return { doubleValue: v };
    case 'object':
      if (v === null) return {};
      if (Array.isArray(v)) return { arrayValue: { values: v.map(toAnyValue) } };
      return { kvlistValue: { values: toKeyValues(v as Record<string, unknown>) } };
    default:
      return {};
  }
}

export function toKeyValues(attrs: Record<string, unknown>): OtlpKeyValue[] {
  return Object.entries(attrs).map(([key, value]) => ({ key, value: toAnyValue(value) }));
}

/** JSON with object keys sorted, so equal attribute sets compare equal whatever their order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function spanJson(traceId: string, s: SpanDetail): OtlpSpanJson {
  const out: OtlpSpanJson = {
    traceId,
    spanId: s.spanId,
    name: s.name,
    kind: Math.max(0, SPAN_KIND_NAMES.indexOf(s.kind)),
    startTimeUnixNano: s.startTimeUnixNano,
    endTimeUnixNano: s.endTimeUnixNano,
    attributes: toKeyValues(s.attributes),
    events: s.events.map((e) => ({
      timeUnixNano: e.timeUnixNano,
      name: e.name,
      attributes: toKeyValues(e.attributes),
      ...(e.droppedAttributesCount ? { droppedAttributesCount: e.droppedAttributesCount } : {}),
    })),
    links: s.links.map((l) => ({
      traceId: l.traceId,
      spanId: l.spanId,
      ...(l.traceState ? { traceState: l.traceState } : {}),
      attributes: toKeyValues(l.attributes),
      ...(l.droppedAttributesCount ? { droppedAttributesCount: l.droppedAttributesCount } : {}),
      ...(l.flags ? { flags: l.flags } : {}),
    })),
    status: {},
  };
  if (s.parentSpanId) out.parentSpanId = s.parentSpanId;
  if (s.traceState) out.traceState = s.traceState;
  if (s.flags) out.flags = s.flags;
  if (s.droppedAttributesCount) out.droppedAttributesCount = s.droppedAttributesCount;
  if (s.droppedEventsCount) out.droppedEventsCount = s.droppedEventsCount;
  if (s.droppedLinksCount) out.droppedLinksCount = s.droppedLinksCount;
  const code = Math.max(0, STATUS_CODE_NAMES.indexOf(s.status.code));
  if (code) out.status.code = code;
  if (s.status.message) out.status.message = s.status.message;
  return out;
}

/** The trace as one ExportTraceServiceRequest, spans grouped by resource and then by scope. */
export function traceToOtlpJson(detail: TraceDetail): OtlpTraceRequestJson {
  const resources = new Map<string, { entry: OtlpTraceRequestJson['resourceSpans'][number]; scopes: Map<string, OtlpSpanJson[]> }>();
  const request: OtlpTraceRequestJson = { resourceSpans: [] };
  for (const s of detail.spans) {
    const rKey = canonical([s.resource.attributes, s.resource.schemaUrl]);
    let r = resources.get(rKey);
    if (!r) {
      const entry: OtlpTraceRequestJson['resourceSpans'][number] = { resource: { attributes: toKeyValues(s.resource.attributes) }, scopeSpans: [] };
      if (s.resource.schemaUrl) entry.schemaUrl = s.resource.schemaUrl;
      r = { entry, scopes: new Map() };
      resources.set(rKey, r);
      request.resourceSpans.push(entry);
    }
    const sKey = canonical([s.scope.name, s.scope.version, s.scope.attributes]);
    let spans = r.scopes.get(sKey);
    if (!spans) {
      spans = [];
      r.scopes.set(sKey, spans);
      r.entry.scopeSpans.push({
        scope: { name: s.scope.name, ...(s.scope.version ? { version: s.scope.version } : {}), attributes: toKeyValues(s.scope.attributes) },
        spans,
      });
    }
    spans.push(spanJson(detail.traceId, s));
  }
  return request;
}

/** The full trace from its compact form: every span with its own resource and scope. */
export function expandCompactTrace(trace: CompactTrace): TraceDetail {
  return {
    traceId: trace.traceId,
    spans: trace.spans.map(({ resourceIndex, scopeIndex, ...span }) => ({ ...span, resource: trace.resources[resourceIndex], scope: trace.scopes[scopeIndex] })),
  };
}
