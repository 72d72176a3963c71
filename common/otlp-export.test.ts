import { describe, expect, it } from 'vitest';
import type { CompactTrace, SpanDetail, TraceDetail } from './api/trace-schemas';
import { expandCompactTrace, toAnyValue, traceToOtlpJson } from './otlp-export';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

function span(over: Partial<SpanDetail>): SpanDetail {
  return {
    spanId: '00f067aa0ba902b7',
    parentSpanId: '',
    service: 'checkout',
    name: 'POST /checkout',
    kind: 'SERVER',
    startTimeUnixNano: '1714557600000000000',
    endTimeUnixNano: '1714557600250000000',
    durationMs: 250,
    status: { code: 'UNSET', message: '' },
    isError: false,
    traceState: '',
    flags: 0,
    attributes: {},
    events: [],
    links: [],
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    resource: { attributes: { 'service.name': 'checkout', 'service.version': '2.0.0' }, schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' },
    scope: { name: 'shop.http', version: '1.0.0', attributes: {} },
    ...over,
  };
}

describe('toAnyValue', () => {
  it('types values the way OTLP JSON spells them', () => {
    expect(toAnyValue('a')).toEqual({ stringValue: 'a' });
    expect(toAnyValue(true)).toEqual({ boolValue: true });
    expect(toAnyValue(503)).toEqual({ intValue: '503' });
    expect(toAnyValue(-7)).toEqual({ intValue: '-7' });
    expect(toAnyValue(0.25)).toEqual({ doubleValue: 0.25 });
    expect(toAnyValue(9007199254740993n)).toEqual({ intValue: '9007199254740993' });
    expect(toAnyValue(NaN)).toEqual({ doubleValue: 'NaN' });
    expect(toAnyValue(null)).toEqual({});
    expect(toAnyValue(['a', 1, 1.5, false])).toEqual({
      arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }, { doubleValue: 1.5 }, { boolValue: false }] },
    });
    expect(toAnyValue({ k: { n: 2 } })).toEqual({
      kvlistValue: { values: [{ key: 'k', value: { kvlistValue: { values: [{ key: 'n', value: { intValue: '2' } }] } } }] },
    });
  });
});

describe('traceToOtlpJson', () => {
  it('groups spans by resource and scope and writes every span field', () => {
    const detail: TraceDetail = {
      traceId: TRACE,
      spans: [
        span({
          status: { code: 'ERROR', message: 'payment declined' },
          traceState: 'vendor=1',
          flags: 1,
          attributes: { 'http.route': '/checkout', 'http.response.status_code': 502, retry: true },
          events: [{ timeUnixNano: '1714557600100000000', name: 'retry', attributes: { attempt: 2 }, droppedAttributesCount: 1 }],
          links: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceState: '', attributes: { why: 'batch' }, flags: 1 }],
          droppedEventsCount: 3,
        }),
        // Same resource with its attributes in another order: one resource entry.
        span({
          spanId: '1111111111111111',
          parentSpanId: '00f067aa0ba902b7',
          kind: 'CLIENT',
          name: 'SELECT orders',
          scope: { name: 'shop.db', version: '', attributes: { pool: 'main' } },
          resource: { attributes: { 'service.version': '2.0.0', 'service.name': 'checkout' }, schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' },
        }),
        span({ spanId: '2222222222222222', parentSpanId: '1111111111111111', service: 'db', resource: { attributes: { 'service.name': 'db' }, schemaUrl: '' } }),
      ],
    };
    const out = traceToOtlpJson(detail);
    expect(out.resourceSpans).toHaveLength(2);
    const [checkout, db] = out.resourceSpans;
    expect(checkout.schemaUrl).toBe('https://opentelemetry.io/schemas/1.26.0');
    expect(checkout.resource.attributes).toEqual([
      { key: 'service.name', value: { stringValue: 'checkout' } },
      { key: 'service.version', value: { stringValue: '2.0.0' } },
    ]);
    expect(checkout.scopeSpans.map((s) => s.scope)).toEqual([
      { name: 'shop.http', version: '1.0.0', attributes: [] },
      { name: 'shop.db', attributes: [{ key: 'pool', value: { stringValue: 'main' } }] },
    ]);
    expect(checkout.scopeSpans[0].spans[0]).toEqual({
      traceId: TRACE,
      spanId: '00f067aa0ba902b7',
      traceState: 'vendor=1',
      flags: 1,
      name: 'POST /checkout',
      kind: 2,
      startTimeUnixNano: '1714557600000000000',
      endTimeUnixNano: '1714557600250000000',
      attributes: [
        { key: 'http.route', value: { stringValue: '/checkout' } },
        { key: 'http.response.status_code', value: { intValue: '502' } },
        { key: 'retry', value: { boolValue: true } },
      ],
      events: [{ timeUnixNano: '1714557600100000000', name: 'retry', attributes: [{ key: 'attempt', value: { intValue: '2' } }], droppedAttributesCount: 1 }],
      droppedEventsCount: 3,
      links: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', attributes: [{ key: 'why', value: { stringValue: 'batch' } }], flags: 1 }],
      status: { code: 2, message: 'payment declined' },
    });
    const client = checkout.scopeSpans[1].spans[0];
    expect(client).toMatchObject({ parentSpanId: '00f067aa0ba902b7', kind: 3, status: {} });
    expect(db.schemaUrl).toBeUndefined();
    expect(db.scopeSpans[0].spans.map((s) => s.spanId)).toEqual(['2222222222222222']);
    // Plain JSON: survives serialisation unchanged.
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  });
});

describe('expandCompactTrace', () => {
  it('gives every span its shared resource and scope, so the compact trace exports like the full one', () => {
    const { resource, scope, ...checkout } = span({});
    const dbResource = { attributes: { 'service.name': 'db' }, schemaUrl: '' };
    const { resource: _r, scope: _s, ...db } = span({ spanId: '2222222222222222', parentSpanId: '00f067aa0ba902b7', service: 'db' });
    const compact: CompactTrace = {
      traceId: TRACE,
      resources: [resource, dbResource],
      scopes: [scope],
      spans: [
        { ...checkout, resourceIndex: 0, scopeIndex: 0 },
        { ...checkout, spanId: '1111111111111111', resourceIndex: 0, scopeIndex: 0 },
        { ...db, resourceIndex: 1, scopeIndex: 0 },
      ],
    };
    const full = expandCompactTrace(compact);
    expect(full.spans.map((s) => [s.spanId, s.resource, s.scope])).toEqual([
      ['00f067aa0ba902b7', resource, scope],
      ['1111111111111111', resource, scope],
      ['2222222222222222', dbResource, scope],
    ]);
    expect(full.spans[2]).toEqual({ ...db, resource: dbResource, scope });
    expect(traceToOtlpJson(full).resourceSpans.map((r) => r.scopeSpans[0].spans.length)).toEqual([2, 1]);
  });
});
