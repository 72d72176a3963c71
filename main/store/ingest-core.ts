import { isUtf8 } from 'node:buffer';

// What the writer thread does with queued jobs: decode OTLP payloads (protobuf or JSON) and
// write everything decoded in one transaction. Shared by the worker and the inline mode.
import type { Signal, TelemetryBatch } from '../../common/model';
import { decodeOtlpProto } from '../../collectors/otlp/decode-proto';
import { decodeOtlpJson } from '../../collectors/otlp/decode-json';
import { DecodeError } from '../../collectors/otlp/proto-reader';
import type { SinkOutcome } from '../../collectors/otlp/sink';
import { migrate, openDatabase, type Db } from './database';
import { DEFAULT_RETENTION, Retention, type RetentionPolicy } from './retention';
import { StoreWriter, type WriteResult } from './writer';

export type IngestJob =
  | { kind: 'otlp'; signal: Signal; encoding: 'protobuf' | 'json'; body: Uint8Array; source: string }
  | { kind: 'batch'; batch: TelemetryBatch; source: string };

export type IngestOutcome = SinkOutcome;

export interface CommitSummary extends Pick<WriteResult, 'spans' | 'logs' | 'metricPoints' | 'services' | 'tables' | 'traceIds' | 'lastLogId' | 'oldestMinute'> {}

export interface IngestCoreOptions {
  dataDir: string;
  retention?: Partial<RetentionPolicy>;
}

export class IngestCore {
  readonly db: Db;
  private readonly writer: StoreWriter;
  readonly retention: Retention;

  constructor(opts: IngestCoreOptions) {
    this.db = openDatabase(opts.dataDir, { cacheMb: 64 });
    migrate(this.db);
    this.writer = new StoreWriter(this.db);
    this.retention = new Retention(this.db, { ...DEFAULT_RETENTION, ...opts.retention });
  }

  /** Decodes and commits jobs; one outcome per job, and what the commit changed. */
  process(jobs: IngestJob[]): { outcomes: IngestOutcome[]; summary: CommitSummary | null } {
    const outcomes: IngestOutcome[] = [];
    const batches: TelemetryBatch[] = [];
    const owners: number[] = [];
    for (const job of jobs) {
      const outcome: IngestOutcome = { accepted: 0, duplicates: 0, rejected: 0, errors: [] };
      outcomes.push(outcome);
      let batch: TelemetryBatch;
      try {
        batch = job.kind === 'batch' ? job.batch : decode(job.signal, job.encoding, job.body);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        outcome.malformed = e.message;
        this.writer.recordErrors(job.source, [e.message], 0, true);
        continue;
      }
      outcome.rejected = batch.rejected;
      outcome.errors = batch.errors;
      if (batch.errors.length) this.writer.recordErrors(job.source, batch.errors, 0);
      batches.push(batch);
      owners.push(outcomes.length - 1);
    }
    if (batches.length === 0) return { outcomes, summary: null };
    let result: WriteResult;
    try {
      result = this.writer.write(batches);
    } catch (e) {
      const message = `the store could not commit: ${(e as Error).message}`;
      for (const i of owners) outcomes[i].failed = message;
      return { outcomes, summary: null };
    }
    owners.forEach((i, k) => {
      outcomes[i].accepted = result.perBatch[k].stored;
      outcomes[i].duplicates = result.perBatch[k].duplicates;
    });
    return {
      outcomes,
      summary: {
        spans: result.spans,
        logs: result.logs,
        metricPoints: result.metricPoints,
        services: result.services,
        tables: result.tables,
        traceIds: result.traceIds,
        lastLogId: result.lastLogId,
        oldestMinute: result.oldestMinute,
      },
    };
  }

  /** Periodic work between transactions: settles service-map halves that waited too long.
   * Returns the oldest rollup minute it changed, or null. */
  tick(): number | null {
    return this.writer.tick();
  }

  close(): void {
    try {
      this.db.pragma('optimize');
    } finally {
      this.db.close();
    }
  }
}

function decode(signal: Signal, encoding: 'protobuf' | 'json', body: Uint8Array): TelemetryBatch {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (encoding === 'protobuf') return decodeOtlpProto(signal, buf);
  if (!isUtf8(buf)) throw new DecodeError('the JSON body is not valid UTF-8', '');
  return decodeOtlpJson(signal, buf.toString('utf8'));
}
