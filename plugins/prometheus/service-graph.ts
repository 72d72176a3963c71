// The service map and golden signals from the series the OpenTelemetry Collector's servicegraph
// and spanmetrics connectors (and Tempo's metrics-generator) write; README.md lists exactly which
// series and labels are read. Each quantity is one PromQL expression that tries the current
// names first and falls back (`or`) to older ones, so one query works on either generation.
import type { EdgeSignals, GoldenSignals, MapEdge, MapNode, ServiceMap } from '../../common/api/service-schemas';
import type { SliCounts } from '../../common/plugin-protocol';
import type { PromClient } from './client';
import { PluginError } from '../sdk/index';
import { healthOf } from '../../common/service-map';

const GRAPH = {
  total: 'traces_service_graph_request_total',
  failed: 'traces_service_graph_request_failed_total',
  serverBucket: 'traces_service_graph_request_server_seconds_bucket',
};

/** Span-metrics call counters: current Collector name, then Tempo's / older Collector's. */
const CALLS = ['traces_span_metrics_calls_total', 'traces_spanmetrics_calls_total'];
/** Duration histograms and the factor to milliseconds. */
const DURATIONS: Array<[string, number]> = [
  ['traces_span_metrics_duration_seconds_bucket', 1000],
  ['traces_span_metrics_duration_milliseconds_bucket', 1],
  ['traces_spanmetrics_latency_bucket', 1000],
  ['traces_spanmetrics_duration_seconds_bucket', 1000],
];
/** Without span metrics: the OTel HTTP server metric, by job. */
const HTTP_BUCKET = 'http_server_request_duration_seconds_bucket';
const HTTP_COUNT = 'http_server_request_duration_seconds_count';

/** Requests into a service: server and consumer spans. */
const ENTRY = 'span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER|SERVER|CONSUMER"';
const FAILED = 'status_code="STATUS_CODE_ERROR"';
const NOT_FAILED = 'status_code!="STATUS_CODE_ERROR"';

const range = (seconds: number) => `${Math.max(1, Math.round(seconds))}s`;
const quote = (v: string) => JSON.stringify(v);

function orEach(exprs: string[]): string {
  return exprs.map((e) => `(${e})`).join(' or ');
}

function callsExpr(by: string, selector: string, window: string): string {
  return orEach(CALLS.map((m) => `sum by (${by}) (increase(${m}{${selector}}[${window}]))`));
}

function quantileExpr(q: number, by: string, selector: string, window: string): string {
  const group = by ? `${by}, le` : 'le';
  return orEach(DURATIONS.map(([m, toMs]) => `histogram_quantile(${q}, sum by (${group}) (increase(${m}{${selector}}[${window}])))${toMs === 1 ? '' : ` * ${toMs}`}`));
}

/** Fallback by job when there are no span metrics: `job` is `namespace/name` when the
 * Prometheus OTLP endpoint wrote it, or a plain scrape job name. */
function httpCallsExpr(by: string, selector: string, window: string): string {
  return `sum by (${by}) (increase(${HTTP_COUNT}{${selector}}[${window}]))`;
}

const serviceOfJob = (job: string) => job.slice(job.lastIndexOf('/') + 1);


const nan = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : v);

type Keyed = Map<string, number>;

async function keyed(prom: PromClient, query: string, at: number, key: (l: Record<string, string>) => string): Promise<Keyed> {
  const out: Keyed = new Map();
  for (const s of await prom.instant(query, at)) out.set(key(s.labels), (out.get(key(s.labels)) ?? 0) + s.value);
  return out;
}

/**
 * Seconds of [from, to] each group's series cover: from its first sample in the window (the
 * window's start when the series is older) to the window's end, never after now — the part of the
 * window the local store rates over too. Rates are `increase(…[window])` over these seconds, not
 * over the whole window: `increase` follows counter resets inside the window, and only counts
 * between the samples it has, so a backend (or a service) younger than the window would otherwise
 * read as a fraction of its real rate.
 *
 * Prometheus and VictoriaMetrics have no "time of the first sample" function in common, so it is a
 * subquery of `timestamp()`: at 1/240 of the window first, which finds each group's first sample
 * within one such step, then once more at 1/240 of the span where the groups that began inside
 * the window began (seconds, for a backend or a service started minutes ago).
 */
async function coverage(prom: PromClient, selectors: string[], by: string, from: number, to: number, key: (l: Record<string, string>) => string): Promise<Keyed> {
  const firstSamples = async (at: number, spanSeconds: number) => {
    const resolution = range(Math.max(1, spanSeconds / 240));
    const expr = orEach(selectors.map((s) => `min by (${by}) (min_over_time(timestamp(${s})[${range(spanSeconds)}:${resolution}]))`));
    const out: Keyed = new Map();
    for (const s of await prom.instant(expr, at)) out.set(key(s.labels), Math.min(out.get(key(s.labels)) ?? Infinity, s.value * 1000));
    return out;
  };
  const windowSeconds = Math.max(1, (to - from) / 1000);
  const coarse = await firstSamples(to, windowSeconds);
  const step = Math.max(1, windowSeconds / 240) * 1000;
  const late = [...coarse.values()].filter((t) => t > from + step);
  if (late.length) {
    const [earliest, latest] = [Math.min(...late) - step, Math.max(...late)];
    const fine = await firstSamples(latest, Math.max(1, (latest - earliest) / 1000));
    for (const [k, t] of coarse) if (t > from + step && fine.has(k)) coarse.set(k, Math.max(t - step, Math.min(t, fine.get(k)!)));
  }
  const end = Math.min(to, Date.now());
  const out: Keyed = new Map();
  for (const [k, first] of coarse) out.set(k, Math.max(1, (end - Math.max(from, first)) / 1000));
  return out;
}

/** Calls per second over the seconds the data covers (`coverage`); the window when unknown. */
const perSecond = (calls: number, seconds: number | undefined, windowSeconds: number) => calls / (seconds ?? windowSeconds);

function nodeType(connectionType: string | undefined): { type: MapNode['type']; conn: MapEdge['connectionType'] } {
  switch (connectionType) {
    case 'database':
      return { type: 'database', conn: 'database' };
    case 'messaging_system':
      return { type: 'queue', conn: 'messaging' };
    case 'virtual_node':
      return { type: 'external', conn: 'virtual' };
    default:
      return { type: 'service', conn: 'sync' };
  }
}

/**
 * Per-step values of several expressions over [from, to]: each point is the step that starts at
 * its `time`. The newest step is still filling when `to` is now; it is asked for separately, as an
 * instant query over the part that has elapsed (`elapsedMs`), so a backend younger than a step or
 * two draws its first points instead of an empty chart.
 */
/** The label `together` tags each part of a combined query with. */
const PART = 'loupe_part';

/**
 * Several expressions as one query, each result tagged with its index: one query is evaluated
 * over one view of the data, so parts compared with each other (good against total, errors
 * against calls) count the same samples even while the source is ingesting.
 */
function together(exprs: string[]): string {
  return exprs.map((q, i) => `label_replace(${q}, "${PART}", "${i}", "", "")`).join(' or ');
}
const partOf = (labels: Record<string, string>) => Number(labels[PART]);

/** Each expression summed over its series at one instant, read in one query (NaN when empty). */
async function instantSums(prom: PromClient, exprs: string[], at: number): Promise<number[]> {
  const sums = exprs.map(() => NaN);
  for (const s of await prom.instant(together(exprs), at)) {
    const i = partOf(s.labels);
    if (i >= 0 && i < sums.length) sums[i] = (Number.isNaN(sums[i]) ? 0 : sums[i]) + s.value;
  }
  return sums;
}

async function stepSeries(
  prom: PromClient,
  exprs: (window: string) => string[],
  from: number,
  to: number,
  stepMs: number,
): Promise<Array<{ time: number; elapsedMs: number; values: number[] }>> {
  const stepSeconds = Math.max(1, Math.round(stepMs / 1000));
  // Whole steps, so the buckets are the same from one refresh to the next.
  const start = Math.ceil(from / stepMs) * stepMs;
  const end = Math.floor(to / stepMs) * stepMs;
  const full = exprs(range(stepSeconds));
  const ranged = full.map(() => new Map<number, number>());
  if (end >= start)
    for (const s of await prom.range(together(full), start, end, stepSeconds)) {
      const m = ranged[partOf(s.labels)];
      if (m) for (const [t, v] of s.points) if (Number.isFinite(v)) m.set(t, (m.get(t) ?? 0) + v);
    }
  const out: Array<{ time: number; elapsedMs: number; values: number[] }> = [];
  for (let t = start; t <= end; t += stepMs) out.push({ time: t - stepMs, elapsedMs: stepMs, values: ranged.map((m) => m.get(t) ?? NaN) });
  const elapsedMs = to - end;
  if (elapsedMs >= 1000) out.push({ time: end, elapsedMs, values: await instantSums(prom, exprs(range(elapsedMs / 1000)), to) });
  return out;
}

export async function serviceMap(prom: PromClient, from: number, to: number): Promise<ServiceMap> {
  const seconds = Math.max(1, (to - from) / 1000);
  const w = range(seconds);
  const edgeKey = (l: Record<string, string>) => `${l.client ?? ''}\u0000${l.server ?? ''}\u0000${l.connection_type ?? ''}`;
  const svcKey = (l: Record<string, string>) => l.service_name ?? '';
  const jobKey = (l: Record<string, string>) => serviceOfJob(l.job ?? '');
  const by = 'client, server, connection_type';
  const [calls, failed, p50, p95, p99, sCalls, sFailed, s50, s95, s99, edgeSeconds, sSeconds] = await Promise.all([
    keyed(prom, `sum by (${by}) (increase(${GRAPH.total}[${w}]))`, to, edgeKey),
    keyed(prom, `sum by (${by}) (increase(${GRAPH.failed}[${w}]))`, to, edgeKey),
    ...[0.5, 0.95, 0.99].map((q) => keyed(prom, `histogram_quantile(${q}, sum by (${by}, le) (increase(${GRAPH.serverBucket}[${w}]))) * 1000`, to, edgeKey)),
    keyed(prom, callsExpr('service_name', ENTRY, w), to, svcKey),
    keyed(prom, callsExpr('service_name', `${ENTRY}, ${FAILED}`, w), to, svcKey),
    ...[0.5, 0.95, 0.99].map((q) => keyed(prom, quantileExpr(q, 'service_name', ENTRY, w), to, svcKey)),
    coverage(prom, [GRAPH.total], by, from, to, edgeKey),
    coverage(prom, CALLS.map((m) => `${m}{${ENTRY}}`), 'service_name', from, to, svcKey),
  ]);
  // No span metrics at all: the HTTP server metric by job.
  if (sCalls.size === 0) {
    const [hCalls, hFailed, h50, h95, h99, hSeconds] = await Promise.all([
      keyed(prom, httpCallsExpr('job', '', w), to, jobKey),
      keyed(prom, httpCallsExpr('job', 'http_response_status_code=~"5.."', w), to, jobKey),
      ...[0.5, 0.95, 0.99].map((q) => keyed(prom, `histogram_quantile(${q}, sum by (job, le) (increase(${HTTP_BUCKET}[${w}]))) * 1000`, to, jobKey)),
      coverage(prom, [HTTP_COUNT], 'job', from, to, jobKey),
    ]);
    for (const [m, src] of [
      [sCalls, hCalls],
      [sFailed, hFailed],
      [s50, h50],
      [s95, h95],
      [s99, h99],
      [sSeconds, hSeconds],
    ] as const)
      for (const [k, v] of src) m.set(k, v);
  }

  const nodes = new Map<string, MapNode>();
  const node = (name: string, type: MapNode['type']): MapNode => {
    let n = nodes.get(name);
    if (!n) {
      n = { id: name, name, type, namespace: '', calls: 0, errors: 0, rps: 0, errorRate: 0, p50Ms: null, p95Ms: null, p99Ms: null, health: 'idle', shared: false, writers: [], system: '' };
      nodes.set(name, n);
    }
    return n;
  };
  const edges: MapEdge[] = [];
  for (const [key, n] of calls) {
    const [client, server, connectionType] = key.split('\u0000');
    const { type, conn } = nodeType(connectionType);
    const errors = failed.get(key) ?? 0;
    edges.push({ source: client, target: server, connectionType: conn, calls: n, errors, rps: perSecond(n, edgeSeconds.get(key), seconds), errorRate: n > 0 ? errors / n : 0, p50Ms: nan(p50.get(key)), p95Ms: nan(p95.get(key)), p99Ms: nan(p99.get(key)) });
    node(client, 'service');
    const target = node(server, type);
    if (type !== 'service') {
      target.calls += n;
      target.errors += errors;
      if (!target.writers.includes(client)) target.writers.push(client);
      target.p95Ms = nan(p95.get(key)) ?? target.p95Ms;
      target.p50Ms = nan(p50.get(key)) ?? target.p50Ms;
      target.p99Ms = nan(p99.get(key)) ?? target.p99Ms;
    }
  }
  for (const name of sCalls.keys()) if (name) node(name, 'service');
  // A node without series of its own is rated over the longest span its callers' edges cover.
  const incomingSeconds = (name: string) => {
    let most: number | undefined;
    for (const [key, s] of edgeSeconds) if (key.split('\u0000')[1] === name && calls.has(key)) most = Math.max(most ?? 0, s);
    return most;
  };
  for (const n of nodes.values()) {
    let covered = incomingSeconds(n.name);
    if (n.type === 'service') {
      if (sCalls.has(n.name)) {
        covered = sSeconds.get(n.name);
        n.calls = sCalls.get(n.name)!;
        n.errors = sFailed.get(n.name) ?? 0;
        n.p50Ms = nan(s50.get(n.name));
        n.p95Ms = nan(s95.get(n.name));
        n.p99Ms = nan(s99.get(n.name));
      } else {
        // What its callers saw, when the service sends no span metrics of its own.
        const incoming = edges.filter((e) => e.target === n.name);
        n.calls = incoming.reduce((a, e) => a + e.calls, 0);
        n.errors = incoming.reduce((a, e) => a + e.errors, 0);
        n.p95Ms = incoming.length === 1 ? incoming[0].p95Ms : null;
      }
    } else n.shared = n.type === 'database' && n.writers.length > 1;
    n.rps = perSecond(n.calls, covered, seconds);
    n.errorRate = n.calls > 0 ? n.errors / n.calls : 0;
    n.health = healthOf(n.errorRate, n.calls);
  }
  return { nodes: [...nodes.values()], edges };
}

export async function goldenSignals(prom: PromClient, service: string, from: number, to: number, stepMs: number): Promise<GoldenSignals> {
  const seconds = Math.max(1, (to - from) / 1000);
  const w = range(seconds);
  const sel = `service_name=${quote(service)}, ${ENTRY}`;
  const [steps, [tCalls, tErrs, t50, t95, t99, opCalls, opErrs, op50, op95, op99, tSeconds, opSeconds], map] = await Promise.all([
    stepSeries(
      prom,
      (win) => [
        callsExpr('service_name', sel, win),
        callsExpr('service_name', `${sel}, ${FAILED}`, win),
        ...[0.5, 0.95, 0.99].map((q) => quantileExpr(q, 'service_name', `${sel}, ${NOT_FAILED}`, win)),
        ...[0.5, 0.95, 0.99].map((q) => quantileExpr(q, 'service_name', `${sel}, ${FAILED}`, win)),
      ],
      from,
      to,
      stepMs,
    ),
    Promise.all([
      keyed(prom, callsExpr('service_name', sel, w), to, () => ''),
      keyed(prom, callsExpr('service_name', `${sel}, ${FAILED}`, w), to, () => ''),
      ...[0.5, 0.95, 0.99].map((q) => keyed(prom, quantileExpr(q, 'service_name', sel, w), to, () => '')),
      keyed(prom, callsExpr('span_name', sel, w), to, (l) => l.span_name ?? ''),
      keyed(prom, callsExpr('span_name', `${sel}, ${FAILED}`, w), to, (l) => l.span_name ?? ''),
      ...[0.5, 0.95, 0.99].map((q) => keyed(prom, quantileExpr(q, 'span_name', sel, w), to, (l) => l.span_name ?? '')),
      coverage(prom, CALLS.map((m) => `${m}{${sel}}`), 'service_name', from, to, () => ''),
      coverage(prom, CALLS.map((m) => `${m}{${sel}}`), 'span_name', from, to, (l) => l.span_name ?? ''),
    ]),
    serviceMap(prom, from, to),
  ]);
  const neighbours = {
    upstream: map.edges
      .filter((e) => e.target === service)
      .map((e) => ({ service: e.source, connectionType: e.connectionType, ...edgeRed(e) })),
    downstream: map.edges
      .filter((e) => e.source === service)
      .map((e) => ({
        service: e.target,
        type: map.nodes.find((n) => n.id === e.target)?.type ?? 'service',
        connectionType: e.connectionType,
        ...edgeRed(e),
      })),
  };
  // A database, queue or peer (or a service sending no span metrics) has no series of its own:
  // it gets what its callers saw, the service-graph edges into it.
  if (tCalls.size === 0) return callersSignals(prom, { service, from, to, stepMs, ...neighbours });
  const calls = tCalls.get('') ?? 0;
  const errors = tErrs.get('') ?? 0;
  const points: GoldenSignals['series'] = [];
  for (const { time, elapsedMs, values } of steps) {
    const [requests, e, ok50, ok95, ok99, er50, er95, er99] = values.map((v, i) => (i < 2 ? (Number.isFinite(v) ? v : 0) : v));
    points.push({
      time,
      requests,
      rps: requests / Math.max(1, elapsedMs / 1000),
      errors: e,
      errorRate: requests > 0 ? e / requests : 0,
      okP50Ms: nan(ok50),
      okP95Ms: nan(ok95),
      okP99Ms: nan(ok99),
      errP50Ms: nan(er50),
      errP95Ms: nan(er95),
      errP99Ms: nan(er99),
      // Span metrics carry no HTTP status by default: failed requests count as other errors.
      ...NO_STATUS,
      otherErrors: e,
    });
  }
  const red = (c: number, e: number, covered: number | undefined, p50: number | null, p95: number | null, p99: number | null) => ({
    calls: c,
    errors: e,
    rps: perSecond(c, covered, seconds),
    errorRate: c > 0 ? e / c : 0,
    p50Ms: p50,
    p95Ms: p95,
    p99Ms: p99,
  });
  return {
    service,
    from,
    to,
    stepMs,
    totals: { ...red(calls, errors, tSeconds.get(''), nan(t50.get('')), nan(t95.get('')), nan(t99.get(''))), health: healthOf(calls > 0 ? errors / calls : 0, calls) },
    series: points,
    saturation: [],
    operations: [...opCalls.entries()]
      .map(([name, c]) => ({ name, ...red(c, opErrs.get(name) ?? 0, opSeconds.get(name), nan(op50.get(name)), nan(op95.get(name)), nan(op99.get(name))), http4xx: 0, http5xx: 0 }))
      .sort((a, b) => b.calls - a.calls),
    ...neighbours,
    versions: [],
  };
}

const NO_STATUS = { http2xx: 0, http3xx: 0, http4xx: 0, http5xx: 0 };

const edgeRed = (e: MapEdge) => ({ calls: e.calls, errors: e.errors, rps: e.rps, errorRate: e.errorRate, p50Ms: e.p50Ms, p95Ms: e.p95Ms, p99Ms: e.p99Ms });

/**
 * The calls, failures and server-side latency of the service-graph edges `selector` picks
 * (one edge, or every edge into a node): per step, and over the window with its rate over the
 * seconds the edges' series cover. The latency histogram does not split failed calls from
 * successful ones, so the percentiles are of all calls (in the `ok*` fields).
 */
async function graphCalls(prom: PromClient, selector: string, from: number, to: number, stepMs: number): Promise<{ series: EdgeSignals['series']; totals: EdgeSignals['totals'] }> {
  const seconds = Math.max(1, (to - from) / 1000);
  const w = range(seconds);
  const total = (window: string) => `sum(increase(${GRAPH.total}{${selector}}[${window}]))`;
  const failed = (window: string) => `sum(increase(${GRAPH.failed}{${selector}}[${window}]))`;
  const quantile = (q: number, window: string) => `histogram_quantile(${q}, sum by (le) (increase(${GRAPH.serverBucket}{${selector}}[${window}]))) * 1000`;
  const [steps, [tCalls, tErrs, t50, t95, t99, covered]] = await Promise.all([
    stepSeries(prom, (win) => [total(win), failed(win), ...[0.5, 0.95, 0.99].map((q) => quantile(q, win))], from, to, stepMs),
    Promise.all([
      keyed(prom, total(w), to, () => ''),
      keyed(prom, failed(w), to, () => ''),
      ...[0.5, 0.95, 0.99].map((q) => keyed(prom, quantile(q, w), to, () => '')),
      coverage(prom, [`${GRAPH.total}{${selector}}`], '', from, to, () => ''),
    ]),
  ]);
  const calls = tCalls.get('') ?? 0;
  const errors = tErrs.get('') ?? 0;
  const series = steps.map(({ time, elapsedMs, values }) => {
    const [requests, e] = values.map((v) => (Number.isFinite(v) ? v : 0));
    return {
      time,
      requests,
      rps: requests / Math.max(1, elapsedMs / 1000),
      errors: e,
      errorRate: requests > 0 ? e / requests : 0,
      okP50Ms: nan(values[2]),
      okP95Ms: nan(values[3]),
      okP99Ms: nan(values[4]),
      errP50Ms: null,
      errP95Ms: null,
      errP99Ms: null,
      ...NO_STATUS,
      otherErrors: e,
    };
  });
  const totals = { calls, errors, rps: perSecond(calls, covered.get(''), seconds), errorRate: calls > 0 ? errors / calls : 0, p50Ms: nan(t50.get('')), p95Ms: nan(t95.get('')), p99Ms: nan(t99.get('')) };
  return { series, totals };
}

const SERVER_SIDE = 'Latency is the server side of the edge (traces_service_graph_request_server_seconds), failed and successful calls together.';

/** Signals of a node with no span metrics: the sum of the service-graph edges into it. */
async function callersSignals(
  prom: PromClient,
  p: { service: string; from: number; to: number; stepMs: number; upstream: GoldenSignals['upstream']; downstream: GoldenSignals['downstream'] },
): Promise<GoldenSignals> {
  const base = { service: p.service, from: p.from, to: p.to, stepMs: p.stepMs, saturation: [], operations: [], versions: [], upstream: p.upstream, downstream: p.downstream };
  if (p.upstream.length === 0)
    return {
      ...base,
      notice: `${p.service} has no span metrics of its own and no service-graph edge (traces_service_graph_request_total{server="${p.service}"}) leads into it in this window, so there are no calls to chart.`,
      totals: { calls: 0, errors: 0, rps: 0, errorRate: 0, p50Ms: null, p95Ms: null, p99Ms: null, health: 'idle' },
      series: [],
    };
  const { series, totals } = await graphCalls(prom, `server=${quote(p.service)}`, p.from, p.to, p.stepMs);
  return {
    ...base,
    notice: `Calls into ${p.service} from the service-graph edges of its callers (${p.upstream.map((u) => u.service).join(', ')}). ${SERVER_SIDE}`,
    totals: { ...totals, health: healthOf(totals.errorRate, totals.calls) },
    series,
  };
}

/** One edge over time, from the service-graph series of its client and server. */
export async function edgeSignals(prom: PromClient, client: string, server: string, from: number, to: number, stepMs: number): Promise<EdgeSignals> {
  const sel = `client=${quote(client)}, server=${quote(server)}`;
  const [{ series, totals }, types] = await Promise.all([
    graphCalls(prom, sel, from, to, stepMs),
    keyed(prom, `count by (connection_type) (${GRAPH.total}{${sel}})`, to, (l) => l.connection_type ?? ''),
  ]);
  const type = [...types.keys()][0];
  return {
    source: client,
    target: server,
    connectionType: type === undefined ? null : nodeType(type).conn,
    from,
    to,
    stepMs,
    notice: SERVER_SIDE,
    totals,
    series,
  };
}

/** Total and good requests into a service, for SLOs: over each window ending at `to`, and per
 * step. Latency SLIs count successful requests in the largest histogram bucket at or under the
 * threshold (exact when the threshold is a bucket bound, and said in `notice` when it is not). */
export async function sliCounts(
  prom: PromClient,
  p: { service: string; sli: 'availability' | 'latency'; thresholdMs?: number; windowsMs: number[]; from: number; to: number; stepMs: number },
): Promise<SliCounts> {
  const sel = `service_name=${quote(p.service)}, ${ENTRY}`;
  let total = (w: string) => `sum(${callsExpr('service_name', sel, w)})`;
  let good: (w: string) => string;
  let notice: string | undefined;
  if (p.sli === 'availability') good = (w) => `sum(${callsExpr('service_name', `${sel}, ${NOT_FAILED}`, w)})`;
  else {
    const threshold = p.thresholdMs ?? 0;
    let chosen: { metric: string; le: string; ms: number } | null = null;
    for (const [metric, toMs] of DURATIONS) {
      const les = [...(await keyed(prom, `count by (le) (${metric}{${sel}})`, p.to, (l) => l.le ?? '')).keys()].filter((le) => le !== '+Inf' && Number.isFinite(Number(le)));
      if (!les.length) continue;
      const under = les.map((le) => ({ le, ms: Number(le) * toMs })).filter((b) => b.ms <= threshold * (1 + 1e-9)).sort((a, b) => b.ms - a.ms)[0];
      chosen = under ? { metric, le: under.le, ms: under.ms } : { metric, le: '', ms: 0 };
      break;
    }
    // Without a bucket bound at or under the threshold the source cannot tell which requests
    // were fast enough: that SLO is an error of its own, not a budget spent.
    if (!chosen) throw new PluginError('bad_query', `${p.service} has no latency histogram on this source (${DURATIONS.map(([m]) => m).join(', ')}): its latency SLO cannot be evaluated`);
    if (!chosen.le) throw new PluginError('bad_query', `${p.service}'s latency buckets (${chosen.metric}) have no bound at or under ${threshold} ms: this source cannot tell which requests were faster`);
    if (Math.abs(chosen.ms - threshold) > threshold * 1e-9)
      notice = `${p.service}'s latency buckets have no bound at ${threshold} ms; requests under ${chosen.ms} ms count as good`;
    const { metric, le } = chosen;
    good = (w) => `sum(increase(${metric}{${sel}, ${NOT_FAILED}, le=${quote(le)}}[${w}]))`;
    // Good and total from the same histogram, so they count the same requests.
    total = (w) => `sum(increase(${metric}{${sel}, le="+Inf"}[${w}]))`;
  }
  // Good and total of a window from one query, so they count the same samples.
  const windows = await Promise.all(
    p.windowsMs.map(async (ms) => {
      const [t, g] = await instantSums(prom, [total(range(ms / 1000)), good(range(ms / 1000))], p.to);
      return { windowMs: ms, total: Number.isFinite(t) ? t : 0, good: Number.isFinite(g) ? g : 0 };
    }),
  );
  const steps = (await stepSeries(prom, (win) => [total(win), good(win)], p.from, p.to, p.stepMs)).map(({ time, values }) => ({
    time,
    total: Number.isFinite(values[0]) ? values[0] : 0,
    good: Number.isFinite(values[1]) ? values[1] : 0,
  }));
  return { windows, steps, ...(notice ? { notice } : {}) };
}
