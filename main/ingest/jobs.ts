// What flows through the ingest stage: the jobs receivers, importers and plugins hand in, the
// outcome each gets back, and the messages between the queue (main thread) and the writer
// thread. Declared here once so the queue, the loop and the thread import it and not each other.
import type { Signal } from '../../common/model';
import type { SinkOutcome } from '../../common/ingest';
import type { RetentionPolicy, RetentionReport } from '../store/retention';
import type { WriteResult } from '../store/writer';

/** OTLP bytes, decoded on the writer thread: what receivers and plugin pushes send, and what
 * file imports encode their parsed chunks to (IngestPipeline.submitBatch). */
export interface IngestJob {
  kind: 'otlp';
  signal: Signal;
  encoding: 'protobuf' | 'json';
  body: Uint8Array;
  source: string;
  /** Items the submitter already refused while reading its input (an importer's invalid
   * lines), with why: counted and recorded with the payload's own rejections. */
  rejectedBefore?: { count: number; errors: string[] };
}

export type IngestOutcome = SinkOutcome;

export interface CommitSummary extends Pick<WriteResult, 'spans' | 'logs' | 'metricPoints' | 'services' | 'tables' | 'traceIds' | 'lastLogId' | 'oldestMinute'> {}

export interface WriterOptions {
  dataDir: string;
  retention?: Partial<RetentionPolicy>;
  /** Span attribute keys the user adds to the search index (beside the defaults). */
  searchKeys?: string[];
}

/** Keys the user adds to or takes out of the attribute search index. */
export interface SearchKeyChange {
  add: string[];
  remove: string[];
}

export type WorkerRequest =
  | { type: 'job'; id: number; job: IngestJob }
  | { type: 'searchKeys'; id: number; change: SearchKeyChange }
  | { type: 'close' };
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'done'; results: Array<{ id: number; outcome: IngestOutcome }>; usedBytes?: number }
  | { type: 'committed'; summary: CommitSummary }
  | { type: 'retention'; report: RetentionReport }
  /** The patterns indexed after a search key change, or why it failed. */
  | { type: 'searchKeys'; id: number; patterns?: string[]; error?: string }
  | { type: 'closed' };

/** Bytes a job counts for in the queue's and a transaction's byte bounds. */
export function jobBytes(job: IngestJob): number {
  return job.body.byteLength;
}
