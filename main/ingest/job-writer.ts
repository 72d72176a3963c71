// The write stage, on the writer thread: owns the only write connection, takes a group of
// jobs through the decode stage and commits what they carry in one transaction, answering
// each job on its own.
import type { TelemetryBatch } from '../../common/model';
import { closeDatabase, fitWalToCap, migrate, openDatabase, type Db } from '../store/database';
import { DEFAULT_RETENTION, Retention } from '../store/retention';
import { MAX_EVENT_TRACE_IDS, StoreWriter, type WriteResult } from '../store/writer';
import { SourceActivityWriter } from '../store/source-activity';
import { setSearchPatterns } from '../../collectors/otlp/normalize';
import { addSearchKeys, removeSearchKeys } from '../store/write/attribute-index';
import { decodeJob } from './decode';
import type { CommitSummary, IngestJob, IngestOutcome, SearchKeyChange, WorkerReply, WriterOptions } from './jobs';

export class JobWriter {
  readonly db: Db;
  private readonly writer: StoreWriter;
  private readonly activity: SourceActivityWriter;
  readonly retention: Retention;
  /** Payload bytes one transaction takes at most: a small share of the size cap, so a single
   * commit cannot carry the store far past it before retention runs. */
  readonly maxTxBytes: number;

  constructor(opts: WriterOptions) {
    // 16 MiB of page cache: the writer appends at the right edge of most b-trees, and the pages
    // of the ones keyed at random (trace ids, attribute postings) it misses come from the OS's
    // file cache, which is not the core's memory. 64 MiB cost 35–75 MB of resident memory and
    // bought no ingest speed (docs/performance.md, "The writer's page cache").
    this.db = openDatabase(opts.dataDir, { cacheMb: 16 });
    migrate(this.db);
    const policy = { ...DEFAULT_RETENTION, ...opts.retention };
    // The cap covers the file users see, database and WAL: retention keeps the used pages
    // under the cap less the WAL's share.
    const walBytes = fitWalToCap(this.db, policy.maxSizeBytes);
    // The decoders note the values of every key the search index keeps (it runs on this thread).
    setSearchPatterns(addSearchKeys(this.db, opts.searchKeys ?? []));
    this.writer = new StoreWriter(this.db);
    this.activity = new SourceActivityWriter(this.db);
    this.retention = new Retention(this.db, policy, walBytes);
    this.maxTxBytes = Math.min(16 * 1024 * 1024, Math.max(128 * 1024, Math.floor(policy.maxSizeBytes / 32)));
  }

  /** Adds and removes the user's search keys; the decoders note the new set from the next job
   * on. Answers with every pattern indexed, or why the change failed. */
  changeSearchKeys(id: number, change: SearchKeyChange): WorkerReply {
    try {
      removeSearchKeys(this.db, change.remove);
      const patterns = addSearchKeys(this.db, change.add);
      setSearchPatterns(patterns);
      return { type: 'searchKeys', id, patterns };
    } catch (e) {
      return { type: 'searchKeys', id, error: (e as Error).message };
    }
  }

  /**
   * Decodes and commits jobs; one outcome per job, and what the commits changed. The jobs are
   * written in one transaction; when it fails, each is retried in its own, so a job the store
   * refuses fails alone instead of taking every job queued beside it down.
   */
  process(jobs: IngestJob[]): { outcomes: IngestOutcome[]; summary: CommitSummary | null } {
    const outcomes: IngestOutcome[] = [];
    const batches: TelemetryBatch[] = [];
    const owners: number[] = [];
    for (const job of jobs) {
      const outcome: IngestOutcome = { accepted: 0, duplicates: 0, rejected: 0, errors: [] };
      outcomes.push(outcome);
      const decoded = decodeJob(job);
      if ('malformed' in decoded) {
        outcome.malformed = decoded.malformed;
        this.recordErrors(job.source, [outcome.malformed], 0, true);
        continue;
      }
      const batch = decoded.batch;
      outcome.rejected = batch.rejected;
      outcome.errors = batch.errors;
      if (batch.errors.length) this.recordErrors(job.source, batch.errors, 0);
      batches.push(batch);
      owners.push(outcomes.length - 1);
    }
    if (batches.length === 0) return { outcomes, summary: null };
    try {
      const activity = owners.map((i, k) => ({ source: jobs[i].source, batch: batches[k] }));
      const result = this.writer.write(batches, Date.now(), () => this.activity.record(activity, Date.now()));
      owners.forEach((i, k) => {
        outcomes[i].accepted = result.perBatch[k].stored;
        outcomes[i].duplicates = result.perBatch[k].duplicates;
      });
      return { outcomes, summary: summaryOf(result) };
    } catch (e) {
      if (batches.length === 1) {
        failJob(outcomes[owners[0]], e);
        return { outcomes, summary: null };
      }
    }
    let summary: CommitSummary | null = null;
    batches.forEach((batch, k) => {
      const outcome = outcomes[owners[k]];
      try {
        const result = this.writer.write([batch], Date.now(), () => this.activity.record([{ source: jobs[owners[k]].source, batch }], Date.now()));
        outcome.accepted = result.perBatch[0].stored;
        outcome.duplicates = result.perBatch[0].duplicates;
        summary = mergeSummaries(summary, summaryOf(result));
      } catch (e) {
        failJob(outcome, e);
        if (outcome.malformed) this.recordErrors(jobs[owners[k]].source, [outcome.malformed], 0, true);
      }
    });
    return { outcomes, summary };
  }

  /** Error bookkeeping must never fail a job (the disk may be full). */
  private recordErrors(source: string, messages: string[], rejected: number, malformed = false): void {
    try {
      this.writer.recordErrors(source, messages, rejected, malformed);
    } catch {
      // Counted nowhere, but the client still gets its answer.
    }
  }

  /** Periodic work between transactions: settles service-map halves that waited too long.
   * Returns the oldest rollup minute it changed, or null. */
  tick(): number | null {
    return this.writer.tick();
  }

  close(): void {
    closeDatabase(this.db);
  }
}

/** SQLite errors that are the store's condition, not the payload's: the sender should retry. */
const TRANSIENT = /^SQLITE_(FULL|BUSY|LOCKED|IOERR|CANTOPEN|READONLY|NOMEM|PROTOCOL)/;

function failJob(outcome: IngestOutcome, e: unknown): void {
  const code = (e as { code?: string }).code ?? '';
  const message = (e as Error).message;
  if (code === 'SQLITE_FULL') outcome.failed = 'the disk is full: the store could not commit; free space and retry';
  else if (TRANSIENT.test(code)) outcome.failed = `the store could not commit (${code}): ${message}`;
  // The store refuses this payload alone, whatever is retried: a retry storm helps nobody.
  else outcome.malformed = `the store could not take this payload: ${message}`;
}

function summaryOf(result: WriteResult): CommitSummary {
  return {
    spans: result.spans,
    logs: result.logs,
    metricPoints: result.metricPoints,
    services: result.services,
    tables: result.tables,
    traceIds: result.traceIds,
    lastLogId: result.lastLogId,
    oldestMinute: result.oldestMinute,
  };
}

function mergeSummaries(a: CommitSummary | null, b: CommitSummary): CommitSummary {
  if (a === null) return b;
  const oldest = a.oldestMinute === null ? b.oldestMinute : b.oldestMinute === null ? a.oldestMinute : Math.min(a.oldestMinute, b.oldestMinute);
  return {
    spans: a.spans + b.spans,
    logs: a.logs + b.logs,
    metricPoints: a.metricPoints + b.metricPoints,
    services: [...new Set([...a.services, ...b.services])],
    tables: [...new Set([...a.tables, ...b.tables])],
    traceIds: [...a.traceIds, ...b.traceIds].slice(0, MAX_EVENT_TRACE_IDS),
    lastLogId: Math.max(a.lastLogId, b.lastLogId),
    oldestMinute: oldest,
  };
}
