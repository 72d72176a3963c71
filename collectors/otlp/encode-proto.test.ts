// Imports reach the writer thread as OTLP protobuf: what an importer parsed, encoded here and
// decoded there by the receivers' decoder, must be the records the importer made — the text
// stored for attributes, events, links and metric details included, byte for byte.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { searchHash } from '../../common/search-attributes';
import { toHex } from '../../common/ids';
import { countItems, type ResourceGroup, type Signal, type TelemetryBatch } from '../../common/model';
import { importFile } from '../import/importer';
import { collect } from '../import/test-support';
import { decodeOtlpObject } from './decode-json';
import { decodeOtlpProto } from './decode-proto';
import { encodeBatch, encodeTracesProto } from './encode-proto';

const SHARED = '/work/shared/fixtures';
const TESTDATA = new URL('../import/testdata/', import.meta.url).pathname;
const FILES = [
  ...readdirSync(join(SHARED, 'otlp')).map((f) => join(SHARED, 'otlp', f)),
  ...readdirSync(join(SHARED, 'zipkin')).map((f) => join(SHARED, 'zipkin', f)),
  ...readdirSync(TESTDATA).map((f) => join(TESTDATA, f)),
];

/** Ids as hex (the importers hold Uint8Arrays, the decoder Buffers); everything else as is. */
function comparable<T>(groups: ResourceGroup<T>[]): unknown {
  const plain = (v: unknown): unknown => {
    if (v instanceof Uint8Array) return toHex(v);
    if (Array.isArray(v)) return v.map(plain);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
    return v;
  };
  return plain(groups);
}

const PART: Record<Signal, 'spans' | 'logs' | 'metrics'> = { traces: 'spans', logs: 'logs', metrics: 'metrics' };

/** Encodes a batch and decodes each request as the writer thread does. */
function roundTrip(batch: TelemetryBatch): TelemetryBatch {
  const out: TelemetryBatch = { spans: [], logs: [], metrics: [], rejected: 0, errors: [], truncated: 0 };
  for (const { signal, body } of encodeBatch(batch)) {
    const decoded = decodeOtlpProto(signal, body);
    expect(decoded.errors).toEqual([]);
    expect(decoded.rejected).toBe(0);
    (out[PART[signal]] as unknown[]) = decoded[PART[signal]];
  }
  return out;
}

function expectSameRecords(batch: TelemetryBatch): void {
  const back = roundTrip(batch);
  expect(comparable(back.spans)).toEqual(comparable(batch.spans));
  expect(comparable(back.logs)).toEqual(comparable(batch.logs));
  expect(comparable(back.metrics)).toEqual(comparable(batch.metrics));
}

describe('an imported file encoded to OTLP protobuf and decoded again', () => {
  it.each(FILES)('%s gives the records the importer made', async (file) => {
    const c = await collect(importFile(file));
    const items = c.batches.reduce((n, b) => {
      const k = countItems(b);
      return n + k.spans + k.logs + k.metricPoints;
    }, 0);
    expect(items).toBeGreaterThan(0);
    for (const batch of c.batches) expectSameRecords(batch);
  });

  it('covers the metric point kinds, log bodies and span details in the fixtures', async () => {
    const kinds = new Set<string>();
    const bodies = new Set<string>();
    let events = 0;
    let links = 0;
    for (const file of FILES) {
      for (const b of (await collect(importFile(file))).batches) {
        for (const g of b.metrics) for (const s of g.scopes) for (const m of s.items) kinds.add(m.kind);
        for (const g of b.logs) for (const s of g.scopes) for (const l of s.items) bodies.add(l.bodyJson ? 'structured' : 'text');
        for (const g of b.spans) for (const s of g.scopes) for (const sp of s.items) {
          if (sp.events !== '[]') events++;
          if (sp.links !== '[]') links++;
        }
      }
    }
    // The proto examples hold no summary and no exemplar; the tests below have both.
    expect([...kinds].sort()).toEqual(['exponential_histogram', 'gauge', 'histogram', 'sum']);
    expect(bodies.has('text')).toBe(true);
    expect(events).toBeGreaterThan(0);
    expect(links).toBeGreaterThan(0);
  });

  it('keeps what attribute JSON flattens: ints and doubles, bytes as strings, nesting, key order, escapes', () => {
    const now = `${BigInt(Date.now()) * 1_000_000n}`;
    const v = (value: unknown) => value;
    const attributes = [
      { key: '2', value: { intValue: '2' } },
      { key: '1', value: { intValue: '-7' } },
      { key: 'double.integral', value: { doubleValue: 3.0 } },
      { key: 'double', value: { doubleValue: 0.1 } },
      { key: 'double.huge', value: { doubleValue: 1.2345678901234567e19 } },
      { key: 'double.tiny', value: { doubleValue: 5e-324 } },
      { key: 'double.nan', value: { doubleValue: 'NaN' } },
      { key: 'int.big', value: { intValue: '9223372036854775807' } },
      { key: 'bool', value: { boolValue: false } },
      { key: 'bytes', value: { bytesValue: 'AAECAwQ=' } },
      { key: 'empty', value: {} },
      { key: 'text', value: { stringValue: 'tab\there "quoted" back\\slash \b\f\n\r \u0001 ünïcödé 日本 😀' } },
      { key: 'array', value: { arrayValue: { values: [{ intValue: '1' }, { doubleValue: 1.5 }, { stringValue: 'x' }, {}, { arrayValue: {} }] } } },
      { key: 'kvlist', value: { kvlistValue: { values: [{ key: 'b', value: { boolValue: true } }, { key: 'a', value: { kvlistValue: { values: [{ key: '10', value: { intValue: 1 } }, { key: '9', value: { intValue: 2 } }] } } }] } } },
      { key: 'http.response.status_code', value: { intValue: '503' } },
      { key: 'db.system.name', value: { stringValue: 'postgresql' } },
      { key: 'db.query.text', value: { stringValue: 'UPDATE orders SET state = $1 WHERE id = $2' } },
      { key: 'long', value: { stringValue: 'y'.repeat(40_000) } },
    ].map(v);
    const request = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }, { key: 'host.name', value: { stringValue: 'a' } }], droppedAttributesCount: 2 },
          schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
          scopeSpans: [
            {
              scope: { name: 'manual', version: '1.0', attributes: [{ key: 'scope.attr', value: { intValue: 1 } }], droppedAttributesCount: 1 },
              schemaUrl: 'https://opentelemetry.io/schemas/1.25.0',
              spans: [
                {
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: 'eee19b7ec3c1b174',
                  parentSpanId: 'eee19b7ec3c1b173',
                  traceState: 'rojo=00f067aa0ba902b7',
                  flags: 257,
                  name: 'UPDATE orders',
                  kind: 3,
                  startTimeUnixNano: now,
                  endTimeUnixNano: now,
                  attributes,
                  droppedAttributesCount: 3,
                  events: [
                    { timeUnixNano: now, name: 'exception', attributes: [{ key: 'exception.type', value: { stringValue: 'Timeout' } }], droppedAttributesCount: 1 },
                    { timeUnixNano: now, name: '' },
                  ],
                  droppedEventsCount: 4,
                  links: [{ traceId: '5b8efff798038103d269b633813fc60d', spanId: 'eee19b7ec3c1b175', traceState: 'k=v', attributes: [{ key: 'why', value: { stringValue: 'batch' } }], droppedAttributesCount: 2, flags: 1 }],
                  droppedLinksCount: 5,
                  status: { code: 2, message: 'deadline exceeded' },
                },
              ],
            },
          ],
        },
      ],
    };
    const batch = decodeOtlpObject('traces', request);
    expect(batch.rejected).toBe(0);
    expectSameRecords(batch);
    const [span] = roundTrip(batch).spans[0].scopes[0].items;
    expect(span.hints).toEqual({
      httpStatusCode: 503,
      dbSystem: 'postgresql',
      dbQueryStart: 'UPDATE orders SET state ',
      // The searched keys' values (the query text is not one of them).
      search: [searchHash('http.response.status_code', '503'), searchHash('db.system.name', 'postgresql')],
    });
    expect(span.attributes.startsWith('{"2":2,"1":-7,"double.integral":3,"double":0.1,"double.huge":12345678901234567000,')).toBe(true);
  });

  it('keeps log bodies of every shape and metric points with exemplars', () => {
    const now = `${BigInt(Date.now()) * 1_000_000n}`;
    const log = (body: unknown) => ({ timeUnixNano: now, observedTimeUnixNano: now, severityNumber: 17, severityText: 'ERROR', body, flags: 1, traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', eventName: 'e', attributes: [{ key: 'k', value: { stringValue: 'v' } }] });
    const logs = decodeOtlpObject('logs', {
      resourceLogs: [{ resource: {}, scopeLogs: [{ logRecords: [
        log({ stringValue: 'plain' }),
        log({ kvlistValue: { values: [{ key: 'msg', value: { stringValue: 'hi' } }, { key: 'n', value: { doubleValue: 2.5 } }] } }),
        log({ arrayValue: { values: [{ intValue: '1' }] } }),
        log({ intValue: '42' }),
        log({ bytesValue: 'AAE=' }),
        log(undefined),
      ] }] }],
    });
    expect(logs.rejected).toBe(0);
    expectSameRecords(logs);

    const exemplar = { timeUnixNano: now, asInt: '3', spanId: 'eee19b7ec3c1b174', traceId: '5b8efff798038103d269b633813fc60c', filteredAttributes: [{ key: 'user', value: { stringValue: 'u1' } }] };
    const metrics = decodeOtlpObject('metrics', {
      resourceMetrics: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'm' } }] }, scopeMetrics: [{ metrics: [
        { name: 'g', unit: '1', description: 'gauge', gauge: { dataPoints: [{ timeUnixNano: now, asDouble: 0.5, exemplars: [{ ...exemplar, asInt: undefined, asDouble: 1.25 }] }, { timeUnixNano: now, asInt: '-3', flags: 1 }] } },
        { name: 's', sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [{ startTimeUnixNano: now, timeUnixNano: now, asInt: '9007199254740993' }] } },
        { name: 'h', histogram: { aggregationTemporality: 2, dataPoints: [{ timeUnixNano: now, count: '6', sum: 7.5, min: 0.5, max: 3, bucketCounts: ['1', '2', '3'], explicitBounds: [1, 2], exemplars: [exemplar] }] } },
        { name: 'eh', exponentialHistogram: { aggregationTemporality: 1, dataPoints: [{ timeUnixNano: now, count: '5', sum: 9, scale: -2, zeroCount: '1', zeroThreshold: 0.001, positive: { offset: -3, bucketCounts: ['1', '0', '2'] }, negative: { offset: 2, bucketCounts: ['1'] }, exemplars: [exemplar] }] } },
        { name: 'q', summary: { dataPoints: [{ timeUnixNano: now, count: '3', sum: 6, quantileValues: [{ quantile: 0, value: 1 }, { quantile: 0.99, value: 3 }] }] } },
      ] }] }],
    });
    expect(metrics.rejected).toBe(0);
    expectSameRecords(metrics);
  });

  it('hands the writer a buffer of its own (transferred to the writer thread, never copied)', () => {
    const now = BigInt(Date.now()) * 1_000_000n;
    const batch = decodeOtlpObject('traces', {
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name: 'x', startTimeUnixNano: `${now}`, endTimeUnixNano: `${now}` }] }] }],
    });
    const body = encodeTracesProto(batch.spans);
    expect(body.byteOffset).toBe(0);
    expect(body.byteLength).toBe(body.buffer.byteLength);
  });
});
