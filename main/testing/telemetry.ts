// Builders for hand-made telemetry in tests: a span with sensible defaults, and a batch from
// one service.
import type { SpanRecord, TelemetryBatch } from '../../common/model';
import { emptyBatch } from '../../common/model';

export function makeSpan(o: Partial<SpanRecord> & Pick<SpanRecord, 'traceId' | 'spanId' | 'startNs'>): SpanRecord {
  return {
    parentSpanId: null,
    traceState: '',
    flags: 0,
    name: 'op',
    kind: 2,
    endNs: o.startNs + 10_000_000n,
    statusCode: 0,
    statusMessage: '',
    attributes: '{}',
    events: '[]',
    links: '[]',
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    hints: {},
    ...o,
  };
}

/** Hex ids of any length, left-padded to the OTLP sizes. */
export const traceIdOf = (hex: string) => Buffer.from(hex.padStart(32, '0'), 'hex');
export const spanIdOf = (hex: string) => Buffer.from(hex.padStart(16, '0'), 'hex');

export function makeBatch(service: string, spans: SpanRecord[], opts: { version?: string; namespace?: string } = {}): TelemetryBatch {
  const b = emptyBatch();
  const attrs: Record<string, string> = { 'service.name': service };
  if (opts.version) attrs['service.version'] = opts.version;
  b.spans.push({
    resource: {
      attributes: JSON.stringify(attrs),
      droppedAttributesCount: 0,
      schemaUrl: '',
      serviceName: service,
      serviceNamespace: opts.namespace ?? '',
      serviceVersion: opts.version ?? '',
      environment: '',
    },
    scopes: [{ scope: { name: 'test', version: '', attributes: '{}', droppedAttributesCount: 0, schemaUrl: '' }, items: spans }],
  });
  return b;
}
