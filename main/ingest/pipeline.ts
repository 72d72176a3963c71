// The ingest queue on the main thread: bounded (backpressure instead of unbounded memory),
// feeding the single writer in a worker thread. A job's promise settles only after its
// data is committed, so an OTLP response is never sent for data that could still be lost.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Backpressure } from '../../common/ingest';
import type { TelemetryBatch } from '../../common/model';
import { encodeBatch } from '../../collectors/otlp/encode-proto';
import { DEFAULT_RETENTION, type RetentionReport } from '../store/retention';
import type { JobWriter } from './job-writer';
import { jobBytes, type CommitSummary, type IngestJob, type IngestOutcome, type SearchKeyChange, type WorkerReply, type WorkerRequest, type WriterOptions } from './jobs';

export type { CommitSummary, IngestJob, IngestOutcome } from './jobs';

export interface PipelineOptions extends WriterOptions {
  /** Bytes of payloads queued or being written before new ones are refused. */
  maxPendingBytes?: number;
  maxPendingJobs?: number;
  /** 'worker' (default when the bundled worker exists) or 'inline' (same thread). */
  mode?: 'worker' | 'inline';
  /** The writer thread's script; defaults to ingest-writer.js beside the bundle. */
  workerFile?: string;
  /** A writer that answers nothing for this long while jobs wait is restarted. */
  stallMs?: number;
  log?: (line: string) => void;
}

interface Pending {
  resolve: (o: IngestOutcome) => void;
  bytes: number;
}

/** Past this share of the size cap, new jobs are refused until retention catches up. */
const OVER_CAP_BACKPRESSURE = 1.05;

export class IngestPipeline extends EventEmitter<{
  committed: [CommitSummary];
  retention: [RetentionReport];
  /** The writer thread ended unexpectedly and is being started again (why). */
  restart: [string];
}> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Search key changes sent to the writer thread and not answered yet. */
  private readonly keyChanges = new Map<number, { resolve: (patterns: string[]) => void; reject: (e: Error) => void }>();
  private pendingBytes = 0;
  private closing = false;
  /** Jobs refused for backpressure since start. */
  throttled = 0;
  /** Times the writer thread was restarted. */
  restarts = 0;
  /** Groups of jobs the writer answered (one transaction each) and the jobs in them, since
   * start: jobs per transaction is what a commit's cost is shared by. */
  transactions = 0;
  jobsAnswered = 0;
  /** The store's used bytes after the last commit or retention round. */
  usedBytes = 0;
  private readonly maxBytes: number;
  private readonly maxJobs: number;
  private readonly maxSizeBytes: number;
  private readonly stallMs: number;
  private readonly log: (line: string) => void;
  private post!: (msg: WorkerRequest) => void;
  private closeInline?: () => void;
  /** The writer's core when it runs on this thread (inline mode): lets tests reach the write
   * connection, e.g. to cap its pages and make the disk "full" for real. */
  inlineCore?: JobWriter;
  private worker: Worker | null = null;
  private ready = false;
  /** Last time the writer answered a job (or the queue was empty). */
  private lastProgress = Date.now();
  private watchdog?: NodeJS.Timeout;

  private constructor(private readonly opts: PipelineOptions) {
    super();
    this.maxBytes = opts.maxPendingBytes ?? 128 * 1024 * 1024;
    this.maxJobs = opts.maxPendingJobs ?? 512;
    this.maxSizeBytes = opts.retention?.maxSizeBytes ?? DEFAULT_RETENTION.maxSizeBytes;
    this.stallMs = opts.stallMs ?? 120_000;
    this.log = opts.log ?? ((l) => console.error(l));
  }

  static async start(opts: PipelineOptions): Promise<IngestPipeline> {
    const p = new IngestPipeline(opts);
    const workerFile = opts.workerFile ?? fileURLToPath(new URL('./ingest-writer.js', import.meta.url));
    const mode = opts.mode ?? (existsSync(workerFile) ? 'worker' : 'inline');
    if (mode === 'worker') {
      await p.spawn(workerFile);
      p.watchdog = setInterval(() => p.checkStall(), Math.min(5_000, p.stallMs / 2));
      p.watchdog.unref();
    } else await p.startInline(opts);
    return p;
  }

  /** Starts the writer thread; resolves once it has opened the store. */
  private spawn(file: string): Promise<void> {
    const worker = new Worker(file, {
      workerData: { dataDir: this.opts.dataDir, retention: this.opts.retention, searchKeys: this.opts.searchKeys } satisfies WriterOptions,
    });
    this.worker = worker;
    this.ready = false;
    this.post = (msg) => {
      if (msg.type === 'job') {
        const body = msg.job.body;
        // Hand the payload over without copying when it owns its memory.
        const transfer = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? [body.buffer as ArrayBuffer] : [];
        worker.postMessage(msg, transfer);
      } else worker.postMessage(msg);
    };
    this.closeWorker = () =>
      new Promise<void>((done) => {
        if (this.worker !== worker) return done();
        worker.once('exit', () => done());
        worker.postMessage({ type: 'close' } satisfies WorkerRequest);
        setTimeout(() => void worker.terminate(), 10_000).unref();
      });
    return new Promise((resolve, reject) => {
      let started = false;
      let lastError = '';
      worker.on('message', (reply: WorkerReply) => {
        if (reply.type === 'ready') {
          started = true;
          this.ready = true;
          this.lastProgress = Date.now();
          resolve();
        } else if (reply.type === 'fatal') reject(new Error(reply.message));
        else this.onReply(reply);
      });
      // Every error of the thread is handled here: the core never exits because its writer did.
      worker.on('error', (err) => {
        lastError = err.message;
      });
      worker.on('exit', (code) => {
        if (this.worker === worker) this.worker = null;
        this.ready = false;
        if (!started) return reject(new Error(`the writer could not start${lastError ? `: ${lastError}` : ` (exit code ${code})`}`));
        if (this.closing) return;
        const why = lastError || `exit code ${code}`;
        this.failAll(`the writer stopped (${why}); it is being restarted, retry shortly`);
        this.restarts++;
        this.log(`loupe: the ingest writer stopped (${why}); restarting it`);
        this.emit('restart', why);
        this.respawn(file, 100);
      });
    });
  }

  private respawn(file: string, delayMs: number): void {
    setTimeout(() => {
      if (this.closing) return;
      this.spawn(file).catch((e: Error) => {
        this.log(`loupe: the ingest writer could not be restarted: ${e.message}`);
        this.respawn(file, Math.min(delayMs * 2, 5_000));
      });
    }, delayMs).unref();
  }

  /** A writer that has not answered for stallMs while jobs wait is stuck: end it (it restarts). */
  private checkStall(): void {
    if (this.pending.size === 0) this.lastProgress = Date.now();
    else if (this.worker && this.ready && Date.now() - this.lastProgress > this.stallMs) {
      this.log(`loupe: the ingest writer answered nothing for ${Math.round(this.stallMs / 1000)} s with ${this.pending.size} jobs waiting; restarting it`);
      void this.terminateWriter();
    }
  }

  private closeWorker?: () => Promise<void>;

  private async startInline(opts: PipelineOptions): Promise<void> {
    const { JobWriter } = await import('./job-writer');
    const { runQueue } = await import('./writer-loop');
    const core = new JobWriter(opts);
    this.inlineCore = core;
    const loop = runQueue(core, (reply) => this.onReply(reply));
    this.ready = true;
    this.post = (msg) => {
      if (msg.type === 'job') loop.push(msg.id, msg.job);
      else if (msg.type === 'searchKeys') this.onReply(core.changeSearchKeys(msg.id, msg.change));
    };
    this.closeInline = () => {
      loop.stop();
      core.close();
    };
  }

  private onReply(reply: WorkerReply): void {
    if (reply.type === 'done') {
      this.lastProgress = Date.now();
      this.transactions++;
      this.jobsAnswered += reply.results.length;
      if (reply.usedBytes !== undefined) this.usedBytes = reply.usedBytes;
      for (const { id, outcome } of reply.results) {
        const p = this.pending.get(id);
        if (!p) continue;
        this.pending.delete(id);
        this.pendingBytes -= p.bytes;
        p.resolve(outcome);
      }
    } else if (reply.type === 'committed') this.emit('committed', reply.summary);
    else if (reply.type === 'searchKeys') {
      const c = this.keyChanges.get(reply.id);
      this.keyChanges.delete(reply.id);
      if (reply.patterns) c?.resolve(reply.patterns);
      else c?.reject(unavailableError(`the writer could not change the search keys: ${reply.error ?? 'no reason given'}`));
    }
    else if (reply.type === 'retention') {
      this.usedBytes = reply.report.usedBytes;
      this.emit('retention', reply.report);
    }
  }

  /**
   * Adds and removes the user's attribute search keys (kept in the store, so they hold across
   * restarts); resolves with every pattern indexed once the writer has taken the change.
   */
  changeSearchKeys(change: SearchKeyChange): Promise<string[]> {
    if (this.closing) return Promise.reject(unavailableError('Loupe is shutting down'));
    if (!this.ready) return Promise.reject(unavailableError('the ingest writer is restarting; retry shortly'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.keyChanges.set(id, { resolve, reject });
      this.post({ type: 'searchKeys', id, change });
    });
  }

  private failAll(message: string): void {
    for (const [id, c] of this.keyChanges) {
      this.keyChanges.delete(id);
      c.reject(unavailableError(message));
    }
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.resolve({ accepted: 0, duplicates: 0, rejected: 0, errors: [], failed: message });
    }
    this.pendingBytes = 0;
  }

  get queueDepth(): number {
    return this.pending.size;
  }

  /**
   * Why a job of `bytes` would be refused now (Backpressure), or null. Receivers ask before
   * reading a body, so an overloaded core answers 429 without reading or decompressing it.
   */
  refusal(bytes = 0): Backpressure | null {
    const refused = this.whyRefuse(bytes);
    // Counted here too: receivers refuse through this before reading a body.
    if (refused) this.throttled++;
    return refused;
  }

  private whyRefuse(bytes: number): Backpressure | null {
    if (this.pending.size >= this.maxJobs || (this.pendingBytes + bytes > this.maxBytes && this.pending.size > 0))
      return new Backpressure(this.pending.size >= this.maxJobs * 2 ? 5 : 1);
    if (this.usedBytes > this.maxSizeBytes * OVER_CAP_BACKPRESSURE)
      return new Backpressure(
        5,
        `the store is over its size cap (${mb(this.usedBytes)} used of ${mb(this.maxSizeBytes)}) and retention has not brought it under yet; retry later, or raise --max-size-mb`,
      );
    return null;
  }

  /** Queues a job; rejects with Backpressure when the queue is full. */
  submit(job: IngestJob, bytes = jobBytes(job)): Promise<IngestOutcome> {
    const unavailable = this.unavailable();
    if (unavailable) return Promise.resolve(unavailable);
    const refused = this.refusal(bytes);
    if (refused) return Promise.reject(refused);
    return this.enqueue(job, bytes);
  }

  /**
   * Queues a batch a file importer parsed (with the file and line context only it has), as
   * OTLP protobuf: one job per signal it holds, taken or refused together, answered as one
   * outcome. Items the importer already rejected travel with the first job, so the writer
   * counts and records them like a decoder's own.
   */
  submitBatch(batch: TelemetryBatch, source: string): Promise<IngestOutcome> {
    const unavailable = this.unavailable();
    if (unavailable) return Promise.resolve(unavailable);
    const jobs: IngestJob[] = encodeBatch(batch).map(({ signal, body }) => ({ kind: 'otlp', signal, encoding: 'protobuf', body, source }));
    if (batch.rejected > 0) {
      // A chunk of nothing but rejected lines still reaches the writer, in an empty request.
      if (jobs.length === 0) jobs.push({ kind: 'otlp', signal: 'traces', encoding: 'protobuf', body: new Uint8Array(0), source });
      jobs[0].rejectedBefore = { count: batch.rejected, errors: batch.errors };
    }
    if (jobs.length === 0) return Promise.resolve({ accepted: 0, duplicates: 0, rejected: 0, errors: [] });
    const refused = this.refusal(jobs.reduce((n, j) => n + jobBytes(j), 0));
    if (refused) return Promise.reject(refused);
    return Promise.all(jobs.map((j) => this.enqueue(j, jobBytes(j)))).then(mergeOutcomes);
  }

  private unavailable(): IngestOutcome | null {
    if (this.closing) return { accepted: 0, duplicates: 0, rejected: 0, errors: [], failed: 'Loupe is shutting down' };
    if (!this.ready) return { accepted: 0, duplicates: 0, rejected: 0, errors: [], failed: 'the writer is restarting; retry shortly' };
    return null;
  }

  private enqueue(job: IngestJob, bytes: number): Promise<IngestOutcome> {
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
    while (this.pending.size > 0 && this.ready && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    this.closing = true;
    if (this.watchdog) clearInterval(this.watchdog);
    this.failAll('Loupe is shutting down');
    if (this.closeWorker) await this.closeWorker();
    this.closeInline?.();
  }

  /** Ends the writer thread as a crash would (jobs in flight get 503; a new thread starts).
   * The stall watchdog's remedy, and how tests crash the writer. */
  async terminateWriter(): Promise<void> {
    await this.worker?.terminate();
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** One outcome for the jobs of one batch: counts summed, the first failure kept. */
function mergeOutcomes(outcomes: IngestOutcome[]): IngestOutcome {
  if (outcomes.length === 1) return outcomes[0];
  const merged: IngestOutcome = { accepted: 0, duplicates: 0, rejected: 0, errors: [] };
  for (const o of outcomes) {
    merged.accepted += o.accepted;
    merged.duplicates += o.duplicates;
    merged.rejected += o.rejected;
    merged.errors.push(...o.errors);
    if (o.malformed && !merged.malformed) merged.malformed = o.malformed;
    if (o.failed && !merged.failed) merged.failed = o.failed;
  }
  return merged;
}

/** An error the API answers with 503 and Retry-After. */
const unavailableError = (message: string) => Object.assign(new Error(message), { status: 503, code: 'unavailable' });
