// The attribute transcoder every signal shares: OTLP AnyValue and KeyValue read straight
// from protobuf bytes into attribute JSON (json-out.ts), with nesting and size limits and
// the semantic-convention hints picked out by their key bytes.
import type { AttrValue, SpanHints } from '../../../common/model';
import { MAX_SEARCH_VALUE_LENGTH, fnv1a, searchHashOfBytes } from '../../../common/search-attributes';
import { HINT_KEYS, MAX_VALUE_DEPTH, isSearchKey, nestingMessage, noteHint, noteSearchValue, searchGeneration } from '../normalize';
import { JsonOut } from '../json-out';
import { ProtoReader, inAttribute } from '../proto-reader';
import type { Ctx } from './context';

export function anyValue(r: ProtoReader, end: number, depth = 0): AttrValue {
  let v: AttrValue = null;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | 2:
        v = r.string(end);
        break;
      case (2 << 3) | 0:
        v = r.bool();
        break;
      case (3 << 3) | 0:
        v = r.int64();
        break;
      case (4 << 3) | 1:
        v = r.double();
        break;
      case (5 << 3) | 2: {
        if (depth >= MAX_VALUE_DEPTH) r.fail(nestingMessage());
        const e = r.lenEnd(end);
        const arr: AttrValue[] = [];
        while (r.pos < e) {
          const t = r.uint32();
          if (t === ((1 << 3) | 2)) arr.push(anyValue(r, r.lenEnd(e), depth + 1));
          else r.skip(t, e);
        }
        v = arr;
        break;
      }
      case (6 << 3) | 2: {
        if (depth >= MAX_VALUE_DEPTH) r.fail(nestingMessage());
        const e = r.lenEnd(end);
        const obj: Record<string, AttrValue> = {};
        while (r.pos < e) {
          const t = r.uint32();
          if (t === ((1 << 3) | 2)) {
            const kvEnd = r.lenEnd(e);
            const [k, val] = keyValue(r, kvEnd, depth + 1);
            obj[k] = val;
          } else r.skip(t, e);
        }
        v = obj;
        break;
      }
      case (7 << 3) | 2:
        v = r.bytes(end).toString('base64');
        break;
      default:
        r.skip(tag, end);
    }
  }
  return v;
}

export function keyValue(r: ProtoReader, end: number, depth = 0): [string, AttrValue] {
  let key = '';
  let value: AttrValue = null;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 2)) key = r.string(end);
    else if (tag === ((2 << 3) | 2)) {
      if (depth > 0) value = anyValue(r, r.lenEnd(end), depth);
      else
        try {
          value = anyValue(r, r.lenEnd(end), depth);
        } catch (e) {
          inAttribute(e, key);
        }
    }
    else r.skip(tag, end);
  }
  return [key, value];
}

/** Decodes the payload [start, end) of an array/kvlist/bytes AnyValue field. */
export function anyValueFrom(r: ProtoReader, start: number, end: number, tag: number): AttrValue {
  const save = r.pos;
  r.pos = start;
  let v: AttrValue;
  if (tag === ((7 << 3) | 2)) v = r.buf.subarray(start, end).toString('base64');
  else if (tag === ((5 << 3) | 2)) {
    const arr: AttrValue[] = [];
    while (r.pos < end) {
      const t = r.uint32();
      if (t === ((1 << 3) | 2)) arr.push(anyValue(r, r.lenEnd(end), 1));
      else r.skip(t, end);
    }
    v = arr;
  } else {
    const obj: Record<string, AttrValue> = {};
    while (r.pos < end) {
      const t = r.uint32();
      if (t === ((1 << 3) | 2)) {
        const [k, val] = keyValue(r, r.lenEnd(end), 1);
        obj[k] = val;
      } else r.skip(t, end);
    }
    v = obj;
  }
  r.pos = save;
  return v;
}

/** Transcodes the AnyValue in [start, end) to JSON in `out`. */
export function anyValueOut(c: Ctx, start: number, end: number, out: JsonOut): void {
  const r = c.r;
  r.pos = start;
  let wrote = false;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | 2: {
        const sEnd = r.lenEnd(end);
        const sStart = r.pos;
        r.pos = sEnd;
        if (wrote) break; // a oneof: the first value wins
        if (sEnd - sStart <= c.limits.maxValueLength) {
          if (!out.quoted(r.buf, sStart, sEnd)) {
            r.pos = sStart;
            r.fail('invalid UTF-8 in a string value');
          }
        } else {
          const text = r.buf.toString('utf8', sStart, sEnd);
          r.pos = sEnd;
          out.text(JSON.stringify(c.attrs.clip(text)));
        }
        wrote = true;
        break;
      }
      case (2 << 3) | 0: {
        const v = r.bool();
        if (!wrote) out.ascii(v ? 'true' : 'false');
        wrote = true;
        break;
      }
      case (3 << 3) | 0: {
        const v = r.int64();
        if (!wrote) out.ascii(typeof v === 'number' ? String(v) : '"' + v + '"');
        wrote = true;
        break;
      }
      case (4 << 3) | 1: {
        const v = r.double();
        if (!wrote) out.ascii(Number.isFinite(v) ? String(v) : '"' + v + '"');
        wrote = true;
        break;
      }
      case (5 << 3) | 2:
      case (6 << 3) | 2:
      case (7 << 3) | 2: {
        const e = r.lenEnd(end);
        if (!wrote) out.text(c.attrs.valueJson(anyValueFrom(r, r.pos, e, tag)));
        r.pos = e;
        wrote = true;
        break;
      }
      default:
        r.skip(tag, end);
    }
  }
  if (!wrote) out.ascii('null');
}

// Span attribute keys recognised by their bytes, so ordinary keys never become JS strings: what
// each is for (a hint the derivations use, a value the search index keeps) is decided once per
// key and kept by the hash of its bytes.
interface KeyUse {
  bytes: Uint8Array;
  key: string;
  hint: boolean;
  searched: boolean;
  /** The search patterns' generation `searched` was decided under. */
  generation: number;
}
const HINTS = new Set(HINT_KEYS);
const KEY_USES = new Map<number, KeyUse>();
/** Where the text of an AnyValue holding only a string_value starts (it ends with the value), or -1. */
function stringValueAt(b: Uint8Array, start: number, end: number): number {
  if (b[start] !== 0x0a) return -1;
  let len = 0;
  let shift = 0;
  let p = start + 1;
  for (; p < end && shift < 35; shift += 7) {
    const byte = b[p++];
    len |= (byte & 0x7f) << shift;
    if (byte < 0x80) return p + len === end ? p : -1;
  }
  return -1;
}

function sameBytes(a: Uint8Array, b: Uint8Array, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[start + i]) return false;
  return true;
}
function keyUseAt(b: Buffer, start: number, end: number): KeyUse {
  const hash = fnv1a(0x811c9dc5 ^ (end - start), b, start, end);
  let use = KEY_USES.get(hash);
  if (use === undefined || !sameBytes(use.bytes, b, start, end)) {
    const key = b.toString('utf8', start, end);
    use = { bytes: Uint8Array.prototype.slice.call(b, start, end), key, hint: HINTS.has(key), searched: false, generation: -1 };
    if (KEY_USES.size >= 4096) KEY_USES.clear();
    KEY_USES.set(hash, use);
  }
  if (use.generation !== searchGeneration()) {
    use.searched = isSearchKey(use.key);
    use.generation = searchGeneration();
  }
  return use;
}

/** Transcodes one KeyValue into `out` (an object being built), noting hints when asked. */
export function attribute(c: Ctx, end: number, out: JsonOut, hints: SpanHints | null): void {
  const r = c.r;
  if (out.count >= c.limits.maxAttributes) {
    out.dropped++;
    r.pos = end;
    return;
  }
  let keyStart = -1;
  let keyEnd = -1;
  let valStart = -1;
  let valEnd = -1;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 2)) {
      keyEnd = r.lenEnd(end);
      keyStart = r.pos;
      r.pos = keyEnd;
    } else if (tag === ((2 << 3) | 2)) {
      valEnd = r.lenEnd(end);
      valStart = r.pos;
      r.pos = valEnd;
    } else r.skip(tag, end);
  }
  if (keyStart < 0) return;
  if (out.count > 0) out.byte(0x2c);
  if (!out.quoted(r.buf, keyStart, keyEnd)) {
    r.pos = keyStart;
    r.fail('invalid UTF-8 in an attribute key');
  }
  out.byte(0x3a);
  if (valStart < 0) out.ascii('null');
  else
    try {
      anyValueOut(c, valStart, valEnd, out);
    } catch (e) {
      inAttribute(e, r.buf.toString('utf8', keyStart, keyEnd));
    }
  out.count++;
  if (hints !== null) {
    const use = keyUseAt(r.buf, keyStart, keyEnd);
    // A string value is hashed where it lies; other values are made JS values first.
    const str = use.searched && valStart >= 0 ? stringValueAt(r.buf, valStart, valEnd) : -1;
    if (str >= 0 && valEnd - str > 0 && valEnd - str <= MAX_SEARCH_VALUE_LENGTH)
      (hints.search ??= []).push(searchHashOfBytes(use.bytes, 0, use.bytes.length, r.buf, str, valEnd));
    if (use.hint || (use.searched && str < 0)) {
      const value = valStart < 0 ? null : anyValue(r.at(valStart), valEnd);
      if (use.hint) noteHint(hints, use.key, value);
      if (use.searched && str < 0) noteSearchValue(hints, use.key, value);
    }
  }
  r.pos = end;
}

/** Starts a JSON object of attributes in `out`. */
export function openAttrs(out: JsonOut): number {
  const mark = out.pos;
  out.count = 0;
  out.dropped = 0;
  out.byte(0x7b);
  return mark;
}

export function closeAttrs(out: JsonOut): void {
  out.byte(0x7d);
}
