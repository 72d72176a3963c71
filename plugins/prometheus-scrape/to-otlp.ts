// Metric families of one scrape → an OTLP JSON metrics export request, the way the
// OpenTelemetry Collector's prometheus receiver maps them: gauges and untyped samples as
// gauges; counters as monotonic cumulative sums; histograms (`_bucket`/`_sum`/`_count`) as
// cumulative explicit-bucket histograms; summaries as summaries. The job is the resource's
// `service.name` and `host:port` its `service.instance.id`.
import type { Exemplar, MetricFamily, Sample } from './exposition';

type Attr = { key: string; value: { stringValue: string } };
type Json = Record<string, unknown>;

export interface ScrapeTarget {
  url: string;
  job: string;
}

/** Start times of cumulative series, kept across scrapes of one target: the first time a series
 * was seen (or `_created`), moved to the scrape when its value went down (a restart). */
export class StartTimes {
  private readonly seen = new Map<string, { start: number; last: number }>();

  startOf(key: string, value: number, at: number, created: number | null): number {
    const prev = this.seen.get(key);
    let start = created ?? prev?.start ?? at;
    if (created === null && prev && value < prev.last) start = at;
    this.seen.set(key, { start, last: value });
    return start;
  }
}

/** The numbers of an OTLP JSON double: NaN and infinities as the strings protobuf JSON uses. */
export function double(v: number): number | string {
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

export function nanos(ms: number): string {
  const whole = Math.floor(ms);
  return (BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6))).toString();
}

const attrs = (labels: Record<string, string>): Attr[] => Object.entries(labels).map(([key, value]) => ({ key, value: { stringValue: value } }));
const keyOf = (name: string, labels: Record<string, string>) =>
  `${name}{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',')}}`;
const without = (labels: Record<string, string>, drop: string): Record<string, string> => {
  const out = { ...labels };
  delete out[drop];
  return out;
};

function exemplar(e: Exemplar | null, fallbackMs: number): Json[] {
  if (!e) return [];
  const { trace_id: traceId, span_id: spanId, ...rest } = e.labels;
  return [
    {
      timeUnixNano: nanos(e.timestamp ?? fallbackMs),
      asDouble: double(e.value),
      ...(traceId && /^[0-9a-f]{32}$/i.test(traceId) ? { traceId: traceId.toLowerCase() } : {}),
      ...(spanId && /^[0-9a-f]{16}$/i.test(spanId) ? { spanId: spanId.toLowerCase() } : {}),
      filteredAttributes: attrs(rest),
    },
  ];
}

export interface Converted {
  metrics: Json[];
  /** Series that could not be turned into a metric (e.g. a histogram whose buckets go down). */
  errors: string[];
  points: number;
}

export function familiesToMetrics(families: MetricFamily[], scrapedAt: number, starts: StartTimes): Converted {
  const metrics: Json[] = [];
  const errors: string[] = [];
  let points = 0;
  const time = (s: Sample) => s.timestamp ?? scrapedAt;

  for (const f of families) {
    const base = { name: f.name, description: f.help, unit: f.unit };
    if (f.type === 'counter') {
      // `_created` gives a series' start; the other samples are the counts (`x_total`, or `x` in
      // the text format's TYPE-names-the-sample style).
      const created = new Map<string, number>();
      for (const s of f.samples) if (s.name === `${f.name}_created`) created.set(keyOf('', s.labels), s.value * 1000);
      const byName = new Map<string, Json[]>();
      for (const s of f.samples) {
        if (s.name === `${f.name}_created`) continue;
        const start = starts.startOf(keyOf(s.name, s.labels), s.value, time(s), created.get(keyOf('', s.labels)) ?? null);
        const list = byName.get(s.name) ?? [];
        list.push({ attributes: attrs(s.labels), startTimeUnixNano: nanos(Math.min(start, time(s))), timeUnixNano: nanos(time(s)), asDouble: double(s.value), exemplars: exemplar(s.exemplar, time(s)) });
        byName.set(s.name, list);
      }
      for (const [name, dataPoints] of byName) {
        points += dataPoints.length;
        metrics.push({ ...base, name, sum: { dataPoints, aggregationTemporality: 2, isMonotonic: true } });
      }
    } else if (f.type === 'histogram') {
      const series = group(f, 'le', ['_bucket', '_sum', '_count', '_created']);
      const dataPoints: Json[] = [];
      for (const [key, g] of series) {
        const buckets = g.parts.get('_bucket') ?? [];
        const bounds: Array<[number, number, Exemplar | null]> = buckets.map((s) => [leOf(s), s.value, s.exemplar]);
        if (bounds.some(([le]) => Number.isNaN(le))) {
          errors.push(`${f.name}${key}: a bucket's "le" is not a number`);
          continue;
        }
        bounds.sort((x, y) => x[0] - y[0]);
        const count = g.parts.get('_count')?.[0]?.value ?? bounds.find(([le]) => le === Infinity)?.[1] ?? bounds.at(-1)?.[1] ?? 0;
        const finite = bounds.filter(([le]) => le !== Infinity);
        const counts: number[] = [];
        let prev = 0;
        let broken = false;
        for (const [, cumulative] of finite) {
          if (cumulative < prev) broken = true;
          counts.push(cumulative - prev);
          prev = cumulative;
        }
        if (broken || count < prev) {
          errors.push(`${f.name}${key}: bucket counts go down as "le" grows`);
          continue;
        }
        counts.push(count - prev);
        const at = g.time ?? scrapedAt;
        const created = g.parts.get('_created')?.[0];
        const start = starts.startOf(keyOf(f.name, g.labels), count, at, created ? created.value * 1000 : null);
        const sum = g.parts.get('_sum')?.[0]?.value;
        dataPoints.push({
          attributes: attrs(g.labels),
          startTimeUnixNano: nanos(Math.min(start, at)),
          timeUnixNano: nanos(at),
          count: String(Math.round(count)),
          ...(sum !== undefined ? { sum: double(sum) } : {}),
          bucketCounts: counts.map((c) => String(Math.round(c))),
          explicitBounds: finite.map(([le]) => le),
          exemplars: bounds.flatMap(([, , e]) => exemplar(e, at)),
        });
      }
      points += dataPoints.length;
      if (dataPoints.length) metrics.push({ ...base, histogram: { dataPoints, aggregationTemporality: 2 } });
    } else if (f.type === 'summary') {
      const series = group(f, 'quantile', ['_sum', '_count', '_created']);
      const dataPoints: Json[] = [];
      for (const [key, g] of series) {
        const quantiles = g.parts.get('') ?? [];
        const qs = quantiles.map((s) => ({ quantile: Number(s.labels.quantile), value: double(s.value) }));
        if (qs.some((q) => !Number.isFinite(q.quantile) || q.quantile < 0 || q.quantile > 1)) {
          errors.push(`${f.name}${key}: a "quantile" label is not a number between 0 and 1`);
          continue;
        }
        const at = g.time ?? scrapedAt;
        const count = g.parts.get('_count')?.[0]?.value ?? 0;
        const created = g.parts.get('_created')?.[0];
        const start = starts.startOf(keyOf(f.name, g.labels), count, at, created ? created.value * 1000 : null);
        dataPoints.push({
          attributes: attrs(g.labels),
          startTimeUnixNano: nanos(Math.min(start, at)),
          timeUnixNano: nanos(at),
          count: String(Math.round(count)),
          sum: double(g.parts.get('_sum')?.[0]?.value ?? 0),
          quantileValues: qs,
        });
      }
      points += dataPoints.length;
      if (dataPoints.length) metrics.push({ ...base, summary: { dataPoints } });
    } else {
      // gauge, untyped, info, stateset, gaugehistogram: each sample name as a gauge.
      const byName = new Map<string, Json[]>();
      for (const s of f.samples) {
        const list = byName.get(s.name) ?? [];
        list.push({ attributes: attrs(s.labels), timeUnixNano: nanos(time(s)), asDouble: double(s.value), exemplars: exemplar(s.exemplar, time(s)) });
        byName.set(s.name, list);
      }
      for (const [name, dataPoints] of byName) {
        points += dataPoints.length;
        metrics.push({ ...base, name, gauge: { dataPoints } });
      }
    }
  }
  return { metrics, errors, points };
}

function leOf(s: Sample): number {
  const le = s.labels.le;
  if (le === undefined) return NaN;
  if (le === '+Inf' || le === 'Inf') return Infinity;
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(le) ? Number(le) : NaN;
}

interface Group {
  labels: Record<string, string>;
  /** Samples by suffix ('' for the family's own name, e.g. a summary's quantiles). */
  parts: Map<string, Sample[]>;
  time: number | null;
}

/** A histogram's or summary's samples grouped into series: by labels without `le`/`quantile`. */
function group(f: MetricFamily, inner: string, suffixes: string[]): Map<string, Group> {
  const out = new Map<string, Group>();
  for (const s of f.samples) {
    const suffix = suffixes.find((x) => s.name === f.name + x) ?? '';
    const labels = without(s.labels, inner);
    const key = keyOf('', labels);
    let g = out.get(key);
    if (!g) {
      g = { labels, parts: new Map(), time: null };
      out.set(key, g);
    }
    const list = g.parts.get(suffix) ?? [];
    list.push(s);
    g.parts.set(suffix, list);
    if (s.timestamp !== null && suffix !== '_created') g.time = Math.max(g.time ?? 0, s.timestamp);
  }
  return out;
}

/** One export request for a target's metrics (plus the scrape's own `up` and duration). */
export function exportRequest(target: ScrapeTarget, metrics: Json[]): Json {
  const url = new URL(target.url);
  const instance = url.host;
  const resource = {
    attributes: attrs({
      'service.name': target.job,
      'service.instance.id': instance,
      'server.address': url.hostname,
      'server.port': url.port || (url.protocol === 'https:' ? '443' : '80'),
      'url.scheme': url.protocol.replace(':', ''),
    }),
  };
  return { resourceMetrics: [{ resource, scopeMetrics: [{ scope: { name: 'loupe.prometheus-scrape', version: '1.0.0' }, metrics }] }] };
}

/** `up` (1 or 0) and `scrape_duration_seconds`, as Prometheus adds them to every scrape. */
export function scrapeMetrics(up: boolean, durationMs: number, at: number, samples: number | null): Json[] {
  const gauge = (name: string, description: string, unit: string, value: number): Json => ({
    name,
    description,
    unit,
    gauge: { dataPoints: [{ attributes: [], timeUnixNano: nanos(at), asDouble: value }] },
  });
  return [
    gauge('up', 'Whether the last scrape of this target succeeded (1) or not (0)', '', up ? 1 : 0),
    gauge('scrape_duration_seconds', 'How long the last scrape of this target took', 's', durationMs / 1000),
    ...(samples === null ? [] : [gauge('scrape_samples_scraped', 'Samples the last scrape of this target read', '', samples)]),
  ];
}
