// Trace search (from the per-trace summaries, or from spans when span-level filters are
// given) and trace by id.
import type { TraceDetail, TraceSummary } from '../../common/api/trace-schemas';
import { SPAN_KIND_NAMES, STATUS_CODE_NAMES } from '../../common/model';
import { normalizeTraceId } from '../../common/ids';
import { nodeTypeOf } from '../../common/service-map';
import { searchPatternOf } from '../../common/search-attributes';
import { indexedTraceRefs } from './attribute-search';
import { type ReadStore, jsonPath, msToNs, parseJson, serviceIds, windowOf } from './read-store';

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

export interface TraceRow {
  trace_id: Buffer;
  start_ns: number;
  end_ns: number;
  root_service: string;
  root_name: string;
  span_count: number;
  error_count: number;
  services: string;
}

export function summaryOf(r: TraceRow): TraceSummary {
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
    ? ` OR EXISTS (SELECT 1 FROM spans c WHERE c.trace_ref = s.trace_ref AND c.parent_span_id = s.span_id AND c.service_id IN (${ids.map(() => '?').join(',')}))`
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
    let ids: number[] = [];
    if (input.service) {
      ids = serviceIds(store, input.service);
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

    // An indexed attribute: the traces come from the search index's postings.
    if (attrs.length) {
      const byRef = store.stmt(
        `SELECT trace_id, start_ns, end_ns, root_service, root_name, span_count, error_count, services FROM traces WHERE ref = ?`,
      );
      const found: TraceRow[] = [];
      const answered = indexedTraceRefs(store, { where, params, serviceIds: ids, filters: attrs, fromNs, toNs }, (ref) => {
        const t = byRef.get(ref) as TraceRow | undefined;
        if (t && traceOk(t)) found.push(t);
        return found.length < input.limit;
      });
      if (answered) return found.sort((a, b) => b.start_ns - a.start_ns).map(summaryOf);
    }
    // Resources are joined only when an attribute filter may match on them.
    const sql = `SELECT s.trace_id AS trace_id FROM spans s${attrs.length ? ' JOIN resources r ON r.id = s.resource_id' : ''}
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

const caseOf = (column: string, names: readonly string[]) =>
  `CASE ${column} ${names.map((name, i) => `WHEN ${i} THEN '${name}'`).join(' ')} ELSE '${names[0]}' END`;

/**
 * A span's own fields (everything but resource and scope) as JSON members, written by SQLite:
 * ids as hex, nanoseconds as decimal text, strings through json_quote and the stored attribute,
 * event and link JSON spliced in as it is. Building this text per span in JavaScript (a Buffer
 * and BigInts per row, a dozen string joins) took three to four times as long for a 10,000-span
 * trace. durationMs is written as exact decimal milliseconds, which parses to the same double as
 * dividing the nanoseconds by 1e6. (`||` binds tighter than arithmetic in SQL: hence the brackets.)
 */
const SPAN_MEMBERS_SQL = `'"spanId":"' || lower(hex(s.span_id)) || '","parentSpanId":"' || lower(hex(s.parent_span_id))
  || '","service":' || json_quote(sv.name) || ',"name":' || json_quote(s.name)
  || ',"kind":"' || ${caseOf('s.kind', SPAN_KIND_NAMES)}
  || '","startTimeUnixNano":"' || s.start_ns || '","endTimeUnixNano":"' || s.end_ns
  || '","durationMs":' || CASE WHEN s.end_ns < s.start_ns THEN '-' ELSE '' END
  || (abs(s.end_ns - s.start_ns) / 1000000) || '.' || printf('%06d', abs(s.end_ns - s.start_ns) % 1000000)
  || ',"status":{"code":"' || ${caseOf('s.status_code', STATUS_CODE_NAMES)} || '","message":' || json_quote(coalesce(s.status_message, '')) || '}'
  || ',"isError":' || CASE s.is_error WHEN 1 THEN 'true' ELSE 'false' END
  || ',"traceState":' || json_quote(coalesce(s.trace_state, '')) || ',"flags":' || coalesce(s.flags, 0)
  || ',"attributes":' || coalesce(nullif(s.attributes, ''), '{}') || ',"events":' || coalesce(nullif(s.events, ''), '[]')
  || ',"links":' || coalesce(nullif(s.links, ''), '[]')
  || ',"droppedAttributesCount":' || coalesce(s.dropped_attributes_count, 0)
  || ',"droppedEventsCount":' || coalesce(s.dropped_events_count, 0) || ',"droppedLinksCount":' || coalesce(s.dropped_links_count, 0)`;

/**
 * JSON text written into one growing buffer. A large trace's text is copied piece by piece as
 * its rows are read, so each piece is garbage at once: the core runs with a small young
 * generation (main/config/core-env.ts), and a 10,000-span trace kept as strings until a final
 * join outlived it and was collected as old objects (docs/performance.md, "Memory: the young
 * generation").
 */
class JsonBytes {
  private buf = Buffer.allocUnsafe(64 * 1024);
  private length = 0;

  write(text: string): void {
    // At most three UTF-8 bytes per UTF-16 unit.
    const need = this.length + text.length * 3;
    if (need > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
    this.length += this.buf.write(text, this.length);
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

function traceIdOf(traceIdInput: string): string {
  const traceId = normalizeTraceId(traceIdInput);
  if (!traceId) throw new QueryError('bad_trace_id', `"${traceIdInput}" is not a trace id (32 or 16 hex digits)`);
  return traceId;
}

const notFound = (traceId: string) => new QueryError('not_found', `trace ${traceId} is not in the store`, 404);

/** A trace's spans to read one by one, in order: each span's members as JSON text, its resource
 * id and its scope id. */
function spanRows(store: ReadStore, traceId: string): IterableIterator<[string, number, number]> {
  return store
    .raw(
      `SELECT ${SPAN_MEMBERS_SQL}, s.resource_id, s.scope_id
       FROM spans s
       JOIN services sv ON sv.id = s.service_id
       WHERE s.trace_ref = (SELECT ref FROM traces WHERE trace_id = ?) ORDER BY s.start_ns, s.id`,
    )
    .iterate(Buffer.from(traceId, 'hex')) as IterableIterator<[string, number, number]>;
}

/** JSON text of a resource and of a scope, by id (read once each per trace: joining them per
 * span would copy their attribute JSON into every row). */
function resourceJson(store: ReadStore, id: number): string {
  const r = store.stmt('SELECT attributes, schema_url FROM resources WHERE id = ?').get(id) as { attributes: string; schema_url: string };
  return `{"attributes":${r.attributes || '{}'},"schemaUrl":${JSON.stringify(r.schema_url)}}`;
}

function scopeJson(store: ReadStore, id: number): string {
  const sc = store.stmt('SELECT name, version, attributes FROM scopes WHERE id = ?').get(id) as { name: string; version: string; attributes: string };
  return `{"name":${JSON.stringify(sc.name)},"version":${JSON.stringify(sc.version)},"attributes":${sc.attributes || '{}'}}`;
}

/**
 * One trace as JSON (UTF-8). The stored attribute, event and link JSON is spliced in as it is,
 * never parsed and re-serialised: that is most of the work for a 10,000-span trace.
 */
export function getTraceJson(store: ReadStore, traceIdInput: string): Buffer {
  const traceId = traceIdOf(traceIdInput);
  // One read transaction: the resources read first are those of the spans read after them.
  return store.timed('traces.get', () =>
    store.db.transaction(() => {
      // Resources and scopes first: the connection reads nothing else while spans are iterated.
      const resources = new Map<number, string>();
      const scopes = new Map<number, string>();
      const used = store
        .raw('SELECT DISTINCT resource_id, scope_id FROM spans WHERE trace_ref = (SELECT ref FROM traces WHERE trace_id = ?)')
        .all(Buffer.from(traceId, 'hex')) as Array<[number, number]>;
      if (used.length === 0) throw notFound(traceId);
      for (const [resourceId, scopeId] of used) {
        if (!resources.has(resourceId)) resources.set(resourceId, resourceJson(store, resourceId));
        if (!scopes.has(scopeId)) scopes.set(scopeId, scopeJson(store, scopeId));
      }
      const out = new JsonBytes();
      out.write(`{"traceId":"${traceId}","spans":[`);
      let first = true;
      for (const [members, resourceId, scopeId] of spanRows(store, traceId)) {
        out.write(`${first ? '' : ','}{${members},"resource":`);
        out.write(resources.get(resourceId)!);
        out.write(',"scope":');
        out.write(scopes.get(scopeId)!);
        out.write('}');
        first = false;
      }
      out.write(']}');
      return out.bytes();
    })(),
  );
}

/** The same trace with each resource and scope once (in order of first use), referenced by index
 * from the spans: a large trace from a few services is a fraction of the size. */
export function getTraceCompactJson(store: ReadStore, traceIdInput: string): Buffer {
  const traceId = traceIdOf(traceIdInput);
  return store.timed('traces.getCompact', () =>
    store.db.transaction(() => {
      const resourceIndex = new Map<number, number>();
      const scopeIndex = new Map<number, number>();
      const indexOf = (m: Map<number, number>, id: number) => {
        let i = m.get(id);
        if (i === undefined) m.set(id, (i = m.size));
        return i;
      };
      // The spans first, numbering resources and scopes as they come; their text after.
      const body = new JsonBytes();
      let spans = 0;
      for (const [members, resourceId, scopeId] of spanRows(store, traceId))
        body.write(`${spans++ === 0 ? '' : ','}{${members},"resourceIndex":${indexOf(resourceIndex, resourceId)},"scopeIndex":${indexOf(scopeIndex, scopeId)}}`);
      if (spans === 0) throw notFound(traceId);
      const resources = [...resourceIndex.keys()].map((id) => resourceJson(store, id));
      const scopes = [...scopeIndex.keys()].map((id) => scopeJson(store, id));
      const head = Buffer.from(`{"traceId":"${traceId}","resources":[${resources.join(',')}],"scopes":[${scopes.join(',')}],"spans":[`);
      return Buffer.concat([head, body.bytes(), Buffer.from(']}')]);
    })(),
  );
}

/** One trace as objects (export, tests); the API serves getTraceJson's text directly. */
export function getTrace(store: ReadStore, traceIdInput: string): TraceDetail {
  return JSON.parse(getTraceJson(store, traceIdInput).toString('utf8')) as TraceDetail;
}

/** Attribute keys (or values of one key) seen on recent spans/logs, most frequent first. */
export function sampleAttributes(
  store: ReadStore,
  input: { service?: string; signal?: 'traces' | 'logs'; key?: string; q?: string },
): Array<{ key: string; count: number; indexed?: boolean }> | Array<{ value: string; count: number }> {
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
    const onSpans = new Set<string>();
    for (const row of rows) {
      const own = parseJson<Record<string, unknown>>(row.a, {});
      if (input.key === undefined) for (const k of Object.keys(own)) onSpans.add(k);
      for (const obj of [own, parseJson<Record<string, unknown>>(row.ra, {})]) {
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
    if (input.key !== undefined) return list.map(([value, count]) => ({ value, count }));
    if (table !== 'spans') return list.map(([key, count]) => ({ key, count }));
    // Keys whose values the trace search finds through the attribute index.
    const patterns = store.pluck('SELECT pattern FROM search_keys').all() as string[];
    // Only span attributes are indexed: a key seen on resources only says nothing.
    return list.map(([key, count]) => (onSpans.has(key) ? { key, count, indexed: searchPatternOf(key, patterns) !== undefined } : { key, count }));
  });
}
