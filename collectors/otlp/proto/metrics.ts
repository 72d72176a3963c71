// ExportMetricsServiceRequest: gauges, sums, histograms, exponential histograms and summaries.
import type { MetricKind, MetricRecord, TelemetryBatch } from '../../../common/model';
import { toHex } from '../../../common/ids';
import { DEFAULT_LIMITS, finishPoint, newPointDraft } from '../normalize';
import type { IngestLimits, PointDraft } from '../normalize';
import { ProtoReader, WIRE_LEN } from '../proto-reader';
import { type Ctx, newCtx, reject } from './context';
import { keyValue, attribute, openAttrs, closeAttrs } from './attributes';
import { envelope } from './envelope';

function exemplar(c: Ctx, end: number): Record<string, unknown> {
  const r = c.r;
  // filteredAttributes first, as the JSON decoder writes it: the same exemplar is the same text.
  const ex: Record<string, unknown> = { filteredAttributes: null };
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
