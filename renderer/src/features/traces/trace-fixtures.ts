// Small hand-written traces for the unit tests of the trace model, critical path, statistics,
// find and diff. Times are given in ms from an arbitrary epoch.
import type { SpanDetail, TraceDetail } from '../../../../common/api/schemas';

const EPOCH_NS = 1_700_000_000_000_000_000n;

export interface SpanSpec {
  id: string;
  parent?: string;
  service?: string;
  name?: string;
  start: number;
  end: number;
  error?: boolean;
  kind?: SpanDetail['kind'];
  attributes?: Record<string, unknown>;
}

export function spanOf(s: SpanSpec): SpanDetail {
  const ns = (ms: number) => (EPOCH_NS + BigInt(Math.round(ms * 1e6))).toString();
  return {
    spanId: s.id.padStart(16, '0'),
    parentSpanId: s.parent ? s.parent.padStart(16, '0') : '',
    service: s.service ?? 'svc',
    name: s.name ?? s.id,
    kind: s.kind ?? 'INTERNAL',
    startTimeUnixNano: ns(s.start),
    endTimeUnixNano: ns(s.end),
    durationMs: s.end - s.start,
    status: { code: s.error ? 'ERROR' : 'UNSET', message: s.error ? 'failed' : '' },
    isError: !!s.error,
    traceState: '',
    flags: 0,
    attributes: s.attributes ?? {},
    events: [],
    links: [],
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    resource: { attributes: { 'service.name': s.service ?? 'svc' }, schemaUrl: '' },
    scope: { name: 'test', version: '', attributes: {} },
  };
}

export function traceOf(specs: SpanSpec[], traceId = 'a'.repeat(32)): TraceDetail {
  return { traceId, spans: specs.map(spanOf) };
}

/** The 16-digit span id used for a short test id. */
export const sid = (id: string) => id.padStart(16, '0');
