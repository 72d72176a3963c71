// Jaeger JSON, as the Jaeger UI downloads a trace ({"data": [trace, ...]}), to normalized
// spans. The mapping follows the OpenTelemetry Collector's Jaeger translator: the process is
// the resource (service.name + its tags), `span.kind` gives the kind, `error` /
// `otel.status_code` / `otel.status_description` give the status, `otel.scope.*` (or the older
// `otel.library.*`) the scope, and logs become events named by their `event` field.
import type { AttrValue } from '../../common/model';
import { SpanKind, StatusCode } from '../../common/model';
import type { ChunkBuilder } from './chunk-builder';
import { type EventDraft, type LinkDraft, type SpanConverter, type SpanDraft, padHexId, usToNs } from './span-draft';
import { type TreeSpan, separateSharedSpans } from './shared-spans';

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const KINDS: Record<string, number> = {
  client: SpanKind.CLIENT,
  server: SpanKind.SERVER,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
  internal: SpanKind.INTERNAL,
};

/** A Jaeger key/value ({key, type, value}) as an attribute value of the matching type. */
function tagValue(t: Json): AttrValue {
  const v = t.value;
  switch (typeof t.type === 'string' ? t.type.toLowerCase() : '') {
    case 'bool':
      return v === true || v === 'true';
    case 'int64': {
      if (typeof v === 'number') return Math.trunc(v);
      if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number.isSafeInteger(Number(v)) ? Number(v) : v;
      return v === undefined ? null : String(v);
    }
    case 'float64':
      return typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : String(v ?? '');
    default:
      if (v === undefined || v === null) return null;
      return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
  }
}

function keyValues(v: unknown): Array<[string, AttrValue]> {
  if (!Array.isArray(v)) return [];
  const out: Array<[string, AttrValue]> = [];
  for (const t of v) if (isObj(t) && typeof t.key === 'string') out.push([t.key, tagValue(t)]);
  return out;
}

interface Reference {
  refType: string;
  traceId: string;
  spanId: string;
}

export class JaegerReader {
  sharedServers = 0;
  collisions = 0;

  constructor(
    private readonly conv: SpanConverter,
    private readonly out: ChunkBuilder,
    private readonly problem: (line: number, message: string) => void,
  ) {}

  /** One element of `data`: a trace with its spans and processes. */
  addTrace(value: unknown, line: number): void {
    const reject = (message: string) => {
      this.problem(line, message);
      this.out.reject(`line ${line}: ${message}`);
    };
    if (!isObj(value)) return reject('expected a Jaeger trace object ({traceID, spans, processes})');
    const processes = isObj(value.processes) ? value.processes : {};
    if (!Array.isArray(value.spans)) return reject(`trace ${JSON.stringify(value.traceID)} has no "spans" array`);
    const drafts: Array<{ d: SpanDraft; tree: TreeSpan; process: Json | null; scope: [string, string] }> = [];
    for (const s of value.spans) {
      const item = this.draft(s, value.traceID, processes, line, reject);
      if (item) drafts.push(item);
    }
    const byTrace = new Map<string, typeof drafts>();
    for (const x of drafts) {
      const list = byTrace.get(x.d.traceId);
      if (list) list.push(x);
      else byTrace.set(x.d.traceId, [x]);
    }
    // The Jaeger query service already gives client and server halves their own ids (its
    // span-id deduper); files written without it may still share them.
    for (const [traceId, list] of byTrace) {
      const sep = separateSharedSpans(traceId, list.map((x) => x.tree));
      this.sharedServers += sep.sharedServers;
      this.collisions += sep.collisions;
    }
    for (const x of drafts) {
      x.d.spanId = x.tree.spanId;
      x.d.parentSpanId = x.tree.parentSpanId;
      const rec = this.conv.span(x.d);
      if (typeof rec === 'string') {
        reject(`span ${x.d.spanId}: ${rec}`);
        continue;
      }
      this.out.addSpan(this.resourceOf(x.process), this.conv.scope(x.scope[0], x.scope[1]), rec);
      this.out.addTruncated(this.conv.takeTruncated());
    }
  }

  private resourceOf(process: Json | null) {
    const attrs: Array<[string, AttrValue]> = [];
    if (process) {
      const name = process.serviceName;
      if (typeof name === 'string' && name) attrs.push(['service.name', name]);
      for (const kv of keyValues(process.tags)) if (kv[0] !== 'service.name' || attrs.length === 0) attrs.push(kv);
    }
    return this.conv.resource(attrs);
  }

  private draft(
    v: unknown,
    traceTraceId: unknown,
    processes: Json,
    line: number,
    reject: (message: string) => void,
  ): { d: SpanDraft; tree: TreeSpan; process: Json | null; scope: [string, string] } | null {
    if (!isObj(v)) {
      reject('expected a span object in "spans"');
      return null;
    }
    const traceId = padHexId(v.traceID ?? traceTraceId, 32);
    const spanId = padHexId(v.spanID, 16);
    if (!traceId) {
      reject(`span ${JSON.stringify(v.spanID)}: traceID ${JSON.stringify(v.traceID ?? traceTraceId)} is not up to 32 hex digits`);
      return null;
    }
    if (!spanId) {
      reject(`spanID ${JSON.stringify(v.spanID)} is not up to 16 hex digits`);
      return null;
    }
    const startNs = usToNs(v.startTime);
    if (startNs === null) {
      reject(`span ${spanId}: startTime ${JSON.stringify(v.startTime)} is not microseconds since the epoch`);
      return null;
    }
    const durationNs = usToNs(v.duration ?? 0) ?? 0n;
    const process = typeof v.processID === 'string' && isObj(processes[v.processID]) ? (processes[v.processID] as Json) : isObj(v.process) ? v.process : null;
    if (!process) this.problem(line, `span ${spanId}: process ${JSON.stringify(v.processID)} is not in "processes"; imported without a service name`);

    // Parent: the first CHILD_OF reference in the same trace; FOLLOWS_FROM is a link, or the
    // parent when it is the only reference (as the Collector's translator does).
    const refs: Reference[] = [];
    if (Array.isArray(v.references))
      for (const r of v.references) {
        if (!isObj(r)) continue;
        const rTrace = padHexId(r.traceID ?? traceId, 32);
        const rSpan = padHexId(r.spanID, 16);
        if (rTrace && rSpan) refs.push({ refType: String(r.refType ?? 'CHILD_OF').toUpperCase(), traceId: rTrace, spanId: rSpan });
      }
    if (refs.length === 0 && typeof v.parentSpanID === 'string') {
      const p = padHexId(v.parentSpanID, 16);
      if (p && !/^0+$/.test(p)) refs.push({ refType: 'CHILD_OF', traceId, spanId: p });
    }
    let parent = refs.find((r) => r.refType === 'CHILD_OF' && r.traceId === traceId) ?? null;
    if (!parent && refs.length === 1 && refs[0].traceId === traceId) parent = refs[0];
    const links: LinkDraft[] = refs
      .filter((r) => r !== parent)
      .map((r) => ({ traceId: r.traceId, spanId: r.spanId, attributes: [['opentracing.ref_type', r.refType === 'FOLLOWS_FROM' ? 'follows_from' : 'child_of']] }));

    let kind: number = SpanKind.INTERNAL;
    let errorTag = false;
    let otelStatus: string | null = null;
    let statusDescription = '';
    let scopeName = '';
    let scopeVersion = '';
    const attributes: Array<[string, AttrValue]> = [];
    for (const [k, val] of keyValues(v.tags)) {
      switch (k) {
        case 'span.kind':
          kind = KINDS[String(val).toLowerCase()] ?? SpanKind.INTERNAL;
          break;
        case 'error':
          errorTag = val === true || val === 'true';
          if (!errorTag) attributes.push([k, val]);
          break;
        case 'otel.status_code':
          otelStatus = String(val).toUpperCase();
          break;
        case 'otel.status_description':
          statusDescription = String(val ?? '');
          break;
        case 'otel.scope.name':
        case 'otel.library.name':
          scopeName ||= String(val ?? '');
          break;
        case 'otel.scope.version':
        case 'otel.library.version':
          scopeVersion ||= String(val ?? '');
          break;
        case 'internal.span.format': // Jaeger storage bookkeeping, not the application's
          break;
        default:
          attributes.push([k, val]);
      }
    }
    if (Array.isArray(v.warnings) && v.warnings.length > 0) attributes.push(['jaeger.warnings', v.warnings.map(String)]);
    // The error tag is the final word on a Jaeger span's failure; otel.status_code applies
    // when it is absent (Collector translator rule).
    let statusCode: number = StatusCode.UNSET;
    if (errorTag) statusCode = StatusCode.ERROR;
    else if (otelStatus === 'ERROR') statusCode = StatusCode.ERROR;
    else if (otelStatus === 'OK') statusCode = StatusCode.OK;
    const statusMessage = statusCode === StatusCode.ERROR ? statusDescription : '';

    const events: EventDraft[] = [];
    if (Array.isArray(v.logs))
      for (const l of v.logs) {
        if (!isObj(l)) continue;
        let name = '';
        const attrs: Array<[string, AttrValue]> = [];
        for (const [k, val] of keyValues(l.fields)) {
          if (k === 'event' && typeof val === 'string' && !name) name = val;
          else attrs.push([k, val]);
        }
        events.push({ timeNs: usToNs(l.timestamp) ?? startNs, name, attributes: attrs });
      }
    const service = process && typeof process.serviceName === 'string' ? process.serviceName : '';
    const flags = typeof v.flags === 'number' ? v.flags & 1 : 0; // Jaeger's sampled bit is W3C's
    const d: SpanDraft = {
      traceId,
      spanId,
      parentSpanId: parent ? parent.spanId : null,
      name: typeof v.operationName === 'string' ? v.operationName : '',
      kind,
      startNs,
      endNs: startNs + durationNs,
      statusCode,
      statusMessage,
      flags,
      attributes,
      events,
      links,
    };
    return { d, tree: { spanId, parentSpanId: d.parentSpanId, kind, service, shared: false }, process, scope: [scopeName, scopeVersion] };
  }
}
