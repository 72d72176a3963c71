// OTLP protobuf (ExportTrace/Logs/MetricsServiceRequest) → normalized batches.
// Field numbers follow opentelemetry-proto v1; tags are written as (field << 3) | wireType.
import type {
  AttrValue,
  LogRecordRow,
  MetricKind,
  MetricRecord,
  ResourceGroup,
  ScopeRecord,
  Signal,
  SpanHints,
  SpanRecord,
  TelemetryBatch,
} from '../../common/model';
import { emptyBatch } from '../../common/model';
import { toHex } from '../../common/ids';
import {
  AttributeWriter,
  DEFAULT_LIMITS,
  type IngestLimits,
  addError,
  makeResource,
  finishPoint,
  HINT_KEYS,
  MAX_VALUE_DEPTH,
  maxPlausibleNs,
  nestingMessage,
  newPointDraft,
  noteHint,
  type PointDraft,
  type RawLog,
  validateLog,
  validateSpan,
} from './normalize';
import { JsonOut } from './json-out';
import { DecodeError, ProtoReader, WIRE_LEN, inAttribute } from './proto-reader';

interface Ctx {
  r: ProtoReader;
  batch: TelemetryBatch;
  limits: IngestLimits;
  /** Item-level attributes (span, log record, data point), transcoded to JSON bytes. */
  out: JsonOut;
  /** A span's events / links arrays, and the attributes of the one being read. */
  events: JsonOut;
  links: JsonOut;
  tmp: JsonOut;
  /** String-based writer for the rare paths: resources, scopes, exemplars, clipped values. */
  attrs: AttributeWriter;
  nested: AttributeWriter;
  maxNs: bigint;
  /** Position in the tree, for error messages. */
  names: [string, string, string];
  ri: number;
  si: number;
  ii: number;
  /** Set when the current item must be rejected, with why. */
  itemError: string;
}

// Decoding is synchronous, so one set of buffers per thread serves every request.
const OUT = { out: new JsonOut(), events: new JsonOut(), links: new JsonOut(), tmp: new JsonOut() };

function where(c: Ctx): string {
  return `${c.names[0]}[${c.ri}].${c.names[1]}[${c.si}].${c.names[2]}[${c.ii}]`;
}

function newCtx(buf: Buffer, limits: IngestLimits, names: [string, string, string]): Ctx {
  const batch = emptyBatch();
  const c: Ctx = {
    r: new ProtoReader(buf),
    batch,
    limits,
    out: OUT.out,
    events: OUT.events,
    links: OUT.links,
    tmp: OUT.tmp,
    attrs: new AttributeWriter(limits, batch),
    nested: new AttributeWriter(limits, batch),
    maxNs: maxPlausibleNs(),
    names,
    ri: -1,
    si: -1,
    ii: -1,
    itemError: '',
  };
  c.r.locate = () => (c.ri < 0 ? '' : c.si < 0 ? `${names[0]}[${c.ri}]` : c.ii < 0 ? `${names[0]}[${c.ri}].${names[1]}[${c.si}]` : where(c));
  return c;
}

// ---- common messages -------------------------------------------------------------------

function anyValue(r: ProtoReader, end: number, depth = 0): AttrValue {
  let v: AttrValue = null;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | 2:
        v = r.string(end);
        break;
      case (2 << 3) | 0:
        v = r.bool();
        break;
      case (3 << 3) | 0:
        v = r.int64();
        break;
      case (4 << 3) | 1:
        v = r.double();
        break;
      case (5 << 3) | 2: {
        if (depth >= MAX_VALUE_DEPTH) r.fail(nestingMessage());
        const e = r.lenEnd(end);
        const arr: AttrValue[] = [];
        while (r.pos < e) {
          const t = r.uint32();
          if (t === ((1 << 3) | 2)) arr.push(anyValue(r, r.lenEnd(e), depth + 1));
          else r.skip(t, e);
        }
        v = arr;
        break;
      }
      case (6 << 3) | 2: {
        if (depth >= MAX_VALUE_DEPTH) r.fail(nestingMessage());
        const e = r.lenEnd(end);
        const obj: Record<string, AttrValue> = {};
        while (r.pos < e) {
          const t = r.uint32();
          if (t === ((1 << 3) | 2)) {
            const kvEnd = r.lenEnd(e);
            const [k, val] = keyValue(r, kvEnd, depth + 1);
            obj[k] = val;
          } else r.skip(t, e);
        }
        v = obj;
        break;
      }
      case (7 << 3) | 2:
        v = r.bytes(end).toString('base64');
        break;
      default:
        r.skip(tag, end);
    }
  }
  return v;
}

function keyValue(r: ProtoReader, end: number, depth = 0): [string, AttrValue] {
  let key = '';
  let value: AttrValue = null;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 2)) key = r.string(end);
    else if (tag === ((2 << 3) | 2)) {
      if (depth > 0) value = anyValue(r, r.lenEnd(end), depth);
      else
        try {
          value = anyValue(r, r.lenEnd(end), depth);
        } catch (e) {
          inAttribute(e, key);
        }
    }
    else r.skip(tag, end);
  }
  return [key, value];
}

/** Decodes the payload [start, end) of an array/kvlist/bytes AnyValue field. */
function anyValueFrom(r: ProtoReader, start: number, end: number, tag: number): AttrValue {
  const save = r.pos;
  r.pos = start;
  let v: AttrValue;
  if (tag === ((7 << 3) | 2)) v = r.buf.subarray(start, end).toString('base64');
  else if (tag === ((5 << 3) | 2)) {
    const arr: AttrValue[] = [];
    while (r.pos < end) {
      const t = r.uint32();
      if (t === ((1 << 3) | 2)) arr.push(anyValue(r, r.lenEnd(end), 1));
      else r.skip(t, end);
    }
    v = arr;
  } else {
    const obj: Record<string, AttrValue> = {};
    while (r.pos < end) {
      const t = r.uint32();
      if (t === ((1 << 3) | 2)) {
        const [k, val] = keyValue(r, r.lenEnd(end), 1);
        obj[k] = val;
      } else r.skip(t, end);
    }
    v = obj;
  }
  r.pos = save;
  return v;
}

/** Transcodes the AnyValue in [start, end) to JSON in `out`. */
function anyValueOut(c: Ctx, start: number, end: number, out: JsonOut): void {
  const r = c.r;
  r.pos = start;
  let wrote = false;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | 2: {
        const sEnd = r.lenEnd(end);
        const sStart = r.pos;
        r.pos = sEnd;
        if (wrote) break; // a oneof: the first value wins
        if (sEnd - sStart <= c.limits.maxValueLength) {
          if (!out.quoted(r.buf, sStart, sEnd)) {
            r.pos = sStart;
            r.fail('invalid UTF-8 in a string value');
          }
        } else {
          const text = r.buf.toString('utf8', sStart, sEnd);
          r.pos = sEnd;
          out.text(JSON.stringify(c.attrs.clip(text)));
        }
        wrote = true;
        break;
      }
      case (2 << 3) | 0: {
        const v = r.bool();
        if (!wrote) out.ascii(v ? 'true' : 'false');
        wrote = true;
        break;
      }
      case (3 << 3) | 0: {
        const v = r.int64();
        if (!wrote) out.ascii(typeof v === 'number' ? String(v) : '"' + v + '"');
        wrote = true;
        break;
      }
      case (4 << 3) | 1: {
        const v = r.double();
        if (!wrote) out.ascii(Number.isFinite(v) ? String(v) : '"' + v + '"');
        wrote = true;
        break;
      }
      case (5 << 3) | 2:
      case (6 << 3) | 2:
      case (7 << 3) | 2: {
        const e = r.lenEnd(end);
        if (!wrote) out.text(c.attrs.valueJson(anyValueFrom(r, r.pos, e, tag)));
        r.pos = e;
        wrote = true;
        break;
      }
      default:
        r.skip(tag, end);
    }
  }
  if (!wrote) out.ascii('null');
}

// Hint keys recognised by their bytes, so ordinary keys never become JS strings.
const HINT_BY_HASH = new Map<number, string>();
function bytesHash(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5 ^ (end - start);
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 16777619);
  return h;
}
for (const k of HINT_KEYS) {
  const b = Buffer.from(k, 'latin1');
  HINT_BY_HASH.set(bytesHash(b, 0, b.length), k);
}
function hintKeyAt(b: Buffer, start: number, end: number): string | undefined {
  const k = HINT_BY_HASH.get(bytesHash(b, start, end));
  return k !== undefined && k.length === end - start && b.toString('latin1', start, end) === k ? k : undefined;
}

/** Transcodes one KeyValue into `out` (an object being built), noting hints when asked. */
function attribute(c: Ctx, end: number, out: JsonOut, hints: SpanHints | null): void {
  const r = c.r;
  if (out.count >= c.limits.maxAttributes) {
    out.dropped++;
    r.pos = end;
    return;
  }
  let keyStart = -1;
  let keyEnd = -1;
  let valStart = -1;
  let valEnd = -1;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 2)) {
      keyEnd = r.lenEnd(end);
      keyStart = r.pos;
      r.pos = keyEnd;
    } else if (tag === ((2 << 3) | 2)) {
      valEnd = r.lenEnd(end);
      valStart = r.pos;
      r.pos = valEnd;
    } else r.skip(tag, end);
  }
  if (keyStart < 0) return;
  if (out.count > 0) out.byte(0x2c);
  if (!out.quoted(r.buf, keyStart, keyEnd)) {
    r.pos = keyStart;
    r.fail('invalid UTF-8 in an attribute key');
  }
  out.byte(0x3a);
  if (valStart < 0) out.ascii('null');
  else
    try {
      anyValueOut(c, valStart, valEnd, out);
    } catch (e) {
      inAttribute(e, r.buf.toString('utf8', keyStart, keyEnd));
    }
  out.count++;
  if (hints !== null) {
    const k = hintKeyAt(r.buf, keyStart, keyEnd);
    if (k !== undefined) noteHint(hints, k, valStart < 0 ? null : anyValue(r.at(valStart), valEnd));
  }
  r.pos = end;
}

/** Starts a JSON object of attributes in `out`. */
function openAttrs(out: JsonOut): number {
  const mark = out.pos;
  out.count = 0;
  out.dropped = 0;
  out.byte(0x7b);
  return mark;
}

function closeAttrs(out: JsonOut): void {
  out.byte(0x7d);
}

function resource(c: Ctx, end: number, schemaUrl: string): ReturnType<typeof makeResource> {
  const r = c.r;
  const attrs: Array<[string, AttrValue]> = [];
  let dropped = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 2)) attrs.push(keyValue(r, r.lenEnd(end)));
    else if (tag === ((2 << 3) | 0)) dropped = r.uint32();
    else r.skip(tag, end);
  }
  return makeResource(attrs, dropped, schemaUrl, c.nested);
}

function scope(c: Ctx, end: number): ScopeRecord {
  const r = c.r;
  const s: ScopeRecord = { name: '', version: '', attributes: '{}', droppedAttributesCount: 0, schemaUrl: '' };
  c.nested.reset();
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | 2:
        s.name = r.string(end);
        break;
      case (2 << 3) | 2:
        s.version = r.string(end);
        break;
      case (3 << 3) | 2: {
        const [k, v] = keyValue(r, r.lenEnd(end));
        c.nested.add(k, v);
        break;
      }
      case (4 << 3) | 0:
        s.droppedAttributesCount = r.uint32();
        break;
      default:
        r.skip(tag, end);
    }
  }
  s.droppedAttributesCount += c.nested.dropped;
  s.attributes = c.nested.take();
  return s;
}

/**
 * The envelope every OTLP export request shares:
 *   Request { repeated ResourceX resource_x = 1 }
 *   ResourceX { Resource resource = 1; repeated ScopeX scope_x = 2; string schema_url = 3 }
 *   ScopeX { InstrumentationScope scope = 1; repeated Item items = 2; string schema_url = 3 }
 */
function envelope<T>(c: Ctx, item: (c: Ctx, end: number) => T | null): ResourceGroup<T>[] {
  const r = c.r;
  const out: ResourceGroup<T>[] = [];
  const total = r.buf.length;
  while (r.pos < total) {
    const tag = r.uint32();
    if (tag !== ((1 << 3) | 2)) {
      r.skip(tag, total);
      continue;
    }
    c.ri++;
    c.si = -1;
    c.ii = -1;
    const rEnd = r.lenEnd(total);
    let resStart = -1;
    let resEnd = -1;
    let schemaUrl = '';
    const group: ResourceGroup<T> = { resource: null as never, scopes: [] };
    while (r.pos < rEnd) {
      const t = r.uint32();
      if (t === ((1 << 3) | 2)) {
        resEnd = r.lenEnd(rEnd);
        resStart = r.pos;
        r.pos = resEnd;
      } else if (t === ((2 << 3) | 2)) {
        c.si++;
        c.ii = -1;
        const sEnd = r.lenEnd(rEnd);
        let sc: ScopeRecord | null = null;
        let scopeSchema = '';
        const items: T[] = [];
        while (r.pos < sEnd) {
          const st = r.uint32();
          if (st === ((2 << 3) | 2)) {
            c.ii++;
            const iEnd = r.lenEnd(sEnd);
            c.itemError = '';
            const it = item(c, iEnd);
            r.pos = iEnd;
            if (it !== null) items.push(it);
          } else if (st === ((1 << 3) | 2)) sc = scope(c, r.lenEnd(sEnd));
          else if (st === ((3 << 3) | 2)) scopeSchema = r.string(sEnd);
          else r.skip(st, sEnd);
        }
        c.ii = -1;
        const scopeRec = sc ?? { name: '', version: '', attributes: '{}', droppedAttributesCount: 0, schemaUrl: '' };
        scopeRec.schemaUrl = scopeSchema;
        if (items.length > 0) group.scopes.push({ scope: scopeRec, items });
      } else if (t === ((3 << 3) | 2)) schemaUrl = r.string(rEnd);
      else r.skip(t, rEnd);
    }
    const after = r.pos;
    if (resStart >= 0) {
      r.pos = resStart;
      try {
        group.resource = resource(c, resEnd, schemaUrl);
      } catch (e) {
        if (e instanceof DecodeError) throw new DecodeError(e.reason, `${c.names[0]}[${c.ri}].resource`);
        throw e;
      }
      r.pos = after;
    } else group.resource = makeResource([], 0, schemaUrl, c.nested);
    if (group.scopes.length > 0) out.push(group);
  }
  return out;
}

function reject(c: Ctx, message: string): null {
  addError(c.batch, c.limits, `${where(c)}: ${message}`);
  return null;
}

// ---- traces ------------------------------------------------------------------------------

/** Appends one Event as a JSON object to c.events. */
function event(c: Ctx, end: number): void {
  const r = c.r;
  let time = 0n;
  let nameStart = -1;
  let nameEnd = -1;
  let dropped = 0;
  const tmp = c.tmp;
  tmp.reset();
  openAttrs(tmp);
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | 1:
        time = r.fixed64();
        break;
      case (2 << 3) | 2:
        nameEnd = r.lenEnd(end);
        nameStart = r.pos;
        r.pos = nameEnd;
        break;
      case (3 << 3) | 2:
        attribute(c, r.lenEnd(end), tmp, null);
        break;
      case (4 << 3) | 0:
        dropped = r.uint32();
        break;
      default:
        r.skip(tag, end);
    }
  }
  closeAttrs(tmp);
  const o = c.events;
  o.ascii('{"timeUnixNano":"' + time + '","name":');
  if (nameStart < 0) o.ascii('""');
  else if (!o.quoted(r.buf, nameStart, nameEnd)) r.fail('invalid UTF-8 in an event name');
  o.ascii(',"attributes":');
  o.append(tmp);
  o.ascii(',"droppedAttributesCount":' + (dropped + tmp.dropped) + '}');
}

/** Appends one Link as a JSON object to c.links. */
function link(c: Ctx, end: number): void {
  const r = c.r;
  let traceId: Buffer | null = null;
  let spanId: Buffer | null = null;
  let stateStart = -1;
  let stateEnd = -1;
  let dropped = 0;
  let flags = 0;
  const tmp = c.tmp;
  tmp.reset();
  openAttrs(tmp);
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | 2:
        traceId = r.bytes(end);
        break;
      case (2 << 3) | 2:
        spanId = r.bytes(end);
        break;
      case (3 << 3) | 2:
        stateEnd = r.lenEnd(end);
        stateStart = r.pos;
        r.pos = stateEnd;
        break;
      case (4 << 3) | 2:
        attribute(c, r.lenEnd(end), tmp, null);
        break;
      case (5 << 3) | 0:
        dropped = r.uint32();
        break;
      case (6 << 3) | 5:
        flags = r.fixed32();
        break;
      default:
        r.skip(tag, end);
    }
  }
  closeAttrs(tmp);
  const o = c.links;
  o.ascii('{"traceId":"');
  o.hex(traceId);
  o.ascii('","spanId":"');
  o.hex(spanId);
  o.ascii('","traceState":');
  if (stateStart < 0) o.ascii('""');
  else if (!o.quoted(r.buf, stateStart, stateEnd)) r.fail('invalid UTF-8 in a link traceState');
  o.ascii(',"attributes":');
  o.append(tmp);
  o.ascii(',"droppedAttributesCount":' + (dropped + tmp.dropped) + ',"flags":' + flags + '}');
}

function span(c: Ctx, end: number): SpanRecord | null {
  const r = c.r;
  const hints: SpanHints = {};
  let traceId: Buffer | null = null;
  let spanId: Buffer | null = null;
  let parentSpanId: Buffer | null = null;
  let traceState = '';
  let flags = 0;
  let name = '';
  let kind = 0;
  let startNs = 0n;
  let endNs = 0n;
  let droppedAttributesCount = 0;
  let droppedEventsCount = 0;
  let droppedLinksCount = 0;
  let statusCode = 0;
  let statusMessage = '';
  let nEvents = 0;
  let nLinks = 0;
  const out = c.out;
  out.reset();
  openAttrs(out);
  c.events.reset();
  c.links.reset();
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | 2:
        traceId = r.bytes(end);
        break;
      case (2 << 3) | 2:
        spanId = r.bytes(end);
        break;
      case (3 << 3) | 2:
        traceState = r.string(end);
        break;
      case (4 << 3) | 2:
        parentSpanId = r.bytes(end);
        break;
      case (5 << 3) | 2:
        name = r.interned(end).str;
        break;
      case (6 << 3) | 0:
        kind = r.uint32();
        break;
      case (7 << 3) | 1:
        startNs = r.fixed64();
        break;
      case (8 << 3) | 1:
        endNs = r.fixed64();
        break;
      case (9 << 3) | 2:
        attribute(c, r.lenEnd(end), out, hints);
        break;
      case (10 << 3) | 0:
        droppedAttributesCount = r.uint32();
        break;
      case (11 << 3) | 2: {
        const e = r.lenEnd(end);
        if (nEvents < c.limits.maxEventsPerSpan) {
          c.events.byte(nEvents === 0 ? 0x5b : 0x2c);
          event(c, e);
          nEvents++;
        } else droppedEventsCount++;
        r.pos = e;
        break;
      }
      case (12 << 3) | 0:
        droppedEventsCount += r.uint32();
        break;
      case (13 << 3) | 2: {
        const e = r.lenEnd(end);
        if (nLinks < c.limits.maxLinksPerSpan) {
          c.links.byte(nLinks === 0 ? 0x5b : 0x2c);
          link(c, e);
          nLinks++;
        } else droppedLinksCount++;
        r.pos = e;
        break;
      }
      case (14 << 3) | 0:
        droppedLinksCount += r.uint32();
        break;
      case (15 << 3) | 2: {
        const e = r.lenEnd(end);
        while (r.pos < e) {
          const t = r.uint32();
          if (t === ((2 << 3) | 2)) statusMessage = r.string(e);
          else if (t === ((3 << 3) | 0)) statusCode = r.uint32();
          else r.skip(t, e);
        }
        break;
      }
      case (16 << 3) | 5:
        flags = r.fixed32();
        break;
      default:
        r.skip(tag, end);
    }
  }
  closeAttrs(out);
  droppedAttributesCount += out.dropped;
  const record = validateSpan(
    {
      traceId,
      spanId,
      parentSpanId,
      traceState,
      flags,
      name,
      kind,
      startNs,
      endNs,
      statusCode,
      statusMessage,
      attributes: out.string(),
      events: nEvents === 0 ? '[]' : (c.events.byte(0x5d), c.events.string()),
      links: nLinks === 0 ? '[]' : (c.links.byte(0x5d), c.links.string()),
      droppedAttributesCount,
      droppedEventsCount,
      droppedLinksCount,
      hints,
    },
    c.maxNs,
  );
  return typeof record === 'string' ? reject(c, record) : record;
}

export function decodeTracesProto(buf: Buffer, limits: IngestLimits = DEFAULT_LIMITS): TelemetryBatch {
  const c = newCtx(buf, limits, ['resourceSpans', 'scopeSpans', 'spans']);
  c.batch.spans = envelope(c, span);
  return c.batch;
}

// ---- logs --------------------------------------------------------------------------------

function logRecord(c: Ctx, end: number): LogRecordRow | null {
  const r = c.r;
  let timeNs = 0n;
  let observedNs = 0n;
  let severityNumber = 0;
  let severityText = '';
  let body: AttrValue = null;
  let droppedAttributesCount = 0;
  let flags = 0;
  let traceId: Buffer | null = null;
  let spanId: Buffer | null = null;
  let eventName = '';
  const out = c.out;
  out.reset();
  openAttrs(out);
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | 1:
        timeNs = r.fixed64();
        break;
      case (11 << 3) | 1:
        observedNs = r.fixed64();
        break;
      case (2 << 3) | 0:
        severityNumber = r.uint32();
        break;
      case (3 << 3) | 2:
        severityText = r.string(end);
        break;
      case (5 << 3) | 2:
        body = anyValue(r, r.lenEnd(end));
        break;
      case (6 << 3) | 2:
        attribute(c, r.lenEnd(end), out, null);
        break;
      case (7 << 3) | 0:
        droppedAttributesCount = r.uint32();
        break;
      case (8 << 3) | 5:
        flags = r.fixed32();
        break;
      case (9 << 3) | 2:
        traceId = r.bytes(end);
        break;
      case (10 << 3) | 2:
        spanId = r.bytes(end);
        break;
      case (12 << 3) | 2:
        eventName = r.string(end);
        break;
      default:
        r.skip(tag, end);
    }
  }
  closeAttrs(out);
  droppedAttributesCount += out.dropped;
  const attributes = out.string();
  return finishLog(c, {
    timeNs,
    observedNs,
    severityNumber,
    severityText,
    body,
    traceId,
    spanId,
    flags,
    eventName,
    attributes,
    droppedAttributesCount,
  });
}

function finishLog(c: Ctx, raw: RawLog): LogRecordRow | null {
  const out = validateLog(raw, c.limits, c.maxNs, (s) => c.attrs.clip(s));
  return typeof out === 'string' ? reject(c, out) : out;
}

export function decodeLogsProto(buf: Buffer, limits: IngestLimits = DEFAULT_LIMITS): TelemetryBatch {
  const c = newCtx(buf, limits, ['resourceLogs', 'scopeLogs', 'logRecords']);
  c.batch.logs = envelope(c, logRecord);
  return c.batch;
}

// ---- metrics -----------------------------------------------------------------------------

function exemplar(c: Ctx, end: number): Record<string, unknown> {
  const r = c.r;
  const ex: Record<string, unknown> = {};
  c.nested.reset();
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case (7 << 3) | 2: {
        const [k, v] = keyValue(r, r.lenEnd(end));
        c.nested.add(k, v);
        break;
      }
      case (2 << 3) | 1:
        ex.timeUnixNano = r.fixed64().toString();
        break;
      case (3 << 3) | 1:
        ex.value = r.double();
        break;
      case (6 << 3) | 1:
        ex.value = r.sfixed64Value();
        break;
      case (4 << 3) | 2:
        ex.spanId = toHex(r.bytes(end));
        break;
      case (5 << 3) | 2:
        ex.traceId = toHex(r.bytes(end));
        break;
      default:
        r.skip(tag, end);
    }
  }
  ex.filteredAttributes = JSON.parse(c.nested.take());
  return ex;
}

/** Reads a repeated numeric field that may arrive packed (LEN) or one value per tag. */
function repeatedInto(r: ProtoReader, tag: number, end: number, out: number[], read: () => number): void {
  if ((tag & 7) === WIRE_LEN) {
    const e = r.lenEnd(end);
    while (r.pos < e) out.push(read());
    if (r.pos !== e) r.fail('packed field overruns its length');
  } else out.push(read());
}

function numberPoint(c: Ctx, end: number, d: PointDraft): void {
  const r = c.r;
  const exemplars: unknown[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case (7 << 3) | 2:
        attribute(c, r.lenEnd(end), c.out, null);
        break;
      case (2 << 3) | 1:
        d.startNs = r.fixed64();
        break;
      case (3 << 3) | 1:
        d.timeNs = r.fixed64();
        break;
      case (4 << 3) | 1:
        d.value = r.double();
        d.isInt = false;
        break;
      case (6 << 3) | 1: {
        const v = r.sfixed64Value();
        d.value = Number(v);
        d.isInt = true;
        break;
      }
      case (5 << 3) | 2:
        exemplars.push(exemplar(c, r.lenEnd(end)));
        break;
      case (8 << 3) | 0:
        d.flags = r.uint32();
        break;
      default:
        r.skip(tag, end);
    }
  }
  if (exemplars.length) d.detail.exemplars = exemplars;
}

function histogramPoint(c: Ctx, end: number, d: PointDraft): void {
  const r = c.r;
  const bucketCounts: number[] = [];
  const explicitBounds: number[] = [];
  const exemplars: unknown[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case (9 << 3) | 2:
        attribute(c, r.lenEnd(end), c.out, null);
        break;
      case (2 << 3) | 1:
        d.startNs = r.fixed64();
        break;
      case (3 << 3) | 1:
        d.timeNs = r.fixed64();
        break;
      case (4 << 3) | 1:
        d.count = r.fixed64Number();
        break;
      case (5 << 3) | 1:
        d.sum = r.double();
        break;
      case (6 << 3) | 2:
      case (6 << 3) | 1:
        repeatedInto(r, tag, end, bucketCounts, () => r.fixed64Number());
        break;
      case (7 << 3) | 2:
      case (7 << 3) | 1:
        repeatedInto(r, tag, end, explicitBounds, () => r.double());
        break;
      case (8 << 3) | 2:
        exemplars.push(exemplar(c, r.lenEnd(end)));
        break;
      case (10 << 3) | 0:
        d.flags = r.uint32();
        break;
      case (11 << 3) | 1:
        d.min = r.double();
        break;
      case (12 << 3) | 1:
        d.max = r.double();
        break;
      default:
        r.skip(tag, end);
    }
  }
  d.detail.bucketCounts = bucketCounts;
  d.detail.explicitBounds = explicitBounds;
  if (exemplars.length) d.detail.exemplars = exemplars;
}

function expBuckets(r: ProtoReader, end: number): { offset: number; bucketCounts: number[] } {
  const b = { offset: 0, bucketCounts: [] as number[] };
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 0)) b.offset = r.sint32();
    else if (tag === ((2 << 3) | 2) || tag === ((2 << 3) | 0))
      repeatedInto(r, tag, end, b.bucketCounts, () => r.uint64Number());
    else r.skip(tag, end);
  }
  return b;
}

function expHistogramPoint(c: Ctx, end: number, d: PointDraft): void {
  const r = c.r;
  const exemplars: unknown[] = [];
  const det = d.detail as Record<string, unknown>;
  det.scale = 0;
  det.zeroCount = 0;
  det.zeroThreshold = 0;
  det.positive = { offset: 0, bucketCounts: [] };
  det.negative = { offset: 0, bucketCounts: [] };
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | 2:
        attribute(c, r.lenEnd(end), c.out, null);
        break;
      case (2 << 3) | 1:
        d.startNs = r.fixed64();
        break;
      case (3 << 3) | 1:
        d.timeNs = r.fixed64();
        break;
      case (4 << 3) | 1:
        d.count = r.fixed64Number();
        break;
      case (5 << 3) | 1:
        d.sum = r.double();
        break;
      case (6 << 3) | 0:
        det.scale = r.sint32();
        break;
      case (7 << 3) | 1:
        det.zeroCount = r.fixed64Number();
        break;
      case (8 << 3) | 2:
        det.positive = expBuckets(r, r.lenEnd(end));
        break;
      case (9 << 3) | 2:
        det.negative = expBuckets(r, r.lenEnd(end));
        break;
      case (10 << 3) | 0:
        d.flags = r.uint32();
        break;
      case (11 << 3) | 2:
        exemplars.push(exemplar(c, r.lenEnd(end)));
        break;
      case (12 << 3) | 1:
        d.min = r.double();
        break;
      case (13 << 3) | 1:
        d.max = r.double();
        break;
      case (14 << 3) | 1:
        det.zeroThreshold = r.double();
        break;
      default:
        r.skip(tag, end);
    }
  }
  if (exemplars.length) det.exemplars = exemplars;
}

function summaryPoint(c: Ctx, end: number, d: PointDraft): void {
  const r = c.r;
  const quantileValues: Array<{ quantile: number; value: number }> = [];
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case (7 << 3) | 2:
        attribute(c, r.lenEnd(end), c.out, null);
        break;
      case (2 << 3) | 1:
        d.startNs = r.fixed64();
        break;
      case (3 << 3) | 1:
        d.timeNs = r.fixed64();
        break;
      case (4 << 3) | 1:
        d.count = r.fixed64Number();
        break;
      case (5 << 3) | 1:
        d.sum = r.double();
        break;
      case (6 << 3) | 2: {
        const e = r.lenEnd(end);
        const q = { quantile: 0, value: 0 };
        while (r.pos < e) {
          const t = r.uint32();
          if (t === ((1 << 3) | 1)) q.quantile = r.double();
          else if (t === ((2 << 3) | 1)) q.value = r.double();
          else r.skip(t, e);
        }
        quantileValues.push(q);
        break;
      }
      case (8 << 3) | 0:
        d.flags = r.uint32();
        break;
      default:
        r.skip(tag, end);
    }
  }
  d.detail.quantileValues = quantileValues;
}


function metric(c: Ctx, end: number): MetricRecord | null {
  const r = c.r;
  const m: MetricRecord = {
    name: '',
    description: '',
    unit: '',
    kind: 'gauge',
    temporality: 0,
    monotonic: false,
    points: [],
  };
  let sawData = false;
  let pointIndex = 0;
  const readData = (kind: MetricKind, dataEnd: number): void => {
    sawData = true;
    m.kind = kind;
    while (r.pos < dataEnd) {
      const tag = r.uint32();
      if (tag === ((1 << 3) | 2)) {
        const pEnd = r.lenEnd(dataEnd);
        const d = newPointDraft();
        c.out.reset();
        openAttrs(c.out);
        if (kind === 'gauge' || kind === 'sum') numberPoint(c, pEnd, d);
        else if (kind === 'histogram') histogramPoint(c, pEnd, d);
        else if (kind === 'exponential_histogram') expHistogramPoint(c, pEnd, d);
        else summaryPoint(c, pEnd, d);
        closeAttrs(c.out);
        d.attributes = c.out.string();
        const p = finishPoint(d, kind, c.maxNs);
        if (typeof p === 'string') reject(c, `dataPoints[${pointIndex}]: ${p}`);
        else m.points.push(p);
        pointIndex++;
        r.pos = pEnd;
      } else if (tag === ((2 << 3) | 0) && kind !== 'gauge' && kind !== 'summary') m.temporality = r.uint32();
      else if (tag === ((3 << 3) | 0) && kind === 'sum') m.monotonic = r.bool();
      else r.skip(tag, dataEnd);
    }
  };
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | 2:
        m.name = r.string(end);
        break;
      case (2 << 3) | 2:
        m.description = r.string(end);
        break;
      case (3 << 3) | 2:
        m.unit = r.string(end);
        break;
      case (5 << 3) | 2:
        readData('gauge', r.lenEnd(end));
        break;
      case (7 << 3) | 2:
        readData('sum', r.lenEnd(end));
        break;
      case (9 << 3) | 2:
        readData('histogram', r.lenEnd(end));
        break;
      case (10 << 3) | 2:
        readData('exponential_histogram', r.lenEnd(end));
        break;
      case (11 << 3) | 2:
        readData('summary', r.lenEnd(end));
        break;
      default:
        r.skip(tag, end);
    }
  }
  if (!m.name) return reject(c, 'metric has no name');
  if (!sawData) return reject(c, `metric "${m.name}" has no data (gauge, sum, histogram, exponentialHistogram or summary)`);
  return m.points.length > 0 ? m : null;
}

export function decodeMetricsProto(buf: Buffer, limits: IngestLimits = DEFAULT_LIMITS): TelemetryBatch {
  const c = newCtx(buf, limits, ['resourceMetrics', 'scopeMetrics', 'metrics']);
  c.batch.metrics = envelope(c, metric);
  return c.batch;
}

/** Decodes an OTLP protobuf export request of the given signal. */
export function decodeOtlpProto(signal: Signal, buf: Buffer, limits: IngestLimits = DEFAULT_LIMITS): TelemetryBatch {
  return signal === 'traces'
    ? decodeTracesProto(buf, limits)
    : signal === 'logs'
      ? decodeLogsProto(buf, limits)
      : decodeMetricsProto(buf, limits);
}
