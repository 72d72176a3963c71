// Streaming splitters for imported files. A trace file can be gigabytes; holding it as text and
// then as parsed objects would need several times its size. These split the byte stream into
// pieces that are parsed one at a time: lines (JSON lines), or the elements of the big arrays
// of a JSON document (Zipkin's span list, Jaeger's `data`, OTLP's `resourceSpans`).
//
// The scanners work on bytes: every structural JSON character is ASCII and UTF-8 never reuses
// ASCII byte values inside a multi-byte character, so a chunk boundary inside a character or a
// string is harmless.

/**
 * A piece of the input: its text, the 1-based line it starts on, the top-level key it was found
 * under ('' for lines and top-level arrays) and which document of the file it belongs to (1-based);
 * or why a piece was skipped.
 */
export type Piece = { text: string; line: number; key: string; doc: number } | { problem: string; line: number };

/** Larger pieces are skipped: V8 strings stop at about 512 MiB, and no sane element is near it. */
export const MAX_PIECE_BYTES = 256 * 1024 * 1024;

class PieceBuffer {
  private parts: Buffer[] = [];
  private bytes = 0;
  oversized = false;

  add(part: Buffer): void {
    if (this.oversized || part.length === 0) return;
    this.bytes += part.length;
    if (this.bytes > MAX_PIECE_BYTES) {
      this.oversized = true;
      this.parts = [];
      return;
    }
    this.parts.push(part);
  }

  take(last: Buffer): string | null {
    this.add(last);
    const parts = this.parts;
    const oversized = this.oversized;
    this.parts = [];
    this.bytes = 0;
    this.oversized = false;
    if (oversized) return null;
    return parts.length === 1 ? parts[0].toString('utf8') : Buffer.concat(parts).toString('utf8');
  }
}

/** Splits a byte stream into lines (LF or CRLF); blank lines are dropped. */
export class LineSplitter {
  private line = 0;
  private readonly pending = new PieceBuffer();

  push(chunk: Buffer): Piece[] {
    const out: Piece[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      this.emit(this.pending.take(chunk.subarray(start, nl)), out);
      start = nl + 1;
    }
    this.pending.add(chunk.subarray(start));
    return out;
  }

  end(): Piece[] {
    const out: Piece[] = [];
    this.emit(this.pending.take(Buffer.alloc(0)), out);
    return out;
  }

  private emit(text: string | null, out: Piece[]): void {
    this.line++;
    if (text === null) {
      out.push({ problem: `the line is longer than ${MAX_PIECE_BYTES} bytes; skipped`, line: this.line });
      return;
    }
    const t = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (t.trim() !== '') out.push({ text: t, line: this.line, key: '', doc: this.line });
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const NEWLINE = 0x0a;

function isSpace(c: number): boolean {
  return c === 0x20 || c === NEWLINE || c === 0x0d || c === 0x09;
}

/**
 * Splits a JSON document into the elements of its large arrays: the elements of a top-level
 * array (key ''), or of the arrays under the given top-level keys of a top-level object.
 * Several documents one after another (e.g. `jq .` output of a JSON-lines file) are accepted.
 * The JSON between elements is only checked for balance; each element is parsed by the caller.
 */
export class JsonArraySplitter {
  private line = 1;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private rootIsObject = false;
  /** Between the members of the root object, where the next string is a key. */
  private expectKey = false;
  /** Bytes of the root-object key being read, or null when not reading one. */
  private keyBytes: number[] | null = null;
  private lastKey = '';
  /** The root-object key whose value comes next (set by its colon, cleared by the value). */
  private valueKey: string | null = null;
  /** Depth whose direct children are collected (-1: none), and the key they belong to. */
  private collectDepth = -1;
  private collectKey = '';
  private inElement = false;
  private elementIsScalar = false;
  private elementLine = 0;
  private elementStart = 0;
  private readonly element = new PieceBuffer();
  private failed = false;
  /** Top-level keys seen, for the caller's "nothing to import" message. */
  readonly keysSeen = new Set<string>();
  documents = 0;

  constructor(private readonly keys: ReadonlySet<string>) {}

  push(chunk: Buffer): Piece[] {
    const out: Piece[] = [];
    if (this.failed) return out;
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const c = chunk[i];
      if (c === NEWLINE) this.line++;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.keyBytes !== null) this.finishKey();
          continue;
        }
        if (this.keyBytes !== null) this.keyBytes.push(c);
        continue;
      }
      if (isSpace(c)) continue;
      if (this.inElement && this.elementIsScalar && this.depth === this.collectDepth && (c === COMMA || c === CLOSE_ARR)) {
        this.finishElement(chunk, i, out);
      }
      switch (c) {
        case OPEN_OBJ:
        case OPEN_ARR: {
          if (this.depth === 0) {
            this.documents++;
            this.rootIsObject = c === OPEN_OBJ;
            this.expectKey = this.rootIsObject;
            if (!this.rootIsObject) {
              this.collectDepth = 1;
              this.collectKey = '';
            }
            this.depth = 1;
            break;
          }
          const key = this.takeValueKey();
          this.startElement(i, false);
          this.depth++;
          if (key !== null && c === OPEN_ARR && this.keys.has(key)) {
            this.collectDepth = 2;
            this.collectKey = key;
          }
          break;
        }
        case CLOSE_OBJ:
        case CLOSE_ARR:
          if (this.depth === 0) return this.fail(out, `unexpected "${String.fromCharCode(c)}"`);
          this.depth--;
          if (this.inElement && !this.elementIsScalar && this.depth === this.collectDepth) this.finishElement(chunk, i + 1, out);
          else if (this.depth < this.collectDepth) this.collectDepth = -1;
          if (this.depth === 0) {
            this.expectKey = false;
            this.collectDepth = -1;
          }
          break;
        case COMMA:
          if (this.depth === 1 && this.rootIsObject) this.expectKey = true;
          break;
        case COLON:
          if (this.depth === 1 && this.rootIsObject) this.valueKey = this.lastKey;
          break;
        case QUOTE:
          this.inString = true;
          if (this.depth === 1 && this.expectKey) {
            this.keyBytes = [];
            this.expectKey = false;
            break;
          }
          this.takeValueKey();
          this.startElement(i, true);
          break;
        default:
          if (this.depth === 0) return this.fail(out, `expected a JSON object or array, found "${String.fromCharCode(c)}"`);
          this.takeValueKey();
          this.startElement(i, true);
      }
    }
    if (this.inElement) {
      this.element.add(chunk.subarray(this.elementStart));
      this.elementStart = 0;
    }
    return out;
  }

  /** Call at the end of input; reports a document cut short. */
  end(): Piece[] {
    if (this.failed) return [];
    if (this.depth > 0 || this.inString) {
      const line = this.inElement ? this.elementLine : this.line;
      this.element.take(Buffer.alloc(0));
      return [{ problem: 'the file ends inside a JSON value (truncated?); the incomplete part was skipped', line }];
    }
    if (this.documents === 0) return [{ problem: 'the file holds no JSON document', line: this.line }];
    return [];
  }

  private takeValueKey(): string | null {
    if (this.depth !== 1) return null;
    const key = this.valueKey;
    this.valueKey = null;
    return key;
  }

  private startElement(i: number, scalar: boolean): void {
    if (this.inElement || this.depth !== this.collectDepth) return;
    this.inElement = true;
    this.elementIsScalar = scalar;
    this.elementStart = i;
    this.elementLine = this.line;
  }

  private finishElement(chunk: Buffer, end: number, out: Piece[]): void {
    const text = this.element.take(chunk.subarray(this.elementStart, end));
    this.inElement = false;
    if (text === null) out.push({ problem: `an element larger than ${MAX_PIECE_BYTES} bytes was skipped`, line: this.elementLine });
    else out.push({ text, line: this.elementLine, key: this.collectKey, doc: this.documents });
  }

  private finishKey(): void {
    const raw = Buffer.from(this.keyBytes!).toString('utf8');
    this.keyBytes = null;
    try {
      this.lastKey = JSON.parse(`"${raw}"`) as string;
    } catch {
      this.lastKey = raw;
    }
    this.keysSeen.add(this.lastKey);
  }

  private fail(out: Piece[], message: string): Piece[] {
    this.failed = true;
    out.push({ problem: `${message}; the rest of the file was skipped`, line: this.line });
    return out;
  }
}
