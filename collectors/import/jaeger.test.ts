import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importBuffer, importFile } from './importer';
import { byId, collect } from './test-support';

const HOTROD = fileURLToPath(new URL('./testdata/jaeger-hotrod.json', import.meta.url));

describe('Jaeger JSON import', () => {
  it('maps processes, kinds, status, logs and references', async () => {
    const c = await collect(importFile(HOTROD));
    expect([...c.formats]).toEqual(['jaeger']);
    expect(c.problems).toEqual([]);
    expect(c.spans).toHaveLength(7);
    const spans = byId(c.spans);

    const root = spans.get('7d4b1e8a9c3f2a10')!;
    // 64-bit trace ids are left-padded to 128 bits; 128-bit ones are kept.
    expect(root.traceId).toBe('00000000000000007d4b1e8a9c3f2a10');
    expect(spans.get('00f067aa0ba902b7')!.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(root.kind).toBe('SERVER');
    expect(root.service).toBe('frontend');
    expect(root.resource).toEqual({ 'service.name': 'frontend', hostname: 'hotrod-7c9f', ip: '10.1.2.3', 'jaeger.version': 'Go-2.30.0' });
    expect(root.attributes).toEqual({ 'http.method': 'GET', 'http.status_code': 200, 'sampler.param': true });
    expect(root.events).toEqual([
      { timeUnixNano: '1714557600000150000', name: 'HTTP request received', attributes: { method: 'GET' }, droppedAttributesCount: 0 },
    ]);
    expect(root.start).toBe(1714557600000000n * 1000n);
    expect(root.end - root.start).toBe(712345n * 1000n);

    const client = spans.get('2a3b4c5d6e7f8091')!;
    expect(client.kind).toBe('CLIENT');
    expect(client.parentSpanId).toBe('7d4b1e8a9c3f2a10');
    expect(client.status).toBe('ERROR');
    expect(client.statusMessage).toBe('upstream timed out');
    expect(client.attributes.error).toBeUndefined();
    expect(client.events[0]).toMatchObject({ name: 'error', attributes: { message: 'context deadline exceeded', retry: 2 } });

    const server = spans.get('5e6f708192a3b4c5')!;
    expect(server.service).toBe('customer');
    expect(server.resource['service.version']).toBe('1.4.2');
    expect(server.attributes).toMatchObject({ load: 0.75, 'jaeger.warnings': ['clock skew adjustment disabled; not applying calculated delta of 1.2ms'] });

    const sql = spans.get('0a1b2c3d4e5f6071')!;
    expect(sql.scope).toBe('io.opentelemetry.jdbc@2.3.0');
    expect(sql.status).toBe('ERROR');
    expect(sql.statusMessage).toBe('lock wait timeout');
    expect(Object.keys(sql.attributes).filter((k) => k.startsWith('otel.'))).toEqual([]);

    // FOLLOWS_FROM as the only reference is the parent; next to a CHILD_OF it is a link.
    const producer = spans.get('1b2c3d4e5f607182')!;
    expect(producer.kind).toBe('PRODUCER');
    expect(producer.parentSpanId).toBe('5e6f708192a3b4c5');
    expect(producer.links).toEqual([]);
    const refresh = spans.get('3c4d5e6f70819203')!;
    expect(refresh.kind).toBe('INTERNAL');
    expect(refresh.parentSpanId).toBe('7d4b1e8a9c3f2a10');
    expect(refresh.links).toEqual([
      {
        traceId: '00000000000000007d4b1e8a9c3f2a10',
        spanId: '1b2c3d4e5f607182',
        traceState: '',
        attributes: { 'opentracing.ref_type': 'follows_from' },
        droppedAttributesCount: 0,
        flags: 0,
      },
    ]);
  });

  it('separates a client and server that share one span id', async () => {
    const doc = {
      data: [
        {
          traceID: 'abc',
          spans: [
            { traceID: 'abc', spanID: '1', operationName: 'call', startTime: 1714557600000000, duration: 10, processID: 'a', tags: [{ key: 'span.kind', type: 'string', value: 'client' }] },
            { traceID: 'abc', spanID: '1', operationName: 'serve', startTime: 1714557600000001, duration: 8, processID: 'b', tags: [{ key: 'span.kind', type: 'string', value: 'server' }] },
            { traceID: 'abc', spanID: '2', operationName: 'work', references: [{ refType: 'CHILD_OF', traceID: 'abc', spanID: '1' }], startTime: 1714557600000002, duration: 5, processID: 'b' },
          ],
          processes: { a: { serviceName: 'web' }, b: { serviceName: 'api' } },
        },
      ],
    };
    const c = await collect(importBuffer('shared.json', Buffer.from(JSON.stringify(doc))));
    const server = c.spans.find((s) => s.name === 'serve')!;
    expect(server.spanId).not.toBe('0000000000000001');
    expect(server.parentSpanId).toBe('0000000000000001');
    expect(c.spans.find((s) => s.name === 'work')!.parentSpanId).toBe(server.spanId);
  });

  it('accepts a bare list of traces too', async () => {
    const { data } = JSON.parse(readFileSync(HOTROD, 'utf8')) as { data: unknown[] };
    const c = await collect(importBuffer('traces.json', Buffer.from(JSON.stringify(data))));
    expect([...c.formats]).toEqual(['jaeger']);
    expect(c.spans).toHaveLength(7);
  });

  it('reports a span it cannot import by line and keeps the rest', async () => {
    const text = JSON.stringify(
      {
        data: [
          {
            traceID: 'abc',
            spans: [
              { traceID: 'abc', spanID: 'zz', operationName: 'bad', startTime: 1714557600000000, processID: 'a' },
              { traceID: 'abc', spanID: '2', operationName: 'millis', startTime: 1714557600000, processID: 'a' },
              { traceID: 'abc', spanID: '1', operationName: 'good', startTime: 1714557600000000, duration: 3, processID: 'a' },
            ],
            processes: { a: { serviceName: 'web' } },
          },
        ],
      },
      null,
      1,
    );
    const c = await collect(importBuffer('bad.json', Buffer.from(text)));
    expect(c.spans.map((s) => s.name)).toEqual(['good']);
    expect(c.problems).toHaveLength(2);
    expect(c.problems[0]).toMatchObject({ file: 'bad.json', line: 3 });
    expect(c.problems[0].message).toMatch(/spanID "zz"/);
    expect(c.problems[1].message).toMatch(/span 0000000000000002: start time .* before 1990; expected microseconds since the Unix epoch/);
    expect(c.rejected).toBe(2);
  });
});
