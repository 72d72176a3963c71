// Which format a file holds, from its first bytes (never from its name: exported files are
// routinely renamed, and `.json` covers four of them).

export type ImportFormat = 'otlp-json' | 'otlp-jsonl' | 'jaeger' | 'zipkin';

export const FORMAT_NAMES: Record<ImportFormat, string> = {
  'otlp-json': 'OTLP JSON',
  'otlp-jsonl': 'OTLP JSON lines',
  jaeger: 'Jaeger JSON',
  zipkin: 'Zipkin v2 JSON',
};

/** Bytes of the file start that detection looks at. */
export const SAMPLE_BYTES = 64 * 1024;

export const OTLP_KEYS = ['resourceSpans', 'resource_spans', 'resourceLogs', 'resource_logs', 'resourceMetrics', 'resource_metrics'];

/**
 * Keys of the first object that starts at `from` (the index of its `{`), as far as the sample
 * reaches. Only the object's own keys count, not those of nested values.
 */
function objectKeys(s: string, from: number): Set<string> {
  const keys = new Set<string>();
  let depth = 0;
  let expectKey = false;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey) keys.add(s.slice(i + 1, j));
      expectKey = false;
      i = j;
    } else if (c === '{' || c === '[') {
      depth++;
      expectKey = depth === 1 && c === '{';
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) break;
    } else if (c === ',' && depth === 1) expectKey = true;
  }
  return keys;
}

function firstNonSpace(s: string, from: number): number {
  for (let i = from; i < s.length; i++) if (!/\s/.test(s[i])) return i;
  return -1;
}

function looksOtlp(keys: Set<string>): boolean {
  return OTLP_KEYS.some((k) => keys.has(k));
}

function looksJaegerTrace(keys: Set<string>): boolean {
  return keys.has('traceID') || (keys.has('spans') && keys.has('processes'));
}

function looksZipkinSpan(keys: Set<string>): boolean {
  return keys.has('traceId') && keys.has('id');
}

/**
 * Detects the format from the start of a file:
 * - `[` of Zipkin spans (or `[[` of Zipkin traces, as the Zipkin API returns them), or of
 *   Jaeger traces;
 * - `{"data": [...]}`: Jaeger JSON as the Jaeger UI downloads it;
 * - `{"resourceSpans" | "resourceLogs" | "resourceMetrics": ...}`: OTLP JSON. When the first
 *   line is a whole request and more follow, or the first line is longer than the sample, it is
 *   read as JSON lines (the Collector's file exporter writes one request per line).
 */
export function detectFormat(sample: string): ImportFormat | null {
  const s = sample.charCodeAt(0) === 0xfeff ? sample.slice(1) : sample;
  const start = firstNonSpace(s, 0);
  if (start < 0) return null;
  if (s[start] === '[') {
    const first = firstNonSpace(s, start + 1);
    if (first < 0) return null;
    if (s[first] === ']') return 'zipkin';
    if (s[first] === '[') {
      const inner = firstNonSpace(s, first + 1);
      if (inner < 0 || s[inner] === ']') return 'zipkin';
      return s[inner] === '{' && looksZipkinSpan(objectKeys(s, inner)) ? 'zipkin' : null;
    }
    if (s[first] !== '{') return null;
    const keys = objectKeys(s, first);
    if (looksZipkinSpan(keys)) return 'zipkin';
    if (looksJaegerTrace(keys)) return 'jaeger';
    return null;
  }
  if (s[start] !== '{') return null;
  const nl = s.indexOf('\n', start);
  const firstLine = (nl < 0 ? s.slice(start) : s.slice(start, nl)).trim();
  let firstLineDoc: unknown;
  try {
    firstLineDoc = JSON.parse(firstLine);
  } catch {
    firstLineDoc = undefined;
  }
  const keys = objectKeys(s, start);
  if (looksOtlp(keys)) {
    if (nl < 0) return firstLineDoc === undefined ? 'otlp-jsonl' : 'otlp-json';
    if (firstLineDoc !== undefined) return firstNonSpace(s, nl) < 0 ? 'otlp-json' : 'otlp-jsonl';
    // A broken first line of a JSON-lines file, or the first line of a pretty-printed request.
    return laterLineIsRequest(s, nl) ? 'otlp-jsonl' : 'otlp-json';
  }
  if (keys.has('data')) return 'jaeger';
  if (firstLineDoc === undefined && nl >= 0 && laterLineIsRequest(s, nl)) return 'otlp-jsonl';
  return null;
}

/** Whether a later line of the sample is, on its own, a whole OTLP request. */
function laterLineIsRequest(s: string, nl: number): boolean {
  for (const line of s.slice(nl + 1).split('\n')) {
    const t = line.trim();
    if (!t.startsWith('{') || !t.endsWith('}')) continue;
    try {
      const doc = JSON.parse(t) as unknown;
      if (typeof doc === 'object' && doc !== null && looksOtlp(new Set(Object.keys(doc)))) return true;
    } catch {
      // not a whole request on one line
    }
  }
  return false;
}
