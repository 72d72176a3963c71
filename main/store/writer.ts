// The single writer: turns normalized batches into rows, trace summaries and rollups in one
// transaction per group of batches. Each table family is written by its own module in
// write/ (identities, spans, trace summaries, rollups, logs, metrics); this one runs the
// transaction, keeps the ingest counters and error log, and reports what changed. Only rows
// that were actually inserted count towards summaries and rollups, so a re-sent batch
// changes nothing.
import type { TelemetryBatch } from '../../common/model';
import type { Db } from './database';
import { InstanceRollup } from './instance-rollup';
import { AttributeIndex } from './write/attribute-index';
import { Identities } from './write/identities';
import { LogWriter } from './write/logs';
import { MetricWriter } from './write/metrics';
import { Rollups } from './write/rollups';
import { SpanWriter } from './write/spans';
import { registerFunctions } from './write/sql-functions';
import { newWriteState, type TableName, type WriteResult } from './write/state';
import { TraceSummaries } from './write/trace-summaries';

export { MAX_EVENT_TRACE_IDS, type TableName, type WriteResult } from './write/state';

export class StoreWriter {
  private readonly identities: Identities;
  private readonly instances: InstanceRollup;
  private readonly summaries: TraceSummaries;
  private readonly search: AttributeIndex;
  private readonly rollups: Rollups;
  private readonly spans: SpanWriter;
  private readonly logs: LogWriter;
  private readonly metrics: MetricWriter;
  private readonly stmt;
  private readonly writeTx: (batches: TelemetryBatch[], receivedMs: number, alongside?: () => void) => WriteResult;

  /** `rollups: false` stores spans and trace summaries only — the benchmark's baseline for
   * what the rollups cost at ingest. */
  constructor(
    private readonly db: Db,
    options: { rollups?: boolean } = {},
  ) {
    registerFunctions(db);
    this.identities = new Identities(db);
    this.instances = new InstanceRollup(db);
    this.summaries = new TraceSummaries(db);
    this.search = new AttributeIndex(db);
    this.rollups = new Rollups(db, this.instances);
    const parts = { identities: this.identities, instances: this.instances };
    this.spans = new SpanWriter(db, { ...parts, summaries: this.summaries, search: this.search, rollups: options.rollups === false ? null : this.rollups });
    this.logs = new LogWriter(db, { ...parts, rollups: this.rollups });
    this.metrics = new MetricWriter(db, parts);
    this.stmt = {
      bumpStat: db.prepare('INSERT INTO ingest_stats (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = value + excluded.value'),
      insertError: db.prepare('INSERT INTO ingest_errors (time_ms, source, message) VALUES (?, ?, ?)'),
      trimErrors: db.prepare('DELETE FROM ingest_errors WHERE id <= (SELECT max(id) FROM ingest_errors) - 500'),
    };
    this.writeTx = db.transaction((batches: TelemetryBatch[], receivedMs: number, alongside?: () => void) => {
      const result = this.writeAll(batches, receivedMs);
      if (alongside)
        try {
          db.transaction(alongside)();
        } catch {
          // Its savepoint is undone; the batches commit without it.
        }
      return result;
    });
  }

  /** Settles service-map halves that waited too long for their other half, and merges search
   * index parts that are due (run between writes); returns the oldest minute it changed, or null. */
  tick(nowMs = Date.now()): number | null {
    try {
      this.search.mergeDue();
    } catch {
      // Retried on the next tick, or when the next part is written.
    }
    return this.rollups.tick(nowMs);
  }

  /** Writes batches in one transaction. When it fails, the identity caches are dropped: they
   * may name rows the rolled-back transaction had inserted. `alongside` is bookkeeping that
   * must never fail the write: it runs in the same transaction, in a savepoint of its own, and
   * when it throws only its own changes are undone. */
  write(batches: TelemetryBatch[], receivedMs = Date.now(), alongside?: () => void): WriteResult {
    try {
      const result = this.writeTx(batches, receivedMs, alongside);
      this.summaries.committed();
      this.search.committed();
      return result;
    } catch (e) {
      this.search.rolledBack();
      this.identities.clear();
      this.metrics.clear();
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
    this.summaries.begin();
    this.search.begin();
    this.rollups.begin();
    this.metrics.begin();
    const st = newWriteState(receivedMs);
    const { result } = st;
    for (const batch of batches) {
      const storedBefore = result.spans + result.logs + result.metricPoints;
      const dupBefore = result.duplicates;
      result.rejected += batch.rejected;
      for (const group of batch.spans) this.spans.write(group, st);
      for (const group of batch.logs) this.logs.write(group, st);
      for (const group of batch.metrics) this.metrics.write(group, st);
      result.perBatch.push({ stored: result.spans + result.logs + result.metricPoints - storedBefore, duplicates: result.duplicates - dupBefore });
    }
    this.summaries.flush(receivedMs, result);
    result.oldestMinute = this.rollups.flush(receivedMs);
    this.instances.flush();
    this.metrics.flush();
    this.identities.touchServices(st);
    const s = this.stmt;
    if (result.spans) s.bumpStat.run('spans', result.spans);
    if (result.logs) s.bumpStat.run('logs', result.logs);
    if (result.metricPoints) s.bumpStat.run('metricPoints', result.metricPoints);
    if (result.duplicates) s.bumpStat.run('duplicates', result.duplicates);
    if (result.rejected) s.bumpStat.run('rejected', result.rejected);
    const tables = new Set<TableName>();
    if (result.spans) tables.add('spans').add('traces').add('rollups');
    if (result.logs) tables.add('logs');
    if (result.metricPoints) tables.add('metrics');
    if (st.touched.size) tables.add('services');
    result.tables = [...tables];
    return result;
  }
}
