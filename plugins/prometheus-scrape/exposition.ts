// The Prometheus text exposition format (0.0.4) and OpenMetrics 1.0 text, parsed into metric
// families. A line that cannot be read is skipped with an error naming its line number and what
// was expected; the rest of the page is still used (a scrape is not all or nothing).
// https://prometheus.io/docs/instrumenting/exposition_formats/ · https://openmetrics.io/

export type FamilyType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped' | 'info' | 'stateset' | 'gaugehistogram';

export interface Exemplar {
  labels: Record<string, string>;
  value: number;
  /** Unix ms, when given. */
  timestamp: number | null;
}

export interface Sample {
  /** The sample's own name (`http_requests_total`, `latency_bucket`, …). */
  name: string;
  labels: Record<string, string>;
  value: number;
  /** Unix ms, when the line gives one. */
  timestamp: number | null;
  exemplar: Exemplar | null;
}

export interface MetricFamily {
  name: string;
  type: FamilyType;
  help: string;
  unit: string;
  samples: Sample[];
}

export interface ParseResult {
  families: MetricFamily[];
  /** One per unreadable line (the first 100): `line 12: …`. */
  errors: string[];
  /** Unreadable lines, all counted. */
  badLines: number;
  /** Lines that were samples, read or not. */
  sampleLines: number;
}

const TYPES = new Set<FamilyType>(['counter', 'gauge', 'histogram', 'summary', 'untyped', 'unknown' as FamilyType, 'info', 'stateset', 'gaugehistogram']);

/** Sample-name suffixes that belong to a family of each type. */
const SUFFIXES: Partial<Record<FamilyType, string[]>> = {
  counter: ['_total', '_created'],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  gaugehistogram: ['_bucket', '_gsum', '_gcount'],
  summary: ['_sum', '_count', '_created'],
  info: ['_info'],
};

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

class LineError extends Error {}

/** Parses one scrape's body. `openMetrics` (told by the response's content type) reads
 * timestamps as seconds; the Prometheus text format gives milliseconds. */
export function parseExposition(text: string, opts: { openMetrics?: boolean; maxErrors?: number } = {}): ParseResult {
  const maxErrors = opts.maxErrors ?? 100;
  const families = new Map<string, MetricFamily>();
  const errors: string[] = [];
  let sampleLines = 0;
  let badLines = 0;
  let current: MetricFamily | null = null;

  const family = (name: string): MetricFamily => {
    let f = families.get(name);
    if (!f) {
      f = { name, type: 'untyped', help: '', unit: '', samples: [] };
      families.set(name, f);
    }
    return f;
  };

  /** The family a sample belongs to: the current one when its name fits it, else a declared
   * family it fits, else its own untyped family. */
  const owner = (sampleName: string): MetricFamily => {
    const fits = (f: MetricFamily) => f.name === sampleName || (SUFFIXES[f.type] ?? []).some((s) => f.name + s === sampleName);
    if (current && fits(current)) return current;
    const exact = families.get(sampleName);
    if (exact) return exact;
    for (const suffix of ['_total', '_created', '_bucket', '_sum', '_count', '_gsum', '_gcount', '_info']) {
      if (!sampleName.endsWith(suffix)) continue;
      const f = families.get(sampleName.slice(0, -suffix.length));
      if (f && fits(f)) return f;
    }
    return family(sampleName);
  };

  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (line.trim() === '') continue;
    try {
      if (line.startsWith('#')) {
        const m = /^#\s+(HELP|TYPE|UNIT)\s+(\S+)(?:\s(.*))?$/.exec(line);
        if (!m) {
          if (/^#\s*EOF\s*$/.test(line)) break;
          continue; // a comment
        }
        const [, keyword, name, rest = ''] = m;
        if (!NAME.test(name) || NAME.exec(name)![0] !== name) throw new LineError(`"${name}" is not a metric name`);
        const f = family(name);
        current = f;
        if (keyword === 'HELP') f.help = unescapeHelp(rest);
        else if (keyword === 'UNIT') f.unit = rest.trim();
        else {
          const t = rest.trim().toLowerCase() as FamilyType;
          if (!TYPES.has(t)) throw new LineError(`TYPE "${rest.trim()}" is not counter, gauge, histogram, summary, untyped, info, stateset or gaugehistogram`);
          if (f.samples.length) throw new LineError(`TYPE for ${name} comes after its samples`);
          f.type = t === ('unknown' as FamilyType) ? 'untyped' : t;
        }
        continue;
      }
      sampleLines++;
      const sample = parseSample(line, opts.openMetrics ?? false);
      const f = owner(sample.name);
      current = f;
      f.samples.push(sample);
    } catch (e) {
      if (!(e instanceof LineError)) throw e;
      badLines++;
      if (errors.length < maxErrors) errors.push(`line ${i + 1}: ${e.message}`);
      else if (errors.length === maxErrors) errors.push('… further unreadable lines not listed');
    }
  }
  return { families: [...families.values()].filter((f) => f.samples.length > 0), errors, badLines, sampleLines };
}

/** `name{label="value",…} value [timestamp] [# {exemplar labels} value [timestamp]]` */
export function parseSample(line: string, openMetrics = false): Sample {
  let pos = 0;
  const nameMatch = NAME.exec(line);
  if (!nameMatch) throw new LineError(`expected a metric name, got ${JSON.stringify(line.slice(0, 40))}`);
  const name = nameMatch[0];
  pos = name.length;
  let labels: Record<string, string> = {};
  if (line[pos] === '{') {
    const read = readLabels(line, pos);
    labels = read.labels;
    pos = read.end;
  }
  const rest = line.slice(pos);
  if (!/^[ \t]/.test(rest)) throw new LineError(`expected a space and a value after ${name}${Object.keys(labels).length ? '{…}' : ''}`);
  const hash = rest.indexOf(' # ');
  const main = (hash >= 0 ? rest.slice(0, hash) : rest).trim().split(/[ \t]+/);
  if (main.length < 1 || main[0] === '') throw new LineError(`${name} has no value`);
  if (main.length > 2) throw new LineError(`${name}: unexpected "${main.slice(2).join(' ')}" after the value and timestamp`);
  const value = parseValue(main[0], name);
  const timestamp = main.length === 2 ? parseTimestamp(main[1], name, openMetrics) : null;
  let exemplar: Exemplar | null = null;
  if (hash >= 0) exemplar = parseExemplar(rest.slice(hash + 3).trim(), name);
  return { name, labels, value, timestamp, exemplar };
}

function readLabels(line: string, start: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let pos = start + 1;
  const skipSpace = () => {
    while (line[pos] === ' ' || line[pos] === '\t') pos++;
  };
  for (;;) {
    skipSpace();
    if (line[pos] === '}') return { labels, end: pos + 1 };
    const m = LABEL_NAME.exec(line.slice(pos));
    if (!m) throw new LineError(`expected a label name at column ${pos + 1}`);
    const label = m[0];
    pos += label.length;
    skipSpace();
    if (line[pos] !== '=') throw new LineError(`expected "=" after label ${label}`);
    pos++;
    skipSpace();
    if (line[pos] !== '"') throw new LineError(`the value of label ${label} must be in double quotes`);
    pos++;
    let value = '';
    for (;;) {
      const c = line[pos];
      if (c === undefined) throw new LineError(`the value of label ${label} is not closed with a double quote`);
      if (c === '"') break;
      if (c === '\\') {
        const next = line[pos + 1];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else throw new LineError(`label ${label}: unknown escape "\\${next ?? ''}" (only \\\\, \\" and \\n)`);
        pos += 2;
        continue;
      }
      value += c;
      pos++;
    }
    pos++;
    if (label in labels) throw new LineError(`label ${label} appears twice`);
    labels[label] = value;
    skipSpace();
    if (line[pos] === ',') {
      pos++;
      continue;
    }
    if (line[pos] === '}') return { labels, end: pos + 1 };
    throw new LineError(`expected "," or "}" after label ${label}`);
  }
}

function parseValue(text: string, name: string): number {
  switch (text) {
    case 'NaN':
      return NaN;
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
  }
  // Number() accepts "0x10", "" and "Infinity"; the format does not (Go's ParseFloat does take hex floats, rarely seen).
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new LineError(`${name}: "${text}" is not a number (use NaN, +Inf or -Inf for those)`);
  return Number(text);
}

function parseTimestamp(text: string, name: string, seconds: boolean): number {
  if (!/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) throw new LineError(`${name}: timestamp "${text}" is not a number`);
  const n = Number(text);
  return seconds ? n * 1000 : n;
}

function parseExemplar(text: string, name: string): Exemplar {
  if (!text.startsWith('{')) throw new LineError(`${name}: an exemplar starts with "{" after " # "`);
  const { labels, end } = readLabels(text, 0);
  const parts = text.slice(end).trim().split(/[ \t]+/);
  if (parts[0] === '' || parts.length > 2) throw new LineError(`${name}: an exemplar is "# {labels} value [timestamp]"`);
  return { labels, value: parseValue(parts[0], name), timestamp: parts.length === 2 ? parseTimestamp(parts[1], name, true) : null };
}

function unescapeHelp(text: string): string {
  return text.replace(/\\(\\|n|")/g, (_, c: string) => (c === 'n' ? '\n' : c));
}
