// `loupe import FILE…`: streams each file's chunks into the store through the ingest queue,
// waiting out backpressure, and sums up what happened per file.
import type { TelemetryBatch } from '../../common/model';
import { Backpressure, type SinkOutcome } from '../../common/ingest';
import { batchItems } from './chunk-builder';
import type { ImportFormat } from './detect';
import { type ImportOptions, type ImportProblem, type ImportProgress, importFile } from './importer';

export interface ImportFileSummary {
  file: string;
  format: ImportFormat | null;
  /** Items read from the file and handed to the store. */
  items: number;
  /** Items stored now, already stored (an earlier import of the same data), and rejected. */
  stored: number;
  duplicates: number;
  rejected: number;
  problems: ImportProblem[];
  /** Set when the store failed; the rest of the file (and later files) were not imported. */
  failed?: string;
}

export interface ImportFilesOptions extends ImportOptions {
  /** How long to keep retrying a full ingest queue before giving up (default 10 minutes). */
  maxWaitMs?: number;
}

/** Submits a batch for a file; a function of one argument (the batch) fits too. */
export type ImportSubmit = (batch: TelemetryBatch, file: string) => Promise<SinkOutcome>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function submitWithRetry(submit: ImportSubmit, batch: TelemetryBatch, file: string, maxWaitMs: number): Promise<SinkOutcome> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    try {
      return await submit(batch, file);
    } catch (e) {
      if (!(e instanceof Backpressure)) throw e;
      if (Date.now() >= deadline) return { accepted: 0, duplicates: 0, rejected: 0, errors: [], failed: `the ingest queue stayed full for ${Math.round(maxWaitMs / 1000)} s` };
      await sleep(Math.min(Math.max(0.05, e.retryAfterSeconds), 5) * 1000);
    }
  }
}

/**
 * Imports files one after another. One chunk is written while the next is parsed. Problems are
 * collected per file; a file that cannot be read or recognised is reported and skipped; a store
 * failure stops the import (what was acknowledged before it stays stored).
 */
export async function importFiles(
  paths: readonly string[],
  submit: ImportSubmit,
  onProgress?: (progress: ImportProgress, problems: readonly ImportProblem[]) => void,
  opts: ImportFilesOptions = {},
): Promise<ImportFileSummary[]> {
  const maxWaitMs = opts.maxWaitMs ?? 10 * 60_000;
  const summaries: ImportFileSummary[] = [];
  let storeFailure: string | undefined;
  for (const file of paths) {
    const summary: ImportFileSummary = { file, format: null, items: 0, stored: 0, duplicates: 0, rejected: 0, problems: [] };
    summaries.push(summary);
    if (storeFailure) {
      summary.failed = `not imported: ${storeFailure}`;
      continue;
    }
    let inFlight: Promise<void> | null = null;
    const settle = (outcome: SinkOutcome) => {
      summary.stored += outcome.accepted;
      summary.duplicates += outcome.duplicates;
      summary.rejected += outcome.rejected;
      if (outcome.failed || outcome.malformed) storeFailure ??= outcome.failed ?? outcome.malformed;
    };
    const chunks = importFile(file, opts);
    try {
      for await (const chunk of chunks) {
        summary.format ??= chunk.format;
        summary.problems.push(...chunk.problems);
        const n = batchItems(chunk.batch);
        if (n > 0 || chunk.batch.rejected > 0) {
          summary.items += n;
          if (inFlight) await inFlight;
          if (storeFailure) break;
          inFlight = submitWithRetry(submit, chunk.batch, file, maxWaitMs).then(settle, (e: Error) =>
            settle({ accepted: 0, duplicates: 0, rejected: 0, errors: [], failed: `storing failed: ${e.message}` }),
          );
        }
        onProgress?.(chunk.progress, chunk.problems);
      }
      if (inFlight) await inFlight;
    } finally {
      await chunks.return(undefined);
    }
    if (storeFailure) summary.failed = storeFailure;
  }
  return summaries;
}
