// Trace summaries against their definition: whatever order and grouping a trace's spans arrive
// in (one exporter per service, batches re-sent, a restart, retention taking a trace whose
// spans keep coming), its row says what its stored spans say.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpanRecord, TelemetryBatch } from '../../common/model';
import { mulberry32 as random } from '../../common/random';
import { makeBatch, makeSpan, spanIdOf, traceIdOf } from '../testing/telemetry';
import { migrate, openDatabase, type Db } from './database';
import { StoreWriter } from './writer';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const T0 = 1_700_000_000_000_000_000n;
const SERVICES = ['frontend', 'cart', 'checkout', 'payments'];

interface Sent {
  service: string;
  span: SpanRecord;
}

/** Traces of 2–8 spans over the services, each with at most one root; every start distinct. */
function traces(rnd: () => number, count: number): Sent[] {
  const out: Sent[] = [];
  let tick = 0n;
  for (let t = 0; t < count; t++) {
    const traceId = traceIdOf((t + 1).toString(16));
    const hasRoot = rnd() < 0.8;
    const n = 2 + Math.floor(rnd() * 7);
    for (let s = 0; s < n; s++) {
      const startNs = T0 + (tick += BigInt(1 + Math.floor(rnd() * 1000))) * 1000n;
      out.push({
        service: SERVICES[Math.floor(rnd() * SERVICES.length)],
        span: makeSpan({
          traceId,
          spanId: spanIdOf((s + 1).toString(16)),
          parentSpanId: hasRoot && s === 0 ? null : spanIdOf('ff'),
          name: `op-${t}-${s}`,
          startNs,
          endNs: startNs + BigInt(1 + Math.floor(rnd() * 5_000_000)),
          statusCode: rnd() < 0.2 ? 2 : 0,
        }),
      });
    }
  }
  return out;
}

/** Each trace's summary computed from the spans the store holds. */
function expected(db: Db): Record<string, unknown>[] {
  const spans = db
    .prepare(
      `SELECT s.trace_ref, hex(s.trace_id) AS trace, s.parent_span_id IS NULL AS is_root, s.name, s.start_ns, s.end_ns, s.is_error, sv.name AS service
       FROM spans s JOIN services sv ON sv.id = s.service_id ORDER BY s.start_ns`,
    )
    .safeIntegers(true)
    .all() as Array<{ trace_ref: bigint; trace: string; is_root: bigint; name: string; start_ns: bigint; end_ns: bigint; is_error: bigint; service: string }>;
  const byTrace = new Map<string, typeof spans>();
  for (const s of spans) byTrace.set(s.trace, [...(byTrace.get(s.trace) ?? []), s]);
  return [...byTrace.values()]
    .map((ss) => {
      const root = ss.find((s) => s.is_root === 1n) ?? ss[0];
      return {
        trace: ss[0].trace,
        ref: ss[0].trace_ref,
        start_ns: ss[0].start_ns,
        end_ns: ss.reduce((m, s) => (s.end_ns > m ? s.end_ns : m), 0n),
        root_service: root.service,
        root_name: root.name,
        has_root: root.is_root,
        span_count: BigInt(ss.length),
        error_count: BigInt(ss.filter((s) => s.is_error === 1n).length),
        services: JSON.stringify([...new Set(ss.map((s) => s.service))].sort()),
      };
    })
    .sort((a, b) => a.trace.localeCompare(b.trace));
}

function stored(db: Db): Record<string, unknown>[] {
  return db
    .prepare('SELECT hex(trace_id) AS trace, ref, start_ns, end_ns, root_service, root_name, has_root, span_count, error_count, services FROM traces ORDER BY trace')
    .safeIntegers(true)
    .all() as Record<string, unknown>[];
}

describe('trace summaries', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('match the stored spans whatever the arrival (seed %i)', (seed) => {
    const rnd = random(seed);
    const dir = mkdtempSync(join(tmpdir(), 'loupe-summaries-'));
    dirs.push(dir);
    const db = openDatabase(dir);
    migrate(db);
    let writer = new StoreWriter(db);
    const sent = traces(rnd, 12);
    // Shuffled, then cut into requests of one service's spans each, as exporters send them.
    for (let i = sent.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [sent[i], sent[j]] = [sent[j], sent[i]];
    }
    const requests: TelemetryBatch[] = [];
    for (let i = 0; i < sent.length; ) {
      const n = 1 + Math.floor(rnd() * 4);
      const bySvc = new Map<string, SpanRecord[]>();
      for (const s of sent.slice(i, i + n)) bySvc.set(s.service, [...(bySvc.get(s.service) ?? []), s.span]);
      for (const [service, spans] of bySvc) requests.push(makeBatch(service, spans, { version: '1.0' }));
      i += n;
    }
    let written = 0;
    let retentionTook = false;
    while (written < requests.length) {
      // One to three requests per transaction; now and then one is sent again.
      const n = Math.min(requests.length - written, 1 + Math.floor(rnd() * 3));
      const group = requests.slice(written, written + n);
      if (written > 0 && rnd() < 0.2) group.push(requests[Math.floor(rnd() * written)]);
      writer.write(group);
      written += n;
      const roll = rnd();
      if (roll < 0.1) writer = new StoreWriter(db); // a restart: the new writer knows no row
      else if (roll < 0.2 && !retentionTook) {
        // Retention takes a trace whose other spans have not all come yet.
        const ref = db.prepare('SELECT ref FROM traces ORDER BY ref LIMIT 1').pluck().get();
        db.prepare('DELETE FROM spans WHERE trace_ref = ?').run(ref);
        db.prepare('DELETE FROM traces WHERE ref = ?').run(ref);
        retentionTook = true;
      }
      expect(stored(db)).toEqual(expected(db));
    }
    expect(stored(db).length).toBeGreaterThan(0);
    db.close();
  });
});
