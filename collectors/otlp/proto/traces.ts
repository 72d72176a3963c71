// ExportTraceServiceRequest: spans with their events and links.
import type { SpanHints, SpanRecord, TelemetryBatch } from '../../../common/model';
import { DEFAULT_LIMITS, validateSpan } from '../normalize';
import type { IngestLimits } from '../normalize';
import { type Ctx, newCtx, reject } from './context';
import { attribute, openAttrs, closeAttrs } from './attributes';
import { envelope } from './envelope';

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
