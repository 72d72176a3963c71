// A protobuf writer into one growing buffer: the encoding side of proto-reader.ts, for the
// OTLP requests Loupe builds itself (file imports on their way to the writer thread, and the
// benchmark's generated load). Tags are written as (field << 3) | wireType, like the reader.
//
// A nested message is written in place behind a one-byte length and moved up only when its
// body turns out longer than 127 bytes; most are shorter (attributes, their values), so most
// are never moved, and nothing is sized twice.

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

const TWO_32 = 2 ** 32;

export class ProtoWriter {
  buf: Buffer;
  pos = 0;

  constructor(size = 1 << 16) {
    this.buf = Buffer.allocUnsafe(size);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** A non-negative integer up to 2^53 as a varint. */
  varint(v: number): void {
    this.ensure(10);
    const b = this.buf;
    let p = this.pos;
    if (v >= TWO_32) {
      // Past 32 bits the shifts below would wrap: peel 7 bits at a time with division.
      while (v >= 0x80) {
        b[p++] = (v % 128) | 0x80;
        v = Math.floor(v / 128);
      }
    } else {
      while (v >= 0x80) {
        b[p++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
    }
    b[p++] = v;
    this.pos = p;
  }

  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  uint32Field(field: number, v: number): void {
    this.tag(field, WIRE_VARINT);
    this.varint(v >>> 0);
  }

  boolField(field: number, v: boolean): void {
    this.tag(field, WIRE_VARINT);
    this.varint(v ? 1 : 0);
  }

  /** int64 as a varint (negative values take ten bytes, two's complement). */
  int64Field(field: number, v: number | bigint): void {
    this.tag(field, WIRE_VARINT);
    if (typeof v === 'number' && v >= 0 && v <= Number.MAX_SAFE_INTEGER) this.varint(v);
    else {
      let u = BigInt.asUintN(64, BigInt(v));
      this.ensure(10);
      while (u >= 0x80n) {
        this.buf[this.pos++] = Number(u & 0x7fn) | 0x80;
        u >>= 7n;
      }
      this.buf[this.pos++] = Number(u);
    }
  }

  /** sint32 (zigzag). */
  sint32Field(field: number, v: number): void {
    this.tag(field, WIRE_VARINT);
    this.varint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  fixed32Field(field: number, v: number): void {
    this.tag(field, WIRE_I32);
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }

  fixed64Field(field: number, v: bigint): void {
    this.tag(field, WIRE_I64);
    this.fixed64(v);
  }

  fixed64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, v), this.pos);
    this.pos += 8;
  }

  /** A non-negative integer up to 2^53 as fixed64, without a bigint. */
  fixed64Number(v: number): void {
    this.ensure(8);
    this.buf.writeUInt32LE(v % TWO_32 >>> 0, this.pos);
    this.buf.writeUInt32LE(Math.floor(v / TWO_32) >>> 0, this.pos + 4);
    this.pos += 8;
  }

  sfixed64Field(field: number, v: number | string | bigint): void {
    this.tag(field, WIRE_I64);
    this.ensure(8);
    this.buf.writeBigInt64LE(BigInt.asIntN(64, BigInt(typeof v === 'number' ? Math.trunc(v) : v)), this.pos);
    this.pos += 8;
  }

  doubleField(field: number, v: number): void {
    this.tag(field, WIRE_I64);
    this.double(v);
  }

  double(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  bytesField(field: number, b: Uint8Array): void {
    this.rawField(field, b, 0, b.length);
  }

  /** Copies bytes [start, end) of src as a length-delimited field (a string already UTF-8). */
  rawField(field: number, src: Uint8Array, start: number, end: number): void {
    this.tag(field, WIRE_LEN);
    const n = end - start;
    this.varint(n);
    this.ensure(n);
    const b = this.buf;
    let p = this.pos;
    // Ids and most keys and values are short: a loop beats the call and view a copy needs.
    if (n <= 64) for (let i = start; i < end; i++) b[p++] = src[i];
    else {
      b.set(src.subarray(start, end), p);
      p += n;
    }
    this.pos = p;
  }

  stringField(field: number, s: string): void {
    this.tag(field, WIRE_LEN);
    if (s.length <= 42) {
      // At most 126 UTF-8 bytes: the length fits the one byte reserved for it.
      this.ensure(1 + s.length * 3);
      const n = this.buf.utf8Write(s, this.pos + 1);
      this.buf[this.pos] = n;
      this.pos += 1 + n;
    } else {
      const n = Buffer.byteLength(s, 'utf8');
      this.varint(n);
      this.ensure(n);
      this.buf.utf8Write(s, this.pos);
      this.pos += n;
    }
  }

  /** Starts a length-delimited sub-message; returns the mark `end` needs. */
  begin(field: number): number {
    this.tag(field, WIRE_LEN);
    this.ensure(1);
    return this.pos++;
  }

  /** Ends the sub-message begun at `mark`: writes its length, moving the body up if needed. */
  end(mark: number): void {
    const len = this.pos - mark - 1;
    if (len < 0x80) {
      this.buf[mark] = len;
      return;
    }
    let extra = 1;
    for (let v = len >>> 14; v > 0; v >>>= 7) extra++;
    this.ensure(extra);
    this.buf.copyWithin(mark + 1 + extra, mark + 1, this.pos);
    const end = this.pos + extra;
    this.pos = mark;
    this.varint(len);
    this.pos = end;
  }

  /** Forgets what was written since `mark` (a message begun there that turned out empty). */
  rewind(pos: number): void {
    this.pos = pos;
  }

  /** The bytes written, in a buffer of their own (whole ArrayBuffer, so it can be transferred
   * to another thread without a copy). */
  take(): Buffer {
    const out = Buffer.from(new ArrayBuffer(this.pos));
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  reset(): void {
    this.pos = 0;
  }
}

declare module 'node:buffer' {
  interface Buffer {
    utf8Write(s: string, offset: number): number;
  }
}
