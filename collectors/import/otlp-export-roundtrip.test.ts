// A trace exported as OTLP JSON (common/otlp-export) and imported into another store reads
// back as the same trace through the same query the API serves.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceDetail } from '../../common/api/trace-schemas';
import { traceToOtlpJson } from '../../common/otlp-export';
import type { TelemetryBatch } from '../../common/model';
import { decodeOtlpObject } from '../otlp/decode-json';
import { IngestPipeline } from '../../main/ingest/pipeline';
import { ReadStore } from '../../main/query/read-store';
import { getTrace } from '../../main/query/traces';
import { importFiles } from './import-files';
import { importBuffer } from './importer';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';

const kv = (key: string, value: object) => ({ key, value });
const RICH = {
  resourceSpans: [
    {
      resource: {
        attributes: [kv('service.name', { stringValue: 'checkout' }), kv('service.version', { stringValue: '2.1.0' }), kv('host.cores', { intValue: '8' })],
        droppedAttributesCount: 1,
      },
      schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
      scopeSpans: [
        {
          scope: { name: 'shop.http', version: '1.4.0', attributes: [kv('library.mode', { stringValue: 'fast' })] },
          spans: [
            {
              traceId: TRACE_ID,
              spanId: 'eee19b7ec3c1b174',
              traceState: 'shop=1,vendor=x',
              flags: 257,
              name: 'POST /checkout',
              kind: 2,
              startTimeUnixNano: '1714557600000000000',
              endTimeUnixNano: '1714557600250000123',
              attributes: [
                kv('http.route', { stringValue: '/checkout' }),
                kv('http.response.status_code', { intValue: '502' }),
                kv('ratio', { doubleValue: 0.375 }),
                kv('cached', { boolValue: false }),
                kv('big', { intValue: '9223372036854775807' }),
                kv('tags', { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '2' }, { doubleValue: 2.5 }] } }),
                kv('user', { kvlistValue: { values: [kv('id', { intValue: '42' }), kv('vip', { boolValue: true })] } }),
                kv('blob', { bytesValue: 'AAEC' }),
                kv('nothing', {}),
              ],
              droppedAttributesCount: 2,
              events: [{ timeUnixNano: '1714557600100000000', name: 'retry', attributes: [kv('attempt', { intValue: '2' })], droppedAttributesCount: 1 }],
              droppedEventsCount: 4,
              links: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceState: 'k=v', attributes: [kv('why', { stringValue: 'batch' })], flags: 1 }],
              status: { code: 2, message: 'payment declined' },
            },
          ],
        },
        {
          scope: { name: 'shop.db' },
          spans: [
            {
              traceId: TRACE_ID,
              spanId: 'eee19b7ec3c1b175',
              parentSpanId: 'eee19b7ec3c1b174',
              name: 'SELECT orders',
              kind: 3,
              startTimeUnixNano: '1714557600010000000',
              endTimeUnixNano: '1714557600020000000',
              attributes: [kv('db.system.name', { stringValue: 'postgresql' })],
              status: { code: 1 },
            },
          ],
        },
      ],
    },
    {
      resource: { attributes: [kv('service.name', { stringValue: 'payments' })] },
      scopeSpans: [
        {
          scope: { name: 'pay' },
          spans: [
            {
              traceId: TRACE_ID,
              spanId: 'eee19b7ec3c1b176',
              parentSpanId: 'eee19b7ec3c1b174',
              name: 'charge',
              kind: 2,
              startTimeUnixNano: '1714557600030000000',
              endTimeUnixNano: '1714557600200000000',
            },
          ],
        },
      ],
    },
  ],
};

const sortSpans = (t: TraceDetail): TraceDetail => ({ ...t, spans: [...t.spans].sort((a, b) => (a.spanId < b.spanId ? -1 : 1)) });

describe('OTLP JSON export round trip', () => {
  const dirs: string[] = [];
  let source: IngestPipeline;
  let sourceRead: ReadStore;

  async function store(): Promise<{ dir: string; pipeline: IngestPipeline }> {
    const dir = mkdtempSync(join(tmpdir(), 'loupe-export-'));
    dirs.push(dir);
    return { dir, pipeline: await IngestPipeline.start({ dataDir: dir, mode: 'inline' }) };
  }

  beforeAll(async () => {
    const s = await store();
    source = s.pipeline;
    const submit = (batch: TelemetryBatch) => source.submitBatch(batch, 'test');
    for await (const chunk of importBuffer('rich.json', Buffer.from(JSON.stringify(RICH)))) {
      expect(chunk.problems).toEqual([]);
      if (chunk.batch.spans.length) await submit(chunk.batch);
    }
    await importFiles(['/work/shared/fixtures/zipkin/yelp.json', fileURLToPath(new URL('./testdata/jaeger-hotrod.json', import.meta.url))], submit);
    sourceRead = new ReadStore(s.dir, () => undefined);
  });

  afterAll(async () => {
    sourceRead?.close();
    await source?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it.each([
    ['an OTLP trace with every value type', TRACE_ID],
    ['a Zipkin trace with shared spans', '0000000000000000a03ee8fff1dcd9b9'],
    ['a Jaeger trace with links and events', '00000000000000007d4b1e8a9c3f2a10'],
  ])('re-imports %s as the same trace', async (_what, traceId) => {
    const original = TraceDetail.parse(getTrace(sourceRead, traceId));
    const exported = traceToOtlpJson(original);
    // A valid request: our OTLP/HTTP decoder takes every span without complaint.
    const decoded = decodeOtlpObject('traces', JSON.parse(JSON.stringify(exported)));
    expect(decoded.errors).toEqual([]);

    const target = await store();
    try {
      for await (const chunk of importBuffer(`${traceId}.json`, Buffer.from(JSON.stringify(exported, null, 2)))) {
        expect(chunk.problems).toEqual([]);
        expect(chunk.format === null || chunk.format === 'otlp-json').toBe(true);
        if (chunk.batch.spans.length) await target.pipeline.submitBatch(chunk.batch, 'test');
      }
      const read = new ReadStore(target.dir, () => undefined);
      try {
        expect(sortSpans(getTrace(read, traceId))).toEqual(sortSpans(original));
      } finally {
        read.close();
      }
    } finally {
      await target.pipeline.close();
    }
  });

  it('keeps the OTLP trace exactly, value types included', () => {
    const t = getTrace(sourceRead, TRACE_ID);
    const root = t.spans.find((s) => s.spanId === 'eee19b7ec3c1b174')!;
    expect(root.attributes).toEqual({
      'http.route': '/checkout',
      'http.response.status_code': 502,
      ratio: 0.375,
      cached: false,
      big: '9223372036854775807',
      tags: ['a', 2, 2.5],
      user: { id: 42, vip: true },
      blob: 'AAEC',
      nothing: null,
    });
    const exported = traceToOtlpJson(t);
    const attrs = exported.resourceSpans[0].scopeSpans[0].spans[0].attributes;
    expect(attrs.find((a) => a.key === 'ratio')!.value).toEqual({ doubleValue: 0.375 });
    expect(attrs.find((a) => a.key === 'http.response.status_code')!.value).toEqual({ intValue: '502' });
    expect(exported.resourceSpans.map((r) => r.scopeSpans.map((s) => s.scope.name))).toEqual([['shop.http', 'shop.db'], ['pay']]);
  });
});
