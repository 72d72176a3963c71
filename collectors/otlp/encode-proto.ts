// Normalized batches → OTLP protobuf export requests (opentelemetry-proto v1), so telemetry
// Loupe read itself (file imports, snapshots) reaches the writer thread as the same bytes a
// receiver hands it, and is decoded there by decode-proto.ts like everything else. Decoding
// what this writes gives back the records it was given: the round-trip test holds the two
// together (attribute text, events, links, hints, metric details).
import type {
  LogRecordRow,
  MetricPointRow,
  MetricRecord,
  ResourceGroup,
  Signal,
  SpanRecord,
  TelemetryBatch,
} from '../../common/model';
import { DEFAULT_LIMITS } from './normalize';
import { JsonToProto } from './json-to-proto';
import { ProtoWriter } from './proto-writer';

// Encoding is synchronous: one writer per thread serves every request.
const w = new ProtoWriter(1 << 20);
const attrs = new JsonToProto(w);

/** Writes the envelope every export request shares around `item`. */
function envelope<T>(groups: ResourceGroup<T>[], item: (it: T) => void): Buffer {
  w.reset();
  for (const g of groups) {
    const rm = w.begin(1);
    const res = w.begin(1);
    attrs.keyValues(1, g.resource.attributes);
    if (g.resource.droppedAttributesCount) w.uint32Field(2, g.resource.droppedAttributesCount);
    w.end(res);
    for (const s of g.scopes) {
      const sm = w.begin(2);
      const sc = w.begin(1);
      if (s.scope.name) w.stringField(1, s.scope.name);
      if (s.scope.version) w.stringField(2, s.scope.version);
      attrs.keyValues(3, s.scope.attributes);
      if (s.scope.droppedAttributesCount) w.uint32Field(4, s.scope.droppedAttributesCount);
      w.end(sc);
      for (const it of s.items) {
        const im = w.begin(2);
        item(it);
        w.end(im);
      }
      if (s.scope.schemaUrl) w.stringField(3, s.scope.schemaUrl);
      w.end(sm);
    }
    if (g.resource.schemaUrl) w.stringField(3, g.resource.schemaUrl);
    w.end(rm);
  }
  return w.take();
}

// ---- traces ------------------------------------------------------------------------------

const hexBytes = (hex: string): Buffer => Buffer.from(hex, 'hex');

/** The span's events JSON array as repeated Event (field 11). */
function events(text: string): void {
  if (text.length <= 2) return;
  attrs.load(text);
  attrs.expect(0x5b);
  if (attrs.accept(0x5d)) return;
  do {
    const m = w.begin(11);
    attrs.expect(0x7b);
    if (!attrs.accept(0x7d)) {
      do {
        const key = attrs.string();
        attrs.expect(0x3a);
        if (key === 'timeUnixNano') w.fixed64Field(1, BigInt(attrs.string()));
        else if (key === 'name') attrs.stringTo(2);
        else if (key === 'attributes') attrs.members(3);
        else if (key === 'droppedAttributesCount') uint32(4, attrs.number());
        else attrs.skip();
      } while (attrs.accept(0x2c));
      attrs.expect(0x7d);
    }
    w.end(m);
  } while (attrs.accept(0x2c));
}

/** The span's links JSON array as repeated Link (field 13). */
function links(text: string): void {
  if (text.length <= 2) return;
  attrs.load(text);
  attrs.expect(0x5b);
  if (attrs.accept(0x5d)) return;
  do {
    const m = w.begin(13);
    attrs.expect(0x7b);
    if (!attrs.accept(0x7d)) {
      do {
        const key = attrs.string();
        attrs.expect(0x3a);
        if (key === 'traceId') idField(1, attrs.string());
        else if (key === 'spanId') idField(2, attrs.string());
        else if (key === 'traceState') {
          const state = attrs.string();
          if (state) w.stringField(3, state);
        } else if (key === 'attributes') attrs.members(4);
        else if (key === 'droppedAttributesCount') uint32(5, attrs.number());
        else if (key === 'flags') {
          const flags = attrs.number();
          if (flags) w.fixed32Field(6, flags);
        } else attrs.skip();
      } while (attrs.accept(0x2c));
      attrs.expect(0x7d);
    }
    w.end(m);
  } while (attrs.accept(0x2c));
}

function idField(field: number, hex: string): void {
  if (hex) w.bytesField(field, hexBytes(hex));
}

function uint32(field: number, v: number): void {
  if (v) w.uint32Field(field, v);
}

function span(s: SpanRecord): void {
  w.bytesField(1, s.traceId);
  w.bytesField(2, s.spanId);
  if (s.traceState) w.stringField(3, s.traceState);
  if (s.parentSpanId) w.bytesField(4, s.parentSpanId);
  w.stringField(5, s.name);
  uint32(6, s.kind);
  w.fixed64Field(7, s.startNs);
  w.fixed64Field(8, s.endNs);
  attrs.keyValues(9, s.attributes);
  uint32(10, s.droppedAttributesCount);
  events(s.events);
  uint32(12, s.droppedEventsCount);
  links(s.links);
  uint32(14, s.droppedLinksCount);
  if (s.statusCode || s.statusMessage) {
    const st = w.begin(15);
    if (s.statusMessage) w.stringField(2, s.statusMessage);
    uint32(3, s.statusCode);
    w.end(st);
  }
  if (s.flags) w.fixed32Field(16, s.flags);
}

/** ExportTraceServiceRequest. */
export function encodeTracesProto(groups: ResourceGroup<SpanRecord>[]): Buffer {
  return envelope(groups, span);
}

// ---- logs --------------------------------------------------------------------------------

function logRecord(l: LogRecordRow): void {
  w.fixed64Field(1, l.timeNs);
  uint32(2, l.severityNumber);
  if (l.severityText) w.stringField(3, l.severityText);
  // A structured body was stored as its JSON (cut past the value limit: then only its text is left).
  if (l.bodyJson && l.bodyJson.length <= DEFAULT_LIMITS.maxValueLength) attrs.anyValue(5, l.bodyJson);
  else if (l.body) {
    const b = w.begin(5);
    w.stringField(1, l.body);
    w.end(b);
  }
  attrs.keyValues(6, l.attributes);
  uint32(7, l.droppedAttributesCount);
  if (l.flags) w.fixed32Field(8, l.flags);
  if (l.traceId) w.bytesField(9, l.traceId);
  if (l.spanId) w.bytesField(10, l.spanId);
  w.fixed64Field(11, l.observedNs);
  if (l.eventName) w.stringField(12, l.eventName);
}

/** ExportLogsServiceRequest. */
export function encodeLogsProto(groups: ResourceGroup<LogRecordRow>[]): Buffer {
  return envelope(groups, logRecord);
}

// ---- metrics -----------------------------------------------------------------------------

type Detail = {
  bucketCounts?: number[];
  explicitBounds?: Array<number | null>;
  scale?: number;
  zeroCount?: number;
  zeroThreshold?: number;
  positive?: { offset: number; bucketCounts: number[] };
  negative?: { offset: number; bucketCounts: number[] };
  quantileValues?: Array<{ quantile: number | null; value: number | null }>;
  exemplars?: Array<Record<string, unknown>>;
};

/** A double the detail JSON may hold as null (JSON has no NaN or infinities). */
const num = (v: number | null | undefined, absent: number): number => (typeof v === 'number' ? v : absent);

function exemplars(field: number, list: Detail['exemplars']): void {
  if (!list) return;
  for (const ex of list) {
    const m = w.begin(field);
    w.fixed64Field(2, BigInt((ex.timeUnixNano as string | undefined) ?? 0));
    const v = ex.value;
    // An integer as_int (a string when past 2^53); any other number as_double.
    if (typeof v === 'string' || (typeof v === 'number' && Number.isSafeInteger(v))) w.sfixed64Field(6, v);
    else if (typeof v === 'number') w.doubleField(3, v);
    else if (v === null) w.doubleField(3, NaN);
    if (typeof ex.spanId === 'string') idField(4, ex.spanId);
    if (typeof ex.traceId === 'string') idField(5, ex.traceId);
    if (ex.filteredAttributes && typeof ex.filteredAttributes === 'object') attrs.keyValuesOf(7, ex.filteredAttributes as Record<string, unknown>);
    w.end(m);
  }
}

function times(p: MetricPointRow): void {
  if (p.startNs) w.fixed64Field(2, p.startNs);
  w.fixed64Field(3, p.timeNs);
}

function optDouble(field: number, v: number | null): void {
  if (v !== null) w.doubleField(field, v);
}

function optCount(field: number, v: number | null): void {
  if (v === null) return;
  w.tag(field, 1);
  w.fixed64Number(v);
}

function packedFixed64(field: number, values: number[] | undefined): void {
  if (!values || values.length === 0) return;
  const m = w.begin(field);
  for (const v of values) w.fixed64Number(v);
  w.end(m);
}

function expBuckets(field: number, b: Detail['positive']): void {
  if (!b) return;
  const m = w.begin(field);
  if (b.offset) w.sint32Field(1, b.offset);
  if (b.bucketCounts.length) {
    const c = w.begin(2);
    for (const v of b.bucketCounts) w.varint(v);
    w.end(c);
  }
  w.end(m);
}

function point(kind: MetricRecord['kind'], p: MetricPointRow): void {
  const d: Detail = p.detail ? (JSON.parse(p.detail) as Detail) : {};
  switch (kind) {
    case 'gauge':
    case 'sum':
      attrs.keyValues(7, p.attributes);
      times(p);
      if (p.isInt && Number.isInteger(p.value)) w.sfixed64Field(6, p.value!);
      else w.doubleField(4, p.value ?? NaN);
      exemplars(5, d.exemplars);
      break;
    case 'histogram':
      attrs.keyValues(9, p.attributes);
      times(p);
      optCount(4, p.count);
      optDouble(5, p.sum);
      packedFixed64(6, d.bucketCounts);
      if (d.explicitBounds && d.explicitBounds.length) {
        const m = w.begin(7);
        // An infinite bound was stored as null: only +Infinity can close increasing bounds.
        for (const b of d.explicitBounds) w.double(num(b, Infinity));
        w.end(m);
      }
      exemplars(8, d.exemplars);
      optDouble(11, p.min);
      optDouble(12, p.max);
      break;
    case 'exponential_histogram':
      attrs.keyValues(1, p.attributes);
      times(p);
      optCount(4, p.count);
      optDouble(5, p.sum);
      if (d.scale) w.sint32Field(6, d.scale);
      if (d.zeroCount) optCount(7, d.zeroCount);
      expBuckets(8, d.positive);
      expBuckets(9, d.negative);
      exemplars(11, d.exemplars);
      optDouble(12, p.min);
      optDouble(13, p.max);
      if (d.zeroThreshold) w.doubleField(14, d.zeroThreshold);
      break;
    case 'summary':
      attrs.keyValues(7, p.attributes);
      times(p);
      optCount(4, p.count);
      optDouble(5, p.sum);
      for (const q of d.quantileValues ?? []) {
        const m = w.begin(6);
        w.doubleField(1, num(q.quantile, NaN));
        w.doubleField(2, num(q.value, NaN));
        w.end(m);
      }
      break;
  }
  if (p.flags) w.uint32Field(kind === 'histogram' || kind === 'exponential_histogram' ? 10 : 8, p.flags);
}

const DATA_FIELD = { gauge: 5, sum: 7, histogram: 9, exponential_histogram: 10, summary: 11 } as const;

function metric(m: MetricRecord): void {
  w.stringField(1, m.name);
  if (m.description) w.stringField(2, m.description);
  if (m.unit) w.stringField(3, m.unit);
  const data = w.begin(DATA_FIELD[m.kind]);
  for (const p of m.points) {
    const pm = w.begin(1);
    point(m.kind, p);
    w.end(pm);
  }
  if (m.temporality && m.kind !== 'gauge' && m.kind !== 'summary') w.uint32Field(2, m.temporality);
  if (m.monotonic && m.kind === 'sum') w.boolField(3, true);
  w.end(data);
}

/** ExportMetricsServiceRequest. */
export function encodeMetricsProto(groups: ResourceGroup<MetricRecord>[]): Buffer {
  return envelope(groups, metric);
}

/** One export request per signal the batch holds (none for an empty batch). */
export function encodeBatch(batch: TelemetryBatch): Array<{ signal: Signal; body: Buffer }> {
  const out: Array<{ signal: Signal; body: Buffer }> = [];
  if (batch.spans.length) out.push({ signal: 'traces', body: encodeTracesProto(batch.spans) });
  if (batch.logs.length) out.push({ signal: 'logs', body: encodeLogsProto(batch.logs) });
  if (batch.metrics.length) out.push({ signal: 'metrics', body: encodeMetricsProto(batch.metrics) });
  return out;
}
