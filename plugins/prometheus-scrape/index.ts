// The built-in `prometheus-scrape` plugin: a push source that scrapes Prometheus exposition
// endpoints (`/metrics` in the Prometheus text format or OpenMetrics) on an interval and sends
// each scrape into Loupe's ingest queue as OTLP metrics, with per-target health. Targets behind
// auth get the same settings as a Prometheus data source (none, bearer, basic, extra headers).
import { authHeaders, definePlugin, httpAuthSettings, PluginError, z, type HttpAuth, type IngestContext } from '../sdk/index';
import { parseExposition } from './exposition';
import { exportRequest, familiesToMetrics, scrapeMetrics, StartTimes } from './to-otlp';

const settings = z.object({
  targets: z
    .array(z.url({ protocol: /^https?$/ }))
    .min(1, 'at least one target')
    .describe('URLs to scrape, one per line, e.g. http://127.0.0.1:8080/metrics'),
  intervalSeconds: z.number().min(1).max(3600).default(15).describe('Seconds between scrapes of each target'),
  job: z.string().optional().describe("The job: the scraped metrics' service.name (default: this data source's name)"),
  timeoutSeconds: z.number().positive().max(300).default(10).describe('Per-scrape timeout in seconds (at most the interval)'),
  ...httpAuthSettings({
    description: 'Extra HTTP headers sent with every scrape, e.g. an Accept for the text format when a target\'s OpenMetrics output is broken, or a header its gateway routes by',
    example: { Accept: 'text/plain;version=0.0.4' },
  }),
});
type Settings = z.output<typeof settings>;

const ACCEPT = 'application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1';
/** Metrics per export request: a big page goes in several batches, each well under the body cap. */
const METRICS_PER_BATCH = 1000;

export interface Scrape {
  families: ReturnType<typeof parseExposition>['families'];
  /** `N unreadable lines; line 3: …` or null. */
  problem: string | null;
  samples: number;
  durationMs: number;
}

/** Fetches and parses one target; throws a PluginError saying why it could not. */
export async function scrape(url: string, timeoutSeconds: number, signal: AbortSignal, auth: HttpAuth = { auth: 'none', headers: {} }): Promise<Scrape> {
  const started = Date.now();
  const timeout = AbortSignal.timeout(timeoutSeconds * 1000);
  // An Accept of the user's wins: it is how a target whose OpenMetrics output is broken is read
  // in the text format instead.
  const extra = authHeaders(auth);
  const headers = Object.keys(extra).some((k) => k.toLowerCase() === 'accept') ? extra : { Accept: ACCEPT, ...extra };
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.any([signal, timeout]), redirect: 'follow' });
  } catch (e) {
    if (timeout.aborted) throw new PluginError('timeout', `${url} did not answer within ${timeoutSeconds} s`);
    if (signal.aborted) throw new PluginError('cancelled', 'cancelled');
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    if (/CERT|SSL|TLS|SELF_SIGNED/i.test(cause?.code ?? '')) throw new PluginError('unavailable', `TLS with ${url} failed: ${cause?.message ?? cause?.code}`);
    throw new PluginError('unavailable', `cannot reach ${url}: ${cause?.message ?? (e as Error).message}`);
  }
  const body = await res.text();
  if (res.status === 401 || res.status === 403)
    throw new PluginError('unauthorized', `${url} answered ${res.status} ${res.statusText}: check the credentials (auth: ${auth.auth})`);
  if (!res.ok) throw new PluginError('unavailable', `${url} answered ${res.status} ${res.statusText}`);
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('html')) throw new PluginError('unavailable', `${url} answered with an HTML page, not Prometheus metrics`);
  const parsed = parseExposition(body, { openMetrics: type.includes('application/openmetrics-text') });
  if (parsed.sampleLines > 0 && parsed.badLines === parsed.sampleLines) throw new PluginError('unavailable', `${url}: no line could be read as a sample (${parsed.errors[0]})`);
  const samples = parsed.families.reduce((n, f) => n + f.samples.length, 0);
  const problem = parsed.badLines ? `${parsed.badLines} unreadable line${parsed.badLines === 1 ? '' : 's'} skipped; ${parsed.errors.slice(0, 3).join('; ')}` : null;
  return { families: parsed.families, problem, samples, durationMs: Date.now() - started };
}

interface TargetState {
  target: string;
  up: boolean;
  lastError: string | null;
  lastScrape: number | null;
}

async function run(ctx: IngestContext<Settings>): Promise<void> {
  const s = ctx.settings;
  const job = s.job ?? ctx.source;
  const timeoutSeconds = Math.min(s.timeoutSeconds, s.intervalSeconds);
  const health = new Map<string, TargetState>(s.targets.map((t) => [t, { target: t, up: false, lastError: null, lastScrape: null }]));
  const report = () => ctx.reportTargets([...health.values()]);
  report();

  const once = async (url: string, starts: StartTimes) => {
    const at = Date.now();
    const state = health.get(url)!;
    const target = { url, job };
    try {
      const result = await scrape(url, timeoutSeconds, ctx.signal, s);
      const converted = familiesToMetrics(result.families, at, starts);
      const metrics = [...scrapeMetrics(true, result.durationMs, at, result.samples), ...converted.metrics];
      const problems = [result.problem, ...converted.errors.slice(0, 3)].filter((p): p is string => !!p);
      for (let i = 0; i < metrics.length; i += METRICS_PER_BATCH) {
        const outcome = await ctx.emit('metrics', exportRequest(target, metrics.slice(i, i + METRICS_PER_BATCH)));
        if (outcome.rejected) problems.push(`Loupe refused ${outcome.rejected} points: ${outcome.errors.slice(0, 3).join('; ')}`);
      }
      Object.assign(state, { up: true, lastError: problems.length ? problems.join(' · ') : null, lastScrape: at });
    } catch (e) {
      if (ctx.signal.aborted) return;
      const err = e as PluginError;
      if (err.code === 'backpressure') {
        // Loupe's queue is full: this scrape is dropped; the target itself is fine.
        Object.assign(state, { up: true, lastError: `scrape dropped: ${err.message}`, lastScrape: at });
      } else {
        Object.assign(state, { up: false, lastError: err.message, lastScrape: at });
        await ctx.emit('metrics', exportRequest(target, scrapeMetrics(false, Date.now() - at, at, null))).catch(() => undefined);
      }
    }
    if (!ctx.signal.aborted) report();
  };

  // Each target on its own timer, spread over the interval so scrapes do not all land at once.
  s.targets.forEach((url, i) => {
    const starts = new StartTimes();
    const every = s.intervalSeconds * 1000;
    let busy = false;
    const tick = () => {
      if (busy || ctx.signal.aborted) return;
      busy = true;
      void once(url, starts).finally(() => (busy = false));
    };
    const first = setTimeout(
      () => {
        tick();
        const timer = setInterval(tick, every);
        ctx.signal.addEventListener('abort', () => clearInterval(timer), { once: true });
      },
      Math.min(every, 1000) * (i / s.targets.length),
    );
    ctx.signal.addEventListener('abort', () => clearTimeout(first), { once: true });
  });
}

export default definePlugin({ id: 'prometheus-scrape', name: 'Prometheus scrape', version: '1.0.0', settings })
  .healthCheck(async (_p, ctx) => {
    // Credentials missing for the auth chosen: the settings are refused, not each target.
    authHeaders(ctx.settings);
    const results = await Promise.all(
      ctx.settings.targets.map((url) =>
        scrape(url, Math.min(ctx.settings.timeoutSeconds, Math.max(1, (ctx.deadline - Date.now()) / 1000 - 1)), ctx.signal, ctx.settings).then(
          (r) => ({ url, error: null as string | null, samples: r.samples, problem: r.problem }),
          (e: Error) => ({ url, error: e.message, samples: 0, problem: null }),
        ),
      ),
    );
    const down = results.filter((r) => r.error);
    if (down.length) return { status: 'error', message: down.map((r) => r.error).join('; ') };
    const samples = results.reduce((n, r) => n + r.samples, 0);
    const problems = results.filter((r) => r.problem).map((r) => `${r.url}: ${r.problem}`);
    return { status: 'ok', message: `${results.length} target${results.length === 1 ? '' : 's'} answer (${samples} samples)${problems.length ? `; ${problems.join('; ')}` : ''}` };
  })
  .ingestSource({ start: (ctx) => run(ctx) });
