// The span shape the Jaeger and Zipkin importers fill in, and its conversion to the normalized
// SpanRecord with the same limits and checks as OTLP ingest (normalize.ts).
import type { AttrValue, ResourceRecord, ScopeRecord, SpanHints, SpanRecord, TelemetryBatch } from '../../common/model';
import { emptyBatch } from '../../common/model';
import {
  AttributeWriter,
  DEFAULT_LIMITS,
  type IngestLimits,
  makeResource,
  maxPlausibleNs,
  noteHint,
  noteSearch,
  validateSpan,
  type SpanFieldNames,
} from '../otlp/normalize';

export interface EventDraft {
  timeNs: bigint;
  name: string;
  attributes: Array<[string, AttrValue]>;
}

export interface LinkDraft {
  traceId: string;
  spanId: string;
  attributes: Array<[string, AttrValue]>;
}

export interface SpanDraft {
  /** Lowercase hex, 32 digits. */
  traceId: string;
  /** Lowercase hex, 16 digits. */
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  statusCode: number;
  statusMessage: string;
  flags: number;
  /** Later entries win over earlier ones with the same key. */
  attributes: Array<[string, AttrValue]>;
  events: EventDraft[];
  links: LinkDraft[];
}

/**
 * Hex ids as Zipkin and Jaeger write them: any case, and leading zeroes often dropped. 64-bit
 * trace ids are left-padded to 128 bits as the W3C/OTel interop rules do (and as B3 single
 * headers do), so the same trace imported from Zipkin and received over OTLP has one id.
 */
export function padHexId(v: unknown, digits: number): string | null {
  if (typeof v !== 'string' || v.length === 0 || v.length > digits || !/^[0-9a-fA-F]+$/.test(v)) return null;
  return v.toLowerCase().padStart(digits, '0');
}

export const US_TO_NS = 1000n;

/** Microseconds (a JSON number) to nanoseconds; null when not a usable number. */
export function usToNs(v: unknown): bigint | null {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) return null;
  return BigInt(Math.round(n)) * US_TO_NS;
}

export const EMPTY_SCOPE: ScopeRecord = { name: '', version: '', attributes: '{}', droppedAttributesCount: 0, schemaUrl: '' };

/** How Jaeger and Zipkin users name a span's fields (times are given in ns in messages). */
const DRAFT_FIELDS: SpanFieldNames = { traceId: 'trace id', spanId: 'span id', parentSpanId: 'parent id', start: 'start time', end: 'end time' };

/** Builds SpanRecords from drafts; keeps its own scratch batch for truncation counts. */
export class SpanConverter {
  private readonly scratch: TelemetryBatch = emptyBatch();
  private readonly attrs: AttributeWriter;
  private readonly nested: AttributeWriter;
  private readonly maxNs = maxPlausibleNs();
  private readonly resources = new Map<string, ResourceRecord>();
  private readonly scopes = new Map<string, ScopeRecord>();

  constructor(private readonly limits: IngestLimits = DEFAULT_LIMITS) {
    this.attrs = new AttributeWriter(limits, this.scratch);
    this.nested = new AttributeWriter(limits, this.scratch);
  }

  /** Values truncated since the last call. */
  takeTruncated(): number {
    const n = this.scratch.truncated;
    this.scratch.truncated = 0;
    return n;
  }

  resource(attrs: Array<[string, AttrValue]>): ResourceRecord {
    const key = JSON.stringify(attrs);
    let r = this.resources.get(key);
    if (!r) {
      r = makeResource(dedupe(attrs), 0, '', this.nested);
      if (this.resources.size > 10_000) this.resources.clear();
      this.resources.set(key, r);
    }
    return r;
  }

  scope(name: string, version: string): ScopeRecord {
    if (!name && !version) return EMPTY_SCOPE;
    const key = `${name}\u0000${version}`;
    let s = this.scopes.get(key);
    if (!s) {
      s = { ...EMPTY_SCOPE, name, version };
      this.scopes.set(key, s);
    }
    return s;
  }

  /** The record, or why the span cannot be stored. */
  span(d: SpanDraft): SpanRecord | string {
    const traceId = hexBytes(d.traceId);
    const spanId = hexBytes(d.spanId);
    let parentSpanId: Uint8Array | null = d.parentSpanId === null ? null : hexBytes(d.parentSpanId);
    // A parent id these formats cannot express as 8 bytes leaves the span a root, not refused.
    if (parentSpanId && parentSpanId.length !== 8) parentSpanId = null;
    const hints: SpanHints = {};
    const w = this.attrs;
    w.reset();
    for (const [k, v] of dedupe(d.attributes)) {
      w.add(k, v);
      noteHint(hints, k, v);
      noteSearch(hints, k, v);
    }
    const droppedAttributesCount = w.dropped;
    const attributes = w.take();
    const events: string[] = [];
    let droppedEventsCount = 0;
    for (const e of d.events) {
      if (events.length >= this.limits.maxEventsPerSpan) {
        droppedEventsCount++;
        continue;
      }
      this.nested.reset();
      for (const [k, v] of dedupe(e.attributes)) this.nested.add(k, v);
      const dropped = this.nested.dropped;
      events.push(
        `{"timeUnixNano":"${e.timeNs}","name":${JSON.stringify(w.clip(e.name))},"attributes":${this.nested.take()},"droppedAttributesCount":${dropped}}`,
      );
    }
    const links: string[] = [];
    let droppedLinksCount = 0;
    for (const l of d.links) {
      if (links.length >= this.limits.maxLinksPerSpan) {
        droppedLinksCount++;
        continue;
      }
      this.nested.reset();
      for (const [k, v] of dedupe(l.attributes)) this.nested.add(k, v);
      const dropped = this.nested.dropped;
      links.push(
        `{"traceId":"${l.traceId}","spanId":"${l.spanId}","traceState":"","attributes":${this.nested.take()},"droppedAttributesCount":${dropped},"flags":0}`,
      );
    }
    const record = validateSpan(
      {
        traceId,
        spanId,
        parentSpanId,
        traceState: '',
        flags: d.flags,
        name: w.clip(d.name),
        kind: d.kind,
        startNs: d.startNs,
        endNs: d.endNs,
        statusCode: d.statusCode,
        statusMessage: w.clip(d.statusMessage),
        attributes,
        events: '[' + events.join(',') + ']',
        links: '[' + links.join(',') + ']',
        droppedAttributesCount,
        droppedEventsCount,
        droppedLinksCount,
        hints,
      },
      this.maxNs,
      DRAFT_FIELDS,
    );
    // Both formats this converts count time in microseconds; say so instead of nanoseconds.
    return typeof record === 'string' ? record.replace('expected nanoseconds since', 'expected microseconds since') : record;
  }
}

/**
 * Hex already checked by padHexId, as bytes of their own: a view into Buffer's shared pool would
 * keep the whole pool alive for as long as the batch is.
 */
function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  Buffer.from(out.buffer).write(hex, 'hex');
  return out;
}

/** Keeps the last value of each key, in first-seen order. */
function dedupe(attrs: Array<[string, AttrValue]>): Array<[string, AttrValue]> {
  if (attrs.length < 2) return attrs;
  const m = new Map<string, AttrValue>();
  for (const [k, v] of attrs) m.set(k, v);
  return m.size === attrs.length ? attrs : [...m];
}
