import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importBuffer, importFile } from './importer';
import { type FlatSpan, byId, collect } from './test-support';

const FIXTURES = '/work/shared/fixtures/zipkin';

function halves(spans: FlatSpan[], sharedId: string, serverService: string) {
  const client = spans.find((s) => s.spanId === sharedId)!;
  const server = spans.find((s) => s.service === serverService && s.kind === 'SERVER' && s.parentSpanId === sharedId)!;
  return { client, server };
}

describe('Zipkin v2 import', () => {
  it('keeps both halves of the shared spans in yelp.json and parents them like the Zipkin UI', async () => {
    const c = await collect(importFile(`${FIXTURES}/yelp.json`));
    expect([...c.formats]).toEqual(['zipkin']);
    expect(c.spans).toHaveLength(16);
    // 64-bit trace id a03ee8fff1dcd9b9, left-padded to 128 bits.
    expect(new Set(c.spans.map((s) => s.traceId))).toEqual(new Set(['0000000000000000a03ee8fff1dcd9b9']));
    expect(new Set(c.spans.map((s) => s.spanId)).size).toBe(16);

    // mobile_api calls spectre with span id 7a778764a0d0b594 on both sides.
    const spectre = halves(c.spans, '7a778764a0d0b594', 'spectre');
    expect(spectre.client.kind).toBe('CLIENT');
    expect(spectre.client.service).toBe('mobile_api');
    expect(spectre.server.spanId).not.toBe('7a778764a0d0b594');
    expect(spectre.server.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(spectre.server.parentSpanId).toBe('7a778764a0d0b594');

    // yelp-main calls mobile_api with f5f268651b2a2b34; mobile_api's own spans under that id
    // (its client calls) belong to the server half, not to yelp-main's client span.
    const mobile = halves(c.spans, 'f5f268651b2a2b34', 'mobile_api');
    expect(mobile.client.service).toBe('yelp-main');
    expect(mobile.client.parentSpanId).toBe('2e8cfb154b59a41f');
    expect(mobile.server.name).toBe('post /location/update/v4');
    const mobileChildren = c.spans.filter((s) => s.parentSpanId === mobile.server.spanId);
    expect(mobileChildren.map((s) => s.spanId).sort()).toEqual(
      ['15fc03927f0f68df', '6a65182ea4f684c3', '7a778764a0d0b594', 'cb4d73f31cd90cae'].sort(),
    );
    expect(c.spans.filter((s) => s.parentSpanId === 'f5f268651b2a2b34').map((s) => s.spanId)).toEqual([mobile.server.spanId]);

    // The routing server span is shared but has no client half: it keeps its id and is the root.
    const root = byId(c.spans).get('2e8cfb154b59a41f')!;
    expect(root.kind).toBe('SERVER');
    expect(root.service).toBe('routing');
    expect(root.parentSpanId).toBe('');

    // yelp-main's spans under 668ed78ad94b35a1 cannot be the "unknown" client's: they go under
    // the api_proxy server half.
    const proxy = halves(c.spans, '668ed78ad94b35a1', 'yelp_main/api_proxy');
    expect(proxy.client.service).toBe('unknown');
    expect(byId(c.spans).get('241cea1aa4cb2884')!.parentSpanId).toBe(proxy.server.spanId);
    expect(byId(c.spans).get('e7d1a2d5a788ac81')!.parentSpanId).toBe(proxy.server.spanId);
    expect(proxy.server.events.length).toBe(1);

    // Every parent exists: the tree is whole.
    const ids = new Set(c.spans.map((s) => s.spanId));
    for (const s of c.spans) if (s.parentSpanId) expect(ids.has(s.parentSpanId)).toBe(true);
  });

  it('maps endpoints and tags', async () => {
    const c = await collect(importFile(`${FIXTURES}/yelp.json`));
    const blt = byId(c.spans).get('15fc03927f0f68df')!;
    expect(blt.resource).toEqual({ 'service.name': 'mobile_api' });
    expect(blt.attributes).toMatchObject({
      'peer.service': 'blt',
      'server.address': 'blt',
      'server.port': 31882,
      'network.peer.port': 31882,
      client_status_code: '200',
      'http.uri.client': '/visits',
    });
    expect(blt.start).toBe(1571896375322000n * 1000n);
    expect(blt.end - blt.start).toBe(14000n * 1000n);
    const local = byId(c.spans).get('6a65182ea4f684c3')!;
    expect(local.attributes['network.local.port']).toBe(31049);
  });

  it('re-parents the child of the shared span in skew.json to the server half', async () => {
    const c = await collect(importFile(`${FIXTURES}/skew.json`));
    expect(c.spans).toHaveLength(4);
    const { client, server } = halves(c.spans, '74280ae0c10d8062', 'serviceb');
    expect(client.service).toBe('servicea');
    expect(client.parentSpanId).toBe('bf396325699c84bf');
    // serviceb's "async" span was started under the shared id on serviceb's side.
    expect(byId(c.spans).get('43210ae0c10d1234')!.parentSpanId).toBe(server.spanId);
    expect(c.spans.every((s) => s.traceId === '00000000000000001e223ff1f80f1c69')).toBe(true);
    // The recorded times are kept as sent (skew is a display concern).
    expect(server.start).toBe(1470150004008761n * 1000n);
  });

  it('imports the async producer/consumer spans of messaging-kafka.json with error status', async () => {
    const c = await collect(importFile(`${FIXTURES}/messaging-kafka.json`));
    expect(c.spans).toHaveLength(28);
    expect(c.problems).toEqual([]);
    const kinds = c.spans.reduce<Record<string, number>>((m, s) => ((m[s.kind] = (m[s.kind] ?? 0) + 1), m), {});
    expect(kinds).toEqual({ CONSUMER: 7, PRODUCER: 9, INTERNAL: 12 });
    expect(new Set(c.spans.map((s) => s.service))).toEqual(new Set(['servicea', 'serviceb']));
    const producer = byId(c.spans).get('2e22a0564764943a')!;
    expect(producer.attributes).toMatchObject({ 'peer.service': 'kafka', 'kafka.topic': 'messages' });
    const consumer = byId(c.spans).get('b4a2a87ee7f003bc')!;
    expect(consumer.kind).toBe('CONSUMER');
    expect(consumer.parentSpanId).toBe('2e22a0564764943a');
    expect(consumer.service).toBe('serviceb');
    const failed = c.spans.filter((s) => s.status === 'ERROR');
    expect(failed.map((s) => s.spanId).sort()).toEqual(['2f77d5b0b8e0de35', '4a64a63e4b58e665', '568b33e6af8a225a']);
    // The error tag becomes the status, not an attribute.
    expect(failed[0].attributes.error).toBeUndefined();
  });

  it('turns annotations into events and the error tag message into the status message', async () => {
    const spans = [
      {
        traceId: '463ac35c9f6413ad48485a3953bb6124',
        id: 'a2fb4a1d1a96d312',
        kind: 'SERVER',
        name: 'get /api',
        timestamp: 1714557600000000,
        duration: 2500,
        localEndpoint: { serviceName: 'api', ipv4: '10.0.0.1', port: 8080 },
        remoteEndpoint: { ipv4: '10.0.0.9', port: 51234 },
        annotations: [{ timestamp: 1714557600001000, value: 'wr' }],
        tags: { error: 'NullPointerException', 'http.status_code': '500' },
      },
    ];
    const c = await collect(importBuffer('upload.json', Buffer.from(JSON.stringify(spans))));
    const s = c.spans[0];
    expect(s.traceId).toBe('463ac35c9f6413ad48485a3953bb6124');
    expect(s.status).toBe('ERROR');
    expect(s.statusMessage).toBe('NullPointerException');
    expect(s.attributes).toMatchObject({
      'http.status_code': '500',
      'network.local.address': '10.0.0.1',
      'client.address': '10.0.0.9',
      'network.peer.address': '10.0.0.9',
    });
    expect(s.attributes['server.address']).toBeUndefined();
    expect(s.events).toEqual([{ timeUnixNano: '1714557600001000000', name: 'wr', attributes: {}, droppedAttributesCount: 0 }]);
  });

  it('skips spans without a timestamp, keeps spans without a duration, and reports both', async () => {
    const spans = [
      { traceId: '1', id: 'a', name: 'root', timestamp: 1714557600000000, duration: 10, localEndpoint: { serviceName: 'a' } },
      { traceId: '1', id: 'b', parentId: 'a', name: 'open', timestamp: 1714557600000001, localEndpoint: { serviceName: 'a' } },
      { traceId: '1', id: 'c', parentId: 'a', name: 'lost', localEndpoint: { serviceName: 'a' } },
      { traceId: '1', id: 'd', parentId: 'a', name: 'annotated', annotations: [{ timestamp: 1714557600000005, value: 'cs' }], localEndpoint: { serviceName: 'a' } },
    ];
    const text = JSON.stringify(spans, null, 2);
    const c = await collect(importBuffer('gaps.json', Buffer.from(text)));
    const ids = byId(c.spans);
    expect([...ids.keys()].sort()).toEqual(['000000000000000a', '000000000000000b', '000000000000000d']);
    expect(ids.get('000000000000000b')!.end).toBe(ids.get('000000000000000b')!.start);
    expect(ids.get('000000000000000d')!.start).toBe(1714557600000005n * 1000n);
    expect(c.spans[0].traceId).toBe('00000000000000000000000000000001');
    const lostLine = text.split('\n').findIndex((l) => l.includes('"lost"'));
    const messages = c.problems.map((p) => `${p.line ?? '-'} ${p.message}`);
    expect(messages.some((m) => /1 spans have neither a timestamp nor annotations/.test(m))).toBe(true);
    const noTs = c.problems.find((p) => /neither a timestamp/.test(p.message))!;
    // The element starts on the line of its "{", two lines above the name.
    expect(noTs.line).toBe(lostLine + 1 - 4);
    expect(messages.some((m) => /have no duration/.test(m))).toBe(true);
    expect(c.rejected).toBe(1);
  });

  it('reads a file that starts with a byte order mark', async () => {
    const text = readFileSync(`${FIXTURES}/skew.json`);
    const c = await collect(importBuffer('bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text])));
    expect(c.problems).toEqual([]);
    expect(c.spans).toHaveLength(4);
    expect(c.progress[c.progress.length - 1].bytesRead).toBe(text.length + 3);
  });

  it('merges a span reported in two pieces and accepts the API list-of-traces shape', async () => {
    const traces = [
      [
        { traceId: 'b0b0', id: '01', kind: 'CLIENT', name: 'get', timestamp: 1714557600000000, localEndpoint: { serviceName: 'web' } },
        { traceId: 'b0b0', id: '01', kind: 'CLIENT', duration: 900, localEndpoint: { serviceName: 'web' }, tags: { 'http.path': '/x' } },
      ],
      [{ traceId: 'c0c0', id: '02', name: 'other', timestamp: 1714557600000000, duration: 5, localEndpoint: { serviceName: 'web' } }],
    ];
    const c = await collect(importBuffer('traces.json', Buffer.from(JSON.stringify(traces))));
    expect(c.spans).toHaveLength(2);
    const merged = c.spans.find((s) => s.spanId === '0000000000000001')!;
    expect(merged.name).toBe('get');
    expect(merged.end - merged.start).toBe(900_000n);
    expect(merged.attributes['http.path']).toBe('/x');
  });
});
