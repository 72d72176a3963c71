// Seeded fuzzing of the receivers: thousands of mutated OTLP payloads over HTTP (protobuf and
// JSON) and gRPC. The core must never exit, never answer 5xx for bad input, name what was
// wrong in every 400, keep what it stored before intact, and drain its queue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import grpc from '@grpc/grpc-js';
import { mulberry32 } from '../../common/random';
import { startHarness, type Harness } from '../testing/core-harness';
import { keyValue, nestedArray, span, stringValue, traces } from '../testing/otlp-wire';

const SEED = 20261205;
const HTTP_CASES = 2100;
const GRPC_CASES = 300;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const rand = mulberry32(SEED);
const int = (n: number) => Math.floor(rand() * n);

function validProto(i: number): Buffer {
  const traceId = Buffer.alloc(16, 0x11);
  traceId.writeUInt32BE(i + 1, 0);
  const spans = Array.from({ length: 1 + int(4) }, (_, k) => {
    const spanId = Buffer.alloc(8, 0x22);
    spanId.writeUInt32BE(i * 8 + k + 1, 0);
    return span({ traceId, spanId, name: `op-${k}`, attributes: [keyValue('k', stringValue(`v${k}`))] });
  });
  return traces(spans, [keyValue('service.name', stringValue('fuzz'))]);
}

function validJson(i: number): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'fuzz-json' } }] },
        scopeSpans: [{ spans: [{ traceId: (i + 1).toString(16).padStart(32, '3'), spanId: (i + 1).toString(16).padStart(16, '4'), name: 'x', startTimeUnixNano: String(now), endTimeUnixNano: String(now + 1000n), attributes: [{ key: 'a', value: { intValue: '1' } }] }] }],
      },
    ],
  });
}

type Case = { body: Buffer; headers: Record<string, string>; what: string };

/** One mutated payload; `what` names the mutation for failure messages. */
function mutate(i: number): Case {
  const proto = { 'content-type': 'application/x-protobuf' };
  const json = { 'content-type': 'application/json' };
  const p = validProto(i);
  const j = Buffer.from(validJson(i));
  switch (i % 14) {
    case 0:
      return { body: p.subarray(0, int(p.length)), headers: proto, what: 'truncated protobuf' };
    case 1: {
      const b = Buffer.from(p);
      for (let k = 0; k < 1 + int(4); k++) b[int(b.length)] ^= 1 << int(8);
      return { body: b, headers: proto, what: 'bit flips (protobuf)' };
    }
    case 2:
      return { body: j.subarray(0, int(j.length)), headers: json, what: 'truncated JSON' };
    case 3: {
      const b = Buffer.from(j);
      for (let k = 0; k < 1 + int(4); k++) b[int(b.length)] = int(256);
      return { body: b, headers: json, what: 'byte noise (JSON, often invalid UTF-8)' };
    }
    case 4:
      return { body: Buffer.from(validJson(i).replace(/"stringValue":"fuzz-json"/, '"stringValue":42').replace('"name":"x"', '"name":{"a":1}')), headers: json, what: 'wrong types (JSON)' };
    case 5:
      return { body: traces([span({ attributes: [keyValue('huge', stringValue('x'.repeat(40_000 + int(60_000))))] })]), headers: proto, what: 'huge string' };
    case 6:
      return { body: traces(Array.from({ length: 300 + int(700) }, () => span({}))), headers: proto, what: 'huge count (same ids)' };
    case 7:
      return { body: traces([span({ attributes: [keyValue('deep', nestedArray(40 + int(2000)))] })]), headers: proto, what: 'deep nesting (protobuf)' };
    case 8: {
      let v = '{"stringValue":"b"}';
      for (let k = 0, n = 40 + int(1000); k < n; k++) v = `{"arrayValue":{"values":[${v}]}}`;
      return { body: Buffer.from(validJson(i).replace('{"intValue":"1"}', v)), headers: json, what: 'deep nesting (JSON)' };
    }
    case 9:
      return { body: Buffer.concat([p.subarray(0, 10), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), p.subarray(10)]), headers: proto, what: 'invalid UTF-8 in protobuf' };
    case 10:
      return { body: traces([span({ startNs: BigInt(int(2)) ? 2n ** 64n - 1n : 5n, endNs: 2n ** 64n - 1n - BigInt(int(1000)) })]), headers: proto, what: 'out-of-range times' };
    case 11:
      // Bombs cost the receiver a bounded inflate each: a few per run are enough.
      if (i % 140 !== 11) return { body: j, headers: proto, what: 'JSON sent as protobuf' };
      return { body: gzipSync(Buffer.alloc(70 * 1024 * 1024 + int(1024), 0x20)), headers: { ...json, 'content-encoding': 'gzip' }, what: 'gzip bomb' };
    case 12:
      return { body: p, headers: { 'content-type': ['text/plain', 'application/xml', 'application/protobuf+x', ''][int(4)] }, what: 'wrong content type' };
    default:
      return { body: int(2) ? p : j, headers: int(2) ? proto : json, what: 'valid or mismatched encoding' };
  }
}

async function statusText(res: Response): Promise<string> {
  const buf = Buffer.from(await res.arrayBuffer());
  return (res.headers.get('content-type') ?? '').includes('json') ? String(JSON.parse(buf.toString() || '{}').message ?? '') : buf.toString('latin1');
}

describe('fuzzing the receivers', () => {
  it(`${HTTP_CASES} mutated OTLP/HTTP payloads and ${GRPC_CASES} gRPC calls: no exit, no 5xx, every 400 explained, earlier data intact, queue drained`, async () => {
    // Known data first: it must come back unchanged afterwards.
    const known = validProto(999_999);
    expect((await fetch(h.otlp + '/v1/traces', { method: 'POST', body: new Uint8Array(known), headers: { 'content-type': 'application/x-protobuf' } })).status).toBe(200);
    const knownId = Buffer.alloc(16, 0x11);
    knownId.writeUInt32BE(1_000_000, 0);
    const before = (await h.api(`/api/traces/${knownId.toString('hex')}`)).body;

    const bad: string[] = [];
    const cases = Array.from({ length: HTTP_CASES }, (_, i) => i);
    const gzipBombs = new Map<number, Case>();
    const worker = async () => {
      for (let i = cases.shift(); i !== undefined; i = cases.shift()) {
        // One gzip bomb per kind is enough to build: reuse it (they are costly to compress).
        const c = i % 140 === 11 ? (gzipBombs.get(11) ?? gzipBombs.set(11, mutate(i)).get(11)!) : mutate(i);
        const res = await fetch(h.otlp + '/v1/traces', { method: 'POST', body: new Uint8Array(c.body), headers: c.headers });
        const text = await statusText(res);
        if (res.status >= 500 && res.status !== 503) bad.push(`#${i} ${c.what}: ${res.status} ${text}`);
        if (res.status === 503) bad.push(`#${i} ${c.what}: 503 for bad input: ${text}`);
        if (res.status === 400 && text.trim().length < 10) bad.push(`#${i} ${c.what}: 400 without a reason`);
        if (res.status === 429) cases.push(i); // backpressure: sent again later
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));

    const client = new grpc.Client(new URL(h.otlp).hostname + ':' + h.core.info.ports.otlpGrpc, grpc.credentials.createInsecure());
    const grpcCall = (body: Buffer) =>
      new Promise<grpc.ServiceError | null>((resolve) =>
        client.makeUnaryRequest('/opentelemetry.proto.collector.trace.v1.TraceService/Export', (b: Buffer) => b, (b: Buffer) => b, body, new grpc.Metadata(), { deadline: Date.now() + 20_000 }, (e) => resolve(e ?? null)),
      );
    for (let g = 0; g < GRPC_CASES; g += 10) {
      const errors = await Promise.all(
        Array.from({ length: 10 }, (_, k) => {
          const c = mutate((g + k) * 14 + [0, 1, 5, 6, 7, 9, 10][(g + k) % 7]);
          return grpcCall(c.body).then((e) => ({ e, what: c.what }));
        }),
      );
      for (const { e, what } of errors)
        if (e && (e.code === grpc.status.INTERNAL || e.code === grpc.status.UNAVAILABLE || e.code === grpc.status.UNKNOWN)) bad.push(`gRPC ${what}: ${e.code} ${e.details}`);
        else if (e && e.code === grpc.status.INVALID_ARGUMENT && e.details.trim().length < 10) bad.push(`gRPC ${what}: INVALID_ARGUMENT without a reason`);
    }
    client.close();

    expect(bad.slice(0, 20)).toEqual([]);
    // The queue drains (bounded wait), the core still answers, and what was stored before is intact.
    const deadline = Date.now() + 20_000;
    let depth = (await h.api('/api/health')).body.ingest.queueDepth;
    while (depth > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      depth = (await h.api('/api/health')).body.ingest.queueDepth;
    }
    expect(depth).toBe(0);
    const after = await h.api(`/api/traces/${knownId.toString('hex')}`);
    expect(after.status).toBe(200);
    expect(after.body).toEqual(before);
  }, 120_000);
});
