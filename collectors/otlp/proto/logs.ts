// ExportLogsServiceRequest: log records.
import type { AttrValue, LogRecordRow, TelemetryBatch } from '../../../common/model';
import { DEFAULT_LIMITS, validateLog } from '../normalize';
import type { IngestLimits, RawLog } from '../normalize';
import { type Ctx, newCtx, reject } from './context';
import { anyValue, attribute, openAttrs, closeAttrs } from './attributes';
import { envelope } from './envelope';

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
