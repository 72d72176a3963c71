// The built-in demo: a small web shop of real processes on loopback, each instrumented with the
// OpenTelemetry JS SDK and exporting OTLP to Loupe, with simulated shoppers driving it. Used by
// `loupe serve --demo` and `loupe demo --target URL`. topology.ts lists the processes;
// service.ts is what each one runs. Faults (common/demo-faults.ts) are switched here: those that
// change how a process behaves are sent to every process, which acts on the ones aimed at it;
// killing an instance and rolling out a bad version are done to the processes themselves.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { FaultName } from '../../common/demo-faults';
import { BAD_RELEASE, DEMO_PROCESSES, KILLED_BY_FAULT, type ChildMessage, type DemoProcessSpec, type Directory, type ParentMessage } from './topology';

export interface DemoOptions {
  /** Loupe's OTLP/HTTP endpoint, e.g. http://127.0.0.1:4318 (the /v1/<signal> paths are added). */
  otlpEndpoint: string;
  /** Shopper requests per second reaching the frontend (default 15). */
  rps?: number;
  /** Progress and the services' own complaints (e.g. export failures), one line at a time. */
  log?: (line: string) => void;
  /** The bundled service script; by default dist/demo-service.js next to the running bundle. */
  serviceScript?: string;
  /** Faults switched on once the shop runs. */
  faults?: readonly FaultName[];
}

export interface DemoProcessInfo {
  id: string;
  service: string;
  version: string;
  pid: number;
  url: string;
}

export interface RunningDemo {
  /** `service.name`s that export telemetry. */
  services: string[];
  /** The processes running now (a killed instance is missing; a restarted one has a new pid). */
  readonly processes: DemoProcessInfo[];
  /** Faults that are on. */
  faults(): FaultName[];
  /** Switches a fault on or off; resolves once the shop behaves accordingly (a killed instance
   * is gone, a restarted one serves again). Changes are applied one at a time, in order. */
  setFault(name: FaultName, on: boolean): Promise<void>;
  /** Ends every demo process (shoppers first, so no request is cut off) after they flush. */
  stop(): Promise<void>;
}

export const DEFAULT_DEMO_RPS = 15;
// Generous: on a busy machine a dozen Node processes loading the SDK take a while.
const START_TIMEOUT_MS = 60_000;
const EXIT_TIMEOUT_MS = 10_000;

export async function startDemo(opts: DemoOptions): Promise<RunningDemo> {
  const endpoint = checkedEndpoint(opts.otlpEndpoint);
  const rps = opts.rps ?? DEFAULT_DEMO_RPS;
  if (!(rps > 0 && rps <= 1000)) throw new Error(`demo rps must be between 0 and 1000, got ${rps}`);
  const log = opts.log ?? (() => {});
  const script = opts.serviceScript ?? locateServiceScript();
  if (!existsSync(script)) throw new Error(`the demo service script ${script} does not exist`);

  const childArgs = ['--otlp', endpoint, '--rps', String(rps)];
  const children = DEMO_PROCESSES.map((spec) => new DemoChild(spec, script, childArgs, log));
  // Last resort if the embedding process exits without stop(): the children also leave on
  // their own when the IPC channel closes.
  const killAll = () => children.forEach((c) => c.kill());
  process.on('exit', killAll);
  const directory: Directory = {};
  try {
    await within(
      Promise.all(children.map((c) => c.listening)),
      () => `demo services not listening after ${START_TIMEOUT_MS / 1000} s: ${pending(children, (c) => c.port === undefined)}`,
    );
    for (const c of children) (directory[c.spec.service] ??= []).push({ url: c.url, version: c.spec.version, weight: c.spec.weight });
    for (const c of children) c.send({ type: 'start', directory, faults: [] });
    await within(
      Promise.all(children.map((c) => c.ready)),
      () => `demo services not ready after ${START_TIMEOUT_MS / 1000} s: ${pending(children, (c) => !c.isReady)}`,
    );
  } catch (err) {
    await stopAll(children);
    process.off('exit', killAll);
    throw err;
  }

  const services = [...new Set(DEMO_PROCESSES.filter((p) => p.instrumented).map((p) => p.service))];
  log(`demo shop running: ${services.join(', ')} (${rps} requests/s), exporting to ${endpoint}`);
  const active = new Set<FaultName>();
  let stopped: Promise<void> | undefined;
  let changes: Promise<void> = Promise.resolve();

  /** Starts a process again on the port it had, so its callers find it where they left it. */
  async function restart(id: string, extraArgs: string[]): Promise<void> {
    const index = children.findIndex((c) => c.spec.id === id);
    const old = children[index];
    await old.stop();
    const next = new DemoChild(old.spec, script, [...childArgs, '--port', String(old.port), ...extraArgs], log);
    children[index] = next;
    await within(next.listening, () => `${id} not listening again after ${START_TIMEOUT_MS / 1000} s`);
    next.send({ type: 'start', directory, faults: [...active] });
    await within(next.ready, () => `${id} not ready again after ${START_TIMEOUT_MS / 1000} s`);
  }

  async function apply(name: FaultName, on: boolean): Promise<void> {
    if (stopped) throw new Error('the demo is stopping');
    if (active.has(name) === on) return;
    if (on) active.add(name);
    else active.delete(name);
    for (const c of children) c.send({ type: 'faults', faults: [...active] });
    if (name === 'kill-instance') {
      const victim = children.find((c) => c.spec.id === KILLED_BY_FAULT)!;
      if (on) {
        log(`${victim.spec.id}: killed (fault kill-instance)`);
        await victim.killAndWait();
      } else {
        await restart(victim.spec.id, []);
        log(`${victim.spec.id}: back (fault kill-instance off)`);
      }
    } else if (name === 'bad-version') {
      await restart(BAD_RELEASE.process, on ? ['--version', BAD_RELEASE.version] : []);
      log(`${BAD_RELEASE.process}: ${on ? `rolled out ${BAD_RELEASE.version}` : 'rolled back'} (fault bad-version)`);
    }
  }

  const running: RunningDemo = {
    services,
    get processes() {
      return children.filter((c) => c.alive).map((c) => ({ id: c.spec.id, service: c.spec.service, version: c.version, pid: c.pid, url: c.url }));
    },
    faults: () => [...active],
    setFault(name, on) {
      const change = changes.then(() => apply(name, on));
      changes = change.catch(() => {});
      return change;
    },
    stop: () =>
      (stopped ??= (async () => {
        await changes;
        await stopAll(children);
        process.off('exit', killAll);
        log('demo shop stopped');
      })()),
  };
  try {
    for (const name of opts.faults ?? []) await running.setFault(name, true);
  } catch (err) {
    await running.stop();
    throw err;
  }
  return running;
}

/** The shoppers live in the frontend: stopping it first drains their requests, so the other
 * services are not stopped under a request and no spurious errors end the demo's data. */
async function stopAll(children: DemoChild[]): Promise<void> {
  const [first, rest] = [children.filter((c) => c.spec.role === 'frontend'), children.filter((c) => c.spec.role !== 'frontend')];
  await Promise.all(first.map((c) => c.stop()));
  await Promise.all(rest.map((c) => c.stop()));
}

class DemoChild {
  private readonly child: ChildProcess;
  port: number | undefined;
  readonly version: string;
  isReady = false;
  private exitedAlready = false;
  private stopping = false;
  private readonly recentOutput: string[] = [];
  readonly listening: Promise<number>;
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;

  constructor(
    readonly spec: DemoProcessSpec,
    script: string,
    args: string[],
    log: (line: string) => void,
  ) {
    const versionArg = args.indexOf('--version');
    this.version = versionArg >= 0 ? args[versionArg + 1] : spec.version;
    this.child = fork(script, ['--process', spec.id, ...args], { execArgv: [], env: childEnv(), stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.recentOutput.push(line);
        if (this.recentOutput.length > 5) this.recentOutput.shift();
        log(`${spec.id}: ${line}`);
      });
    }
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitedAlready = true;
        if (!this.stopping && this.isReady) log(`${spec.id} exited unexpectedly (${signal ?? `code ${code}`})`);
        resolve();
      });
      // A process that could not be spawned never exits.
      this.child.once('error', () => {
        if (this.child.pid !== undefined) return;
        this.exitedAlready = true;
        resolve();
      });
    });
    const died = () =>
      this.exited.then(() => {
        throw new Error(`demo service ${spec.id} exited while starting${this.recentOutput.length ? `: ${this.recentOutput.join(' | ')}` : ''}`);
      });
    const spawnFailed = new Promise<never>((_, reject) => this.child.once('error', reject));
    this.listening = Promise.race([this.expect('listening').then((m) => (this.port = m.port)), died(), spawnFailed]);
    this.ready = Promise.race([this.expect('ready').then(() => void (this.isReady = true)), died(), spawnFailed]);
    // Failures surface through startDemo's awaits; these keep late ones from going unhandled.
    this.listening.catch(() => {});
    this.ready.catch(() => {});
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  send(message: ParentMessage): void {
    if (this.child.connected) this.child.send(message);
  }

  get alive(): boolean {
    return !this.exitedAlready;
  }

  kill(): void {
    if (!this.exitedAlready) this.child.kill('SIGKILL');
  }

  /** Kills without a chance to flush, as a crash or an OOM kill would, and waits for the exit. */
  async killAndWait(): Promise<void> {
    this.stopping = true;
    this.kill();
    await this.exited;
  }

  /** Asks for a graceful exit (the child flushes its telemetry); kills it if that takes too long. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.exitedAlready) return;
    // Before it listens a child has exported nothing, and may not be handling messages yet.
    if (this.port === undefined || !this.child.connected) this.child.kill('SIGTERM');
    else this.send({ type: 'stop' });
    const timer = setTimeout(() => this.kill(), EXIT_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private expect<T extends ChildMessage['type']>(type: T): Promise<Extract<ChildMessage, { type: T }>> {
    return new Promise((resolve) => {
      const onMessage = (message: ChildMessage) => {
        if (message.type !== type) return;
        this.child.off('message', onMessage);
        resolve(message as Extract<ChildMessage, { type: T }>);
      };
      this.child.on('message', onMessage);
    });
  }
}

/** The children get the parent's environment minus what would change how they run: Node
 * options (a test runner's loaders) and OTEL_* settings (meant for Loupe itself). */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'NODE_OPTIONS' || key.startsWith('OTEL_')) continue;
    env[key] = value;
  }
  // Inside Electron, process.execPath is the Electron binary; this makes it behave as Node.
  if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
  return env;
}

/** dist/demo-service.js beside the running bundle (dist/cli.js); from TypeScript sources (tests),
 * the repository's dist/. */
function locateServiceScript(): string {
  const beside = new URL('./demo-service.js', import.meta.url);
  const candidates = [beside, new URL('../../dist/demo-service.js', import.meta.url)].filter((u) => u.protocol === 'file:').map((u) => fileURLToPath(u));
  const found = candidates.find((file) => existsSync(file));
  if (!found) throw new Error(`the demo services are not built: none of ${candidates.join(', ')} exists (run "node build/build.mjs core")`);
  return found;
}

function checkedEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`the demo's OTLP endpoint must be a URL like http://127.0.0.1:4318, got "${endpoint}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`the demo's OTLP endpoint must be http(s), got "${endpoint}"`);
  return url.toString().replace(/\/+$/, '');
}

function pending(children: DemoChild[], stillWaiting: (c: DemoChild) => boolean): string {
  return children.filter(stillWaiting).map((c) => c.spec.id).join(', ');
}

/** Bounds a startup step: a service that never answers must not hang the caller. */
async function within<T>(work: Promise<T>, describeTimeout: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(describeTimeout())), START_TIMEOUT_MS)));
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
