// Per edge, what releases and resilience change: the traffic split of an edge into a service
// running several versions (TrafficSplit-like: each version's share and RED as the caller saw
// it), and Hystrix-like resilience signals read off the caller's CLIENT spans:
// - retries: several client spans from one parent span to the same peer and operation (each
//   beyond the first is a retry), or `http.request.resend_count` (semconv) on a span;
// - timeouts: gRPC DEADLINE_EXCEEDED (`rpc.grpc.status_code` 4), or `error.type`, the status
//   message or a recorded exception naming a timeout/deadline;
// - rejected / short-circuited: the exceptions circuit breakers, bulkheads and rate limiters
//   throw, as `error.type`, status message or exception event: resilience4j
//   (CallNotPermittedException, BulkheadFullException, RequestNotPermitted), Polly
//   (BrokenCircuitException, IsolatedCircuitException, RateLimiterRejectedException), opossum
//   (EOPENBREAKER "Breaker is open", ESEMLOCKED, EREJECT). A short-circuited call never reaches
//   its peer, so it is attributed to the peer its operation name calls elsewhere in the window.
// These are read from stored spans at query time (newest first, capped), not from rollups: the
// pairing needs the callee's span and the grouping needs the parent, which rollups do not keep.
import type { EdgeReleases, MapReleases } from '../../common/api/releases-schemas';
import * as H from '../../common/latency-histogram';
import { type ReadStore, msToNs, serviceIds, windowOf } from './read-store';
import { type Coverage, coverageByName, widestCoverage } from './coverage';
import { rateOver } from './red';

/** Client spans read per request at most (newest first, shared among the services, at least
 * 1000 each); past it the figures say `sampled`. */
export const MAX_CLIENT_SPANS = 20_000;
/** A retry storm: at least this many retries, making up at least this share of the calls. */
export const STORM_MIN_RETRIES = 10;
export const STORM_MIN_RATIO = 0.1;

const TIMEOUT = /timeout|timed[ _-]?out|deadline|ETIMEDOUT|ESOCKETTIMEDOUT/i;
const REJECTED = /CallNotPermitted|BulkheadFull|RequestNotPermitted|BrokenCircuit|IsolatedCircuit|RateLimiterRejected|EOPENBREAKER|breaker is open|ESEMLOCKED|EREJECT|short[- ]?circuit/i;

interface ClientCall {
  key: string;
  parent: string;
  name: string;
  isError: boolean;
  micros: number;
  source: string;
  target: string | null;
  targetVersion: string | null;
  resendCount: number;
  timeout: boolean;
  rejected: boolean;
}

interface EdgeAcc {
  source: string;
  target: string;
  calls: ClientCall[];
}

type CallRow = [Buffer, Buffer | null, string, number, number, string, string | null, string | null, string, string | null, string | null];

/** Newest client spans of each service (one index range scan per service), with their callee. */
function readCalls(store: ReadStore, sourceIds: number[] | null, from: number, to: number): { calls: ClientCall[]; sampled: boolean } {
  const ids = sourceIds ?? (store.pluck('SELECT id FROM services').all() as number[]);
  const perService = Math.max(1000, Math.floor(MAX_CLIENT_SPANS / Math.max(1, ids.length)));
  const stmt = store.raw(
    `SELECT s.span_id, s.parent_span_id, s.name, s.is_error, s.duration_ns, s.attributes, s.events, s.status_message,
       sv.name, csv.name, r.service_version
     FROM spans s JOIN services sv ON sv.id = s.service_id
     LEFT JOIN spans c ON c.trace_ref = s.trace_ref AND c.parent_span_id = s.span_id AND c.kind IN (2, 5)
     LEFT JOIN services csv ON csv.id = c.service_id
     LEFT JOIN resources r ON r.id = c.resource_id
     WHERE s.service_id = ? AND s.start_ns BETWEEN ? AND ? AND s.kind = 3
     ORDER BY s.start_ns DESC LIMIT ?`,
  );
  let sampled = false;
  const rows: CallRow[] = [];
  for (const id of ids) {
    const got = stmt.all(id, msToNs(from), msToNs(to), perService + 1) as CallRow[];
    if (got.length > perService) sampled = true;
    rows.push(...got.slice(0, perService));
  }
  const seen = new Set<string>();
  const calls: ClientCall[] = [];
  for (const [spanId, parentId, name, isError, durationNs, attributes, events, statusMessage, source, target, version] of rows) {
    const key = spanId.toString('hex');
    if (seen.has(key)) continue; // a client answered by two servers counts once
    seen.add(key);
    const attrs = JSON.parse(attributes || '{}') as Record<string, unknown>;
    const grpc = attrs['rpc.grpc.status_code'];
    const errorType = String(attrs['error.type'] ?? '');
    const exceptionText = events && events.includes('exception') ? exceptionsOf(events) : '';
    const text = `${errorType}\n${statusMessage ?? ''}\n${exceptionText}`;
    const resend = Number(attrs['http.request.resend_count'] ?? 0);
    calls.push({
      key,
      parent: parentId ? parentId.toString('hex') : '',
      name,
      isError: isError === 1,
      micros: durationNs / 1000,
      source,
      target: target ?? (typeof attrs['peer.service'] === 'string' ? (attrs['peer.service'] as string) : null),
      targetVersion: target ? (version ?? '') : null,
      resendCount: Number.isFinite(resend) ? resend : 0,
      timeout: Number(grpc) === 4 || TIMEOUT.test(text),
      rejected: REJECTED.test(text),
    });
  }
  return { calls, sampled };
}

/** exception.type and exception.message of a span's exception events. */
function exceptionsOf(events: string): string {
  try {
    return (JSON.parse(events) as Array<{ name?: string; attributes?: Record<string, unknown> }>)
      .filter((e) => e.name === 'exception')
      .map((e) => `${String(e.attributes?.['exception.type'] ?? '')} ${String(e.attributes?.['exception.message'] ?? '')}`)
      .join('\n');
  } catch {
    return '';
  }
}

/** Groups calls by edge; unanswered calls go to the peer their operation reaches elsewhere. */
function byEdge(calls: ClientCall[]): Map<string, EdgeAcc> {
  const peerOfOp = new Map<string, string>();
  for (const c of calls) if (c.target) peerOfOp.set(`${c.source}\u0000${c.name}`, c.target);
  const edges = new Map<string, EdgeAcc>();
  for (const c of calls) {
    const target = c.target ?? peerOfOp.get(`${c.source}\u0000${c.name}`);
    if (!target) continue;
    const k = `${c.source}\u0000${target}`;
    let e = edges.get(k);
    if (e === undefined) edges.set(k, (e = { source: c.source, target, calls: [] }));
    e.calls.push(c);
  }
  return edges;
}

/** `covers`: the part of the window each caller's data covers, which its calls are rated over. */
function summarize(e: EdgeAcc, covers: (source: string) => Coverage) {
  const groups = new Map<string, ClientCall[]>();
  for (const c of e.calls) {
    if (!c.parent) continue;
    const k = `${c.parent}\u0000${c.name}`;
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  let retries = 0;
  for (const g of groups.values()) retries += Math.max(g.length - 1, ...g.map((c) => c.resendCount));
  for (const c of e.calls) if (!c.parent && c.resendCount > 0) retries += c.resendCount;
  const calls = e.calls.length;
  const timeouts = e.calls.filter((c) => c.timeout).length;
  const rejected = e.calls.filter((c) => c.rejected).length;
  const retryRate = calls ? retries / calls : 0;
  const byVersion = new Map<string, { calls: number; errors: number; hist: H.Histogram }>();
  for (const c of e.calls) {
    if (c.targetVersion === null) continue;
    const v = byVersion.get(c.targetVersion) ?? { calls: 0, errors: 0, hist: new Map() };
    v.calls++;
    if (c.isError) v.errors++;
    H.record(v.hist, c.micros);
    byVersion.set(c.targetVersion, v);
  }
  const answered = [...byVersion.values()].reduce((n, v) => n + v.calls, 0);
  const versions = [...byVersion]
    .map(([version, v]) => ({
      version,
      calls: v.calls,
      share: answered ? v.calls / answered : 0,
      errors: v.errors,
      errorRate: v.calls ? v.errors / v.calls : 0,
      rps: rateOver(v.calls, covers(e.source)),
      p50Ms: H.quantileMs(v.hist, 0.5),
      p95Ms: H.quantileMs(v.hist, 0.95),
      p99Ms: H.quantileMs(v.hist, 0.99),
    }))
    .sort((a, b) => b.calls - a.calls);
  return {
    source: e.source,
    target: e.target,
    calls,
    retries,
    retryRate,
    timeouts,
    timeoutRate: calls ? timeouts / calls : 0,
    rejected,
    rejectedRate: calls ? rejected / calls : 0,
    storm: retries >= STORM_MIN_RETRIES && retryRate >= STORM_MIN_RATIO,
    versions,
  };
}

/** One edge: traffic split by the callee's version and resilience signals. */
export function edgeReleases(store: ReadStore, input: { source: string; target: string; from?: number; to?: number }): EdgeReleases {
  const { from, to } = windowOf(input);
  const byName = coverageByName(store, from, to);
  const covers = (source: string) => byName.get(source) ?? widestCoverage([], from, to);
  return store.timed('edge.releases', () => {
    const ids = serviceIds(store, input.source);
    const { calls, sampled } = ids.length ? readCalls(store, ids, from, to) : { calls: [], sampled: false };
    const edge = byEdge(calls).get(`${input.source}\u0000${input.target}`) ?? { source: input.source, target: input.target, calls: [] };
    return { ...summarize(edge, covers), from, to, sampled };
  });
}

/** Every edge with a traffic split (a callee answering in several versions) or resilience signals, for the map. */
export function mapReleases(store: ReadStore, input: { from?: number; to?: number }): MapReleases {
  const { from, to } = windowOf(input);
  const byName = coverageByName(store, from, to);
  const covers = (source: string) => byName.get(source) ?? widestCoverage([], from, to);
  return store.timed('map.releases', () => {
    const { calls, sampled } = readCalls(store, null, from, to);
    const edges = [...byEdge(calls).values()]
      .map((e) => summarize(e, covers))
      .filter((e) => e.versions.length > 1 || e.retries > 0 || e.timeouts > 0 || e.rejected > 0)
      .map((e) => ({ ...e, versions: e.versions.map((v) => ({ version: v.version, share: v.share, errorRate: v.errorRate })) }));
    return { from, to, sampled, edges };
  });
}
