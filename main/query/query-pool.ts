// Runs heavy queries in a worker thread, one at a time, in arrival order. When a query's
// client goes away (its request's AbortSignal fires), a waiting query is dropped and a running
// one is stopped by ending the worker (a new one starts): SQLite cannot be interrupted from
// another thread through better-sqlite3, a thread can. From source (tests, `npm start`
// without a build) there is no worker script: queries then run on the calling thread.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ReadStore } from './read-store';
import { runHeavyQuery, type HeavyQuery, type QueryReply, type QueryRequest } from './heavy-queries';

interface Job {
  id: number;
  name: HeavyQuery;
  input: unknown;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export interface QueryStats {
  running: number;
  queued: number;
  /** Queries stopped or dropped because their client went away, since start. */
  cancelled: number;
}

const error = (message: string, status: number, code: string) => Object.assign(new Error(message), { status, code });

export class QueryPool {
  private worker: Worker | null = null;
  private ready = false;
  private running: Job | null = null;
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  cancelled = 0;
  readonly mode: 'worker' | 'inline';

  constructor(
    private readonly dataDir: string,
    /** The main thread's read store (inline mode). */
    private readonly store: ReadStore,
    private readonly log: (line: string) => void,
    private readonly workerFile = fileURLToPath(new URL('./query-worker.js', import.meta.url)),
  ) {
    this.mode = existsSync(this.workerFile) ? 'worker' : 'inline';
    if (this.mode === 'worker') this.spawn();
  }

  stats(): QueryStats {
    return { running: this.running ? 1 : 0, queued: this.queue.length, cancelled: this.cancelled };
  }

  run(name: HeavyQuery, input: unknown, signal?: AbortSignal): Promise<unknown> {
    if (this.mode === 'inline') return Promise.resolve(runHeavyQuery(this.store, name, input));
    if (this.closed) return Promise.reject(error('Loupe is shutting down', 503, 'shutting_down'));
    if (signal?.aborted) {
      this.cancelled++;
      return Promise.reject(error('the client went away', 499, 'client_closed'));
    }
    return new Promise((resolve, reject) => {
      const job: Job = { id: this.nextId++, name, input, resolve, reject, signal };
      if (signal) {
        job.onAbort = () => this.abort(job);
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.dispatch();
    });
  }

  /** A commit changed rollups from `minute` on: the worker's cached merges are stale too. */
  invalidateRollups(minute: number): void {
    if (this.worker && this.ready) this.worker.postMessage({ type: 'invalidate', minute } satisfies QueryRequest);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) this.settle(job, error('Loupe is shutting down', 503, 'shutting_down'));
    if (this.running) this.settle(this.running, error('Loupe is shutting down', 503, 'shutting_down'));
    this.running = null;
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }

  private abort(job: Job): void {
    const i = this.queue.indexOf(job);
    if (i >= 0) {
      this.queue.splice(i, 1);
      this.cancelled++;
      this.settle(job, error('the client went away', 499, 'client_closed'));
    } else if (this.running === job) {
      this.cancelled++;
      this.running = null;
      this.settle(job, error('the client went away', 499, 'client_closed'));
      // Stop it where it is; the next queries go to a fresh worker.
      const w = this.worker;
      this.worker = null;
      this.ready = false;
      void w?.terminate();
      this.spawn();
    }
  }

  private settle(job: Job, outcome: Error | { value: unknown }): void {
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    if (outcome instanceof Error) job.reject(outcome);
    else job.resolve(outcome.value);
  }

  private dispatch(): void {
    if (!this.worker || !this.ready || this.running || this.queue.length === 0) return;
    const job = this.queue.shift()!;
    this.running = job;
    this.worker.postMessage({ type: 'query', id: job.id, name: job.name, input: job.input } satisfies QueryRequest);
  }

  private spawn(): void {
    if (this.closed) return;
    const worker = new Worker(this.workerFile, { workerData: { dataDir: this.dataDir } });
    this.worker = worker;
    this.ready = false;
    worker.on('message', (reply: QueryReply) => {
      if (this.worker !== worker) return;
      if (reply.type === 'ready') {
        this.ready = true;
        return this.dispatch();
      }
      const job = this.running;
      if (!job || job.id !== reply.id) return;
      this.running = null;
      if (reply.type === 'result') this.settle(job, { value: reply.value });
      else this.settle(job, error(reply.message, reply.status ?? 500, reply.code ?? 'internal'));
      this.dispatch();
    });
    worker.on('error', (e) => {
      if (this.worker === worker) this.log(`loupe: the query worker failed: ${e.message}`);
    });
    worker.on('exit', () => {
      if (this.worker !== worker || this.closed) return;
      // Ended on its own (out of memory, a crash): its query fails (503), a new worker starts.
      this.worker = null;
      this.ready = false;
      if (this.running) this.settle(this.running, error('the query stopped unexpectedly; retry', 503, 'query_failed'));
      this.running = null;
      setTimeout(() => this.spawn(), 200).unref();
    });
  }
}
