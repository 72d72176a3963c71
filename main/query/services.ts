// Services and their request signals, read from the per-minute rollups (never from spans).
import type { ServiceSummary } from '../../common/api/service-schemas';
import { type ReadStore, dataMinutesOf, windowOf } from './read-store';
import { coverageByService, widestCoverage } from './coverage';
import { rateOver } from './red';
import { type PartSum, addPart, histOf, newPartSum, openFromNow, partsOf, signalsOfSum } from './rollup-parts';

interface ServiceRow {
  id: number;
  name: string;
  namespace: string;
  last_seen_ms: number;
}

export interface SloSummary {
  burn: number;
  alert: 'page' | 'ticket' | null;
}

/** Requests a window needs before its p95 is compared with another's: fewer is noise. */
export const MIN_REQUESTS_FOR_BASELINE = 50;

/** p95 per service over minutes [m0, m1] from the service rollups (null on thin traffic). */
function p95ByService(store: ReadStore, m0: number, m1: number, openFrom: number): Map<number, number | null> {
  const sums = new Map<number, PartSum>();
  partsOf(store).services.collect(m0, m1, openFrom, (id, p) => {
    let sum = sums.get(id);
    if (!sum) sums.set(id, (sum = newPartSum()));
    addPart(sum, p);
  });
  const out = new Map<number, number | null>();
  for (const [id, sum] of sums) {
    const h = histOf(sum);
    out.set(id, h.total >= MIN_REQUESTS_FOR_BASELINE ? h.quantileMs(0.95) : null);
  }
  return out;
}

export function listServices(
  store: ReadStore,
  input: { from?: number; to?: number; sparkline?: number },
  slos: ReadonlyMap<string, SloSummary> = new Map(),
): ServiceSummary[] {
  const { from, to } = windowOf(input);
  const m0 = Math.floor(from / 60_000);
  const m1 = Math.floor(to / 60_000);
  return store.timed('services.list', () => {
    // Closed minutes come from kept blocks of merged rollups (rollup-parts.ts), the open ones
    // from SQLite: the same parts the map reads.
    const openFrom = openFromNow();
    // The window just before this one, same length: the baseline for latency regressions.
    // Long windows read only the minutes holding data (sparklines keep the window's shape).
    const base = dataMinutesOf(store, m0 - (m1 - m0 + 1), m0 - 1);
    const baseline = p95ByService(store, base.m0, base.m1, openFrom);
    const read = dataMinutesOf(store, m0, m1);
    const services = store
      .stmt('SELECT id, name, namespace, last_seen_ms FROM services')
      .all() as ServiceRow[];
    const versions = new Map<number, string[]>();
    for (const v of store
      .stmt(
        `SELECT service_id, service_version FROM resources
         WHERE last_seen_ms >= ? AND service_version != '' GROUP BY service_id, service_version ORDER BY service_version`,
      )
      .all(from) as Array<{ service_id: number; service_version: string }>) {
      const list = versions.get(v.service_id) ?? [];
      list.push(v.service_version);
      versions.set(v.service_id, list);
    }
    // The minutes the window touches (a window ending on a minute boundary does not touch the next).
    const mLast = Math.max(m0, Math.ceil(to / 60_000) - 1);
    const buckets = Math.max(0, Math.min(input.sparkline ?? 0, mLast - m0 + 1));
    const perBucket = buckets > 0 ? (mLast - m0 + 1) / buckets : 1;
    const bucketOf = (minute: number) => Math.min(buckets - 1, Math.floor((minute - m0) / perBucket));
    // Each bucket's time span: buckets hold one or two minutes when the window does not divide
    // evenly, so sparklines are rates per bucket (not counts) to keep the window's shape.
    const spans = Array.from({ length: buckets }, () => ({ from: Infinity, to: -Infinity }));
    for (let m = m0; m <= mLast && buckets > 0; m++) {
      const b = spans[bucketOf(m)];
      b.from = Math.min(b.from, Math.max(from, m * 60_000));
      b.to = Math.max(b.to, Math.min(to, (m + 1) * 60_000));
    }
    const agg = new Map<number, PartSum & { spans: number; spanErrors: number; spark: number[]; errSpark: number[]; first: number }>();
    partsOf(store).services.collect(read.m0, read.m1, openFrom, (id, p) => {
      store.check();
      let a = agg.get(id);
      if (!a) {
        a = { ...newPartSum(), spans: 0, spanErrors: 0, spark: new Array(buckets).fill(0), errSpark: new Array(buckets).fill(0), first: p.start };
        agg.set(id, a);
      }
      a.spans += p.spans;
      a.spanErrors += p.spanErrors;
      a.first = Math.min(a.first, p.start);
      addPart(a, p);
      if (buckets > 0)
        for (let i = 0; i < p.minuteCalls.length; i++) {
          const minute = p.start + i;
          if (minute < m0 || minute > mLast) continue;
          const b = bucketOf(minute);
          a.spark[b] += p.minuteCalls[i];
          a.errSpark[b] += p.minuteErrors[i];
        }
    });
    const covers = coverageByService(store, from, to, Date.now(), new Map([...agg].map(([id, a]) => [id, a.first])));
    const out: ServiceSummary[] = [];
    for (const s of services) {
      const a = agg.get(s.id);
      if (!a && s.last_seen_ms < from) continue;
      const cover = covers.get(s.id) ?? widestCoverage([], from, to);
      const signals = signalsOfSum(a ?? newPartSum(), cover);
      const summary: ServiceSummary = {
        name: s.name,
        namespace: s.namespace,
        spanCount: a?.spans ?? 0,
        errorCount: a?.spanErrors ?? 0,
        requests: signals.calls,
        requestErrors: signals.errors,
        errorRate: signals.errorRate,
        rps: signals.rps,
        p50Ms: signals.p50Ms,
        p95Ms: signals.p95Ms,
        p99Ms: signals.p99Ms,
        lastSeen: s.last_seen_ms,
        versions: versions.get(s.id) ?? [],
        health: signals.health,
        p95BaselineMs: baseline.get(s.id) ?? null,
        latencyRatio: null,
        sloBurn: slos.get(s.name)?.burn ?? null,
        sloAlert: slos.get(s.name)?.alert ?? null,
        component: null,
        owner: null,
      };
      if (summary.p95Ms !== null && summary.p95BaselineMs && summary.requests >= MIN_REQUESTS_FOR_BASELINE)
        summary.latencyRatio = summary.p95Ms / summary.p95BaselineMs;
      if (buckets > 0) {
        // Per second over the part of each bucket the service's data covers.
        const perSecond = (counts: number[]) =>
          counts.map((n, b) => {
            const lo = Math.max(spans[b].from, cover.fromMs);
            const hi = Math.min(spans[b].to, cover.toMs);
            return hi > lo && n > 0 ? rateOver(n, { fromMs: lo, toMs: hi }) : 0;
          });
        summary.sparkline = perSecond(a?.spark ?? new Array(buckets).fill(0));
        summary.errorSparkline = perSecond(a?.errSpark ?? new Array(buckets).fill(0));
      }
      out.push(summary);
    }
    out.sort((x, y) => y.requests - x.requests || x.name.localeCompare(y.name));
    return out;
  });
}

/** Span names per service for autocomplete: entry operations from rollups, then others sampled from recent spans. */
export function listOperations(
  store: ReadStore,
  input: { from?: number; to?: number; service?: string },
): Array<{ service: string; name: string; calls: number }> {
  const { from, to } = windowOf(input);
  return store.timed('operations.list', () => {
    const rows = store
      .stmt(
        `SELECT s.name AS service, o.name AS name, sum(o.calls) AS calls
         FROM rollup_operation_minute o JOIN services s ON s.id = o.service_id
         WHERE o.minute BETWEEN ? AND ? AND (? IS NULL OR s.name = ?)
         GROUP BY s.name, o.name ORDER BY calls DESC LIMIT 500`,
      )
      .all(Math.floor(from / 60_000), Math.floor(to / 60_000), input.service ?? null, input.service ?? null) as Array<{
      service: string;
      name: string;
      calls: number;
    }>;
    const seen = new Set(rows.map((r) => r.service + '\u0000' + r.name));
    if (input.service) {
      const others = store
        .stmt(
          `SELECT DISTINCT sp.name AS name FROM (
             SELECT name FROM spans WHERE service_id IN (SELECT id FROM services WHERE name = ?) ORDER BY start_ns DESC LIMIT 2000
           ) sp`,
        )
        .all(input.service) as Array<{ name: string }>;
      for (const o of others)
        if (!seen.has(input.service + '\u0000' + o.name)) rows.push({ service: input.service, name: o.name, calls: 0 });
    }
    return rows;
  });
}
