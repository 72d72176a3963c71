// The span attributes kept in the search index (main/store/write/attribute-index.ts): the keys
// people search traces by — http.*, rpc.*, db.*, messaging.*, url.path, error.type — and any the
// user names (`loupe serve --search-attribute KEY`). Keys whose values are unique per request or
// long (full URLs, query text, headers, sizes, message ids) are left out: they would give each
// span postings of its own and are searched for seldom; a search on them walks the spans as any
// unindexed key does.

/** Key patterns indexed by default: `prefix.*` or an exact key. */
export const DEFAULT_SEARCH_PATTERNS: readonly string[] = ['http.*', 'rpc.*', 'db.*', 'messaging.*', 'url.path', 'error.type'];

const NOT_SEARCHED_EXACT = new Set([
  'http.url',
  'http.target',
  'db.query.text',
  'db.statement',
  'messaging.message.id',
  'messaging.message.conversation_id',
  'messaging.kafka.message.offset',
  'messaging.kafka.offset',
  'rpc.message.id',
]);
const NOT_SEARCHED_PARTS = ['.header.', '.parameter.', '.metadata.'];

/** Values longer than this many UTF-8 bytes are not indexed (a search for them walks the spans). */
export const MAX_SEARCH_VALUE_LENGTH = 200;

/** Whether `key` is covered by `patterns` (and not one of the per-request keys left out). */
export function isSearchedKey(key: string, patterns: readonly string[]): boolean {
  return searchPatternOf(key, patterns) !== undefined;
}

/** The pattern that covers `key`: the exact key when it is listed, else its `prefix.*`. */
export function searchPatternOf(key: string, patterns: readonly string[]): string | undefined {
  if (patterns.includes(key)) return key;
  if (NOT_SEARCHED_EXACT.has(key) || key.endsWith('.size') || NOT_SEARCHED_PARTS.some((p) => key.includes(p))) return undefined;
  for (const p of patterns) if (p.endsWith('.*') && key.startsWith(p.slice(0, -1))) return p;
  return undefined;
}

/** A key the user may name: dotted words, no wildcard. */
export function validSearchKey(key: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_.\-/]{0,127}$/.test(key);
}

/** The text a scalar attribute value is indexed under (undefined: not indexed). */
export function searchText(value: unknown): string | undefined {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number') text = Number.isFinite(value) ? String(value) : '';
  else if (typeof value === 'boolean') text = value ? 'true' : 'false';
  else if (typeof value === 'bigint') text = value.toString();
  else return undefined;
  return indexable(text) ? text : undefined;
}

/** Not empty and at most MAX_SEARCH_VALUE_LENGTH bytes of UTF-8. */
function indexable(text: string): boolean {
  if (text.length === 0) return false;
  return text.length * 3 <= MAX_SEARCH_VALUE_LENGTH || utf8.encode(text).length <= MAX_SEARCH_VALUE_LENGTH;
}

// A posting names its value by a 32-bit FNV-1a hash of `key=value` in UTF-8: the protobuf
// decoder hashes a string value where it lies in the payload, without making a string of it. A
// collision only adds a candidate the search then checks against the spans themselves.
const FNV_OFFSET = 0x811c9dc5;
const EQUALS = 0x3d;

/** Continues an FNV-1a hash over bytes[start, end). */
export function fnv1a(h: number, bytes: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 16777619);
  return h;
}

/** The hash of `key=value` from their UTF-8 bytes (as the protobuf decoder sees them). */
export function searchHashOfBytes(key: Uint8Array, keyStart: number, keyEnd: number, value: Uint8Array, valueStart: number, valueEnd: number): number {
  const h = Math.imul(fnv1a(FNV_OFFSET, key, keyStart, keyEnd) ^ EQUALS, 16777619);
  return fnv1a(h, value, valueStart, valueEnd) >>> 0;
}

const utf8 = new TextEncoder();

const isAscii = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
};
function fnv1aAscii(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h;
}

/** The hash of `key=text` (text as searchText gives it). */
export function searchHash(key: string, text: string): number {
  if (isAscii(key) && isAscii(text)) return fnv1aAscii(Math.imul(fnv1aAscii(FNV_OFFSET, key) ^ EQUALS, 16777619), text) >>> 0;
  const k = utf8.encode(key);
  const v = utf8.encode(text);
  return searchHashOfBytes(k, 0, k.length, v, 0, v.length);
}

/**
 * The indexed texts a filter value matches, as the search compares values (numbers
 * numerically, booleans also as 1 and 0, everything else as text): `5.0` finds 5, `1` finds
 * true.
 */
export function searchTextsOf(value: string): string[] {
  const texts = new Set([value]);
  const n = Number(value);
  if (value !== '' && Number.isFinite(n)) {
    texts.add(String(n));
    if (n === 1) texts.add('true');
    if (n === 0) texts.add('false');
  }
  if (value === 'true' || value === 'false') texts.add(value === 'true' ? '1' : '0');
  return [...texts].filter(indexable);
}
