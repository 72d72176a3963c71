// The ingest queue on the main thread: bounded (backpressure instead of unbounded memory),
// feeding the single writer in a worker thread. A job's promise settles only after its
// data is committed, so an OTLP response is never sent for data that could still be lost.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CommitSummary, IngestCoreOptions, IngestJob, IngestOutcome } from './ingest-core';
import type { RetentionReport } from './retention';
import { Backpressure } from '../../collectors/otlp/sink';

export type WorkerRequest = { type: 'job'; id: number; job: IngestJob } | { type: 'close' };
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'done'; results: Array<{ id: number; outcome: IngestOutcome }> }
  | { type: 'committed'; summary: CommitSummary }
  | { type: 'retention'; report: RetentionReport }
  | { type: 'closed' };

export interface PipelineOptions extends IngestCoreOptions {
  /** Bytes of payloads queued or being written before new ones are refused. */
  maxPendingBytes?: number;
  maxPendingJobs?: number;
  /** 'worker' (default when the bundled worker exists) or 'inline' (same thread). */
  mode?: 'worker' | 'inline';
}

interface Pending {
  resolve: (o: IngestOutcome) => void;
  bytes: number;
}

export class IngestPipeline extends EventEmitter<{
  committed: [CommitSummary];
  retention: [RetentionReport];
  error: [Error];
}> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private pendingBytes = 0;
  private closing = false;
  /** Jobs refused for backpressure since start. */
  throttled = 0;
  private readonly maxBytes: number;
  private readonly maxJobs: number;
  private post!: (msg: WorkerRequest) => void;
  private closeInline?: () => void;

  private constructor(opts: PipelineOptions) {
    super();
    this.maxBytes = opts.maxPendingBytes ?? 128 * 1024 * 1024;
    this.maxJobs = opts.maxPendingJobs ?? 512;
  }

  static async start(opts: PipelineOptions): Promise<IngestPipeline> {
    const p = new IngestPipeline(opts);
    const workerFile = fileURLToPath(new URL('./ingest-worker.js', import.meta.url));
    const mode = opts.mode ?? (existsSync(workerFile) ? 'worker' : 'inline');
    if (mode === 'worker') await p.startWorker(workerFile, opts);
    else await p.startInline(opts);
    return p;
  }

  private startWorker(file: string, opts: PipelineOptions): Promise<void> {
    const worker = new Worker(file, {
      workerData: { dataDir: opts.dataDir, retention: opts.retention } satisfies IngestCoreOptions,
    });
    this.post = (msg) => {
      if (msg.type === 'job' && msg.job.kind === 'otlp') {
        const body = msg.job.body;
        // Hand the payload over without copying when it owns its memory.
        const transfer = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? [body.buffer as ArrayBuffer] : [];
        worker.postMessage(msg, transfer);
      } else worker.postMessage(msg);
    };
    return new Promise((resolve, reject) => {
      worker.on('message', (reply: WorkerReply) => {
        if (reply.type === 'ready') resolve();
        else if (reply.type === 'fatal') reject(new Error(reply.message));
        else this.onReply(reply);
      });
      worker.on('error', (err) => {
        reject(err);
        this.failAll(`the writer stopped: ${err.message}`);
        this.emit('error', err);
      });
      worker.on('exit', (code) => {
        if (!this.closing) this.failAll(`the writer exited (code ${code})`);
      });
      this.closeInline = undefined;
      this.closeWorker = () =>
        new Promise<void>((done) => {
          worker.once('exit', () => done());
          worker.postMessage({ type: 'close' } satisfies WorkerRequest);
          setTimeout(() => void worker.terminate(), 10_000).unref();
        });
    });
  }

  private closeWorker?: () => Promise<void>;

  private async startInline(opts: PipelineOptions): Promise<void> {
    const { IngestCore } = await import('./ingest-core');
    const { runQueue } = await import('./ingest-loop');
    const core = new IngestCore(opts);
    const loop = runQueue(core, (reply) => this.onReply(reply));
    this.post = (msg) => {
      if (msg.type === 'job') loop.push(msg.id, msg.job);
    };
    this.closeInline = () => {
      loop.stop();
      core.close();
    };
  }

  private onReply(reply: WorkerReply): void {
    if (reply.type === 'done') {
      for (const { id, outcome } of reply.results) {
        const p = this.pending.get(id);
        if (!p) continue;
        this.pending.delete(id);
        this.pendingBytes -= p.bytes;
        p.resolve(outcome);
      }
    } else if (reply.type === 'committed') this.emit('committed', reply.summary);
    else if (reply.type === 'retention') this.emit('retention', reply.report);
  }

  private failAll(message: string): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.resolve({ accepted: 0, duplicates: 0, rejected: 0, errors: [], failed: message });
    }
    this.pendingBytes = 0;
  }

  get queueDepth(): number {
    return this.pending.size;
  }

  /** Queues a job; rejects with Backpressure when the queue is full. */
  submit(job: IngestJob, bytes = job.kind === 'otlp' ? job.body.byteLength : 1024): Promise<IngestOutcome> {
    if (this.closing) return Promise.resolve({ accepted: 0, duplicates: 0, rejected: 0, errors: [], failed: 'Loupe is shutting down' });
    if (this.pending.size >= this.maxJobs || (this.pendingBytes + bytes > this.maxBytes && this.pending.size > 0)) {
      this.throttled++;
      return Promise.reject(new Backpressure(this.pending.size >= this.maxJobs * 2 ? 5 : 1));
    }
    const id = this.nextId++;
    this.pendingBytes += bytes;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, bytes });
      this.post({ type: 'job', id, job });
    });
  }

  async close(): Promise<void> {
    if (this.closing) return;
    // Let queued jobs finish first (bounded wait).
    const deadline = Date.now() + 10_000;
    while (this.pending.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    this.closing = true;
    if (this.closeWorker) await this.closeWorker();
    this.closeInline?.();
  }
}
