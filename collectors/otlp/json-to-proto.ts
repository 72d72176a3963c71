// Attribute JSON as Loupe stores it (common/model: objects of AnyValue flattened to JSON) back
// to OTLP KeyValue / AnyValue protobuf: the mirror of json-out.ts. The text is read as UTF-8
// bytes and string values are copied byte for byte, so keys keep their order and no value
// becomes a JS string unless it holds an escape.
//
// What the flattening lost is restored the way the decoders produce it again: a number literal
// that is a safe integer was an int64 (an integral double prints the same, and reads back the
// same), any other number a double; bytes and out-of-range int64 values were stored as strings
// and stay strings.
import type { ProtoWriter } from './proto-writer';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export class JsonToProto {
  private src: Buffer = Buffer.allocUnsafe(1 << 14);
  private p = 0;
  private len = 0;

  constructor(private readonly w: ProtoWriter) {}

  /** Each member of the JSON object `text` as a KeyValue in repeated `field`. */
  keyValues(field: number, text: string): void {
    if (text.length <= 2) return; // '{}' (or nothing)
    this.load(text);
    this.members(field);
  }

  /** The JSON value `text` as an AnyValue in `field`. */
  anyValue(field: number, text: string): void {
    this.load(text);
    const m = this.w.begin(field);
    this.value();
    this.w.end(m);
  }

  /** A JS value (parsed attribute JSON) as an AnyValue in `field`. */
  anyValueOf(field: number, v: unknown): void {
    const w = this.w;
    const m = w.begin(field);
    switch (typeof v) {
      case 'string':
        w.stringField(1, v);
        break;
      case 'boolean':
        w.boolField(2, v);
        break;
      case 'number':
        if (Number.isSafeInteger(v)) w.int64Field(3, v);
        else w.doubleField(4, v);
        break;
      case 'object':
        if (Array.isArray(v)) {
          const a = w.begin(5);
          for (const x of v) this.anyValueOf(1, x);
          w.end(a);
        } else if (v !== null) {
          const kv = w.begin(6);
          this.keyValuesOf(1, v as Record<string, unknown>);
          w.end(kv);
        }
        break;
      default:
    }
    w.end(m);
  }

  /** Each property of a JS object as a KeyValue in repeated `field`. */
  keyValuesOf(field: number, o: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(o)) {
      const m = this.w.begin(field);
      this.w.stringField(1, k);
      this.anyValueOf(2, v);
      this.w.end(m);
    }
  }

  // ---- a cursor over JSON text, for the fixed shapes encode-proto.ts reads (events, links) --

  load(text: string): void {
    if (this.src.length < text.length * 3) this.src = Buffer.allocUnsafe(text.length * 3);
    this.len = this.src.utf8Write(text, 0);
    this.p = 0;
  }

  /** Skips whitespace and returns the next byte (not consumed). */
  peek(): number {
    const s = this.src;
    while (this.p < this.len) {
      const c = s[this.p];
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return c;
      this.p++;
    }
    return -1;
  }

  /** Consumes `c` (after whitespace). */
  expect(c: number): void {
    if (this.peek() !== c) throw new Error(`attribute JSON: expected '${String.fromCharCode(c)}' at ${this.p}`);
    this.p++;
  }

  /** Consumes `c` when it is next; says whether it was. */
  accept(c: number): boolean {
    if (this.peek() !== c) return false;
    this.p++;
    return true;
  }

  /** Reads an object key or other string into a JS string. */
  string(): string {
    const [start, end, escaped] = this.stringRange();
    return escaped ? (JSON.parse(this.src.toString('utf8', start - 1, end + 1)) as string) : this.src.toString('utf8', start, end);
  }

  /** Reads a number literal. */
  number(): number {
    const start = this.p;
    this.numberEnd();
    return Number(this.src.latin1Slice(start, this.p));
  }

  /** Writes the next string as a protobuf string field. */
  stringTo(field: number): void {
    const [start, end, escaped] = this.stringRange();
    if (!escaped) this.w.rawField(field, this.src, start, end);
    else this.w.stringField(field, JSON.parse(this.src.toString('utf8', start - 1, end + 1)) as string);
  }

  /** Writes the members of the next object as KeyValues in repeated `field`. */
  members(field: number): void {
    const w = this.w;
    this.expect(0x7b);
    if (this.accept(0x7d)) return;
    do {
      const m = w.begin(field);
      this.stringTo(1);
      this.expect(0x3a);
      const v = w.begin(2);
      this.value();
      w.end(v);
      w.end(m);
    } while (this.accept(0x2c));
    this.expect(0x7d);
  }

  /** Skips the next value. */
  skip(): void {
    const c = this.peek();
    if (c === QUOTE) this.stringRange();
    else if (c === 0x7b || c === 0x5b) {
      const close = c === 0x7b ? 0x7d : 0x5d;
      this.p++;
      if (this.accept(close)) return;
      do {
        if (c === 0x7b) {
          this.stringRange();
          this.expect(0x3a);
        }
        this.skip();
      } while (this.accept(0x2c));
      this.expect(close);
    } else if (c === 0x74 || c === 0x6e) this.p += 4;
    else if (c === 0x66) this.p += 5;
    else this.numberEnd();
  }

  /** The body of the next AnyValue (string 1, bool 2, int 3, double 4, array 5, kvlist 6). */
  private value(): void {
    const w = this.w;
    const c = this.peek();
    switch (c) {
      case QUOTE:
        this.stringTo(1);
        return;
      case 0x74: // true
        w.boolField(2, true);
        this.p += 4;
        return;
      case 0x66: // false
        w.boolField(2, false);
        this.p += 5;
        return;
      case 0x6e: // null: an AnyValue with nothing set
        this.p += 4;
        return;
      case 0x5b: {
        const a = w.begin(5);
        this.p++;
        if (!this.accept(0x5d)) {
          do {
            const m = w.begin(1);
            this.value();
            w.end(m);
          } while (this.accept(0x2c));
          this.expect(0x5d);
        }
        w.end(a);
        return;
      }
      case 0x7b: {
        const kv = w.begin(6);
        this.members(1);
        w.end(kv);
        return;
      }
      default:
        this.numberValue();
    }
  }

  private numberValue(): void {
    const s = this.src;
    const start = this.p;
    const integral = this.numberEnd();
    const digits = this.p - start;
    if (integral && digits <= 15) {
      // Up to 15 characters (sign included) is always a safe integer.
      let n = 0;
      let i = start;
      const negative = s[i] === 0x2d;
      if (negative) i++;
      for (; i < this.p; i++) n = n * 10 + (s[i] - 0x30);
      this.w.int64Field(3, negative ? -n : n);
      return;
    }
    const v = Number(s.latin1Slice(start, this.p));
    if (integral && Number.isSafeInteger(v)) this.w.int64Field(3, v);
    else this.w.doubleField(4, v);
  }

  /** Moves past a number literal; true when it has no fraction or exponent. */
  private numberEnd(): boolean {
    const s = this.src;
    let integral = true;
    for (; this.p < this.len; this.p++) {
      const c = s[this.p];
      if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b) continue;
      if (c === 0x2e || c === 0x65 || c === 0x45) integral = false;
      else break;
    }
    return integral;
  }

  /** The bytes of the next string literal without its quotes, and whether it holds an escape. */
  private stringRange(): [number, number, boolean] {
    this.expect(QUOTE);
    const s = this.src;
    const start = this.p;
    let escaped = false;
    let i = start;
    for (;;) {
      if (i >= this.len) throw new Error('attribute JSON: unterminated string');
      const c = s[i];
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        escaped = true;
        i += 2;
      } else i++;
    }
    this.p = i + 1;
    return [start, i, escaped];
  }
}

declare module 'node:buffer' {
  interface Buffer {
    latin1Slice(start: number, end: number): string;
  }
}
