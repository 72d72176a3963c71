// One plugin's process, kept alive by the host: started on first use, every call with a
// deadline, every answer validated against the protocol, and contained when it misbehaves.
// A crash, a hang (no answer to pings), or a process past its memory cap is killed and
// restarted with exponential backoff; calls meanwhile fail fast with the reason.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  MAX_STREAMED_ITEMS,
  PROTOCOL_VERSION,
  PluginHello,
  PluginMessage,
  methods,
  type HostMessage,
  type MethodName,
  type ParamsOf,
  type PluginManifest,
  type ResultOf,
} from '../../common/plugin-protocol';
import type { OtlpSink } from '../../common/ingest';
import { Backpressure } from '../../common/ingest';

export type PluginState = 'stopped' | 'starting' | 'ready' | 'degraded' | 'crashed';

export interface PluginStatus {
  state: PluginState;
  lastError: string | null;
  restarts: number;
  pid: number | null;
  /** Unix ms of the next restart while crashed. */
  nextRestartAt: number | null;
}

export interface TargetHealth {
  target: string;
  up: boolean;
  lastError: string | null;
  lastScrape: number | null;
}

export interface ProcessOptions {
  manifest: PluginManifest;
  mainFile: string;
  /** dist/plugin-runner.js and dist/plugin-sdk.js. */
  runnerFile: string;
  sdkFile: string;
  /** Where ingest sources' batches go (the core's ingest queue). */
  sink?: OtlpSink;
  log?: (line: string) => void;
  /** Secret values to blank out of anything the plugin says before it is logged or shown. */
  secrets?: () => string[];
  timing?: Partial<Timing>;
}

export interface Timing {
  startTimeoutMs: number;
  pingEveryMs: number;
  /** No pong for this long: the plugin's event loop is stuck; it is killed. */
  hangAfterMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Ready this long after a restart: the backoff starts again from the base. */
  stableAfterMs: number;
}

const DEFAULT_TIMING: Timing = {
  startTimeoutMs: 15_000,
  pingEveryMs: 2_000,
  hangAfterMs: 10_000,
  backoffBaseMs: 1_000,
  backoffMaxMs: 60_000,
  stableAfterMs: 60_000,
};

export class PluginCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PluginCallError';
  }
}

interface Inflight {
  method: MethodName;
  resolve: (v: unknown) => void;
  reject: (e: PluginCallError) => void;
  timer: NodeJS.Timeout;
  chunks: unknown[];
}

export class PluginProcess {
  readonly manifest: PluginManifest;
  hello: PluginHello | null = null;
  private child: ChildProcess | null = null;
  private state: PluginState = 'stopped';
  private lastError: string | null = null;
  private restarts = 0;
  private failuresInARow = 0;
  private nextRestartAt: number | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private readyAt = 0;
  private lastPong = 0;
  private nextId = 1;
  private readonly inflight = new Map<number, Inflight>();
  private starting: Promise<void> | null = null;
  private stderrTail: string[] = [];
  private killReason: string | null = null;
  private closed = false;
  private readonly timing: Timing;
  /** Push sources this process should run (re-sent after every restart). */
  private readonly ingests = new Map<string, Record<string, unknown>>();
  readonly targets = new Map<string, TargetHealth[]>();

  constructor(private readonly opts: ProcessOptions) {
    this.manifest = opts.manifest;
    this.timing = { ...DEFAULT_TIMING, ...opts.timing };
  }

  status(): PluginStatus {
    return { state: this.state, lastError: this.lastError, restarts: this.restarts, pid: this.child?.pid ?? null, nextRestartAt: this.nextRestartAt };
  }

  /** Starts the process if it is not running; resolves when it has said hello. */
  ensureStarted(): Promise<void> {
    if (this.closed) return Promise.reject(new PluginCallError('unavailable', `plugin ${this.manifest.id} is stopped`));
    if (this.state === 'ready' || this.state === 'degraded') return Promise.resolve();
    if (this.state === 'crashed' && this.restartTimer) return Promise.reject(this.crashedError());
    return (this.starting ??= this.spawn().finally(() => (this.starting = null)));
  }

  private crashedError(): PluginCallError {
    const wait = this.nextRestartAt ? Math.max(0, Math.ceil((this.nextRestartAt - Date.now()) / 1000)) : 0;
    return new PluginCallError('unavailable', `plugin ${this.manifest.id} crashed (${this.lastError ?? 'unknown reason'}); restarting in ${wait} s`);
  }

  private spawn(): Promise<void> {
    this.state = 'starting';
    this.killReason = null;
    this.stderrTail = [];
    this.hello = null;
    const memoryMb = this.manifest.memoryMb ?? 256;
    const child = fork(this.opts.runnerFile, [this.opts.mainFile, this.opts.sdkFile], {
      execArgv: [`--max-old-space-size=${memoryMb}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
      env: pluginEnv(),
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      for (const line of this.redact(chunk.toString('utf8')).split('\n')) if (line.trim()) this.stderrTail.push(line);
      if (this.stderrTail.length > 30) this.stderrTail.splice(0, this.stderrTail.length - 30);
    };
    child.stderr!.on('data', keep);
    child.stdout!.on('data', (chunk: Buffer) => this.opts.log?.(`plugin ${this.manifest.id}: ${this.redact(chunk.toString('utf8').trimEnd())}`));

    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (reason: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(startTimer);
        reject(new PluginCallError('unavailable', `plugin ${this.manifest.id} did not start: ${reason}`));
      };
      const startTimer = setTimeout(() => {
        this.kill(`did not say hello within ${this.timing.startTimeoutMs / 1000} s`);
        fail(`no hello within ${this.timing.startTimeoutMs / 1000} s`);
      }, this.timing.startTimeoutMs);
      child.on('error', (e) => fail(e.message));
      child.on('exit', (code, signal) => {
        const reason = this.exitReason(code, signal);
        fail(reason);
        this.onExit(child, reason);
      });
      child.on('message', (raw) => {
        const parsed = PluginMessage.safeParse(raw);
        if (!parsed.success) {
          this.opts.log?.(`plugin ${this.manifest.id}: dropped a message that breaks the protocol: ${issues(parsed.error)}`);
          return;
        }
        const msg = parsed.data;
        if (msg.type === 'hello') {
          const problem = this.helloProblem(msg);
          if (problem) {
            this.kill(problem);
            return fail(problem);
          }
          this.hello = msg;
          this.state = 'ready';
          this.readyAt = Date.now();
          this.lastPong = Date.now();
          this.startWatchdog();
          for (const [name, settings] of this.ingests) this.send({ type: 'ingestStart', instance: { name, settings } });
          settled = true;
          clearTimeout(startTimer);
          resolve();
          return;
        }
        this.onMessage(msg);
      });
    });
  }

  private helloProblem(hello: PluginHello): string | null {
    if (hello.protocol !== PROTOCOL_VERSION) return `speaks plugin protocol ${hello.protocol}; this Loupe speaks ${PROTOCOL_VERSION}`;
    if (hello.id !== this.manifest.id) return `its module says id "${hello.id}" but loupe-plugin.json says "${this.manifest.id}"`;
    const missing = hello.capabilities.filter((c) => !this.manifest.capabilities.includes(c));
    if (missing.length) return `implements ${missing.join(', ')} not declared in loupe-plugin.json "capabilities"`;
    return null;
  }

  private exitReason(code: number | null, signal: NodeJS.Signals | null): string {
    if (this.killReason) return this.killReason;
    const tail = this.stderrTail.join('\n');
    if (/heap out of memory|Allocation failed/i.test(tail)) return `exceeded its memory cap (${this.manifest.memoryMb ?? 256} MiB heap)`;
    const last = this.stderrTail.filter((l) => !/^\s+at /.test(l)).slice(-3).join(' | ');
    return `exited with ${signal ? `signal ${signal}` : `code ${code}`}${last ? `: ${last}` : ''}`;
  }

  private onExit(child: ChildProcess, reason: string): void {
    if (this.child !== child) return;
    this.child = null;
    this.stopWatchdog();
    for (const [id, call] of this.inflight) {
      clearTimeout(call.timer);
      call.reject(new PluginCallError('unavailable', `plugin ${this.manifest.id} ${reason} during ${call.method}`));
      this.inflight.delete(id);
    }
    if (this.closed) {
      this.state = 'stopped';
      return;
    }
    this.state = 'crashed';
    this.lastError = reason;
    this.opts.log?.(`plugin ${this.manifest.id}: ${reason}`);
    // A process that ran well for a while starts the backoff again.
    if (this.readyAt && Date.now() - this.readyAt > this.timing.stableAfterMs) this.failuresInARow = 0;
    this.failuresInARow++;
    const delay = Math.min(this.timing.backoffMaxMs, this.timing.backoffBaseMs * 2 ** (this.failuresInARow - 1));
    this.nextRestartAt = Date.now() + delay;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.nextRestartAt = null;
      this.restarts++;
      // Restarted eagerly only when something runs in it; otherwise on the next call.
      if (this.ingests.size > 0) void this.ensureStarted().catch(() => undefined);
    }, delay);
    this.restartTimer.unref();
  }

  private onMessage(msg: PluginMessage): void {
    switch (msg.type) {
      case 'pong':
        this.lastPong = Date.now();
        break;
      case 'log':
        this.opts.log?.(`plugin ${this.manifest.id}: ${this.redact(msg.message)}`);
        break;
      case 'chunk': {
        const call = this.inflight.get(msg.id);
        if (!call) break;
        call.chunks.push(...msg.items);
        if (call.chunks.length > MAX_STREAMED_ITEMS) this.settle(msg.id, new PluginCallError('too_large', `plugin ${this.manifest.id} streamed more than ${MAX_STREAMED_ITEMS} items for ${call.method}`));
        break;
      }
      case 'result': {
        const call = this.inflight.get(msg.id);
        if (!call) break;
        const spec = methods[call.method];
        let result = msg.result;
        if (spec.stream && call.chunks.length && result && typeof result === 'object') {
          const own = (result as Record<string, unknown>)[spec.stream];
          result = { ...result, [spec.stream]: [...call.chunks, ...(Array.isArray(own) ? own : [])] };
        }
        const checked = spec.result.safeParse(result);
        if (!checked.success) {
          this.state = 'degraded';
          this.lastError = `answered ${call.method} with a result that breaks the protocol: ${issues(checked.error)}`;
          this.settle(msg.id, new PluginCallError('bad_result', `plugin ${this.manifest.id} ${this.lastError}`));
        } else {
          if (this.state === 'degraded') this.state = 'ready';
          this.settle(msg.id, checked.data);
        }
        break;
      }
      case 'error':
        // The plugin answered: it is alive and well even when the backend is not.
        this.settle(msg.id, new PluginCallError(msg.error.code, this.redact(msg.error.message)));
        break;
      case 'ingest':
        void this.ingest(msg);
        break;
      case 'ingestStatus':
        this.targets.set(msg.name, msg.targets.map((t) => ({ ...t, lastError: t.lastError === null ? null : this.redact(t.lastError) })));
        break;
      case 'hello':
        break;
    }
  }

  private async ingest(msg: Extract<PluginMessage, { type: 'ingest' }>): Promise<void> {
    const ack: Extract<HostMessage, { type: 'ingestAck' }> = { type: 'ingestAck', seq: msg.seq, accepted: 0, rejected: 0, errors: [], retryAfterMs: null, failed: null };
    if (!this.opts.sink || !this.ingests.has(msg.name)) ack.failed = `no ingest source "${msg.name}" is running`;
    else {
      try {
        const outcome = await this.opts.sink({ signal: msg.signal, encoding: 'json', body: Buffer.from(JSON.stringify(msg.otlp)), source: `plugin ${this.manifest.id} (${msg.name})` });
        ack.accepted = outcome.accepted + outcome.duplicates;
        ack.rejected = outcome.rejected;
        ack.errors = outcome.malformed ? [outcome.malformed] : outcome.errors;
        ack.failed = outcome.failed ?? null;
      } catch (e) {
        if (e instanceof Backpressure) ack.retryAfterMs = e.retryAfterSeconds * 1000;
        else ack.failed = (e as Error).message;
      }
    }
    this.send(ack);
  }

  private settle(id: number, outcome: unknown): void {
    const call = this.inflight.get(id);
    if (!call) return;
    this.inflight.delete(id);
    clearTimeout(call.timer);
    if (outcome instanceof PluginCallError) call.reject(outcome);
    else call.resolve(outcome);
  }

  /** Calls one method; rejects with a PluginCallError naming what went wrong. */
  async call<M extends MethodName>(method: M, instance: { name: string; settings: Record<string, unknown> }, params: ParamsOf<M>, timeoutMs = 30_000): Promise<ResultOf<M>> {
    await this.ensureStarted();
    const id = this.nextId++;
    const deadline = Date.now() + timeoutMs;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.send({ type: 'cancel', id });
        this.state = 'degraded';
        this.lastError = `${method} did not answer within ${timeoutMs / 1000} s`;
        this.settle(id, new PluginCallError('timeout', `plugin ${this.manifest.id}: ${this.lastError}`));
      }, timeoutMs);
      this.inflight.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer, chunks: [] });
      this.send({ type: 'call', id, method, instance, params, deadline });
    });
  }

  /** Runs (or re-runs with new settings) a push source in this process. */
  startIngest(name: string, settings: Record<string, unknown>): void {
    const same = JSON.stringify(this.ingests.get(name)) === JSON.stringify(settings);
    this.ingests.set(name, settings);
    if (same && this.state !== 'stopped' && this.state !== 'crashed') return;
    if (this.state === 'ready' || this.state === 'degraded') this.send({ type: 'ingestStart', instance: { name, settings } });
    else void this.ensureStarted().catch(() => undefined);
  }

  ingestNames(): string[] {
    return [...this.ingests.keys()];
  }

  stopIngest(name: string): void {
    if (!this.ingests.delete(name)) return;
    this.targets.delete(name);
    this.send({ type: 'ingestStop', name });
  }

  private send(msg: HostMessage): void {
    const child = this.child;
    if (child?.connected) child.send(msg, (err) => err && this.opts.log?.(`plugin ${this.manifest.id}: could not send ${msg.type}: ${err.message}`));
  }

  private startWatchdog(): void {
    this.stopWatchdog();
    let pingId = 0;
    this.pingTimer = setInterval(() => {
      const pid = this.child?.pid;
      if (!pid) return;
      if (Date.now() - this.lastPong > this.timing.hangAfterMs) {
        this.kill(`stopped answering for ${Math.round((Date.now() - this.lastPong) / 1000)} s (hung); killed`);
        return;
      }
      const rssMb = residentMb(pid);
      const capMb = (this.manifest.memoryMb ?? 256) * 2;
      if (rssMb !== null && rssMb > capMb) {
        this.kill(`used ${rssMb} MiB of memory, over its memory cap (${capMb} MiB resident); killed`);
        return;
      }
      this.send({ type: 'ping', id: ++pingId });
    }, this.timing.pingEveryMs);
    this.pingTimer.unref();
  }

  private stopWatchdog(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  private kill(reason: string): void {
    this.killReason ??= reason;
    this.child?.kill('SIGKILL');
  }

  private redact(text: string): string {
    let out = text;
    for (const s of this.opts.secrets?.() ?? []) if (s.length >= 4) out = out.split(s).join('••••');
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.stopWatchdog();
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.disconnect?.();
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  }
}

function issues(error: { issues: Array<{ path: PropertyKey[]; message: string }> }): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || 'message'}: ${i.message}`)
    .join('; ');
}

/** Resident memory of a process in MiB (Linux); null where /proc is not available. */
function residentMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** Plugins get a plain environment: not the core's token or anything else it was started with. */
function pluginEnv(): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'SYSTEMROOT', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR'];
  const env: NodeJS.ProcessEnv = {};
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
  if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
  return env;
}
