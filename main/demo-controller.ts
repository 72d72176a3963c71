// Starts and stops the built-in demo system for `--demo`, `loupe demo` and the UI's
// "Start demo" button.
export interface RunningDemo {
  services: string[];
  stop(): Promise<void>;
}

type StartDemo = (opts: { otlpEndpoint: string; log?: (line: string) => void }) => Promise<RunningDemo>;

export class DemoController {
  private running: RunningDemo | null = null;
  private starting: Promise<RunningDemo> | null = null;

  constructor(
    private readonly otlpEndpoint: string,
    private readonly log: (line: string) => void,
    private readonly startDemo: StartDemo = (o) => import('./demo/index').then((m) => m.startDemo(o)),
  ) {}

  status(): { running: boolean; services: string[] } {
    return { running: this.running !== null, services: this.running?.services ?? [] };
  }

  async start(): Promise<{ running: boolean; services: string[] }> {
    if (!this.running) {
      this.starting ??= this.startDemo({ otlpEndpoint: this.otlpEndpoint, log: this.log });
      try {
        this.running = await this.starting;
        this.log(`loupe: demo system running (${this.running.services.length} services sending to ${this.otlpEndpoint})`);
      } finally {
        this.starting = null;
      }
    }
    return this.status();
  }

  async stop(): Promise<{ running: boolean; services: string[] }> {
    const r = this.running;
    this.running = null;
    if (r) await r.stop();
    return this.status();
  }
}
