// The four golden signals of one service (Google SRE): latency (successful and failed
// requests apart), traffic, errors (by status class) and saturation — from the rollups, plus
// the service's own resource metrics for saturation. Also its operations, callers, callees
// and versions, each with rate/errors/duration.
import type { EdgeSignals, GoldenSignals } from '../../common/api/service-schemas';
import * as H from '../../common/latency-histogram';
import { type Coverage, type RedAcc, addRollup, newRed, redOf, serviceSignals } from './red';
import { coverageByName, coverageByService, widestCoverage } from './coverage';
import { type ConnectionType, nodeTypeOf } from '../../common/service-map';
import { MAX_POINTS, type ReadStore, dataMinutesOf, msToNs, serviceIds, windowOf } from './read-store';
import { QueryError } from './traces';


/** Saturation metrics we know how to read, by name; `ratio` ones are averaged, others summed. */
const SATURATION: Array<{ match: (name: string) => boolean; label: string; ratio?: boolean; rate?: boolean; attr?: [string, string] }> = [
  { match: (n) => n === 'process.cpu.utilization' || n === 'system.cpu.utilization', label: 'CPU utilization', ratio: true },
  { match: (n) => n === 'process.cpu.time', label: 'CPU time (cores)', rate: true },
  { match: (n) => n === 'process.memory.usage' || n === 'process.runtime.jvm.memory.usage', label: 'Memory (RSS)' },
  { match: (n) => n === 'v8js.memory.heap.used' || n === 'jvm.memory.used', label: 'Heap used' },
  { match: (n) => n === 'nodejs.eventloop.utilization', label: 'Event loop utilization', ratio: true },
  { match: (n) => n === 'nodejs.eventloop.delay.p99', label: 'Event loop delay p99', ratio: true },
  { match: (n) => n === 'db.client.connection.count' || n === 'db.client.connections.usage', label: 'DB pool in use', attr: ['db.client.connection.state', 'used'] },
  { match: (n) => n === 'http.server.active_requests', label: 'In-flight requests' },
  { match: (n) => /queue[._](depth|size|length)$/.test(n), label: 'Queue depth' },
];

interface RollupRow {
  minute: number;
  calls: number;
  errors: number;
  hist_ok: Buffer | null;
  hist_err: Buffer | null;
  http_2xx?: number;
  http_3xx?: number;
  http_4xx?: number;
  http_5xx?: number;
  other_errors?: number;
}

/** Rollup rows bucketed into steps: rate, errors, and latency of successful and failed
 * requests apart. Rows without status classes (edges) count their errors as "other". */
class SignalSeries {
  private readonly buckets: Array<{
    requests: number;
    errors: number;
    ok: H.DenseHistogram;
    err: H.DenseHistogram;
    http2xx: number;
    http3xx: number;
    http4xx: number;
    http5xx: number;
    otherErrors: number;
  }>;

  constructor(
    private readonly m0: number,
    private readonly stepMinutes: number,
    count: number,
  ) {
    this.buckets = Array.from({ length: count }, () => ({
      requests: 0,
      errors: 0,
      ok: new H.DenseHistogram(),
      err: new H.DenseHistogram(),
      http2xx: 0,
      http3xx: 0,
      http4xx: 0,
      http5xx: 0,
      otherErrors: 0,
    }));
  }

  add(r: RollupRow): void {
    if (r.minute < this.m0) return;
    const b = this.buckets[Math.min(this.buckets.length - 1, Math.floor((r.minute - this.m0) / this.stepMinutes))];
    b.requests += r.calls;
    b.errors += r.errors;
    b.ok.addEncoded(r.hist_ok);
    b.err.addEncoded(r.hist_err);
    b.http2xx += r.http_2xx ?? 0;
    b.http3xx += r.http_3xx ?? 0;
    b.http4xx += r.http_4xx ?? 0;
    b.http5xx += r.http_5xx ?? 0;
    b.otherErrors += r.other_errors ?? r.errors;
  }

  points(): GoldenSignals['series'] {
    const stepSeconds = this.stepMinutes * 60;
    return this.buckets.map((b, i) => ({
      time: (this.m0 + i * this.stepMinutes) * 60_000,
      requests: b.requests,
      rps: b.requests / stepSeconds,
      errors: b.errors,
      errorRate: b.requests ? b.errors / b.requests : 0,
      okP50Ms: b.ok.quantileMs(0.5),
      okP95Ms: b.ok.quantileMs(0.95),
      okP99Ms: b.ok.quantileMs(0.99),
      errP50Ms: b.err.quantileMs(0.5),
      errP95Ms: b.err.quantileMs(0.95),
      errP99Ms: b.err.quantileMs(0.99),
      http2xx: b.http2xx,
      http3xx: b.http3xx,
      http4xx: b.http4xx,
      http5xx: b.http5xx,
      otherErrors: b.otherErrors,
    }));
  }
}

/**
 * Minute range and buckets of a window (rollups are per minute). Long windows are clamped to
 * the minutes holding data and steps coarsened to at most MAX_POINTS buckets; `notice` says
 * so. Rates are per second of the part of the window the data covers (./coverage).
 */
function stepsOf(store: ReadStore, input: { from?: number; to?: number; step?: number }) {
  const w = windowOf(input);
  const { m0, m1, clamped } = dataMinutesOf(store, Math.floor(w.from / 60_000), Math.floor(w.to / 60_000));
  const from = clamped ? m0 * 60_000 : w.from;
  const to = clamped ? Math.max(from, Math.min(w.to, (m1 + 1) * 60_000 - 1)) : w.to;
  const minutes = m1 - m0 + 1;
  const asked = Math.max(1, input.step ? Math.round(input.step / 60) : Math.ceil(minutes / 60));
  const stepMinutes = Math.max(asked, Math.ceil(minutes / MAX_POINTS));
  const notes: string[] = [];
  if (clamped) notes.push(`the window was clamped to the data stored (${new Date(from).toISOString()} to ${new Date(to).toISOString()})`);
  if (stepMinutes > asked) notes.push(`the step was coarsened from ${asked * 60} s to ${stepMinutes * 60} s to stay within ${MAX_POINTS} points`);
  const notice = notes.length ? notes.join('; ') : undefined;
  return { window: w, from, to, m0, m1, stepMinutes, buckets: Math.ceil(minutes / stepMinutes), notice };
}

export function goldenSignals(store: ReadStore, input: { name: string; from?: number; to?: number; step?: number }): GoldenSignals {
  if (nodeTypeOf(input.name) !== 'service' || serviceIds(store, input.name).length === 0) return peerSignals(store, input);
  const { window: w, from, to, m0, m1, stepMinutes, buckets, notice } = stepsOf(store, input);
  const ids = serviceIds(store, input.name);
  const idList = ids.map(() => '?').join(',');

  return store.timed('services.goldenSignals', () => {
    const covers = coverageByService(store, w.from, w.to);
    const cover = widestCoverage(ids.map((id) => covers.get(id)), w.from, w.to);
    const series = new SignalSeries(m0, stepMinutes, buckets);
    const total = newRed();
    for (const r of store
      .stmt(
        `SELECT minute, calls, errors, hist_ok, hist_err, http_2xx, http_3xx, http_4xx, http_5xx, other_errors
         FROM rollup_service_minute WHERE service_id IN (${idList}) AND minute BETWEEN ? AND ?`,
      )
      .all(...ids, m0, m1) as RollupRow[]) {
      store.check();
      series.add(r);
      addRollup(total, r.calls, r.errors, r.hist_ok, r.hist_err);
    }

    const ops = new Map<string, RedAcc & { http4xx: number; http5xx: number }>();
    for (const r of store
      .stmt(
        `SELECT name, calls, errors, hist_ok, hist_err, http_4xx, http_5xx FROM rollup_operation_minute
         WHERE service_id IN (${idList}) AND minute BETWEEN ? AND ?`,
      )
      .all(...ids, m0, m1) as Array<{ name: string; calls: number; errors: number; hist_ok: Buffer | null; hist_err: Buffer | null; http_4xx: number; http_5xx: number }>) {
      let o = ops.get(r.name);
      if (!o) ops.set(r.name, (o = { ...newRed(), http4xx: 0, http5xx: 0 }));
      addRollup(o, r.calls, r.errors, r.hist_ok, r.hist_err);
      o.http4xx += r.http_4xx;
      o.http5xx += r.http_5xx;
    }

    const peers = (column: 'source' | 'target') => {
      const other = column === 'source' ? 'target' : 'source';
      const map = new Map<string, RedAcc & { type: string }>();
      for (const r of store
        .stmt(
          `SELECT ${other} AS peer, connection_type AS type, calls, errors, hist_ok, hist_err FROM rollup_edge_minute
           WHERE ${column} = ? AND minute BETWEEN ? AND ?`,
        )
        .all(input.name, m0, m1) as Array<{ peer: string; type: string; calls: number; errors: number; hist_ok: Buffer | null; hist_err: Buffer | null }>) {
        let p = map.get(r.peer);
        if (!p) map.set(r.peer, (p = { ...newRed(), type: r.type }));
        addRollup(p, r.calls, r.errors, r.hist_ok, r.hist_err);
      }
      return map;
    };

    const versions = new Map<string, RedAcc & { firstSeen: number; lastSeen: number }>();
    const firstMinute = new Map<string, number>();
    for (const r of store
      .stmt(
        `SELECT service_version AS version, min(first_seen_ms) AS first_seen, max(last_seen_ms) AS last_seen FROM resources
         WHERE service_id IN (${idList}) AND last_seen_ms >= ? GROUP BY service_version`,
      )
      .all(...ids, from) as Array<{ version: string; first_seen: number; last_seen: number }>)
      versions.set(r.version, { ...newRed(), firstSeen: r.first_seen, lastSeen: r.last_seen });
    for (const r of store
      .stmt(
        `SELECT version, minute, calls, errors, hist_ok, hist_err FROM rollup_version_minute
         WHERE service_id IN (${idList}) AND minute BETWEEN ? AND ?`,
      )
      .all(...ids, m0, m1) as Array<{ version: string; minute: number; calls: number; errors: number; hist_ok: Buffer | null; hist_err: Buffer | null }>) {
      let v = versions.get(r.version);
      if (!v) versions.set(r.version, (v = { ...newRed(), firstSeen: 0, lastSeen: 0 }));
      addRollup(v, r.calls, r.errors, r.hist_ok, r.hist_err);
      firstMinute.set(r.version, Math.min(firstMinute.get(r.version) ?? Infinity, r.minute));
    }
    // A version rolled out mid-window is rated from its first minute in the window (a canary that
    // began 10 minutes ago is not divided by the whole hour); the others over the service's span.
    const versionCover = (version: string): Coverage => {
      const first = firstMinute.get(version);
      if (first === undefined || first <= m0) return cover;
      return { fromMs: Math.min(cover.toMs, Math.max(cover.fromMs, first * 60_000)), toMs: cover.toMs };
    };

    return {
      service: input.name,
      from,
      to,
      stepMs: stepMinutes * 60_000,
      ...(notice ? { notice } : {}),
      totals: serviceSignals(total, cover),
      series: series.points(),
      saturation: saturation(store, ids, from, to, m0, stepMinutes, buckets),
      operations: [...ops]
        .map(([name, o]) => ({ name, ...redOf(o, cover), http4xx: o.http4xx, http5xx: o.http5xx }))
        .sort((a, b) => b.calls - a.calls),
      upstream: [...peers('target')]
        .map(([service, p]) => ({ service, connectionType: p.type, ...redOf(p, cover) }))
        .sort((a, b) => b.calls - a.calls),
      downstream: [...peers('source')]
        .map(([service, p]) => ({ service, type: nodeTypeOf(service), connectionType: p.type, ...redOf(p, cover) }))
        .sort((a, b) => b.calls - a.calls),
      versions: [...versions]
        .map(([version, v]) => ({ version, firstSeen: v.firstSeen, lastSeen: v.lastSeen, ...redOf(v, versionCover(version)) }))
        .sort((a, b) => b.lastSeen - a.lastSeen || a.version.localeCompare(b.version)),
    };
  });
}

function saturation(store: ReadStore, ids: number[], from: number, to: number, m0: number, stepMinutes: number, buckets: number): GoldenSignals['saturation'] {
  const idList = ids.map(() => '?').join(',');
  const series = store
    .stmt(
      `SELECT id, name, kind, unit, monotonic, attributes FROM metric_series
       WHERE service_id IN (${idList}) AND last_seen_ms >= ? AND kind IN ('gauge', 'sum')`,
    )
    .all(...ids, from) as Array<{ id: number; name: string; kind: string; unit: string; monotonic: number; attributes: string }>;
  const points = store.stmt('SELECT time_ns, value FROM metric_points WHERE series_id = ? AND time_ns BETWEEN ? AND ? ORDER BY time_ns');
  const out: GoldenSignals['saturation'] = [];
  for (const rule of SATURATION) {
    const matching = series.filter((s) => {
      if (!rule.match(s.name)) return false;
      if (!rule.attr) return true;
      const attrs = JSON.parse(s.attributes) as Record<string, unknown>;
      return !(rule.attr[0] in attrs) || attrs[rule.attr[0]] === rule.attr[1];
    });
    if (matching.length === 0) continue;
    // Latest value per series per bucket (rates for cumulative counters), then combined.
    const perBucket: Array<number[]> = Array.from({ length: buckets }, () => []);
    for (const s of matching) {
      const rows = points.all(s.id, msToNs(from), msToNs(to)) as Array<{ time_ns: number; value: number | null }>;
      const latest = new Map<number, { t: number; v: number }>();
      const first = new Map<number, { t: number; v: number }>();
      for (const p of rows) {
        if (p.value === null) continue;
        const t = p.time_ns / 1e6;
        const b = Math.min(buckets - 1, Math.max(0, Math.floor((t / 60_000 - m0) / stepMinutes)));
        latest.set(b, { t, v: p.value });
        if (!first.has(b)) first.set(b, { t, v: p.value });
      }
      for (const [b, l] of latest) {
        if (rule.rate) {
          const f = first.get(b)!;
          if (l.t > f.t) perBucket[b].push((l.v - f.v) / ((l.t - f.t) / 1000));
        } else perBucket[b].push(l.v);
      }
    }
    const pts: Array<{ time: number; value: number }> = [];
    perBucket.forEach((vals, i) => {
      if (vals.length === 0) return;
      const sum = vals.reduce((a, b) => a + b, 0);
      pts.push({ time: (m0 + i * stepMinutes) * 60_000, value: rule.ratio ? sum / vals.length : sum });
    });
    if (pts.length) out.push({ metric: matching[0].name, label: rule.label, unit: rule.rate ? 'cores' : matching[0].unit, points: pts });
  }
  return out;
}

/**
 * A node that sends no telemetry of its own (a database, a queue, an external peer, or a
 * service known only through peer.service): its signals are what its callers saw.
 */
function peerSignals(store: ReadStore, input: { name: string; from?: number; to?: number; step?: number }): GoldenSignals {
  const { window: w, from, to, m0, m1, stepMinutes, buckets, notice } = stepsOf(store, input);
  return store.timed('services.peerSignals', () => {
    const covers = coverageByName(store, w.from, w.to);
    const rows = store
      .stmt(
        `SELECT source, connection_type AS type, minute, calls, errors, hist_ok, hist_err FROM rollup_edge_minute
         WHERE target = ? AND minute BETWEEN ? AND ?`,
      )
      .all(input.name, m0, m1) as Array<RollupRow & { source: string; type: string }>;
    if (rows.length === 0 && store.pluck('SELECT 1 FROM rollup_edge_minute WHERE target = ? LIMIT 1').get(input.name) === undefined)
      throw new QueryError('not_found', `no service or peer named "${input.name}"`, 404);
    const series = new SignalSeries(m0, stepMinutes, buckets);
    const total = newRed();
    const callers = new Map<string, RedAcc & { type: string }>();
    for (const r of rows) {
      store.check();
      series.add(r);
      addRollup(total, r.calls, r.errors, r.hist_ok, r.hist_err);
      let c = callers.get(r.source);
      if (!c) callers.set(r.source, (c = { ...newRed(), type: r.type }));
      addRollup(c, r.calls, r.errors, r.hist_ok, r.hist_err);
    }
    // A peer is rated over the span its callers' data covers.
    const cover = widestCoverage([...callers.keys()].map((c) => covers.get(c)), w.from, w.to);
    return {
      service: input.name,
      from,
      to,
      stepMs: stepMinutes * 60_000,
      ...(notice ? { notice } : {}),
      totals: serviceSignals(total, cover),
      series: series.points(),
      saturation: [],
      operations: [],
      upstream: [...callers]
        .map(([service, c]) => ({ service, connectionType: c.type, ...redOf(c, covers.get(service) ?? cover) }))
        .sort((a, b) => b.calls - a.calls),
      downstream: [],
      versions: [],
    };
  });
}

/** One edge of the map over time: what the caller saw of its calls to the callee. */
export function edgeSignals(store: ReadStore, input: { source: string; target: string; from?: number; to?: number; step?: number }): EdgeSignals {
  const { window: w, from, to, m0, m1, stepMinutes, buckets, notice } = stepsOf(store, input);
  return store.timed('map.edge', () => {
    // What the caller saw: rated over the span the caller's data covers.
    const cover = coverageByName(store, w.from, w.to).get(input.source) ?? widestCoverage([], w.from, w.to);
    const rows = store
      .stmt(
        `SELECT connection_type AS type, minute, calls, errors, hist_ok, hist_err FROM rollup_edge_minute
         WHERE source = ? AND target = ? AND minute BETWEEN ? AND ?`,
      )
      .all(input.source, input.target, m0, m1) as Array<RollupRow & { type: ConnectionType }>;
    const series = new SignalSeries(m0, stepMinutes, buckets);
    const total = newRed();
    for (const r of rows) {
      store.check();
      series.add(r);
      addRollup(total, r.calls, r.errors, r.hist_ok, r.hist_err);
    }
    return {
      source: input.source,
      target: input.target,
      connectionType: rows[0]?.type ?? null,
      from,
      to,
      stepMs: stepMinutes * 60_000,
      ...(notice ? { notice } : {}),
      totals: redOf(total, cover),
      series: series.points(),
    };
  });
}
