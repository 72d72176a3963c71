// Real Prometheus-compatible backends for tests: Debian's prometheus and victoria-metrics started
// on free loopback ports in temporary folders, scraping a small exporter that exposes the
// service-graph and span-metrics series the OpenTelemetry Collector's connectors write.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROMETHEUS_BIN = process.env.LOUPE_PROMETHEUS ?? '/usr/bin/prometheus';
export const VICTORIA_BIN = process.env.LOUPE_VICTORIA_METRICS ?? '/usr/bin/victoria-metrics';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = netServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * What the exporter exposes, growing by k every second. k is the seconds since the scraper's
 * first request (one clock per scraping program and path, so each backend's series start at
 * zero and a backend slow to start on a busy machine reads no calls made before it looked),
 * counted in milliseconds: the counters grow smoothly, not in whole-second steps. Every sample
 * carries the time it was computed at, so a scrape answered late still lies on the line: the
 * rates read back are the exporter's own, whenever the backend happened to scrape.
 * - edge web → api: 10k requests, k failed; server latency buckets 0.05: 5k, 0.1: 9k, 0.25: 10k
 *   (so p50 = 50 ms, p95 = 175 ms, p99 = 235 ms and the error rate is exactly 10 %);
 * - edge api → postgres (database): 20k requests, none failed; all under 5 ms;
 * - api's span metrics under the current names (traces_span_metrics_*): 9k ok + k failed
 *   server calls, latency in seconds with the same buckets as the edge;
 * - web's span metrics under the older names (traces_spanmetrics_*): 5k server calls, half
 *   under 0.1 s and all under 0.2 s (p50 = 100 ms).
 * `/metrics-http` exposes only http_server_request_duration_seconds for job "shop/checkout".
 */
export async function startExporter(): Promise<{ port: number; close(): Promise<void> }> {
  const firstScrape = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const now = Date.now();
    const scraper = `${req.headers['user-agent'] ?? ''} ${req.url}`;
    if (!firstScrape.has(scraper)) firstScrape.set(scraper, now);
    const k = (now - firstScrape.get(scraper)!) / 1000;
    const text = req.url === '/metrics-http' ? httpSeries(k) : graphSeries(k);
    res.setHeader('Content-Type', 'text/plain; version=0.0.4');
    res.end(text.replace(/^([^#\n].*)$/gm, `$1 ${now}`));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as { port: number }).port, close: () => new Promise((r) => server.close(() => r())) };
}

function graphSeries(k: number): string {
  const lines: string[] = [];
  const edge = (labels: string, total: number, failed: number, buckets: Array<[string, number]>) => {
    lines.push(`traces_service_graph_request_total{${labels}} ${total}`);
    lines.push(`traces_service_graph_request_failed_total{${labels}} ${failed}`);
    for (const [le, n] of buckets) lines.push(`traces_service_graph_request_server_seconds_bucket{${labels},le="${le}"} ${n}`);
    lines.push(`traces_service_graph_request_server_seconds_count{${labels}} ${total}`);
  };
  lines.push('# TYPE traces_service_graph_request_total counter', '# TYPE traces_service_graph_request_failed_total counter');
  edge('client="web",server="api",connection_type=""', 10 * k, k, [['0.05', 5 * k], ['0.1', 9 * k], ['0.25', 10 * k], ['+Inf', 10 * k]]);
  edge('client="api",server="postgres",connection_type="database"', 20 * k, 0, [['0.005', 20 * k], ['+Inf', 20 * k]]);
  const api = 'service_name="api",span_name="GET /items",span_kind="SPAN_KIND_SERVER"';
  lines.push(`traces_span_metrics_calls_total{${api},status_code="STATUS_CODE_UNSET"} ${9 * k}`);
  lines.push(`traces_span_metrics_calls_total{${api},status_code="STATUS_CODE_ERROR"} ${k}`);
  // Failed and successful requests share the buckets' shape (so both p95s are 175 ms).
  for (const [status, share] of [['STATUS_CODE_UNSET', 9], ['STATUS_CODE_ERROR', 1]] as const)
    for (const [le, n] of [['0.05', 0.5], ['0.1', 0.9], ['0.25', 1], ['+Inf', 1]] as const)
      lines.push(`traces_span_metrics_duration_seconds_bucket{${api},status_code="${status}",le="${le}"} ${n * 10 * share * k}`);
  const web = 'service_name="web",span_name="GET /",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET"';
  lines.push(`traces_spanmetrics_calls_total{${web}} ${5 * k}`);
  for (const [le, n] of [['0.1', 2.5], ['0.2', 5], ['+Inf', 5]] as const) lines.push(`traces_spanmetrics_latency_bucket{${web},le="${le}"} ${n * k}`);
  return lines.join('\n') + '\n';
}

function httpSeries(k: number): string {
  const lines = ['# TYPE http_server_request_duration_seconds histogram'];
  for (const [status, n] of [['200', 8], ['503', 2]] as const) {
    const l = `http_response_status_code="${status}",http_request_method="GET"`;
    lines.push(`http_server_request_duration_seconds_bucket{${l},le="0.1"} ${n * k}`);
    lines.push(`http_server_request_duration_seconds_bucket{${l},le="+Inf"} ${n * k}`);
    lines.push(`http_server_request_duration_seconds_count{${l}} ${n * k}`);
    lines.push(`http_server_request_duration_seconds_sum{${l}} ${n * k * 0.05}`);
  }
  return lines.join('\n') + '\n';
}

export interface Backend {
  kind: 'prometheus' | 'victoria-metrics';
  url: string;
  /** Stops the server (its data stays for a restart). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a backend scraping `targets` every second: [port, path, job]. */
export async function startBackend(kind: Backend['kind'], targets: Array<{ port: number; path: string; job: string }>): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), `loupe-${kind}-`));
  const port = await freePort();
  const config = join(dir, 'scrape.yml');
  writeFileSync(
    config,
    `global:\n  scrape_interval: 1s\nscrape_configs:\n${targets
      .map((t) => `  - job_name: ${JSON.stringify(t.job)}\n    honor_timestamps: true\n    metrics_path: ${JSON.stringify(t.path)}\n    static_configs:\n      - targets: ["127.0.0.1:${t.port}"]\n`)
      .join('')}`,
  );
  const args =
    kind === 'prometheus'
      ? [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn']
      : [
          `-promscrape.config=${config}`,
          `-storageDataPath=${join(dir, 'data')}`,
          `-httpListenAddr=127.0.0.1:${port}`,
          '-search.latencyOffset=0s',
          '-search.disableCache',
          '-loggerLevel=WARN',
        ];
  const bin = kind === 'prometheus' ? PROMETHEUS_BIN : VICTORIA_BIN;
  if (!existsSync(bin)) throw new Error(`${bin} is not installed (apt-get install ${kind === 'prometheus' ? 'prometheus' : 'victoria-metrics'})`);
  let child: ChildProcess | null = null;
  const url = `http://127.0.0.1:${port}`;
  const backend: Backend = {
    kind,
    url,
    async start() {
      const proc = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
      child = proc;
      let stderr = '';
      proc.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
      const exited = new Promise<never>((_, reject) => proc.once('exit', (code) => reject(new Error(`${kind} exited (${code}): ${stderr}`))));
      exited.catch(() => undefined);
      await Promise.race([
        exited,
        until(`${kind} to answer on ${url}`, async () => (await fetch(`${url}/api/v1/query?query=1`).catch(() => null))?.ok, 60_000),
      ]);
    },
    async stop() {
      const proc = child;
      child = null;
      if (!proc || proc.exitCode !== null) return;
      const gone = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    },
    async close() {
      await backend.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await backend.start();
  return backend;
}
