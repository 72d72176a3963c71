// Trace search (from the per-trace summaries, or from spans when span-level filters are
// given) and trace by id.
import type { TraceDetail, TraceSummary } from '../../common/api/schemas';
import { SPAN_KIND_NAMES, STATUS_CODE_NAMES } from '../../common/model';
import { normalizeTraceId, toHex } from '../../common/ids';
import { nodeTypeOf } from '../../common/service-map';
import { type ReadStore, jsonPath, msToNs, nsToMs, parseJson, serviceIds, windowOf } from './read-store';

export class QueryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface TraceSearchInput {
  from?: number;
  to?: number;
  service?: string;
  operation?: string;
  minDurationMs?: number;
  maxDurationMs?: number;
  status?: 'ok' | 'error' | 'any' | '';
  attr: string[];
  peer?: string;
  limit: number;
}

interface TraceRow {
  trace_id: Buffer;
  start_ns: number;
  end_ns: number;
  root_service: string;
  root_name: string;
  span_count: number;
  error_count: number;
  services: string;
}

function summaryOf(r: TraceRow): TraceSummary {
  return {
    traceId: r.trace_id.toString('hex'),
    rootService: r.root_service,
    rootName: r.root_name,
    start: r.start_ns / 1e6,
    durationMs: (r.end_ns - r.start_ns) / 1e6,
    spanCount: r.span_count,
    errorCount: r.error_count,
    services: JSON.parse(r.services) as string[],
  };
}

/** Parses `key=value` attribute filters; the value may itself contain '='. */
export function parseAttrFilters(attrs: string[]): Array<{ key: string; value: string }> {
  return attrs.map((a) => {
    const i = a.indexOf('=');
    if (i <= 0) throw new QueryError('bad_attr', `attribute filter "${a}" must look like key=value`);
    return { key: a.slice(0, i).trim(), value: a.slice(i + 1).trim() };
  });
}

/**
 * SQL matching one attribute on the span or its resource. Values compare as JSON types would
 * show them: numbers numerically, booleans as true/false, everything else as text.
 */
function attrCondition(alias: string, filter: { key: string; value: string }, params: unknown[]): string {
  const path = jsonPath(filter.key);
  const alts: string[] = [];
  const push = (v: unknown) => {
    alts.push(`json_extract(${alias}.attributes, ?) = ?`, `json_extract(r.attributes, ?) = ?`);
    params.push(path, v, path, v);
  };
  push(filter.value);
  const n = Number(filter.value);
  if (filter.value !== '' && Number.isFinite(n)) push(n);
  if (filter.value === 'true' || filter.value === 'false') push(filter.value === 'true' ? 1 : 0);
  return '(' + alts.join(' OR ') + ')';
}

/**
 * A span of the searched service that called a map node: a CLIENT/PRODUCER span answered by
 * a span of that service, or naming the peer the way the map derives it (db.*, messaging.*,
 * server.address, peer.service).
 */
function peerCondition(store: ReadStore, peer: string, params: unknown[]): string {
  const type = nodeTypeOf(peer);
  const attr = (key: string) => `json_extract(s.attributes, '${jsonPath(key)}')`;
  const rest = peer.slice(peer.indexOf(':') + 1);
  const [system, detail] = [rest.slice(0, rest.indexOf('/') >= 0 ? rest.indexOf('/') : rest.length), rest.includes('/') ? rest.slice(rest.indexOf('/') + 1) : ''];
  if (type === 'database') {
    params.push(system, system);
    let sql = `s.kind = 3 AND (${attr('db.system.name')} = ? OR ${attr('db.system')} = ?)`;
    if (detail) {
      sql += ` AND (${attr('db.namespace')} = ? OR ${attr('db.name')} = ?)`;
      params.push(detail, detail);
    }
    return `(${sql})`;
  }
  if (type === 'queue') {
    params.push(system);
    let sql = `s.kind = 4 AND ${attr('messaging.system')} = ?`;
    if (detail) {
      sql += ` AND (${attr('messaging.destination.name')} = ? OR ${attr('messaging.destination')} = ?)`;
      params.push(detail, detail);
    }
    return `(${sql})`;
  }
  if (type === 'external') {
    const m = /^(.*?)(?::(\d+))?$/.exec(rest)!;
    params.push(m[1], m[1]);
    let sql = `s.kind = 3 AND (${attr('server.address')} = ? OR ${attr('net.peer.name')} = ?)`;
    if (m[2]) {
      sql += ` AND (${attr('server.port')} = ? OR ${attr('net.peer.port')} = ?)`;
      params.push(Number(m[2]), Number(m[2]));
    }
    return `(${sql})`;
  }
  const ids = serviceIds(store, peer);
  params.push(peer);
  const answered = ids.length
    ? ` OR EXISTS (SELECT 1 FROM spans c WHERE c.trace_id = s.trace_id AND c.parent_span_id = s.span_id AND c.service_id IN (${ids.map(() => '?').join(',')}))`
    : '';
  params.push(...ids);
  return `(s.kind IN (3, 4) AND (${attr('peer.service')} = ?${answered}))`;
}

export function searchTraces(store: ReadStore, input: TraceSearchInput): TraceSummary[] {
  const { from, to } = windowOf(input);
  const fromNs = msToNs(from);
  const toNs = msToNs(to);
  const attrs = parseAttrFilters(input.attr);
  const minNs = input.minDurationMs !== undefined ? Math.round(input.minDurationMs * 1e6) : null;
  const maxNs = input.maxDurationMs !== undefined ? Math.round(input.maxDurationMs * 1e6) : null;
  const wantErrors = input.status === 'error' ? true : input.status === 'ok' ? false : null;
  const traceOk = (t: TraceRow) =>
    (minNs === null || t.end_ns - t.start_ns >= minNs) &&
    (maxNs === null || t.end_ns - t.start_ns <= maxNs) &&
    (wantErrors === null || (t.error_count > 0) === wantErrors);

  if (input.peer && !input.service) throw new QueryError('bad_peer', '`peer` needs `service`: the caller whose calls to the peer to look for');
  return store.timed('traces.search', () => {
    if (!input.service && !input.operation && attrs.length === 0) {
      const params: unknown[] = [fromNs, toNs];
      let sql = `SELECT trace_id, start_ns, end_ns, root_service, root_name, span_count, error_count, services
                 FROM traces WHERE start_ns BETWEEN ? AND ?`;
      if (minNs !== null) {
        sql += ' AND end_ns - start_ns >= ?';
        params.push(minNs);
      }
      if (maxNs !== null) {
        sql += ' AND end_ns - start_ns <= ?';
        params.push(maxNs);
      }
      if (wantErrors !== null) sql += wantErrors ? ' AND error_count > 0' : ' AND error_count = 0';
      sql += ' ORDER BY start_ns DESC LIMIT ?';
      params.push(input.limit);
      return (store.stmt(sql).all(...params) as TraceRow[]).map(summaryOf);
    }

    // Span-level filters: walk matching spans newest first and collect distinct traces
    // until the limit, so a search stops as soon as it has a page.
    const params: unknown[] = [];
    const where: string[] = [];
    if (input.service) {
      const ids = serviceIds(store, input.service);
      if (ids.length === 0) return [];
      where.push(`s.service_id IN (${ids.map(() => '?').join(',')})`);
      params.push(...ids);
    }
    where.push('s.start_ns BETWEEN ? AND ?');
    params.push(fromNs, toNs);
    if (input.operation) {
      where.push('s.name = ?');
      params.push(input.operation);
    }
    if (wantErrors === true) where.push('s.is_error = 1');
    for (const a of attrs) where.push(attrCondition('s', a, params));
    if (input.peer) where.push(peerCondition(store, input.peer, params));
    const sql = `SELECT s.trace_id AS trace_id FROM spans s JOIN resources r ON r.id = s.resource_id
                 WHERE ${where.join(' AND ')} ORDER BY s.start_ns DESC`;
    const summary = store.stmt(
      `SELECT trace_id, start_ns, end_ns, root_service, root_name, span_count, error_count, services FROM traces WHERE trace_id = ?`,
    );
    const seen = new Set<string>();
    const out: TraceSummary[] = [];
    for (const row of store.stmt(sql).iterate(...params) as IterableIterator<{ trace_id: Buffer }>) {
      const key = row.trace_id.toString('latin1');
      if (seen.has(key)) continue;
      seen.add(key);
      const t = summary.get(row.trace_id) as TraceRow | undefined;
      if (!t || !traceOk(t)) continue;
      out.push(summaryOf(t));
      if (out.length >= input.limit) break;
    }
    return out;
  });
}

type SpanRowRaw = [
  Buffer, // span_id
  Buffer | null, // parent_span_id
  string, // service
  string, // name
  bigint, // kind
  bigint, // start_ns
  bigint, // end_ns
  bigint, // status_code
  string | null, // status_message
  bigint, // is_error
  string | null, // trace_state
  bigint | null, // flags
  string, // attributes
  string | null, // events
  string | null, // links
  bigint | null, // dropped attributes
  bigint | null, // dropped events
  bigint | null, // dropped links
  bigint, // resource id
  string, // resource attributes
  string, // resource schema url
  string, // scope name
  string, // scope version
  string, // scope attributes
  bigint, // scope id
];

function traceRows(store: ReadStore, traceIdInput: string): { traceId: string; rows: SpanRowRaw[] } {
  const traceId = normalizeTraceId(traceIdInput);
  if (!traceId) throw new QueryError('bad_trace_id', `"${traceIdInput}" is not a trace id (32 or 16 hex digits)`);
  const rows = store
    .rawExact(
      `SELECT s.span_id, s.parent_span_id, sv.name, s.name, s.kind, s.start_ns, s.end_ns, s.status_code, s.status_message,
              s.is_error, s.trace_state, s.flags, s.attributes, s.events, s.links, s.dropped_attributes_count,
              s.dropped_events_count, s.dropped_links_count, r.id, r.attributes, r.schema_url, sc.name, sc.version, sc.attributes, sc.id
       FROM spans s
       JOIN services sv ON sv.id = s.service_id
       JOIN resources r ON r.id = s.resource_id
       JOIN scopes sc ON sc.id = s.scope_id
       WHERE s.trace_id = ? ORDER BY s.start_ns, s.id`,
    )
    .all(Buffer.from(traceId, 'hex')) as SpanRowRaw[];
  if (rows.length === 0) throw new QueryError('not_found', `trace ${traceId} is not in the store`, 404);
  return { traceId, rows };
}

/** The span's own fields as JSON members (everything but resource and scope). */
function spanMembers(r: SpanRowRaw): string {
  return (
    `"spanId":"${toHex(r[0])}","parentSpanId":"${r[1] ? toHex(r[1]) : ''}","service":${JSON.stringify(r[2])},"name":${JSON.stringify(r[3])}` +
    `,"kind":"${SPAN_KIND_NAMES[Number(r[4])] ?? 'UNSPECIFIED'}","startTimeUnixNano":"${r[5]}","endTimeUnixNano":"${r[6]}"` +
    `,"durationMs":${nsToMs(r[6] - r[5])},"status":{"code":"${STATUS_CODE_NAMES[Number(r[7])] ?? 'UNSET'}","message":${JSON.stringify(r[8] ?? '')}}` +
    `,"isError":${r[9] === 1n},"traceState":${JSON.stringify(r[10] ?? '')},"flags":${Number(r[11] ?? 0n)}` +
    `,"attributes":${r[12] || '{}'},"events":${r[13] ?? '[]'},"links":${r[14] ?? '[]'}` +
    `,"droppedAttributesCount":${Number(r[15] ?? 0n)},"droppedEventsCount":${Number(r[16] ?? 0n)},"droppedLinksCount":${Number(r[17] ?? 0n)}`
  );
}

const resourceJson = (r: SpanRowRaw) => `{"attributes":${r[19] || '{}'},"schemaUrl":${JSON.stringify(r[20])}}`;
const scopeJson = (r: SpanRowRaw) => `{"name":${JSON.stringify(r[21])},"version":${JSON.stringify(r[22])},"attributes":${r[23] || '{}'}}`;

/**
 * One trace as JSON text. The stored attribute, event and link JSON is spliced in as it is,
 * never parsed and re-serialised: that is most of the work for a 10,000-span trace.
 */
export function getTraceJson(store: ReadStore, traceIdInput: string): string {
  return store.timed('traces.get', () => {
    const { traceId, rows } = traceRows(store, traceIdInput);
    const parts = rows.map((r) => `{${spanMembers(r)},"resource":${resourceJson(r)},"scope":${scopeJson(r)}}`);
    return `{"traceId":"${traceId}","spans":[${parts.join(',')}]}`;
  });
}

/** The same trace with each resource and scope once, referenced by index from the spans: a
 * large trace from a few services is a fraction of the size. */
export function getTraceCompactJson(store: ReadStore, traceIdInput: string): string {
  return store.timed('traces.getCompact', () => {
    const { traceId, rows } = traceRows(store, traceIdInput);
    const resources = new Map<bigint, number>();
    const scopes = new Map<bigint, number>();
    const resourceParts: string[] = [];
    const scopeParts: string[] = [];
    const parts = rows.map((r) => {
      let ri = resources.get(r[18]);
      if (ri === undefined) {
        ri = resourceParts.push(resourceJson(r)) - 1;
        resources.set(r[18], ri);
      }
      let si = scopes.get(r[24]);
      if (si === undefined) {
        si = scopeParts.push(scopeJson(r)) - 1;
        scopes.set(r[24], si);
      }
      return `{${spanMembers(r)},"resourceIndex":${ri},"scopeIndex":${si}}`;
    });
    return `{"traceId":"${traceId}","resources":[${resourceParts.join(',')}],"scopes":[${scopeParts.join(',')}],"spans":[${parts.join(',')}]}`;
  });
}

/** One trace as objects (export, tests); the API serves getTraceJson's text directly. */
export function getTrace(store: ReadStore, traceIdInput: string): TraceDetail {
  return JSON.parse(getTraceJson(store, traceIdInput)) as TraceDetail;
}

/** Attribute keys (or values of one key) seen on recent spans/logs, most frequent first. */
export function sampleAttributes(
  store: ReadStore,
  input: { service?: string; signal?: 'traces' | 'logs'; key?: string; q?: string },
): Array<{ key: string; count: number }> | Array<{ value: string; count: number }> {
  const table = input.signal === 'logs' ? 'logs' : 'spans';
  return store.timed('attributes.sample', () => {
    const ids = input.service ? serviceIds(store, input.service) : [];
    if (input.service && ids.length === 0) return [];
    const filter = ids.length ? `WHERE t.service_id IN (${ids.map(() => '?').join(',')})` : '';
    const rows = store
      .stmt(
        `SELECT t.attributes AS a, r.attributes AS ra FROM (SELECT attributes, resource_id, service_id FROM ${table} t ${filter} ORDER BY id DESC LIMIT 1000) t
         JOIN resources r ON r.id = t.resource_id`,
      )
      .all(...ids) as Array<{ a: string; ra: string }>;
    const counts = new Map<string, number>();
    const add = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);
    for (const row of rows) {
      for (const obj of [parseJson<Record<string, unknown>>(row.a, {}), parseJson<Record<string, unknown>>(row.ra, {})]) {
        if (input.key === undefined) for (const k of Object.keys(obj)) add(k);
        else if (input.key in obj) {
          const v = obj[input.key];
          add(typeof v === 'string' ? v : JSON.stringify(v));
        }
      }
    }
    const q = input.q?.toLowerCase();
    const list = [...counts.entries()]
      .filter(([k]) => !q || k.toLowerCase().includes(q))
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 200);
    return input.key === undefined
      ? list.map(([key, count]) => ({ key, count }))
      : list.map(([value, count]) => ({ value, count }));
  });
}
