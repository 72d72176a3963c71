import { isUtf8 } from 'node:buffer';

// A reusable byte buffer that protobuf strings are transcoded into as JSON, byte for byte.
// Building attribute JSON this way allocates one flat string per item instead of a string
// per key and value plus the concatenations: the decoder's largest cost before (GC).

const HEX = new Uint8Array(Buffer.from('0123456789abcdef', 'latin1'));

export class JsonOut {
  buf: Buffer;
  pos = 0;
  /** Set once a non-ASCII byte is written: the result must be decoded as UTF-8. */
  wide = false;
  /** Attributes written into the object being built, and attributes dropped by the limit. */
  count = 0;
  dropped = 0;

  constructor(size = 16384) {
    this.buf = Buffer.allocUnsafe(size);
  }

  reset(): void {
    this.pos = 0;
    this.wide = false;
    this.count = 0;
    this.dropped = 0;
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(b: number): void {
    if (this.pos >= this.buf.length) this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** Writes text known to be ASCII (numbers, literals, field names). */
  ascii(s: string): void {
    this.ensure(s.length);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Writes any JS string as UTF-8 (already valid JSON text, e.g. from JSON.stringify). */
  text(s: string): void {
    this.ensure(s.length * 3);
    const n = this.buf.write(s, this.pos, 'utf8');
    for (let i = 0; i < s.length; i++)
      if (s.charCodeAt(i) > 0x7f) {
        this.wide = true;
        break;
      }
    this.pos += n;
  }

  /**
   * Copies protobuf string bytes [start, end) of src as a JSON string literal. Returns false
   * (writing nothing) when the bytes are not valid UTF-8.
   */
  quoted(src: Buffer, start: number, end: number): boolean {
    this.ensure((end - start) * 6 + 2);
    const b = this.buf;
    const mark = this.pos;
    let p = mark;
    let wide = false;
    b[p++] = 0x22;
    for (let i = start; i < end; i++) {
      const c = src[i];
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c) {
        if (c >= 0x80) wide = true;
        b[p++] = c;
      } else {
        b[p++] = 0x5c;
        switch (c) {
          case 0x22:
            b[p++] = 0x22;
            break;
          case 0x5c:
            b[p++] = 0x5c;
            break;
          case 0x0a:
            b[p++] = 0x6e;
            break;
          case 0x0d:
            b[p++] = 0x72;
            break;
          case 0x09:
            b[p++] = 0x74;
            break;
          // \b and \f as JSON.stringify writes them, so text from either decoder is the same.
          case 0x08:
            b[p++] = 0x62;
            break;
          case 0x0c:
            b[p++] = 0x66;
            break;
          default:
            b[p++] = 0x75; // \u00XX
            b[p++] = 0x30;
            b[p++] = 0x30;
            b[p++] = HEX[c >> 4];
            b[p++] = HEX[c & 15];
        }
      }
    }
    if (wide) {
      if (!isUtf8(src.subarray(start, end))) return false;
      this.wide = true;
    }
    b[p++] = 0x22;
    this.pos = p;
    return true;
  }

  hex(src: Uint8Array | null): void {
    if (!src) return;
    this.ensure(src.length * 2);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < src.length; i++) {
      b[p++] = HEX[src[i] >> 4];
      b[p++] = HEX[src[i] & 15];
    }
    this.pos = p;
  }

  append(other: JsonOut, from = 0): void {
    const n = other.pos - from;
    this.ensure(n);
    other.buf.copy(this.buf, this.pos, from, other.pos);
    this.pos += n;
    if (other.wide) this.wide = true;
  }

  /** The bytes written since `from` as a string. */
  string(from = 0): string {
    return this.wide ? this.buf.utf8Slice(from, this.pos) : this.buf.latin1Slice(from, this.pos);
  }
}

// Node's Buffer has had these since its first versions; toString() is a thin wrapper around
// them, and the wrapper's argument handling is measurable at a million strings a second.
declare module 'node:buffer' {
  interface Buffer {
    latin1Slice(start: number, end: number): string;
    utf8Slice(start: number, end: number): string;
  }
}
