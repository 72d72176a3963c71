// Exceptions grouped per service by exception.type and a message fingerprint, read at query time
// from what the store already holds: span events named `exception` (the OTel semantic
// conventions' exception.type / .message / .stacktrace) and log records carrying exception.*
// attributes. An exception a service both records on its span and logs within that span is one
// occurrence. A group is new when no occurrence of it lies in the look-back before the window
// (as long as the window, at most a day): long enough to tell a new error from a recurring one
// without scanning all history.
import { createHash } from 'node:crypto';
import type { ExceptionGroup, ExceptionList } from '../../common/api/incident-schemas';
import { toHex } from '../../common/ids';
import { messageFingerprint } from './message-masks';
import { type ReadStore, msToNs, serviceIds, windowOf } from './read-store';

/** Most occurrences read per source and request (newest first). */
export const EXCEPTION_CAP = 20_000;
const MAX_LOOKBACK_MS = 24 * 3_600_000;
const SAMPLES = 5;

interface Occurrence {
  time: number;
  service: string;
  type: string;
  message: string;
  stacktrace: string | null;
  traceId: string | null;
  spanId: string | null;
  logId: number | null;
  source: 'span' | 'log';
}

interface SpanRow {
  trace_id: Buffer;
  span_id: Buffer;
  service: string;
  events: string;
}

interface LogRow {
  id: number;
  time_ns: bigint;
  trace_id: Buffer | null;
  span_id: Buffer | null;
  service: string;
  body: string;
  attributes: string;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Unix ns as text to ms, exact to the microsecond (a double holds ns only to ~256 ns). */
function nsTextToMs(text: string | undefined): number {
  try {
    return Number(BigInt(text ?? '0') / 1000n) / 1000;
  } catch {
    return 0;
  }
}

export function listExceptions(store: ReadStore, input: { from?: number; to?: number; service?: string; buckets: number }): ExceptionList {
  const t0 = performance.now();
  const { from, to } = windowOf(input);
  const lookbackMs = Math.min(MAX_LOOKBACK_MS, Math.max(60_000, to - from));
  const scanFrom = from - lookbackMs;
  const stepMs = Math.max(1, Math.ceil((to - from) / input.buckets));
  const buckets = Math.max(1, Math.ceil((to - from) / stepMs));

  return store.timed('exceptions.list', () => {
    const ids = input.service ? serviceIds(store, input.service) : (store.pluck('SELECT id FROM services').all() as number[]);
    const empty = (): ExceptionList => ({ from, to, stepMs, lookbackMs, groups: [], scanned: { spans: 0, logs: 0 }, capped: false, cap: EXCEPTION_CAP, tookMs: performance.now() - t0 });
    if (ids.length === 0) return empty();
    const inIds = ids.map(() => '?').join(',');

    // Failed spans of these services in the range, newest first. The service index holds
    // is_error, so only failed spans' rows are read (reading every span's events costs ~10 µs a
    // span: seconds for a busy hour); an exception recorded on a span that did not fail, and
    // handled there, is found when the service logs it with exception.* attributes.
    const spanRows = store
      .stmt(
        `SELECT s.trace_id, s.span_id, sv.name AS service, s.events FROM spans s JOIN services sv ON sv.id = s.service_id
         WHERE s.service_id IN (${inIds}) AND s.start_ns BETWEEN ? AND ? AND s.is_error = 1 AND s.events IS NOT NULL AND instr(s.events, '"exception"') > 0
         ORDER BY s.start_ns DESC LIMIT ?`,
      )
      .all(...ids, msToNs(scanFrom), msToNs(to), EXCEPTION_CAP) as SpanRow[];
    const occurrences: Occurrence[] = [];
    const onSpans = new Set<string>();
    let oldestSpanEvent = Infinity;
    for (const row of spanRows) {
      store.check();
      let events: Array<{ timeUnixNano?: string; name?: string; attributes?: Record<string, unknown> }>;
      try {
        events = JSON.parse(row.events);
      } catch {
        continue;
      }
      const traceId = toHex(row.trace_id);
      const spanId = toHex(row.span_id);
      for (const e of events) {
        if (e.name !== 'exception') continue;
        const a = e.attributes ?? {};
        const type = str(a['exception.type']);
        const message = str(a['exception.message']);
        if (!type && !message) continue;
        const time = nsTextToMs(e.timeUnixNano);
        oldestSpanEvent = Math.min(oldestSpanEvent, time);
        occurrences.push({ time, service: row.service, type, message, stacktrace: str(a['exception.stacktrace']) || null, traceId, spanId, logId: null, source: 'span' });
        onSpans.add(`${traceId}:${spanId}:${type}:${message}`);
      }
    }

    const svc = input.service ? `AND l.service_id IN (${inIds})` : '';
    const logRows = store
      .stmt(
        `SELECT l.id, l.time_ns, l.trace_id, l.span_id, sv.name AS service, l.body, l.attributes FROM logs l JOIN services sv ON sv.id = l.service_id
         WHERE l.time_ns BETWEEN ? AND ? ${svc} AND instr(l.attributes, '"exception.') > 0
         ORDER BY l.time_ns DESC LIMIT ?`,
      )
      .safeIntegers(true)
      .all(msToNs(scanFrom), msToNs(to), ...(input.service ? ids : []), EXCEPTION_CAP) as LogRow[];
    for (const row of logRows) {
      store.check();
      let a: Record<string, unknown>;
      try {
        a = JSON.parse(row.attributes);
      } catch {
        continue;
      }
      const type = str(a['exception.type']);
      const message = str(a['exception.message']) || (type ? '' : row.body);
      if (!type && !message) continue;
      const traceId = row.trace_id ? toHex(row.trace_id) : null;
      const spanId = row.span_id ? toHex(row.span_id) : null;
      if (traceId && spanId && onSpans.has(`${traceId}:${spanId}:${type}:${message}`)) continue;
      occurrences.push({
        time: Number(row.time_ns / 1000n) / 1000,
        service: row.service,
        type,
        message,
        stacktrace: str(a['exception.stacktrace']) || null,
        traceId,
        spanId,
        logId: Number(row.id),
        source: 'log',
      });
    }

    const capped = spanRows.length === EXCEPTION_CAP || logRows.length === EXCEPTION_CAP;
    // When a source hit its cap, the look-back was read only as far as its oldest row.
    const readBackTo = Math.max(
      spanRows.length === EXCEPTION_CAP ? oldestSpanEvent : scanFrom,
      logRows.length === EXCEPTION_CAP ? Number(logRows[logRows.length - 1].time_ns / 1000n) / 1000 : scanFrom,
    );
    const groups = new Map<string, ExceptionGroup>();
    occurrences.sort((x, y) => y.time - x.time);
    const fingerprints = new Map<string, string>();
    for (const o of occurrences) {
      let fingerprint = fingerprints.get(o.message);
      if (fingerprint === undefined) fingerprints.set(o.message, (fingerprint = messageFingerprint(o.message)));
      const key = `${o.service}\u0000${o.type}\u0000${fingerprint}`;
      let g = groups.get(key);
      if (!g) {
        g = {
          id: createHash('sha1').update(key).digest('hex').slice(0, 12),
          service: o.service,
          type: o.type,
          fingerprint,
          message: o.message,
          count: 0,
          counts: new Array<number>(buckets).fill(0),
          firstSeen: o.time,
          lastSeen: o.time,
          new: null,
          stacktrace: null,
          samples: [],
        };
        groups.set(key, g);
      }
      g.firstSeen = Math.min(g.firstSeen, o.time);
      g.lastSeen = Math.max(g.lastSeen, o.time);
      if (o.time < from) continue;
      g.count++;
      g.counts[Math.min(buckets - 1, Math.floor((o.time - from) / stepMs))]++;
      if (g.samples.length < SAMPLES) g.samples.push({ time: o.time, source: o.source, message: o.message, traceId: o.traceId, spanId: o.spanId, logId: o.logId });
      if (!g.stacktrace && o.stacktrace) g.stacktrace = o.stacktrace;
    }
    const list: ExceptionGroup[] = [];
    for (const g of groups.values()) {
      if (g.count === 0) continue;
      g.new = g.firstSeen < from ? false : readBackTo <= scanFrom ? true : null;
      list.push(g);
    }
    list.sort((x, y) => y.count - x.count || y.lastSeen - x.lastSeen);
    return {
      from,
      to,
      stepMs,
      lookbackMs,
      groups: list,
      scanned: { spans: spanRows.length, logs: logRows.length },
      capped,
      cap: EXCEPTION_CAP,
      tookMs: Math.round(performance.now() - t0),
    };
  });
}
