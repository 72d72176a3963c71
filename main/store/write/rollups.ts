// Per-minute rollups kept at ingest, so the map, golden signals and histograms read merges,
// never scans: per service (all spans; requests = entry spans, with latency split into
// successful and failed and HTTP status classes), per operation, per service version, per
// service-map edge, and log records per service and severity band. Only newly stored items
// count, so a re-sent batch changes nothing.
import { isEntrySpan, httpStatusClass } from '../../../common/semconv';
import * as H from '../../../common/latency-histogram';
import type { Db } from '../database';
import { EdgeAggs, EdgeMatcher, type EdgeLookup, type EdgeSpan } from '../edges';
import type { InstanceRollup } from '../instance-rollup';
import { histBlob } from './sql-functions';
import { MINUTE_NS, type ResourceRef } from './state';

interface Agg {
  serviceId: number;
  minute: number;
  /** The operation or version the row is for ('' for the service's own row). */
  name: string;
  spans: number;
  spanErrors: number;
  calls: number;
  errors: number;
  /** Requests by HTTP status class, and failed requests without an HTTP status. */
  http2xx: number;
  http3xx: number;
  http4xx: number;
  http5xx: number;
  otherErrors: number;
  ok: H.Histogram;
  err: H.Histogram;
}

/** A newly stored span with what its rollups need. */
export interface StoredSpan extends EdgeSpan {
  durationNs: number;
}

/** A service's row of one minute, with its operations' and versions' rows of that minute. */
interface ServiceMinute extends Agg {
  ops: Map<string, Agg>;
  versions: Map<string, Agg>;
}

export class Rollups {
  /** By service id, then minute. */
  private serviceMinutes = new Map<number, Map<number, ServiceMinute>>();
  /** The row the last span counted in: a request's spans are mostly one service's, in one minute. */
  private lastServiceMinute: ServiceMinute | null = null;
  private edgeAggs = new EdgeAggs();
  private logMinutes = new Map<string, { serviceId: number; minute: number; band: number; count: number }>();
  private readonly edges = new EdgeMatcher();
  private readonly edgeLookup: EdgeLookup;
  private readonly stmt;

  constructor(
    private readonly db: Db,
    private readonly instances: InstanceRollup,
  ) {
    this.stmt = {
      upsertServiceMinute: db.prepare(
        `INSERT INTO rollup_service_minute (service_id, minute, spans, span_errors, calls, errors, hist_ok, hist_err,
           http_2xx, http_3xx, http_4xx, http_5xx, other_errors) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (minute, service_id) DO UPDATE SET spans = spans + excluded.spans, span_errors = span_errors + excluded.span_errors,
           calls = calls + excluded.calls, errors = errors + excluded.errors,
           http_2xx = http_2xx + excluded.http_2xx, http_3xx = http_3xx + excluded.http_3xx, http_4xx = http_4xx + excluded.http_4xx,
           http_5xx = http_5xx + excluded.http_5xx, other_errors = other_errors + excluded.other_errors,
           hist_ok = loupe_hist_merge(hist_ok, excluded.hist_ok), hist_err = loupe_hist_merge(hist_err, excluded.hist_err)`,
      ),
      upsertOperationMinute: db.prepare(
        `INSERT INTO rollup_operation_minute (service_id, name, minute, calls, errors, hist_ok, hist_err, http_4xx, http_5xx)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (service_id, name, minute) DO UPDATE SET calls = calls + excluded.calls, errors = errors + excluded.errors,
           http_4xx = http_4xx + excluded.http_4xx, http_5xx = http_5xx + excluded.http_5xx,
           hist_ok = loupe_hist_merge(hist_ok, excluded.hist_ok), hist_err = loupe_hist_merge(hist_err, excluded.hist_err)`,
      ),
      upsertVersionMinute: db.prepare(
        `INSERT INTO rollup_version_minute (service_id, version, minute, calls, errors, hist_ok, hist_err) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (service_id, version, minute) DO UPDATE SET calls = calls + excluded.calls, errors = errors + excluded.errors,
           hist_ok = loupe_hist_merge(hist_ok, excluded.hist_ok), hist_err = loupe_hist_merge(hist_err, excluded.hist_err)`,
      ),
      upsertEdge: db.prepare(
        `INSERT INTO rollup_edge_minute (source, target, minute, connection_type, calls, errors, writes, hist_ok, hist_err)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (minute, source, target) DO UPDATE SET calls = calls + excluded.calls, errors = errors + excluded.errors,
           writes = writes + excluded.writes, connection_type = excluded.connection_type,
           hist_ok = loupe_hist_merge(hist_ok, excluded.hist_ok), hist_err = loupe_hist_merge(hist_err, excluded.hist_err)`,
      ),
      upsertLogMinute: db.prepare(
        `INSERT INTO rollup_log_minute (service_id, minute, band, count) VALUES (?, ?, ?, ?)
         ON CONFLICT (minute, service_id, band) DO UPDATE SET count = count + excluded.count`,
      ),
      serverChild: db.prepare(
        `SELECT sv.name AS service, s.is_error AS is_error FROM spans s JOIN services sv ON sv.id = s.service_id
         WHERE s.trace_ref = (SELECT ref FROM traces WHERE trace_id = ?) AND s.parent_span_id = ? AND s.kind IN (2, 5) LIMIT 1`,
      ),
      clientParent: db.prepare(
        `SELECT sv.name AS service, s.is_error AS is_error, s.duration_ns AS duration_ns, s.start_ns / 60000000000 AS minute, s.kind AS kind
         FROM spans s JOIN services sv ON sv.id = s.service_id
         WHERE s.trace_ref = (SELECT ref FROM traces WHERE trace_id = ?) AND s.span_id = ? AND s.kind IN (3, 4)`,
      ),
    };
    const st = this.stmt;
    // Halves of an edge that waited too long for their other half are looked up in the store once.
    this.edgeLookup = {
      serverChildOf(traceId, spanId) {
        const r = st.serverChild.get(traceId, spanId) as { service: string; is_error: number } | undefined;
        return r ? { service: r.service, isError: r.is_error === 1 } : null;
      },
      clientParent(traceId, parentSpanId) {
        const r = st.clientParent.get(traceId, parentSpanId) as
          | { service: string; is_error: number; duration_ns: number; minute: number; kind: number }
          | undefined;
        return r ? { service: r.service, isError: r.is_error === 1, micros: r.duration_ns / 1000, minute: r.minute, kind: r.kind } : null;
      },
    };
  }

  begin(): void {
    this.serviceMinutes = new Map();
    this.lastServiceMinute = null;
    this.edgeAggs = new EdgeAggs();
    this.logMinutes = new Map();
  }

  /** Every span counts for its service; requests entering it also get latency; client and
   * server halves pair into service-map edges. */
  onSpan(r: StoredSpan, res: ResourceRef, receivedMs: number): void {
    const { sp, isError, minute } = r;
    const a = this.serviceMinute(res.serviceId, minute);
    a.spans++;
    if (isError) a.spanErrors++;
    const isEntry = isEntrySpan(sp.kind, sp.parentSpanId !== null);
    if (isEntry) {
      const micros = r.micros;
      const status = sp.hints.httpStatusCode;
      this.instances.onItem(res.id, sp.startNs, minute, isError, micros);
      countRequest(a, isError, micros, status);
      countRequest(namedAgg(a.ops, sp.name), isError, micros, status);
      countRequest(namedAgg(a.versions, res.version), isError, micros, status);
    } else this.instances.onItem(res.id, sp.startNs, minute);
    this.edges.onSpan(r, res.serviceName, this.edgeAggs, receivedMs);
  }

  onLog(serviceId: number, timeNs: bigint, band: number): void {
    const minute = Number(timeNs / MINUTE_NS);
    const key = `${serviceId}:${minute}:${band}`;
    const lm = this.logMinutes.get(key);
    if (lm) lm.count++;
    else this.logMinutes.set(key, { serviceId, minute, band, count: 1 });
  }

  /** Writes what the transaction accumulated; returns the oldest minute it changed, or null. */
  flush(receivedMs: number): number | null {
    const s = this.stmt;
    const minutes: ServiceMinute[] = [];
    for (const byMinute of this.serviceMinutes.values())
      for (const a of byMinute.values()) {
        minutes.push(a);
        s.upsertServiceMinute.run(a.serviceId, a.minute, a.spans, a.spanErrors, a.calls, a.errors, histBlob(a.ok), histBlob(a.err), a.http2xx, a.http3xx, a.http4xx, a.http5xx, a.otherErrors);
        for (const o of a.ops.values()) s.upsertOperationMinute.run(a.serviceId, o.name, a.minute, o.calls, o.errors, histBlob(o.ok), histBlob(o.err), o.http4xx, o.http5xx);
        for (const v of a.versions.values()) s.upsertVersionMinute.run(a.serviceId, v.name, a.minute, v.calls, v.errors, histBlob(v.ok), histBlob(v.err));
      }
    this.edges.expire(receivedMs, this.edgeLookup, this.edgeAggs);
    this.writeEdges(this.edgeAggs);
    for (const l of this.logMinutes.values()) s.upsertLogMinute.run(l.serviceId, l.minute, l.band, l.count);
    return oldestMinute([minutes, this.logMinutes.values(), this.edgeAggs.values()]);
  }

  /** Settles service-map halves that waited too long for their other half (run between
   * writes); returns the oldest minute it changed, or null. */
  tick(nowMs: number): number | null {
    return this.db.transaction(() => {
      const edgeAggs = new EdgeAggs();
      this.edges.expire(nowMs, this.edgeLookup, edgeAggs);
      this.writeEdges(edgeAggs);
      return oldestMinute([edgeAggs.values()]);
    })();
  }

  private serviceMinute(serviceId: number, minute: number): ServiceMinute {
    const last = this.lastServiceMinute;
    if (last !== null && last.serviceId === serviceId && last.minute === minute) return last;
    let byMinute = this.serviceMinutes.get(serviceId);
    if (byMinute === undefined) this.serviceMinutes.set(serviceId, (byMinute = new Map()));
    let a = byMinute.get(minute);
    if (a === undefined) byMinute.set(minute, (a = { ...newAgg(serviceId, minute, ''), ops: new Map(), versions: new Map() }));
    return (this.lastServiceMinute = a);
  }

  private writeEdges(edgeAggs: EdgeAggs): void {
    for (const e of edgeAggs.values())
      this.stmt.upsertEdge.run(e.source, e.target, e.minute, e.connectionType, e.calls, e.errors, e.writes, histBlob(e.ok), histBlob(e.err));
  }
}

function oldestMinute(groups: Array<Iterable<{ minute: number }>>): number | null {
  let oldest: number | null = null;
  for (const g of groups) for (const m of g) if (oldest === null || m.minute < oldest) oldest = m.minute;
  return oldest;
}

function newAgg(serviceId: number, minute: number, name: string): Agg {
  return { serviceId, minute, name, spans: 0, spanErrors: 0, calls: 0, errors: 0, http2xx: 0, http3xx: 0, http4xx: 0, http5xx: 0, otherErrors: 0, ok: new Map(), err: new Map() };
}

/** An operation's or version's row within its service's minute. */
function namedAgg(map: Map<string, Agg>, name: string): Agg {
  let a = map.get(name);
  if (a === undefined) map.set(name, (a = newAgg(0, 0, name)));
  return a;
}

function countRequest(a: Agg, isError: boolean, micros: number, httpStatus: number | undefined): void {
  a.calls++;
  if (isError) {
    a.errors++;
    H.record(a.err, micros);
  } else H.record(a.ok, micros);
  switch (httpStatusClass(httpStatus)) {
    case '2xx':
      a.http2xx++;
      break;
    case '3xx':
      a.http3xx++;
      break;
    case '4xx':
      a.http4xx++;
      break;
    case '5xx':
      a.http5xx++;
      break;
    default:
      if (isError) a.otherErrors++;
  }
}
