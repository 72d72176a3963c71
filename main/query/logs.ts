// Log search: time/service/severity/trace filters on indexes, full text through FTS5.
import type { LogHistogram, LogRecord } from '../../common/api/log-schemas';
import { SEVERITY_BANDS, severityBand } from '../../common/model';
import { normalizeTraceId, toHex } from '../../common/ids';
import type { LogMarks } from './log-marks';
import { type ReadStore, jsonPath, msToNs, parseJson, serviceIds, windowOf } from './read-store';
import { QueryError, parseAttrFilters } from './traces';
import { templateMatcher } from './drain';

export interface LogSearchInput {
  from?: number;
  to?: number;
  q?: string;
  service?: string;
  minSeverity?: number;
  traceId?: string;
  spanId?: string;
  attr: string[];
  /** A log pattern's template (GET /api/logs/patterns): only records it describes. */
  pattern?: string;
  order?: 'asc' | 'desc' | '';
  after?: number;
  before?: number;
  afterCursor?: string;
  beforeCursor?: string;
  limit: number;
}

/**
 * Turns what a user typed into an FTS5 query. FTS5 syntax (phrases, prefix*, AND/OR/NOT,
 * NEAR) is kept when it parses; anything else becomes a conjunction of quoted terms so that
 * punctuation such as "user-id" or "500:" never produces a syntax error.
 */
export function ftsQuery(q: string): string {
  const terms = q.match(/[\p{L}\p{N}_]+\*?/gu) ?? [];
  return terms.map((t) => (t.endsWith('*') ? `"${t.slice(0, -1)}"*` : `"${t}"`)).join(' ');
}

interface Built {
  sql: string;
  params: unknown[];
}

/** WHERE clause over `logs l`; with `ftsJoined` the caller already joined logs_fts. */
export function buildWhere(store: ReadStore, input: LogSearchInput, fts: string | null, ftsJoined = false, nsRange?: [bigint, bigint]): Built | null {
  // A trace's logs are wanted whenever they happened: no default window with a trace id.
  const unbounded = (input.traceId || input.spanId) && input.from === undefined && input.to === undefined;
  const { from, to } = unbounded ? { from: 0, to: 9e12 } : windowOf(input); // 9e12 ms: year 2255, inside int64 ns
  const where: string[] = ['l.time_ns BETWEEN ? AND ?'];
  const params: unknown[] = nsRange ?? [msToNs(from), msToNs(to)];
  if (input.service) {
    const ids = serviceIds(store, input.service);
    if (ids.length === 0) return null;
    where.push(`l.service_id IN (${ids.map(() => '?').join(',')})`);
    params.push(...ids);
  }
  if (input.minSeverity) {
    where.push('l.severity_number >= ?');
    params.push(input.minSeverity);
  }
  if (input.traceId) {
    const tid = normalizeTraceId(input.traceId);
    if (!tid) throw new QueryError('bad_trace_id', `"${input.traceId}" is not a trace id`);
    where.push('l.trace_id = ?');
    params.push(Buffer.from(tid, 'hex'));
  }
  if (input.spanId) {
    if (!/^[0-9a-fA-F]{16}$/.test(input.spanId)) throw new QueryError('bad_span_id', `"${input.spanId}" is not a span id`);
    where.push('l.span_id = ?');
    params.push(Buffer.from(input.spanId, 'hex'));
  }
  for (const a of parseAttrFilters(input.attr)) {
    const path = jsonPath(a.key);
    const n = Number(a.value);
    if (a.value !== '' && Number.isFinite(n)) {
      where.push('(json_extract(l.attributes, ?) = ? OR json_extract(l.attributes, ?) = ?)');
      params.push(path, a.value, path, n);
    } else {
      where.push('json_extract(l.attributes, ?) = ?');
      params.push(path, a.value);
    }
  }
  if (input.after !== undefined) {
    where.push('l.id > ?');
    params.push(input.after);
  }
  if (input.before !== undefined) {
    where.push('l.id < ?');
    params.push(input.before);
  }
  for (const [cursor, op] of [[input.afterCursor, '>'], [input.beforeCursor, '<']] as const) {
    if (!cursor) continue;
    const [ns, id] = cursor.split(':');
    where.push(`(l.time_ns, l.id) ${op} (?, ?)`);
    params.push(BigInt(ns), Number(id));
  }
  if (input.pattern?.trim()) {
    // The template's constant words narrow the rows through the full-text index; the template
    // itself is then checked on each candidate's body.
    registerPatternMatch(store);
    const words = ftsQuery(input.pattern.replace(/<[A-Z*]+>/g, ' '));
    if (words) {
      where.push('l.id IN (SELECT rowid FROM logs_fts WHERE logs_fts MATCH ?)');
      params.push(words);
    }
    where.push('loupe_log_pattern(?, l.body)');
    params.push(input.pattern.trim());
  }
  if (fts !== null) {
    where.push(ftsJoined ? 'logs_fts MATCH ?' : 'l.id IN (SELECT rowid FROM logs_fts WHERE logs_fts MATCH ?)');
    params.push(fts);
  }
  return { sql: where.join(' AND '), params };
}

interface LogRow {
  id: number;
  time_ns: bigint;
  observed_ns: bigint;
  severity_number: bigint;
  severity_text: string;
  body: string;
  body_is_json: bigint;
  trace_id: Buffer | null;
  span_id: Buffer | null;
  event_name: string;
  attributes: string;
  service: string;
  resource: string;
}

const withPatternMatch = new WeakSet<object>();
/** `loupe_log_pattern(template, body)`: 1 when the template describes the body (see drain.ts). */
function registerPatternMatch(store: ReadStore): void {
  if (withPatternMatch.has(store.db)) return;
  withPatternMatch.add(store.db);
  const matchers = new Map<string, (body: string) => boolean>();
  store.db.function('loupe_log_pattern', { deterministic: true }, (template: unknown, body: unknown) => {
    if (typeof template !== 'string' || typeof body !== 'string') return 0;
    let m = matchers.get(template);
    if (!m) {
      if (matchers.size > 100) matchers.clear();
      matchers.set(template, (m = templateMatcher(template)));
    }
    return m(body) ? 1 : 0;
  });
}

/** Runs an FTS query, retrying with the sanitised form when FTS5 rejects the syntax. */
export function withFts<T>(q: string | undefined, run: (fts: string | null) => T): T {
  const raw = q?.trim();
  if (!raw) return run(null);
  try {
    return run(raw);
  } catch (e) {
    if (!/fts5|syntax error|no such column|unterminated/i.test((e as Error).message)) throw e;
    const safe = ftsQuery(raw);
    if (!safe) return run(null);
    return run(safe);
  }
}

export function searchLogs(store: ReadStore, input: LogSearchInput): LogRecord[] {
  return store.timed('logs.search', () =>
    withFts(input.q, (fts) => {
      const w = buildWhere(store, input, fts, true);
      if (!w) return [];
      const dir = input.order === 'asc' ? 'ASC' : 'DESC';
      // With full text, FTS5 hands out matches in rowid order and the query stops at the
      // limit instead of sorting every match by time; rowids follow arrival, which follows
      // time for live data.
      const source =
        fts !== null ? 'logs_fts JOIN logs l ON l.id = logs_fts.rowid' : 'logs l';
      const order = fts !== null ? `logs_fts.rowid ${dir}` : `l.time_ns ${dir}, l.id ${dir}`;
      const rows = store
        .stmt(
          `SELECT l.id, l.time_ns, l.observed_ns, l.severity_number, l.severity_text, l.body, l.body_is_json, l.trace_id, l.span_id,
                  l.event_name, l.attributes, sv.name AS service, r.attributes AS resource
           FROM ${source} JOIN services sv ON sv.id = l.service_id JOIN resources r ON r.id = l.resource_id
           WHERE ${w.sql} ORDER BY ${order} LIMIT ?`,
        )
        .safeIntegers(true)
        .all(...w.params, input.limit) as LogRow[];
      return rows.map(toRecord);
    }),
  );
}

function toRecord(r: LogRow): LogRecord {
  const rec: LogRecord = {
    id: Number(r.id),
    cursor: `${r.time_ns}:${r.id}`,
    time: Number(r.time_ns) / 1e6,
    timeUnixNano: r.time_ns.toString(),
    observedTimeUnixNano: r.observed_ns.toString(),
    service: r.service,
    severityNumber: Number(r.severity_number),
    severityText: r.severity_text,
    body: r.body,
    traceId: toHex(r.trace_id),
    spanId: toHex(r.span_id),
    eventName: r.event_name,
    attributes: parseJson(r.attributes, {}),
    resource: parseJson(r.resource, {}),
  };
  if (r.body_is_json === 1n) {
    try {
      rec.bodyValue = JSON.parse(r.body);
    } catch {
      // a structured body cut by the value-length limit is no longer JSON; keep the text
    }
  }
  return rec;
}

/** One log record by id (deep links to a record that is not on the loaded page). */
export function getLog(store: ReadStore, id: number): LogRecord {
  const row = store
    .stmt(
      `SELECT l.id, l.time_ns, l.observed_ns, l.severity_number, l.severity_text, l.body, l.body_is_json, l.trace_id, l.span_id,
              l.event_name, l.attributes, sv.name AS service, r.attributes AS resource
       FROM logs l JOIN services sv ON sv.id = l.service_id JOIN resources r ON r.id = l.resource_id WHERE l.id = ?`,
    )
    .safeIntegers(true)
    .get(id) as LogRow | undefined;
  if (!row) throw new QueryError('not_found', `log record ${id} is not in the store (deleted by retention?)`, 404);
  return toRecord(row);
}

export const HISTOGRAM_BANDS = [...SEVERITY_BANDS.map((b) => b.name), 'UNSPECIFIED'];
/** The histogram band of each severity number 0–254 (as `bandCase` below counts them). */
const BAND_OF_SEVERITY = Uint8Array.from({ length: 255 }, (_, sev) => severityBand(sev));

export function logHistogram(store: ReadStore, input: LogSearchInput & { buckets: number }): LogHistogram {
  const { from, to } = windowOf(input);
  let stepMs = Math.max(1000, Math.ceil((to - from) / input.buckets / 1000) * 1000);
  // Without full text, trace, span or attribute filters the counts come from the per-minute
  // log rollup (whole minutes) plus the two partial minutes at the window's edges: exact, and
  // independent of how many records there are.
  const fromRollup = !input.q?.trim() && !input.pattern?.trim() && !input.traceId && !input.spanId && input.attr.length === 0 && stepMs >= 60_000;
  if (fromRollup) stepMs = Math.round(stepMs / 60_000) * 60_000;
  const buckets = Math.max(1, Math.ceil((to - from) / stepMs));
  const counts = HISTOGRAM_BANDS.map(() => new Array<number>(buckets).fill(0));
  let total = 0;
  const add = (timeMs: number, band: number, n: number) => {
    const b = Math.min(buckets - 1, Math.max(0, Math.floor((timeMs - from) / stepMs)));
    counts[band][b] += n;
    total += n;
  };
  const bandCase = `CASE WHEN l.severity_number = 0 THEN 6 ${SEVERITY_BANDS.map((b, i) => `WHEN l.severity_number < ${SEVERITY_BANDS[i + 1]?.min ?? 25} THEN ${i}`).join(' ')} ELSE 5 END`;
  // Each match's time, severity and service from the arrays the query worker keeps
  // (log-marks.ts), in one read transaction with their catch-up; false when they cannot count
  // every match (not caught up), and nothing is counted.
  const countFromMarks = (marks: LogMarks, fts: string): boolean => {
    const services = input.service ? new Set(serviceIds(store, input.service)) : null;
    if (services?.size === 0) return true;
    return store.db.transaction(() => {
      if (marks.catchUpForQuery() !== 'ready') return false;
      const partial = HISTOGRAM_BANDS.map(() => new Array<number>(buckets).fill(0));
      let n = 0;
      const complete = marks.countMatches(fts, {
        fromMs: from,
        toMs: to,
        stepMs,
        services,
        minSeverity: input.minSeverity ?? 0,
        add(bucket, severity) {
          partial[BAND_OF_SEVERITY[severity]][Math.min(buckets - 1, Math.max(0, bucket))]++;
          n++;
        },
      });
      if (!complete) return false;
      for (let b = 0; b < partial.length; b++) for (let i = 0; i < buckets; i++) counts[b][i] += partial[b][i];
      total += n;
      return true;
    })();
  };
  const scan = (fts: string | null, nsRange?: [bigint, bigint]) => {
    if (nsRange && nsRange[0] > nsRange[1]) return;
    const filters = { ...input, after: undefined, before: undefined, afterCursor: undefined, beforeCursor: undefined };
    if (fts !== null && !input.traceId && !input.spanId && input.attr.length === 0) {
      if (!nsRange && !input.pattern?.trim() && store.logMarks && countFromMarks(store.logMarks, fts)) return;
      // Each match's time, severity and service from the logs_marks index (migration 010), not
      // from its row; counted by `counts` (read-store.ts) under one integer key per bucket and band.
      const w = buildWhere(store, filters, fts, true, nsRange);
      if (!w) return;
      const blob = store
        .pluck(
          `SELECT counts(((l.time_ns - ?) / ?) * 8 + ${bandCase})
           FROM logs_fts JOIN logs l INDEXED BY logs_marks ON l.id = logs_fts.rowid WHERE ${w.sql}`,
        )
        .get(msToNs(from), BigInt(stepMs) * 1_000_000n, ...w.params) as Buffer;
      const keyed = new Float64Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.length));
      for (let k = 0; k < keyed.length; k++) if (keyed[k] > 0) add(from + Math.floor(k / 8) * stepMs, k % 8, keyed[k]);
      return;
    }
    const w = buildWhere(store, filters, fts, false, nsRange);
    if (!w) return;
    const rows = store
      .stmt(
        `SELECT (l.time_ns - ?) / ? AS bucket, ${bandCase} AS band, count(*) AS n
         FROM logs l WHERE ${w.sql} GROUP BY bucket, band`,
      )
      .all(msToNs(from), BigInt(stepMs) * 1_000_000n, ...w.params) as Array<{ bucket: number; band: number; n: number }>;
    for (const r of rows) add(from + r.bucket * stepMs, r.band, r.n);
  };
  store.timed('logs.histogram', () => {
    if (!fromRollup) return withFts(input.q, (fts) => scan(fts));
    const firstFull = Math.ceil(from / 60_000);
    const endFull = Math.floor(to / 60_000); // exclusive
    if (endFull <= firstFull) return scan(null);
    const ids = input.service ? serviceIds(store, input.service) : null;
    if (ids && ids.length === 0) return;
    const minBand = input.minSeverity ? severityBand(input.minSeverity) : 0;
    const exactBand = !input.minSeverity || SEVERITY_BANDS.some((b) => b.min === input.minSeverity);
    if (!exactBand) return scan(null);
    const rows = store
      .stmt(
        `SELECT minute, band, sum(count) AS n FROM rollup_log_minute
         WHERE minute >= ? AND minute < ? ${ids ? `AND service_id IN (${ids.map(() => '?').join(',')})` : ''} AND band >= ? AND band < 6
         ${minBand === 0 ? 'OR (minute >= ? AND minute < ? AND band = 6' + (ids ? ` AND service_id IN (${ids.map(() => '?').join(',')})` : '') + ')' : ''}
         GROUP BY minute, band`,
      )
      .all(firstFull, endFull, ...(ids ?? []), minBand, ...(minBand === 0 ? [firstFull, endFull, ...(ids ?? [])] : [])) as Array<{ minute: number; band: number; n: number }>;
    for (const r of rows) add(r.minute * 60_000, r.band, r.n);
    const MINUTE_NS = 60_000_000_000n;
    scan(null, [msToNs(from), BigInt(firstFull) * MINUTE_NS - 1n]);
    scan(null, [BigInt(endFull) * MINUTE_NS, msToNs(to)]);
  });
  return { start: from, stepMs, bands: HISTOGRAM_BANDS, counts, total };
}
