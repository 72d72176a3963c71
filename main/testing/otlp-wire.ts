// Hand-written OTLP protobuf for tests that need shapes no SDK produces: values nested
// thousands of levels deep, timestamps at the edge of 64 bits, fields of the wrong type.

export function varint(v: bigint | number): Buffer {
  let n = BigInt(v);
  if (n < 0n) n += 1n << 64n;
  const out: number[] = [];
  while (n >= 0x80n) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
  return Buffer.from(out);
}

export const tag = (field: number, wire: number) => varint((field << 3) | wire);
export const len = (field: number, body: Buffer | string) => {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return Buffer.concat([tag(field, 2), varint(b.length), b]);
};
export const fixed64 = (field: number, v: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt.asUintN(64, v));
  return Buffer.concat([tag(field, 1), b]);
};

/** AnyValue { string_value } */
export const stringValue = (s: string) => len(1, s);
/** KeyValue { key, value } */
export const keyValue = (key: string, anyValue: Buffer) => Buffer.concat([len(1, key), len(2, anyValue)]);

/** An AnyValue of arrays nested `depth` levels deep around a string. */
export function nestedArray(depth: number): Buffer {
  let inner = stringValue('bottom');
  for (let i = 0; i < depth; i++) inner = len(5, len(1, inner));
  return inner;
}

export interface WireSpan {
  traceId?: Buffer;
  spanId?: Buffer;
  name?: string;
  startNs?: bigint;
  endNs?: bigint;
  attributes?: Buffer[];
}

export function span(s: WireSpan): Buffer {
  const start = s.startNs ?? BigInt(Date.now()) * 1_000_000n;
  return Buffer.concat([
    len(1, s.traceId ?? Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex')),
    len(2, s.spanId ?? Buffer.from('b7ad6b7169203331', 'hex')),
    len(5, s.name ?? 'op'),
    varint((6 << 3) | 0),
    varint(2),
    fixed64(7, start),
    fixed64(8, s.endNs ?? start + 1_000_000n),
    ...(s.attributes ?? []).map((a) => len(9, a)),
  ]);
}

/** ExportTraceServiceRequest with one resource (its attributes given) and one scope. */
export function traces(spans: Buffer[], resourceAttributes: Buffer[] = [keyValue('service.name', stringValue('wire'))]): Buffer {
  const resource = Buffer.concat(resourceAttributes.map((a) => len(1, a)));
  const scopeSpans = Buffer.concat([len(1, len(1, 'wire-scope')), ...spans.map((s) => len(2, s))]);
  return len(1, Buffer.concat([len(1, resource), len(2, scopeSpans)]));
}
