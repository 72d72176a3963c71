// The single writer: turns normalized batches into rows, trace summaries and rollups in one
// transaction per group of batches. Only rows that were actually inserted count towards
// summaries and rollups, so a re-sent batch changes nothing.
import { createHash } from 'node:crypto';
import type { Db } from './database';
import { severityBand } from '../../common/model';
import type {
  LogRecordRow,
  MetricRecord,
  ResourceGroup,
  ResourceRecord,
  ScopeRecord,
  SpanRecord,
  TelemetryBatch,
} from '../../common/model';
import { isEntrySpan, isErrorSpan } from '../../common/semconv';
import * as H from '../../common/latency-histogram';
import { hash53 } from './hash';
import { EdgeMatcher, type EdgeAgg, type EdgeLookup } from './edges';
import { ExemplarWriter } from './exemplars';
import { httpStatusClass } from '../../common/semconv';
import { InstanceRollup } from './instance-rollup';

export type TableName = 'spans' | 'traces' | 'logs' | 'metrics' | 'services' | 'rollups';

export interface WriteResult {
  spans: number;
  logs: number;
  metricPoints: number;
  /** Items that were already stored (re-sent). */
  duplicates: number;
  rejected: number;
  traces: number;
  /** Services that received data in this write. */
  services: string[];
  tables: TableName[];
  /** New and duplicate item counts per input batch, in order. */
  perBatch: Array<{ stored: number; duplicates: number }>;
  /** Traces that gained spans (hex, at most MAX_EVENT_TRACE_IDS), and the newest log id. */
  traceIds: string[];
  lastLogId: number;
  /** The oldest minute whose rollups this commit changed (null when none): readers drop
   * merged rollups from there on. */
  oldestMinute: number | null;
}

/** Trace ids a live-update event names at most (a view can tell whether its trace changed). */
export const MAX_EVENT_TRACE_IDS = 200;

interface Agg {
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

interface TraceAgg {
  traceId: Buffer;
  startNs: bigint;
  endNs: bigint;
  rootService: string;
  rootName: string;
  rootStart: bigint;
  hasRoot: boolean;
  spans: number;
  errors: number;
  services: Set<string>;
}

type MinuteAgg = Agg & { serviceId: number; minute: number };
type NamedMinuteAgg = MinuteAgg & { name: string };

/** What one transaction accumulates before its summaries and rollups are written. */
interface WriteState {
  result: WriteResult;
  receivedMs: number;
  touched: Map<number, { name: string; lastNs: bigint }>;
  traces: Map<string, TraceAgg>;
  serviceMinutes: Map<string, NamedMinuteAgg>;
  opMinutes: Map<string, NamedMinuteAgg>;
  versionMinutes: Map<string, NamedMinuteAgg>;
  seriesSeen: Map<number, number>;
  edgeAggs: Map<string, EdgeAgg>;
  /** Log records per service, minute and severity band. */
  logMinutes: Map<string, { serviceId: number; minute: number; band: number; count: number }>;
}

/** A span on its way into the table, with what its derivations need. */
interface PendingSpan {
  sp: SpanRecord;
  traceId: Buffer;
  spanId: Buffer;
  parentId: Buffer | null;
  scopeId: number;
  durationNs: number;
  isError: boolean;
}

export function asBuffer(u8: Uint8Array): Buffer;
export function asBuffer(u8: Uint8Array | null): Buffer | null;
export function asBuffer(u8: Uint8Array | null): Buffer | null {
  if (u8 === null) return null;
  return Buffer.isBuffer(u8) ? u8 : Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

const MINUTE_NS = 60_000_000_000n;

const SPAN_COLUMNS = [
  'trace_id', 'span_id', 'parent_span_id', 'service_id', 'resource_id', 'scope_id', 'name', 'kind',
  'start_ns', 'end_ns', 'duration_ns', 'status_code', 'status_message', 'is_error', 'trace_state', 'flags',
  'attributes', 'events', 'links', 'dropped_attributes_count', 'dropped_events_count', 'dropped_links_count', 'received_ms',
].join(',');

export class StoreWriter {
  private readonly services = new Map<string, number>();
  private readonly resources = new Map<string, { id: number; serviceId: number; serviceName: string; version: string }>();
  private readonly scopes = new Map<string, number>();
  private readonly series = new Map<string, number>();
  private readonly edges = new EdgeMatcher();
  private readonly exemplars: ExemplarWriter;
  private readonly edgeLookup: EdgeLookup;
  private readonly instances: InstanceRollup;
  private readonly stmt;
  private readonly writeTx: (batches: TelemetryBatch[], receivedMs: number) => WriteResult;


  /** `rollups: false` stores spans and trace summaries only — the benchmark's baseline for
   * what the rollups cost at ingest. */
  constructor(
    private readonly db: Db,
    private readonly options: { rollups?: boolean } = {},
  ) {
    registerFunctions(db);
    this.instances = new InstanceRollup(db);
    this.exemplars = new ExemplarWriter(db);
    this.stmt = {
      insertService: db.prepare(
        'INSERT INTO services (name, namespace, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?) ON CONFLICT (name, namespace) DO NOTHING',
      ),
      selectService: db.prepare('SELECT id FROM services WHERE name = ? AND namespace = ?').pluck(),
      touchService: db.prepare('UPDATE services SET last_seen_ms = max(last_seen_ms, ?) WHERE id = ?'),
      touchResource: db.prepare('UPDATE resources SET last_seen_ms = ? WHERE id = ? AND last_seen_ms < ?'),
      insertResource: db.prepare(
        `INSERT INTO resources (hash, service_id, service_version, environment, attributes, dropped_attributes_count, schema_url, first_seen_ms, last_seen_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO UPDATE SET last_seen_ms = excluded.last_seen_ms RETURNING id`,
      ).pluck(),
      insertScope: db.prepare(
        `INSERT INTO scopes (hash, name, version, attributes, dropped_attributes_count, schema_url) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (hash) DO UPDATE SET name = excluded.name RETURNING id`,
      ).pluck(),
      insertSpan: db.prepare(`INSERT OR IGNORE INTO spans (${SPAN_COLUMNS}) VALUES (${SPAN_COLUMNS.split(',').map(() => '?').join(',')})`),
      upsertTrace: db.prepare(
        `INSERT INTO traces (trace_id, start_ns, end_ns, root_service, root_name, has_root, span_count, error_count, services, first_received_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (trace_id) DO UPDATE SET
           start_ns = min(start_ns, excluded.start_ns),
           end_ns = max(end_ns, excluded.end_ns),
           root_service = CASE
             WHEN excluded.has_root AND NOT has_root THEN excluded.root_service
             WHEN NOT excluded.has_root AND NOT has_root AND excluded.start_ns < start_ns THEN excluded.root_service
             ELSE root_service END,
           root_name = CASE
             WHEN excluded.has_root AND NOT has_root THEN excluded.root_name
             WHEN NOT excluded.has_root AND NOT has_root AND excluded.start_ns < start_ns THEN excluded.root_name
             ELSE root_name END,
           has_root = max(has_root, excluded.has_root),
           span_count = span_count + excluded.span_count,
           error_count = error_count + excluded.error_count,
           services = loupe_merge_services(services, excluded.services)`,
      ),
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
      insertLog: db.prepare(
        `INSERT OR IGNORE INTO logs (time_ns, observed_ns, severity_number, severity_text, body, body_is_json, trace_id, span_id,
           flags, event_name, service_id, resource_id, scope_id, attributes, dropped_attributes_count, dedup, received_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertLogFts: db.prepare('INSERT INTO logs_fts (rowid, body) VALUES (?, ?)'),
      insertSeries: db.prepare(
        `INSERT INTO metric_series (hash, name, kind, unit, description, temporality, monotonic, service_id, resource_id, scope_id,
           attributes, first_seen_ms, last_seen_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO UPDATE SET last_seen_ms = excluded.last_seen_ms RETURNING id`,
      ).pluck(),
      touchSeries: db.prepare('UPDATE metric_series SET last_seen_ms = max(last_seen_ms, ?) WHERE id = ?'),
      insertPoint: db.prepare(
        `INSERT OR IGNORE INTO metric_points (series_id, time_ns, start_ns, value, is_int, count, sum, min, max, detail, flags, received_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      upsertLogMinute: db.prepare(
        `INSERT INTO rollup_log_minute (service_id, minute, band, count) VALUES (?, ?, ?, ?)
         ON CONFLICT (minute, service_id, band) DO UPDATE SET count = count + excluded.count`,
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
      serverChild: db.prepare(
        `SELECT sv.name AS service, s.is_error AS is_error FROM spans s JOIN services sv ON sv.id = s.service_id
         WHERE s.trace_id = ? AND s.parent_span_id = ? AND s.kind IN (2, 5) LIMIT 1`,
      ),
      clientParent: db.prepare(
        `SELECT sv.name AS service, s.is_error AS is_error, s.duration_ns AS duration_ns, s.start_ns / 60000000000 AS minute, s.kind AS kind
         FROM spans s JOIN services sv ON sv.id = s.service_id WHERE s.trace_id = ? AND s.span_id = ? AND s.kind IN (3, 4)`,
      ),
      bumpStat: db.prepare(
        'INSERT INTO ingest_stats (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = value + excluded.value',
      ),
      insertError: db.prepare('INSERT INTO ingest_errors (time_ms, source, message) VALUES (?, ?, ?)'),
      trimErrors: db.prepare('DELETE FROM ingest_errors WHERE id <= (SELECT max(id) FROM ingest_errors) - 500'),
    };
    this.writeTx = db.transaction((batches: TelemetryBatch[], receivedMs: number) => this.writeAll(batches, receivedMs));

    const st = this.stmt;
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

  /** Settles service-map halves that waited too long for their other half (run between
   * writes); returns the oldest minute it changed, or null. */
  tick(nowMs = Date.now()): number | null {
    return this.db.transaction(() => {
      const edgeAggs = new Map<string, EdgeAgg>();
      this.edges.expire(nowMs, this.edgeLookup, edgeAggs);
      this.writeEdges(edgeAggs);
      return oldestMinute([edgeAggs.values()]);
    })();
  }

  private writeEdges(edgeAggs: Map<string, EdgeAgg>): void {
    for (const e of edgeAggs.values())
      this.stmt.upsertEdge.run(e.source, e.target, e.minute, e.connectionType, e.calls, e.errors, e.writes, histBlob(e.ok), histBlob(e.err));
  }

  /** Writes batches in one transaction. When it fails, the identity caches are dropped: they
   * may name rows the rolled-back transaction had inserted. */
  write(batches: TelemetryBatch[], receivedMs = Date.now()): WriteResult {
    try {
      return this.writeTx(batches, receivedMs);
    } catch (e) {
      this.services.clear();
      this.resources.clear();
      this.scopes.clear();
      this.series.clear();
      throw e;
    }
  }

  /** Records rejected input: a whole request that could not be decoded (`malformed`), or
   * item errors (their count goes to 'rejected' with the batch). */
  recordErrors(source: string, messages: string[], rejected: number, malformed = false): void {
    this.db.transaction(() => {
      const now = Date.now();
      for (const m of messages) this.stmt.insertError.run(now, source, m);
      if (rejected > 0) this.stmt.bumpStat.run('rejected', rejected);
      if (malformed) this.stmt.bumpStat.run('malformedRequests', 1);
      this.stmt.trimErrors.run();
    })();
  }

  private writeAll(batches: TelemetryBatch[], receivedMs: number): WriteResult {
    this.instances.discard();
    const result: WriteResult = {
      spans: 0,
      logs: 0,
      metricPoints: 0,
      duplicates: 0,
      rejected: 0,
      traces: 0,
      services: [],
      tables: [],
      perBatch: [],
      traceIds: [],
      lastLogId: 0,
      oldestMinute: null,
    };
    const st: WriteState = {
      result,
      receivedMs,
      touched: new Map(),
      traces: new Map(),
      serviceMinutes: new Map(),
      opMinutes: new Map(),
      versionMinutes: new Map(),
      seriesSeen: new Map(),
      edgeAggs: new Map(),
      logMinutes: new Map(),
    };
    const { touched, traces, serviceMinutes, opMinutes, versionMinutes, seriesSeen, edgeAggs } = st;
    for (const batch of batches) {
      const storedBefore = result.spans + result.logs + result.metricPoints;
      const dupBefore = result.duplicates;
      result.rejected += batch.rejected;
      for (const group of batch.spans) this.writeSpans(group, st);
      for (const group of batch.logs) this.writeLogs(group, st);
      for (const group of batch.metrics) this.writeMetrics(group, receivedMs, result, touched, seriesSeen);
      result.perBatch.push({
        stored: result.spans + result.logs + result.metricPoints - storedBefore,
        duplicates: result.duplicates - dupBefore,
      });
    }
    const s = this.stmt;
    for (const t of traces.values()) {
      s.upsertTrace.run(
        t.traceId,
        t.startNs,
        t.endNs,
        t.rootService,
        t.rootName,
        t.hasRoot ? 1 : 0,
        t.spans,
        t.errors,
        JSON.stringify([...t.services].sort()),
        receivedMs,
      );
    }
    result.traces = traces.size;
    result.traceIds = [...traces.values()].slice(0, MAX_EVENT_TRACE_IDS).map((t) => t.traceId.toString('hex'));
    for (const a of serviceMinutes.values())
      s.upsertServiceMinute.run(
        a.serviceId,
        a.minute,
        a.spans,
        a.spanErrors,
        a.calls,
        a.errors,
        histBlob(a.ok),
        histBlob(a.err),
        a.http2xx,
        a.http3xx,
        a.http4xx,
        a.http5xx,
        a.otherErrors,
      );
    for (const a of opMinutes.values())
      s.upsertOperationMinute.run(a.serviceId, a.name, a.minute, a.calls, a.errors, histBlob(a.ok), histBlob(a.err), a.http4xx, a.http5xx);
    for (const a of versionMinutes.values())
      s.upsertVersionMinute.run(a.serviceId, a.name, a.minute, a.calls, a.errors, histBlob(a.ok), histBlob(a.err));
    this.edges.expire(receivedMs, this.edgeLookup, edgeAggs);
    this.writeEdges(edgeAggs);
    if (edgeAggs.size) result.tables.push('rollups');
    result.oldestMinute = oldestMinute([serviceMinutes.values(), st.logMinutes.values(), edgeAggs.values()]);
    for (const l of st.logMinutes.values()) s.upsertLogMinute.run(l.serviceId, l.minute, l.band, l.count);
    this.instances.flush();
    for (const [id, ms] of seriesSeen) s.touchSeries.run(ms, id);
    for (const [id, t] of touched) {
      s.touchService.run(Number(t.lastNs / 1_000_000n), id);
      result.services.push(t.name);
    }
    if (result.spans) s.bumpStat.run('spans', result.spans);
    if (result.logs) s.bumpStat.run('logs', result.logs);
    if (result.metricPoints) s.bumpStat.run('metricPoints', result.metricPoints);
    if (result.duplicates) s.bumpStat.run('duplicates', result.duplicates);
    if (result.rejected) s.bumpStat.run('rejected', result.rejected);
    const tables = new Set<TableName>();
    if (result.spans) tables.add('spans').add('traces').add('rollups');
    if (result.logs) tables.add('logs');
    if (result.metricPoints) tables.add('metrics');
    if (touched.size) tables.add('services');
    result.tables = [...tables];
    return result;
  }

  private serviceId(name: string, namespace: string, nowMs: number): number {
    const key = namespace + '\u0000' + name;
    let id = this.services.get(key);
    if (id === undefined) {
      this.stmt.insertService.run(name, namespace, nowMs, 0);
      id = this.stmt.selectService.get(name, namespace) as number;
      this.services.set(key, id);
    }
    return id;
  }

  private resource(r: ResourceRecord, nowMs: number): { id: number; serviceId: number; serviceName: string; version: string } {
    const key = `${r.schemaUrl}\u0000${r.droppedAttributesCount}\u0000${r.attributes}`;
    let cached = this.resources.get(key);
    if (cached === undefined) {
      const serviceId = this.serviceId(r.serviceName, r.serviceNamespace, nowMs);
      const hash = createHash('sha1').update(key).digest('hex');
      const id = this.stmt.insertResource.get(
        hash,
        serviceId,
        r.serviceVersion,
        r.environment,
        r.attributes,
        r.droppedAttributesCount,
        r.schemaUrl,
        nowMs,
        nowMs,
      ) as number;
      cached = { id, serviceId, serviceName: r.serviceName, version: r.serviceVersion };
      if (this.resources.size > 50_000) this.resources.clear();
      this.resources.set(key, cached);
    } else this.stmt.touchResource.run(nowMs, cached.id, nowMs);
    return cached;
  }

  private scope(sc: ScopeRecord): number {
    const key = `${sc.name}\u0000${sc.version}\u0000${sc.schemaUrl}\u0000${sc.droppedAttributesCount}\u0000${sc.attributes}`;
    let id = this.scopes.get(key);
    if (id === undefined) {
      const hash = createHash('sha1').update(key).digest('hex');
      id = this.stmt.insertScope.get(hash, sc.name, sc.version, sc.attributes, sc.droppedAttributesCount, sc.schemaUrl) as number;
      if (this.scopes.size > 50_000) this.scopes.clear();
      this.scopes.set(key, id);
    }
    return id;
  }

  private writeSpans(group: ResourceGroup<SpanRecord>, st: WriteState): void {
    const res = this.resource(group.resource, st.receivedMs);
    this.instances.identify(res, group.resource);
    const rows: PendingSpan[] = [];
    for (const sg of group.scopes) {
      const scopeId = this.scope(sg.scope);
      for (const sp of sg.items)
        rows.push({
          sp,
          traceId: asBuffer(sp.traceId),
          spanId: asBuffer(sp.spanId),
          parentId: asBuffer(sp.parentSpanId),
          scopeId,
          durationNs: Number(sp.endNs - sp.startNs),
          isError: isErrorSpan(sp.kind, sp.statusCode, sp.hints),
        });
    }
    const inserted = this.insertSpans(rows, res.serviceId, res.id, st.receivedMs);
    let lastNs = 0n;
    for (let i = 0; i < rows.length; i++) {
      if (!inserted[i]) {
        st.result.duplicates++;
        continue;
      }
      st.result.spans++;
      const r = rows[i];
      if (r.sp.endNs > lastNs) lastNs = r.sp.endNs;
      this.summarize(r, res, st);
    }
    if (lastNs > 0n) touch(st.touched, res.serviceId, res.serviceName, lastNs);
  }

  /** Inserts rows, ignoring spans already stored (a re-sent batch); returns which were new. */
  private insertSpans(rows: PendingSpan[], serviceId: number, resourceId: number, receivedMs: number): boolean[] {
    const insert = this.stmt.insertSpan;
    return rows.map((r) => {
      const sp = r.sp;
      return (
        insert.run(
          r.traceId,
          r.spanId,
          r.parentId,
          serviceId,
          resourceId,
          r.scopeId,
          sp.name,
          sp.kind,
          sp.startNs,
          sp.endNs,
          r.durationNs,
          sp.statusCode,
          sp.statusMessage || null,
          r.isError ? 1 : 0,
          sp.traceState || null,
          sp.flags || null,
          sp.attributes,
          sp.events === '[]' ? null : sp.events,
          sp.links === '[]' ? null : sp.links,
          sp.droppedAttributesCount || null,
          sp.droppedEventsCount || null,
          sp.droppedLinksCount || null,
          receivedMs,
        ).changes > 0
      );
    });
  }

  /** Trace summary, rollups and service-map edges for one newly stored span. */
  private summarize(r: PendingSpan, res: { id: number; serviceId: number; serviceName: string; version: string }, st: WriteState): void {
    const { sp, traceId, isError, durationNs } = r;
    const tkey = traceId.toString('latin1');
    let t = st.traces.get(tkey);
    if (t === undefined) {
      t = {
        traceId,
        startNs: sp.startNs,
        endNs: sp.endNs,
        rootService: res.serviceName,
        rootName: sp.name,
        rootStart: sp.startNs,
        hasRoot: sp.parentSpanId === null,
        spans: 0,
        errors: 0,
        services: new Set(),
      };
      st.traces.set(tkey, t);
    } else {
      if (sp.startNs < t.startNs) t.startNs = sp.startNs;
      if (sp.endNs > t.endNs) t.endNs = sp.endNs;
      const isRoot = sp.parentSpanId === null;
      if ((isRoot && !t.hasRoot) || (isRoot === t.hasRoot && sp.startNs < t.rootStart)) {
        t.rootService = res.serviceName;
        t.rootName = sp.name;
        t.rootStart = sp.startNs;
        t.hasRoot = isRoot;
      }
    }
    t.spans++;
    if (isError) t.errors++;
    t.services.add(res.serviceName);
    if (this.options.rollups === false) return;
    // Rollups: every span counts for its service; requests entering it also get latency.
    const minute = Number(sp.startNs / MINUTE_NS);
    const a = minuteAgg(st.serviceMinutes, `${res.serviceId}:${minute}`, res.serviceId, minute, '');
    a.spans++;
    if (isError) a.spanErrors++;
    const isEntry = isEntrySpan(sp.kind, sp.parentSpanId !== null);
    this.instances.onItem(res.id, sp.startNs, isEntry ? { isError, micros: durationNs / 1000 } : undefined);
    if (isEntry) {
      const micros = durationNs / 1000;
      const status = sp.hints.httpStatusCode;
      countRequest(a, isError, micros, status);
      countRequest(minuteAgg(st.opMinutes, `${res.serviceId}:${minute}:${sp.name}`, res.serviceId, minute, sp.name), isError, micros, status);
      countRequest(minuteAgg(st.versionMinutes, `${res.serviceId}:${minute}:${res.version}`, res.serviceId, minute, res.version), isError, micros, status);
    }
    this.edges.onSpan(sp, traceId, r.spanId, r.parentId, res.serviceName, isError, st.edgeAggs, st.receivedMs);
  }

  private writeLogs(group: ResourceGroup<LogRecordRow>, st: WriteState): void {
    const { receivedMs, result, touched } = st;
    const res = this.resource(group.resource, receivedMs);
    this.instances.identify(res, group.resource);
    const s = this.stmt;
    let lastNs = 0n;
    for (const sg of group.scopes) {
      const scopeId = this.scope(sg.scope);
      for (const l of sg.items) {
        const traceId = asBuffer(l.traceId);
        const spanId = asBuffer(l.spanId);
        const dedup = hash53(
          `${res.id}\u0000${scopeId}\u0000${l.severityNumber}\u0000${l.severityText}\u0000${l.eventName}\u0000${
            traceId ? traceId.toString('hex') : ''
          }${spanId ? spanId.toString('hex') : ''}\u0000${l.body}\u0000${l.attributes}`,
        );
        const info = s.insertLog.run(
          l.timeNs,
          l.observedNs,
          l.severityNumber,
          l.severityText,
          l.body,
          l.bodyJson ? 1 : 0,
          traceId,
          spanId,
          l.flags,
          l.eventName,
          res.serviceId,
          res.id,
          scopeId,
          l.attributes,
          l.droppedAttributesCount,
          dedup,
          receivedMs,
        );
        if (info.changes === 0) {
          result.duplicates++;
          continue;
        }
        s.insertLogFts.run(info.lastInsertRowid, l.body);
        this.instances.onItem(res.id, l.timeNs);
        result.logs++;
        result.lastLogId = Math.max(result.lastLogId, Number(info.lastInsertRowid));
        const minute = Number(l.timeNs / MINUTE_NS);
        const band = severityBand(l.severityNumber);
        const lk = `${res.serviceId}:${minute}:${band}`;
        const lm = st.logMinutes.get(lk);
        if (lm) lm.count++;
        else st.logMinutes.set(lk, { serviceId: res.serviceId, minute, band, count: 1 });
        if (l.timeNs > lastNs) lastNs = l.timeNs;
      }
    }
    if (lastNs > 0n) touch(touched, res.serviceId, res.serviceName, lastNs);
  }

  private writeMetrics(
    group: ResourceGroup<MetricRecord>,
    receivedMs: number,
    result: WriteResult,
    touched: Map<number, { name: string; lastNs: bigint }>,
    seriesSeen: Map<number, number>,
  ): void {
    const res = this.resource(group.resource, receivedMs);
    this.instances.identify(res, group.resource);
    const s = this.stmt;
    let lastNs = 0n;
    for (const sg of group.scopes) {
      const scopeId = this.scope(sg.scope);
      for (const m of sg.items) {
        for (const p of m.points) {
          const key = `${res.id}\u0000${scopeId}\u0000${m.name}\u0000${m.kind}\u0000${m.unit}\u0000${m.temporality}\u0000${p.attributes}`;
          let seriesId = this.series.get(key);
          if (seriesId === undefined) {
            const hash = createHash('sha1').update(key).digest('hex');
            seriesId = s.insertSeries.get(
              hash,
              m.name,
              m.kind,
              m.unit,
              m.description,
              m.temporality,
              m.monotonic ? 1 : 0,
              res.serviceId,
              res.id,
              scopeId,
              p.attributes,
              receivedMs,
              receivedMs,
            ) as number;
            if (this.series.size > 200_000) this.series.clear();
            this.series.set(key, seriesId);
          }
          const info = s.insertPoint.run(
            seriesId,
            p.timeNs,
            p.startNs,
            p.value !== null && Number.isFinite(p.value) ? p.value : null,
            p.isInt ? 1 : 0,
            p.count,
            p.sum,
            p.min,
            p.max,
            p.detail || null,
            p.flags,
            receivedMs,
          );
          if (info.changes === 0) {
            result.duplicates++;
            continue;
          }
          result.metricPoints++;
          this.instances.onItem(res.id, p.timeNs);
          if (p.detail) this.exemplars.record(seriesId, p.timeNs, p.detail);
          seriesSeen.set(seriesId, receivedMs);
          if (p.timeNs > lastNs) lastNs = p.timeNs;
        }
      }
    }
    if (lastNs > 0n) touch(touched, res.serviceId, res.serviceName, lastNs);
  }
}

function oldestMinute(groups: Array<Iterable<{ minute: number }>>): number | null {
  let oldest: number | null = null;
  for (const g of groups) for (const m of g) if (oldest === null || m.minute < oldest) oldest = m.minute;
  return oldest;
}

function minuteAgg(map: Map<string, NamedMinuteAgg>, key: string, serviceId: number, minute: number, name: string): NamedMinuteAgg {
  let a = map.get(key);
  if (a === undefined) {
    a = { ...newAgg(serviceId, minute), name };
    map.set(key, a);
  }
  return a;
}

function newAgg(serviceId: number, minute: number): Agg & { serviceId: number; minute: number } {
  return {
    serviceId,
    minute,
    spans: 0,
    spanErrors: 0,
    calls: 0,
    errors: 0,
    http2xx: 0,
    http3xx: 0,
    http4xx: 0,
    http5xx: 0,
    otherErrors: 0,
    ok: new Map(),
    err: new Map(),
  };
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

function touch(touched: Map<number, { name: string; lastNs: bigint }>, id: number, name: string, ns: bigint): void {
  const t = touched.get(id);
  if (t === undefined) touched.set(id, { name, lastNs: ns });
  else if (ns > t.lastNs) t.lastNs = ns;
}

function histBlob(h: H.Histogram): Buffer | null {
  return h.size === 0 ? null : Buffer.from(H.encode(h));
}

/** SQL functions the upserts use; registered on every connection that writes. */
export function registerFunctions(db: Db): void {
  db.function('loupe_merge_services', { deterministic: true }, (a: unknown, b: unknown) => {
    if (typeof a !== 'string' || a === b) return b ?? a;
    if (typeof b !== 'string') return a;
    const set = new Set<string>(JSON.parse(a) as string[]);
    const before = set.size;
    for (const s of JSON.parse(b) as string[]) set.add(s);
    return set.size === before ? a : JSON.stringify([...set].sort());
  });
  db.function('loupe_hist_merge', { deterministic: true }, (a: unknown, b: unknown) => {
    if (!(a instanceof Uint8Array)) return b ?? null;
    if (!(b instanceof Uint8Array)) return a;
    return Buffer.from(H.encode(H.decodeInto(H.decode(a), b)));
  });
}
