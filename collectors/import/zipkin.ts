// Zipkin v2 JSON (the span list the Zipkin UI downloads; or the list of traces its API returns)
// to normalized spans. Field mapping follows the OpenTelemetry Zipkin exporter specification
// in reverse: localEndpoint.serviceName is the resource's service.name, remoteEndpoint becomes
// peer.service and the peer address attributes, tags become attributes, the `error` tag
// becomes status ERROR and annotations become events.
//
// A trace's spans are held until the trace is complete (the end of the file, or the end of a
// trace's own array), because shared client/server span ids can only be told apart with both
// halves in view (shared-spans.ts).
import type { AttrValue } from '../../common/model';
import { SpanKind, StatusCode } from '../../common/model';
import type { ChunkBuilder } from './chunk-builder';
import { type EventDraft, type SpanConverter, type SpanDraft, padHexId, usToNs } from './span-draft';
import { type TreeSpan, separateSharedSpans } from './shared-spans';

interface Endpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

interface Annotation {
  timestamp: number;
  value: string;
}

/** A span after Zipkin's own cleaning rules (ids padded, shared only on the server side). */
interface CleanSpan {
  traceId: string;
  id: string;
  parentId: string | null;
  name: string;
  kind: string;
  timestamp: number;
  duration: number;
  localEndpoint: Endpoint | null;
  remoteEndpoint: Endpoint | null;
  annotations: Annotation[];
  tags: Record<string, string>;
  shared: boolean;
  line: number;
}

const KINDS: Record<string, number> = {
  CLIENT: SpanKind.CLIENT,
  SERVER: SpanKind.SERVER,
  PRODUCER: SpanKind.PRODUCER,
  CONSUMER: SpanKind.CONSUMER,
};

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function endpoint(v: unknown): Endpoint | null {
  if (!isObj(v)) return null;
  const e: Endpoint = {};
  if (typeof v.serviceName === 'string' && v.serviceName) e.serviceName = v.serviceName;
  if (typeof v.ipv4 === 'string' && v.ipv4) e.ipv4 = v.ipv4;
  if (typeof v.ipv6 === 'string' && v.ipv6) e.ipv6 = v.ipv6;
  if (typeof v.port === 'number' && v.port > 0) e.port = v.port;
  return Object.keys(e).length > 0 ? e : null;
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
}

/** Two pieces of one span may be merged when their endpoints do not contradict each other. */
function compatible(a: Endpoint | null, b: Endpoint | null): boolean {
  if (!a || !b) return true;
  for (const k of ['serviceName', 'ipv4', 'ipv6', 'port'] as const) if (a[k] !== undefined && b[k] !== undefined && a[k] !== b[k]) return false;
  return true;
}

/** Zipkin reporters may send one span in pieces (start and finish): join them, as Zipkin does. */
function merge(a: CleanSpan, b: CleanSpan): CleanSpan {
  const seen = new Set(a.annotations.map((x) => `${x.timestamp}\u0000${x.value}`));
  const annotations = [...a.annotations, ...b.annotations.filter((x) => !seen.has(`${x.timestamp}\u0000${x.value}`))];
  annotations.sort((x, y) => x.timestamp - y.timestamp || (x.value < y.value ? -1 : x.value > y.value ? 1 : 0));
  return {
    ...a,
    traceId: a.traceId,
    parentId: a.parentId ?? b.parentId,
    name: a.name || b.name,
    kind: a.kind || b.kind,
    timestamp: a.timestamp || b.timestamp,
    duration: a.duration || b.duration,
    localEndpoint: a.localEndpoint || b.localEndpoint ? { ...a.localEndpoint, ...b.localEndpoint } : null,
    remoteEndpoint: a.remoteEndpoint || b.remoteEndpoint ? { ...a.remoteEndpoint, ...b.remoteEndpoint } : null,
    annotations,
    tags: { ...a.tags, ...b.tags },
    shared: a.shared || b.shared,
    line: Math.min(a.line, b.line),
  };
}

export interface ZipkinCounts {
  /** Spans without a duration, kept with zero length (the Zipkin UI draws them as a sliver). */
  noDuration: number;
  /** Spans without a timestamp whose start was taken from their earliest annotation. */
  startFromAnnotation: number;
  /** Spans without a timestamp or annotations: nothing places them in time, so skipped. */
  noTimestamp: number;
  firstNoDurationLine: number;
  firstNoTimestampLine: number;
  sharedServers: number;
  collisions: number;
}

export class ZipkinReader {
  private readonly traces = new Map<string, CleanSpan[]>();
  readonly counts: ZipkinCounts = {
    noDuration: 0,
    startFromAnnotation: 0,
    noTimestamp: 0,
    firstNoDurationLine: 0,
    firstNoTimestampLine: 0,
    sharedServers: 0,
    collisions: 0,
  };

  constructor(
    private readonly conv: SpanConverter,
    private readonly out: ChunkBuilder,
    private readonly problem: (line: number, message: string) => void,
  ) {}

  /** One element of the top-level array: a span, or (API format) a whole trace's span list. */
  addElement(value: unknown, line: number): void {
    if (Array.isArray(value)) {
      value.forEach((v) => this.addSpan(v, line));
      this.flush();
    } else this.addSpan(value, line);
  }

  private addSpan(v: unknown, line: number): void {
    const reject = (message: string) => {
      this.problem(line, message);
      this.out.reject(`line ${line}: ${message}`);
    };
    if (!isObj(v)) return reject(`expected a Zipkin span object, got ${v === null ? 'null' : typeof v}`);
    const traceId = padHexId(v.traceId, 32);
    if (!traceId) return reject(`span ${JSON.stringify(v.id)}: traceId ${JSON.stringify(v.traceId)} is not up to 32 hex digits`);
    const id = padHexId(v.id, 16);
    if (!id) return reject(`span id ${JSON.stringify(v.id)} is not up to 16 hex digits`);
    let parentId: string | null = null;
    if (v.parentId !== undefined && v.parentId !== null && v.parentId !== '') {
      parentId = padHexId(v.parentId, 16);
      if (!parentId) this.problem(line, `span ${id}: parentId ${JSON.stringify(v.parentId)} is not hex; imported as a root span`);
    }
    if (parentId === id) parentId = null; // never a span that is its own parent
    const kind = typeof v.kind === 'string' ? v.kind.toUpperCase() : '';
    const annotations: Annotation[] = Array.isArray(v.annotations)
      ? v.annotations.filter(isObj).map((a) => ({ timestamp: num(a.timestamp), value: String(a.value ?? '') }))
      : [];
    const tags: Record<string, string> = {};
    if (isObj(v.tags)) for (const [k, t] of Object.entries(v.tags)) tags[k] = typeof t === 'string' ? t : JSON.stringify(t);
    const span: CleanSpan = {
      traceId,
      id,
      parentId,
      name: typeof v.name === 'string' ? v.name : '',
      kind,
      timestamp: num(v.timestamp),
      duration: num(v.duration),
      localEndpoint: endpoint(v.localEndpoint),
      remoteEndpoint: endpoint(v.remoteEndpoint),
      annotations,
      tags,
      // `shared` marks the server half; on a client it is a mistake (Zipkin ignores it too).
      shared: v.shared === true && kind !== 'CLIENT',
      line,
    };
    const list = this.traces.get(traceId);
    if (list) list.push(span);
    else this.traces.set(traceId, [span]);
  }

  /** Converts every held trace into the chunk builder. */
  flush(): void {
    for (const _ of this.flushSteps()) {
      // converted: the caller hands out the sealed batches later
    }
  }

  /** Converts the held traces one at a time, pausing whenever a batch is sealed, so the caller
   * can hand it out and each converted trace's source spans can be released. */
  *flushSteps(): Generator<void> {
    this.joinTruncatedTraceIds();
    for (const [traceId, spans] of this.traces) {
      this.traces.delete(traceId);
      this.convertTrace(traceId, spans);
      if (this.out.ready.length > 0) yield;
    }
  }

  /**
   * Some reporters of a 128-bit trace send only its lower 64 bits; Zipkin queries by the lower
   * half and keeps the longest id. With the 128-bit trace in view, its 64-bit spans join it.
   */
  private joinTruncatedTraceIds(): void {
    if (this.traces.size < 2) return;
    const full = new Map<string, string[]>();
    for (const id of this.traces.keys()) {
      if (id.startsWith('0000000000000000')) continue;
      const low = id.slice(16);
      full.set(low, [...(full.get(low) ?? []), id]);
    }
    for (const [id, spans] of [...this.traces]) {
      if (!id.startsWith('0000000000000000')) continue;
      const candidates = full.get(id.slice(16));
      if (candidates?.length !== 1) continue;
      this.traces.get(candidates[0])!.push(...spans);
      this.traces.delete(id);
    }
  }

  private convertTrace(traceId: string, raw: CleanSpan[]): void {
    const spans = this.mergePieces(raw);
    const tree: Array<TreeSpan & { src: CleanSpan }> = spans.map((s) => ({
      spanId: s.id,
      parentSpanId: s.parentId,
      kind: KINDS[s.kind] ?? SpanKind.INTERNAL,
      service: s.localEndpoint?.serviceName ?? '',
      shared: s.shared,
      src: s,
    }));
    const sep = separateSharedSpans(traceId, tree);
    this.counts.sharedServers += sep.sharedServers;
    this.counts.collisions += sep.collisions;
    for (const t of tree) {
      const d = this.draft(traceId, t);
      if (!d) continue;
      const resource = this.conv.resource(t.service ? [['service.name', t.service]] : []);
      const rec = this.conv.span(d.span);
      if (typeof rec === 'string') {
        this.problem(t.src.line, `span ${t.src.id}: ${rec}`);
        this.out.reject(`line ${t.src.line}: span ${t.src.id}: ${rec}`);
        continue;
      }
      this.out.addSpan(resource, this.conv.scope(d.scopeName, d.scopeVersion), rec);
      this.out.addTruncated(this.conv.takeTruncated());
    }
  }

  private mergePieces(spans: CleanSpan[]): CleanSpan[] {
    const out: CleanSpan[] = [];
    const byId = new Map<string, number[]>();
    for (const s of spans) {
      const same = byId.get(s.id);
      const into = same?.find((i) => out[i].shared === s.shared && compatible(out[i].localEndpoint, s.localEndpoint) && kindsAgree(out[i], s));
      if (into !== undefined) {
        out[into] = merge(out[into], s);
        continue;
      }
      out.push(s);
      if (same) same.push(out.length - 1);
      else byId.set(s.id, [out.length - 1]);
    }
    return out;
  }

  private draft(traceId: string, t: TreeSpan & { src: CleanSpan }): { span: SpanDraft; scopeName: string; scopeVersion: string } | null {
    const s = t.src;
    let startUs = s.timestamp;
    if (!startUs) {
      const first = s.annotations.find((a) => a.timestamp > 0);
      if (!first) {
        if (this.counts.noTimestamp++ === 0) this.counts.firstNoTimestampLine = s.line;
        this.out.reject(`line ${s.line}: span ${s.id} has no timestamp`);
        return null;
      }
      startUs = first.timestamp;
      this.counts.startFromAnnotation++;
    }
    if (!s.duration && this.counts.noDuration++ === 0) this.counts.firstNoDurationLine = s.line;
    const startNs = usToNs(startUs)!;
    const attributes: Array<[string, AttrValue]> = [];
    const local = s.localEndpoint;
    if (local?.ipv4 || local?.ipv6) attributes.push(['network.local.address', (local.ipv4 ?? local.ipv6)!]);
    if (local?.port) attributes.push(['network.local.port', local.port]);
    const remote = s.remoteEndpoint;
    if (remote) {
      const ip = remote.ipv4 ?? remote.ipv6;
      // On a server span the remote endpoint is the caller; on every other kind it is the
      // server or broker the span talked to.
      const serverSide = t.kind === SpanKind.SERVER;
      if (remote.serviceName) attributes.push(['peer.service', remote.serviceName]);
      if (ip) attributes.push(['network.peer.address', ip]);
      if (remote.port) attributes.push(['network.peer.port', remote.port]);
      if (serverSide) {
        if (ip) attributes.push(['client.address', ip]);
        if (remote.port) attributes.push(['client.port', remote.port]);
      } else {
        const address = ip ?? remote.serviceName;
        if (address) attributes.push(['server.address', address]);
        if (remote.port) attributes.push(['server.port', remote.port]);
      }
    }
    let statusCode: number = StatusCode.UNSET;
    let statusMessage = '';
    let scopeName = '';
    let scopeVersion = '';
    const tags = s.tags;
    for (const [k, v] of Object.entries(tags)) {
      switch (k) {
        case 'error':
        case 'otel.status_code':
        case 'otel.status_description':
          break;
        case 'otel.scope.name':
        case 'otel.library.name':
          scopeName ||= v;
          break;
        case 'otel.scope.version':
        case 'otel.library.version':
          scopeVersion ||= v;
          break;
        default:
          attributes.push([k, v]);
      }
    }
    // Zipkin marks failures with an `error` tag whose value is the message (any value counts,
    // as in the Zipkin UI). The OTel Zipkin exporter also writes otel.status_code/description.
    if (tags.error !== undefined) {
      statusCode = StatusCode.ERROR;
      statusMessage = tags.error && tags.error !== 'true' ? tags.error : (tags['otel.status_description'] ?? '');
    } else if (tags['otel.status_code'] !== undefined) {
      const code = tags['otel.status_code'].toUpperCase();
      statusCode = code === 'ERROR' ? StatusCode.ERROR : code === 'OK' ? StatusCode.OK : StatusCode.UNSET;
      if (statusCode === StatusCode.ERROR) statusMessage = tags['otel.status_description'] ?? '';
    }
    const events: EventDraft[] = s.annotations.map((a) => ({ timeNs: usToNs(a.timestamp) ?? startNs, name: a.value, attributes: [] }));
    return {
      span: {
        traceId,
        spanId: t.spanId,
        parentSpanId: t.parentSpanId,
        name: s.name,
        kind: t.kind,
        startNs,
        endNs: startNs + BigInt(Math.round(s.duration)) * 1000n,
        statusCode,
        statusMessage,
        flags: 0,
        attributes,
        events,
        links: [],
      },
      scopeName,
      scopeVersion,
    };
  }
}

function kindsAgree(a: CleanSpan, b: CleanSpan): boolean {
  return !a.kind || !b.kind || a.kind === b.kind;
}
