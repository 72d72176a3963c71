// A fast reader for the plain subset of YAML that catalog-info.yaml files are written in: block
// mappings and sequences, one-line (or bracketed multi-line) flow sequences, plain and quoted
// scalars resolved with the YAML 1.2 core schema, `|`/`>` block scalars and comments.
//
// Why: the `yaml` package builds a full concrete syntax tree and measures ~2 MB/s on this
// machine, so 10,000 entities took ~2 s to parse alone. This reader does ~10x better. It is
// deliberately strict: anything outside the subset (anchors, aliases, tags, flow mappings,
// multi-line plain or quoted scalars, keep-chomping, odd indentation, duplicate keys, syntax
// errors) makes it give up on the whole file, and the caller parses that file with `yaml`, which
// also produces the precise error messages. The tests compare both readers on every descriptor.

export type YamlPath = ReadonlyArray<string | number>;

export interface PlainYamlDocument {
  value: unknown;
  /** 1-based line of the document's first content line. */
  line: number;
  /** Line of the deepest node found along the path (a mapping entry's key, a list item). */
  lineAt(path: YamlPath): number;
}

class OutsideSubset extends Error {}

interface SourceLine {
  no: number;
  indent: number;
  /** The line after its indentation; '' for blank lines. */
  text: string;
}

/** Lines of a collection's entries in order (mapping keys in insertion order, list items by
 * index), for lineAt(); an array per collection keeps large loads light on the collector. */
type LineTable = number[];

const giveUp = (why: string): never => {
  throw new OutsideSubset(why);
};

/** Returns the documents, or null when the text is outside the subset (use a full parser). */
export function readPlainYaml(text: string): PlainYamlDocument[] | null {
  try {
    return splitDocuments(text).flatMap((lines) => {
      const doc = new DocumentReader(lines).read();
      return doc && doc.value !== null ? [doc] : [];
    });
  } catch (e) {
    if (e instanceof OutsideSubset) return null;
    throw e;
  }
}

function splitDocuments(text: string): SourceLine[][] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const docs: SourceLine[][] = [];
  let current: SourceLine[] = [];
  const raw = text.split('\n');
  for (let i = 0; i < raw.length; i++) {
    let line = raw[i];
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.startsWith('---') && (line.length === 3 || line[3] === ' ' || line[3] === '\t')) {
      const rest = line.slice(3).trim();
      if (rest !== '' && !rest.startsWith('#')) giveUp('content after ---');
      docs.push(current);
      current = [];
      continue;
    }
    if (line.startsWith('...') || line.startsWith('%')) giveUp('document end marker or directive');
    let indent = 0;
    while (indent < line.length && line.charCodeAt(indent) === 32) indent++;
    const blank = !/\S/.test(line);
    if (!blank && line.charCodeAt(indent) === 9) giveUp('tab in indentation');
    current.push({ no: i + 1, indent, text: blank ? '' : indent === 0 ? line : line.slice(indent) });
  }
  docs.push(current);
  return docs;
}

function isInsignificant(line: SourceLine): boolean {
  return line.text === '' || line.text[0] === '#';
}

class DocumentReader {
  private pos = 0;
  // A Map, not a WeakMap: it lives exactly as long as the document, and ephemeron tables with
  // hundreds of thousands of keys made garbage collection dominate large loads.
  private readonly tables = new Map<object, LineTable>();

  constructor(private readonly lines: SourceLine[]) {}

  read(): PlainYamlDocument | null {
    const first = this.peek();
    if (!first) return null;
    const value = this.blockValue(-1);
    if (this.peek()) giveUp('content after the root node');
    const tables = this.tables;
    const line = first.no;
    return {
      value,
      line,
      lineAt(path) {
        let node: unknown = value;
        let at = line;
        for (const key of path) {
          if (node === null || typeof node !== 'object') break;
          const table = tables.get(node);
          const index = Array.isArray(node) ? key : Object.keys(node).indexOf(String(key));
          const found = table && typeof index === 'number' ? table[index] : undefined;
          if (found === undefined) break;
          at = found;
          node = (node as Record<string | number, unknown>)[key];
        }
        return at;
      },
    };
  }

  /** Index of the next significant line, or undefined at the end. */
  private peek(): SourceLine | undefined {
    while (this.pos < this.lines.length && isInsignificant(this.lines[this.pos])) this.pos++;
    return this.lines[this.pos];
  }

  /** A node whose lines are indented more than `parent`; null when there is none. */
  private blockValue(parent: number): unknown {
    const line = this.peek();
    if (!line || line.indent <= parent) return null;
    if (isDash(line.text)) return this.sequence(line.indent);
    if (line.text[0] === '[' || line.text[0] === '{') {
      this.pos++;
      const value = this.inlineValue(line.text, line, parent);
      this.expectNoDeeper(parent);
      return value;
    }
    if (splitKey(line.text)) return this.mapping(line.indent);
    this.pos++;
    const value = this.inlineValue(line.text, line, parent);
    this.expectNoDeeper(parent);
    return value;
  }

  private mapping(indent: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    const table: LineTable = [];
    this.tables.set(map, table);
    for (let line = this.peek(); line && line.indent >= indent; line = this.peek()) {
      if (line.indent > indent) giveUp('unexpected indentation');
      const entry = splitKey(line.text);
      if (!entry) {
        if (isDash(line.text)) giveUp('sequence where a mapping key was expected');
        giveUp('not a mapping entry');
      }
      const { key, rest } = entry!;
      if (Object.prototype.hasOwnProperty.call(map, key)) giveUp('duplicate key');
      this.pos++;
      table.push(line.no);
      map[key] = this.entryValue(rest, line, indent, true);
    }
    return map;
  }

  private sequence(indent: number): unknown[] {
    const seq: unknown[] = [];
    const table: LineTable = [];
    this.tables.set(seq, table);
    for (let line = this.peek(); line && line.indent >= indent; line = this.peek()) {
      if (line.indent > indent) giveUp('unexpected indentation');
      if (!isDash(line.text)) break;
      let offset = 1;
      while (line.text[offset] === ' ') offset++;
      const rest = line.text.slice(offset);
      if (rest === '' || rest[0] === '#') {
        this.pos++;
        const next = this.peek();
        table.push(next && next.indent > indent ? next.no : line.no);
        seq.push(this.blockValue(indent));
        continue;
      }
      table.push(line.no);
      if (isDash(rest)) giveUp('nested compact sequence');
      if (splitKey(rest)) {
        // `- key: value` starts a mapping whose keys line up with `key`.
        this.lines[this.pos] = { no: line.no, indent: indent + offset, text: rest };
        seq.push(this.mapping(indent + offset));
        continue;
      }
      this.pos++;
      seq.push(this.entryValue(rest, line, indent, false));
    }
    return seq;
  }

  /** The value after `key:` or `- `; `parent` is the indentation of the key or dash. */
  private entryValue(rest: string, line: SourceLine, parent: number, inMapping: boolean): unknown {
    const text = rest.trimStart();
    if (text === '' || text[0] === '#') {
      const next = this.peek();
      if (next && next.indent > parent) return this.blockValue(parent);
      // A mapping's list may start at the key's own indentation (`key:` then `- item`).
      if (inMapping && next && next.indent === parent && isDash(next.text)) return this.sequence(parent);
      return null;
    }
    if (text[0] === '|' || text[0] === '>') return this.blockScalar(text, parent);
    const value = this.inlineValue(text, line, parent);
    this.expectNoDeeper(parent);
    return value;
  }

  /** Lines indented deeper than `parent` after a one-line value would be a multi-line scalar. */
  private expectNoDeeper(parent: number): void {
    const next = this.peek();
    if (next && next.indent > parent) giveUp('multi-line scalar or unexpected indentation');
  }

  private inlineValue(text: string, line: SourceLine, parent: number): unknown {
    const c = text[0];
    if (c === '[') return this.flowSequence(text, line, parent);
    if (c === '{') {
      if (/^\{\s*\}\s*(#.*)?$/.test(text)) {
        const map = {};
        this.tables.set(map, []);
        return map;
      }
      return giveUp('flow mapping');
    }
    if (c === '"' || c === "'") {
      const { value, end } = readQuoted(text, 0);
      expectOnlyComment(text, end);
      return value;
    }
    return plainScalar(text);
  }

  /** `[a, "b", c]`, possibly continued on following lines indented deeper than `parent`. */
  private flowSequence(first: string, line: SourceLine, parent: number): unknown[] {
    // Join the lines (YAML folds a line break in flow context to a space), remembering where
    // each line starts so items keep their own line numbers.
    const starts: Array<{ offset: number; no: number }> = [{ offset: 0, no: line.no }];
    let text = stripComment(first);
    while (!flowClosed(text)) {
      const next = this.lines[this.pos];
      if (!next || next.text === '' || next.indent <= parent) giveUp('unterminated or blank-line flow sequence');
      this.pos++;
      text += ' ';
      starts.push({ offset: text.length, no: next.no });
      text += stripComment(next.text);
    }
    const lineOf = (offset: number) => {
      let no = line.no;
      for (const s of starts) if (s.offset <= offset) no = s.no;
      return no;
    };
    const seq: unknown[] = [];
    const table: LineTable = [];
    this.tables.set(seq, table);
    let i = 1;
    const skipSpace = () => {
      while (text[i] === ' ' || text[i] === '\t') i++;
    };
    skipSpace();
    if (text[i] === ']') {
      i++;
    } else {
      for (;;) {
        skipSpace();
        const start = i;
        let value: unknown;
        const c = text[i];
        if (c === '"' || c === "'") {
          const q = readQuoted(text, i);
          value = q.value;
          i = q.end;
        } else {
          while (i < text.length && !',[]{}'.includes(text[i])) i++;
          const raw = text.slice(start, i).trim();
          if (raw === '' || text[i] === '[' || text[i] === '{' || text[i] === '}') giveUp('nested or empty flow item');
          value = plainScalar(raw, true);
        }
        table.push(lineOf(start));
        seq.push(value);
        skipSpace();
        if (text[i] === ',') {
          i++;
          skipSpace();
          if (text[i] === ']') {
            i++;
            break;
          }
          continue;
        }
        if (text[i] === ']') {
          i++;
          break;
        }
        giveUp('malformed flow sequence');
      }
    }
    if (text.slice(i).trim() !== '') giveUp('content after a flow sequence');
    return seq;
  }

  /** `|`, `|-`, `>`, `>-` scalars whose lines are indented deeper than `parent`. */
  private blockScalar(header: string, parent: number): string {
    const m = /^([|>])(-?)\s*(#.*)?$/.exec(header);
    if (!m) return giveUp('block scalar header (keep chomping or indentation indicator)');
    const literal = m[1] === '|';
    const strip = m[2] === '-';
    const body: string[] = [];
    let contentIndent = -1;
    let leadingBlankWidth = 0;
    while (this.pos < this.lines.length) {
      const line = this.lines[this.pos];
      if (line.text === '') {
        // Blank (or whitespace-only) lines belong to the scalar; keep their width to detect
        // lines that are blank but wider than the content indentation (meaningful in YAML).
        const width = line.indent;
        if (contentIndent === -1) leadingBlankWidth = Math.max(leadingBlankWidth, width);
        else if (width > contentIndent) giveUp('whitespace-only line wider than the block scalar');
        body.push('');
        this.pos++;
        continue;
      }
      if (contentIndent === -1) {
        if (line.indent <= parent) break;
        contentIndent = line.indent;
        if (leadingBlankWidth > contentIndent) giveUp('leading blank line wider than the block scalar');
      } else if (line.indent < contentIndent) {
        if (line.indent > parent) giveUp('block scalar line indented less than its first line');
        break;
      }
      const content = ' '.repeat(line.indent - contentIndent) + line.text;
      if (!literal && (content[0] === ' ' || content[0] === '\t')) giveUp('more-indented line in a folded scalar');
      body.push(content);
      this.pos++;
    }
    let last = body.length - 1;
    while (last >= 0 && body[last] === '') last--;
    if (last < 0) return '';
    const lines = body.slice(0, last + 1);
    let text: string;
    if (literal) {
      text = lines.join('\n');
    } else {
      text = '';
      let blank = 0;
      let started = false;
      for (const l of lines) {
        if (l === '') {
          blank++;
          continue;
        }
        if (started) text += blank > 0 ? '\n'.repeat(blank) : ' ';
        else text += '\n'.repeat(blank);
        text += l;
        blank = 0;
        started = true;
      }
    }
    return strip ? text : `${text}\n`;
  }
}

function isDash(text: string): boolean {
  return text[0] === '-' && (text.length === 1 || text[1] === ' ' || text[1] === '\t');
}

/** Splits `key: rest`; null if the line is not a mapping entry. */
function splitKey(text: string): { key: string; rest: string } | null {
  const c = text[0];
  if (c === '"' || c === "'") {
    const { value, end } = readQuoted(text, 0);
    let i = end;
    while (text[i] === ' ') i++;
    if (text[i] !== ':' || (i + 1 < text.length && text[i + 1] !== ' ' && text[i + 1] !== '\t')) return null;
    // Integer-like keys are reordered by JavaScript objects, which would break lineAt().
    if (/^(?:0|[1-9][0-9]*)$/.test(value) || value === '__proto__') giveUp('index-like or reserved key');
    return { key: value, rest: text.slice(i + 1) };
  }
  if ('&*!|>%@`{}[],'.includes(c) || ((c === '?' || c === ':') && (text.length === 1 || text[1] === ' '))) {
    if (c === '[' || c === '{' || c === '|' || c === '>') return null;
    return giveUp('indicator at the start of a key');
  }
  if (isDash(text)) return null;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 35 && i > 0 && isBlank(text.charCodeAt(i - 1))) return null;
    if (ch === 58 && (i + 1 === text.length || isBlank(text.charCodeAt(i + 1)))) {
      const key = text.slice(0, i).trimEnd();
      if (key === '') return null;
      if (key === '<<' || key === '__proto__' || typeof resolvePlain(key) !== 'string') giveUp('key that is not a plain string');
      return { key, rest: text.slice(i + 1) };
    }
  }
  return null;
}

function stripComment(text: string): string {
  // Only for flow sequences: a # preceded by whitespace and outside quotes starts a comment.
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = null;
    } else if ((ch === '"' || ch === "'") && (i === 0 || ' \t[,'.includes(text[i - 1]))) {
      quote = ch;
    } else if (ch === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t')) {
      return text.slice(0, i).trimEnd();
    }
  }
  return text.trimEnd();
}

function flowClosed(text: string): boolean {
  let quote: string | null = null;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = null;
    } else if ((ch === '"' || ch === "'") && (i === 0 || ' \t[,'.includes(text[i - 1]))) quote = ch;
    else if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) return true;
    }
  }
  if (quote) giveUp('quoted scalar spanning lines');
  return false;
}

function expectOnlyComment(text: string, from: number): void {
  const rest = text.slice(from);
  const trimmed = rest.trimStart();
  if (trimmed === '') return;
  if (trimmed[0] === '#' && trimmed.length < rest.length) return;
  giveUp('content after a quoted scalar');
}

const DOUBLE_QUOTE_ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};

/** A quoted scalar starting at `start`; it must close on the same (joined) line. */
function readQuoted(text: string, start: number): { value: string; end: number } {
  const quote = text[start];
  let value = '';
  let i = start + 1;
  for (;;) {
    if (i >= text.length) return giveUp('quoted scalar spanning lines');
    const ch = text[i];
    if (quote === "'") {
      if (ch === "'") {
        if (text[i + 1] === "'") {
          value += "'";
          i += 2;
          continue;
        }
        return { value, end: i + 1 };
      }
      value += ch;
      i++;
      continue;
    }
    if (ch === '"') return { value, end: i + 1 };
    if (ch !== '\\') {
      value += ch;
      i++;
      continue;
    }
    const esc = text[i + 1];
    if (esc === undefined) return giveUp('escaped line break');
    const simple = DOUBLE_QUOTE_ESCAPES[esc];
    if (simple !== undefined) {
      value += simple;
      i += 2;
      continue;
    }
    const width = esc === 'x' ? 2 : esc === 'u' ? 4 : esc === 'U' ? 8 : 0;
    const hex = text.slice(i + 2, i + 2 + width);
    if (width === 0 || hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex)) return giveUp('unknown escape');
    value += String.fromCodePoint(parseInt(hex, 16));
    i += 2 + width;
  }
}

/** A plain scalar in block context (comment stripped) or a flow item. */
function plainScalar(text: string, inFlow = false): unknown {
  // One pass: a `#` after whitespace starts a comment; a `:` before whitespace (or at the end)
  // would make this a mapping, which a plain value cannot hold.
  let end = text.length;
  for (let i = 1; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 35 && isBlank(text.charCodeAt(i - 1))) {
      if (inFlow) giveUp('comment inside a flow item');
      end = i;
      break;
    }
    if (ch === 58 && (i + 1 === text.length || isBlank(text.charCodeAt(i + 1)))) giveUp('mapping inside a plain scalar');
  }
  const raw = end === text.length ? text.trim() : text.slice(0, end).trim();
  const c = raw[0];
  if ('&*!|>%@`{}[]#'.includes(c) || ((c === '-' || c === '?' || c === ':') && (raw.length === 1 || raw[1] === ' '))) {
    return giveUp('indicator at the start of a plain scalar');
  }
  return resolvePlain(raw);
}

const isBlank = (code: number) => code === 32 || code === 9;

/** YAML 1.2 core schema, as the `yaml` package resolves plain scalars by default. */
function resolvePlain(raw: string): unknown {
  // Most values are words; only these first characters can start a null, bool or number.
  if (raw !== '' && !'-+.0123456789~nNtTfF'.includes(raw[0])) return raw;
  if (/^(?:~|[Nn]ull|NULL)?$/.test(raw)) return null;
  if (/^(?:[Tt]rue|TRUE)$/.test(raw)) return true;
  if (/^(?:[Ff]alse|FALSE)$/.test(raw)) return false;
  if (/^0o[0-7]+$/.test(raw)) return parseInt(raw.slice(2), 8);
  if (/^[-+]?[0-9]+$/.test(raw)) return parseInt(raw, 10);
  if (/^0x[0-9a-fA-F]+$/.test(raw)) return parseInt(raw.slice(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF))$/.test(raw)) return raw[0] === '-' ? -Infinity : Infinity;
  if (/^(?:\.nan|\.NaN|\.NAN)$/.test(raw)) return NaN;
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(raw)) return parseFloat(raw);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(raw)) return parseFloat(raw);
  return raw;
}
