// Small hand-written traces for the unit tests of the trace model, critical path, statistics,
// find and diff. Times are given in ms from an arbitrary epoch.
import type { CompactTrace, SpanDetail } from '../../../../common/api/trace-schemas';
import type { TraceSpan } from './trace-model';

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

function spanOf(s: SpanSpec, resourceIndex: number): TraceSpan {
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
    resourceIndex,
    scopeIndex: 0,
  };
}

/** A trace as the UI loads it: one resource per service, one scope. */
export function traceOf(specs: SpanSpec[], traceId = 'a'.repeat(32)): CompactTrace {
  const services = [...new Set(specs.map((s) => s.service ?? 'svc'))];
  return {
    traceId,
    resources: services.map((name) => ({ attributes: { 'service.name': name }, schemaUrl: '' })),
    scopes: [{ name: 'test', version: '', attributes: {} }],
    spans: specs.map((s) => spanOf(s, services.indexOf(s.service ?? 'svc'))),
  };
}

/** The 16-digit span id used for a short test id. */
export const sid = (id: string) => id.padStart(16, '0');
