import { isUtf8 } from 'node:buffer';

// A minimal protobuf wire-format reader specialised for OTLP.
//
// Why not protobufjs: OTLP ingest is Loupe's hot path. Decoding straight from the wire into
// the store's row shapes (attribute JSON built while reading, ids kept as byte views) skips
// the intermediate message objects protobufjs allocates; `npm run bench` reports both
// decoders side by side. protobufjs remains the reference the tests compare against.

export class DecodeError extends Error {
  constructor(
    readonly reason: string,
    readonly where: string,
  ) {
    super(where ? `${where}: ${reason}` : reason);
    this.name = 'DecodeError';
  }
}

/** Re-throws a DecodeError from inside an attribute value with the attribute's key in its path. */
export function inAttribute(e: unknown, key: string): never {
  if (e instanceof DecodeError) throw new DecodeError(`attribute ${JSON.stringify(key.slice(0, 200))}: ${e.reason}`, e.where);
  throw e;
}

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

const TWO_32 = 4294967296;

export class ProtoReader {
  pos = 0;
  /** Where in the message tree we are, for error messages; set by the decoders. */
  locate: () => string = () => '';

  constructor(readonly buf: Buffer) {}

  /** Moves to `pos` (for re-reading a field already located) and returns the reader. */
  at(pos: number): this {
    this.pos = pos;
    return this;
  }

  fail(message: string): never {
    throw new DecodeError(`${message} (at byte ${this.pos})`, this.locate());
  }

  uint32(): number {
    const buf = this.buf;
    let pos = this.pos;
    let b = buf[pos++];
    let value = b & 0x7f;
    if (b < 0x80) {
      if (pos > buf.length) this.fail('truncated varint');
      this.pos = pos;
      return value;
    }
    b = buf[pos++];
    value |= (b & 0x7f) << 7;
    if (b >= 0x80) {
      b = buf[pos++];
      value |= (b & 0x7f) << 14;
      if (b >= 0x80) {
        b = buf[pos++];
        value |= (b & 0x7f) << 21;
        if (b >= 0x80) {
          b = buf[pos++];
          value = (value | ((b & 0x0f) << 28)) >>> 0;
          // A uint32 may still be sent as a 10-byte varint (negative int32): skip the rest.
          let extra = 0;
          while (b >= 0x80) {
            if (++extra > 5) this.fail('malformed varint');
            b = buf[pos++];
          }
        }
      }
    }
    if (pos > buf.length) this.fail('truncated varint');
    this.pos = pos;
    return value;
  }

  /** A 64-bit varint as a JS number when it is a safe integer, else a decimal string. */
  int64(): number | string {
    const buf = this.buf;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    let b: number;
    let pos = this.pos;
    // low 28 bits
    do {
      b = buf[pos++];
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      shift += 7;
      if (shift > 70) this.fail('malformed varint');
    } while (b >= 0x80);
    if (pos > buf.length) this.fail('truncated varint');
    this.pos = pos;
    lo >>>= 0;
    hi >>>= 0;
    if (hi & 0x80000000) {
      // negative two's complement
      const nlo = (~lo + 1) >>> 0;
      const nhi = (~hi + (nlo === 0 ? 1 : 0)) >>> 0;
      if (nhi < 0x200000) return -(nhi * TWO_32 + nlo);
      return (-((BigInt(nhi) << 32n) | BigInt(nlo))).toString();
    }
    if (hi < 0x200000) return hi * TWO_32 + lo;
    return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
  }

  /** Unsigned 64-bit varint as a (possibly imprecise beyond 2^53) number: counts. */
  uint64Number(): number {
    const v = this.int64();
    return typeof v === 'number' ? (v < 0 ? v + 2 ** 64 : v) : Number(v);
  }

  sint32(): number {
    const n = this.uint32();
    return (n >>> 1) ^ -(n & 1);
  }

  bool(): boolean {
    return this.uint32() !== 0;
  }

  fixed32(): number {
    if (this.pos + 4 > this.buf.length) this.fail('truncated fixed32');
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  fixed64(): bigint {
    if (this.pos + 8 > this.buf.length) this.fail('truncated fixed64');
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  /** fixed64 counts (histogram counts) as numbers. */
  fixed64Number(): number {
    if (this.pos + 8 > this.buf.length) this.fail('truncated fixed64');
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
    return hi * TWO_32 + lo;
  }

  sfixed64Value(): number | string {
    if (this.pos + 8 > this.buf.length) this.fail('truncated sfixed64');
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    if (v >= -9007199254740991n && v <= 9007199254740991n) return Number(v);
    return v.toString();
  }

  double(): number {
    if (this.pos + 8 > this.buf.length) this.fail('truncated double');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Length of a LEN field, checked against the enclosing bounds. Returns the end offset. */
  lenEnd(limit: number): number {
    const len = this.uint32();
    const end = this.pos + len;
    if (end > limit) this.fail(`length ${len} runs past the end of its message`);
    return end;
  }

  bytes(limit: number): Buffer {
    const end = this.lenEnd(limit);
    const out = this.buf.subarray(this.pos, end);
    this.pos = end;
    return out;
  }

  string(limit: number): string {
    const end = this.lenEnd(limit);
    const start = this.pos;
    this.pos = end;
    return this.stringAt(start, end);
  }

  private stringAt(start: number, end: number): string {
    if (end === start) return '';
    const buf = this.buf;
    // Fast path for short ASCII strings: most keys, names and values are.
    if (end - start < 48) {
      let ascii = true;
      for (let i = start; i < end; i++) {
        if (buf[i] > 0x7f) {
          ascii = false;
          break;
        }
      }
      if (ascii) return buf.latin1Slice(start, end);
    }
    const s = buf.utf8Slice(start, end);
    // Node replaces malformed sequences with U+FFFD; a real U+FFFD in the input is legal,
    // so only then check the bytes themselves.
    if (s.includes('\uFFFD') && !isUtf8(buf.subarray(start, end))) {
      this.pos = start;
      this.fail('invalid UTF-8 in a string field');
    }
    return s;
  }

  /**
   * A short string field through the intern table: attribute keys, enum-like values and span
   * names repeat across a batch, so the decoded string and its JSON form are reused instead
   * of being allocated again. Longer strings are decoded normally.
   */
  interned(limit: number): Interned {
    const end = this.lenEnd(limit);
    const start = this.pos;
    this.pos = end;
    const len = end - start;
    if (len > INTERN_MAX_BYTES) {
      const str = this.stringAt(start, end);
      return { str, json: JSON.stringify(str), bytes: EMPTY, hint: undefined };
    }
    const buf = this.buf;
    let h = 0x811c9dc5 ^ len;
    let plain = true;
    for (let i = start; i < end; i++) {
      const b = buf[i];
      if (b > 0x7e || b < 0x20 || b === 0x22 || b === 0x5c) plain = false;
      h = Math.imul(h ^ b, 16777619);
    }
    const hit = internTable.get(h);
    if (hit !== undefined && hit.bytes.length === len) {
      const hb = hit.bytes;
      let same = true;
      for (let i = 0; i < len; i++) {
        if (hb[i] !== buf[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return hit;
    }
    let str: string;
    if (plain) str = buf.latin1Slice(start, end);
    else str = this.stringAt(start, end);
    const entry: Interned = { str, json: plain ? '"' + str + '"' : JSON.stringify(str), bytes: Buffer.from(buf.subarray(start, end)), hint: undefined };
    if (internTable.size >= INTERN_MAX_ENTRIES) internTable.clear();
    internTable.set(h, entry);
    return entry;
  }

  /** Skips an unknown field, given its whole tag. */
  skip(tag: number, limit: number): void {
    if (tag >>> 3 === 0) this.fail('invalid field number 0 (not a protobuf message?)');
    const wireType = tag & 7;
    switch (wireType) {
      case WIRE_VARINT: {
        let n = 0;
        while (this.buf[this.pos++] >= 0x80) if (++n > 10) this.fail('malformed varint');
        break;
      }
      case WIRE_I64:
        this.pos += 8;
        break;
      case WIRE_LEN:
        this.pos = this.lenEnd(limit);
        break;
      case WIRE_I32:
        this.pos += 4;
        break;
      default:
        this.fail(`unsupported wire type ${wireType}`);
    }
    if (this.pos > limit) this.fail('truncated field');
  }
}


export interface Interned {
  str: string;
  /** The string as a JSON literal. */
  json: string;
  bytes: Uint8Array;
  /** Set by the decoder: whether this is an attribute key it extracts hints from. */
  hint: boolean | undefined;
}

const INTERN_MAX_BYTES = 40;
const INTERN_MAX_ENTRIES = 16384;
const EMPTY = new Uint8Array(0);
const internTable = new Map<number, Interned>();
