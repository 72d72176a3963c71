// Starts and stops the built-in demo system for `--demo`, `loupe demo` and the UI's
// "Start demo" button, and switches its faults. Every fault started or stopped is kept as an
// event (with the time it took effect) so charts can mark it; stopping the demo stops them all.
import { FAULT_NAMES, FAULTS, isFaultName, unknownFaultMessage, type FaultName } from '../../common/demo-faults';
import type { DemoFaultEvent, DemoFaults, DemoStatus } from '../../common/api/demo-schemas';
import { QueryError } from '../query/traces';

export interface RunningDemo {
  services: string[];
  faults(): FaultName[];
  setFault(name: FaultName, on: boolean): Promise<void>;
  stop(): Promise<void>;
}

export interface StartDemoOptions {
  otlpEndpoint: string;
  log?: (line: string) => void;
  serviceScript?: string;
  faults?: readonly FaultName[];
}

type StartDemo = (opts: StartDemoOptions) => Promise<RunningDemo>;

/** Fault events kept; the oldest are dropped past this. */
const MAX_HISTORY = 500;

export class DemoController {
  private running: RunningDemo | null = null;
  private starting: Promise<RunningDemo> | null = null;
  /** When each fault that is on took effect. */
  private readonly since = new Map<FaultName, number>();
  private readonly history: DemoFaultEvent[] = [];
  private readonly listeners = new Set<(e: DemoFaultEvent) => void>();
  private changes: Promise<void> = Promise.resolve();

  constructor(
    private readonly otlpEndpoint: string,
    private readonly log: (line: string) => void,
    private readonly startDemo: StartDemo = (o) => import('./index').then((m) => m.startDemo(o)),
    private readonly serviceScript?: string,
  ) {}

  status(): DemoStatus {
    return { running: this.running !== null, services: this.running?.services ?? [] };
  }

  /** Called with every fault event as it is recorded. */
  onFaultEvent(listener: (e: DemoFaultEvent) => void): void {
    this.listeners.add(listener);
  }

  async start(faults: readonly FaultName[] = []): Promise<DemoStatus> {
    if (!this.running) {
      this.starting ??= this.startDemo({ otlpEndpoint: this.otlpEndpoint, log: this.log, serviceScript: this.serviceScript });
      try {
        this.running = await this.starting;
        this.log(`loupe: demo system running (${this.running.services.length} services sending to ${this.otlpEndpoint})`);
      } finally {
        this.starting = null;
      }
    }
    for (const name of faults) await this.setFault(name, true);
    return this.status();
  }

  async stop(): Promise<DemoStatus> {
    const r = this.running;
    this.running = null;
    if (r) {
      await r.stop();
      for (const name of [...this.since.keys()]) this.record(name, 'stopped', 'the demo was stopped');
    }
    return this.status();
  }

  faults(): DemoFaults {
    return {
      running: this.running !== null,
      faults: FAULT_NAMES.map((name) => ({ ...FAULTS[name], active: this.since.has(name), since: this.since.get(name) ?? null })),
      history: [...this.history].reverse(),
    };
  }

  /** Switches a fault; a 400 names the known faults, a 409 says the demo is not running. */
  async setFault(name: string, on: boolean): Promise<DemoFaults> {
    if (!isFaultName(name)) throw new QueryError('unknown_fault', unknownFaultMessage([name]));
    const demo = this.running;
    if (!demo) {
      throw new QueryError('demo_not_running', `the demo is not running, so fault "${name}" cannot be ${on ? 'started' : 'stopped'}: start the demo first`, 409);
    }
    // One change at a time, each judged against the state the previous one left: two requests
    // to stop the same fault record one stop.
    const change = this.changes.then(async () => {
      if (this.running !== demo || this.since.has(name) === on) return;
      await demo.setFault(name, on);
      // The demo may have been stopped meanwhile; its stop already recorded the end.
      if (this.running === demo) this.record(name, on ? 'started' : 'stopped');
    });
    this.changes = change.catch(() => {});
    await change;
    return this.faults();
  }

  private record(fault: FaultName, action: 'started' | 'stopped', reason?: string): void {
    const event: DemoFaultEvent = { fault, action, at: Date.now(), ...(reason ? { reason } : {}) };
    if (action === 'started') this.since.set(fault, event.at);
    else this.since.delete(fault);
    this.history.push(event);
    if (this.history.length > MAX_HISTORY) this.history.shift();
    this.log(`loupe: demo fault ${fault} ${action}${reason ? ` (${reason})` : ''}`);
    for (const listener of this.listeners) listener(event);
  }
}
