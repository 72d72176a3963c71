// The core: ingest queue + writer, OTLP receivers, read store, API server. `loupe serve`, the
// Electron window and the tests all start it the same way.
import { loadDemoCatalog } from './demo/backstage-catalog';
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { api } from '../common/api/contract';
import type { IngestEvent } from '../common/api/ingest-schemas';
import { OtlpHttpReceiver } from '../collectors/otlp/http-receiver';
import { OtlpGrpcReceiver } from '../collectors/otlp/grpc-receiver';
import type { OtlpPayload } from '../common/ingest';
import { DEFAULT_PORTS, SERVER_INFO_FILE, VERSION } from './config/paths';
import { ApiServer } from './api/http-server';
import { makeHandlers } from './api/handlers';
import { IngestPipeline } from './ingest/pipeline';
import { MAX_EVENT_TRACE_IDS } from './store/writer';
import { DEFAULT_RETENTION, type RetentionPolicy } from './store/retention';
import { ReadStore } from './query/read-store';
import { QueryPool } from './query/query-pool';
import { listServices } from './query/services';
import { keepWarm } from './query/warm-up';
import { DemoController } from './demo/controller';
import type { FaultName } from '../common/demo-faults';
import { SloFile } from './slo/slo-file';
import { SloEvaluator } from './slo/slo-evaluator';
import { CatalogHost } from './catalog/host';
import { AlertFile } from './alerts/alert-file';
import { AlertEvaluator } from './alerts/alert-evaluator';
import { RULE_ALERT_EVENT, RULE_ALERT_RESOLVED_EVENT } from '../common/api/alert-schemas';
import { startSelfTelemetry, type SelfTelemetry } from './self-telemetry/providers';
import { PluginHost, type PluginRuntime } from './plugin-host/host';
import { DataSourceFile } from './datasources/datasource-file';
import { SecretStore } from './datasources/secrets';
import { SourceRegistry } from './datasources/registry';
import { CatalogFeed } from './datasources/catalog-feed';
import type { SnapshotView } from '../common/api/health-schemas';
import { readOnlyMessage } from './snapshot/snapshot-view';

export interface CoreOptions {
  dataDir: string;
  /** Address the API and receivers bind to (loopback unless the user opts in). */
  host?: string;
  apiPort?: number;
  otlpHttpPort?: number;
  /** OTLP/gRPC port; -1 turns the gRPC receiver off. */
  otlpGrpcPort?: number;
  /** Backstage catalog sources (folders or files). */
  catalog?: string[];
  token?: string;
  demo?: boolean;
  /** false: the demo leaves the catalog alone (`--no-demo-catalog`); by default it brings its
   * own when the catalog has no sources. */
  demoCatalog?: boolean;
  /** Faults to start with the demo (`--fault`). */
  demoFaults?: FaultName[];
  /** The demo's bundled service script, when not dist/demo-service.js (tests). */
  demoServiceScript?: string;
  selfTelemetry?: boolean;
  retention?: Partial<RetentionPolicy>;
  /** Ingest queue bounds (backpressure past them). */
  ingestQueue?: { maxPendingJobs?: number; maxPendingBytes?: number; workerFile?: string; stallMs?: number };
  /** Plugin folders named with --plugin DIR (besides built-ins and <data-dir>/plugins). */
  plugins?: string[];
  /** Span attribute keys added to the search index (`--search-attribute`). */
  searchKeys?: string[];
  /** Where the plugin runner, SDK and built-in plugins are (default: beside the bundle). */
  pluginRuntime?: PluginRuntime;
  /** Folder of the built renderer; defaults to dist/renderer next to the bundle. */
  staticDir?: string | null;
  log?: (line: string) => void;
  /** Serve the data directory as a read-only view of this snapshot: no receivers, no demo,
   * every write through the API refused (`loupe serve --snapshot`). */
  snapshotView?: SnapshotView;
  /** A source is never called silent after less quiet than this, ms (`--silent-after`). */
  silentAfterMinMs?: number;
  /** How often alert rules are evaluated, ms (15 s by default; `--alert-every`). */
  alertEveryMs?: number;
}

export interface ServerInfo {
  url: string;
  token: string;
  pid: number;
  dataDir: string;
  version: string;
  /** OTLP ports; null when the receiver is off (a snapshot view has none). */
  ports: { api: number; otlpHttp: number | null; otlpGrpc: number | null };
  /** The snapshot this Loupe shows read only, if it is a snapshot view. */
  snapshot?: SnapshotView;
}

export interface RunningCore {
  info: ServerInfo;
  /** The UI's URL including the session token (what to open). */
  openUrl: string;
  pipeline: IngestPipeline;
  close(): Promise<void>;
}

export function defaultStaticDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, 'renderer'), join(here, '..', 'dist', 'renderer')])
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  return null;
}

export async function startCore(opts: CoreOptions): Promise<RunningCore> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? randomBytes(24).toString('base64url');
  mkdirSync(opts.dataDir, { recursive: true });
  const retention = { ...DEFAULT_RETENTION, ...opts.retention };
  const pipeline = await IngestPipeline.start({ dataDir: opts.dataDir, retention, searchKeys: opts.searchKeys, ...opts.ingestQueue, log });
  const sink = Object.assign((p: OtlpPayload) => pipeline.submit({ kind: 'otlp', ...p }), {
    refusal: (bytes: number) => pipeline.refusal(bytes),
  });
  const closers: Array<() => Promise<void> | void> = [() => pipeline.close()];
  const view = opts.snapshotView ?? null;
  if (view && (opts.demo || opts.selfTelemetry)) throw new Error('a snapshot view is read only: it runs neither the demo nor self-telemetry');
  try {
    // A snapshot view receives nothing: what it shows is the snapshot, as it was.
    let otlpHttpPort: number | null = null;
    if (!view) {
      const httpReceiver = new OtlpHttpReceiver({
        host,
        port: opts.otlpHttpPort ?? DEFAULT_PORTS.otlpHttp,
        sink,
      });
      otlpHttpPort = await httpReceiver.listen().catch((e: NodeJS.ErrnoException) => {
        throw portError('OTLP/HTTP', opts.otlpHttpPort ?? DEFAULT_PORTS.otlpHttp, '--otlp-http-port', e);
      });
      closers.unshift(() => httpReceiver.close());
    }
    const otlpHttpUrl = otlpHttpPort === null ? '' : `http://${urlHost(host)}:${otlpHttpPort}`;
    let otlpGrpcPort: number | null = null;
    if (opts.otlpGrpcPort !== -1 && !view) {
      const grpcReceiver = new OtlpGrpcReceiver({
        host,
        port: opts.otlpGrpcPort ?? DEFAULT_PORTS.otlpGrpc,
        sink,
      });
      otlpGrpcPort = await grpcReceiver.listen().catch((e: NodeJS.ErrnoException) => {
        throw portError('OTLP/gRPC', opts.otlpGrpcPort ?? DEFAULT_PORTS.otlpGrpc, '--otlp-grpc-port', e);
      });
      closers.unshift(() => grpcReceiver.close());
    }

    const store = new ReadStore(opts.dataDir, log);
    closers.push(() => store.close());
    // The Services list's last hour stays merged in memory (query/warm-up.ts).
    closers.unshift(keepWarm(store, () => listServices(store, {})));
    const queries = new QueryPool(opts.dataDir, store, log);
    closers.unshift(() => queries.close());
    const startedAt = Date.now();
    const demo = new DemoController(otlpHttpUrl, log, undefined, opts.demoServiceScript);
    closers.unshift(async () => void (await demo.stop()));

    let apiServer: ApiServer | null = null;
    const sloFile = new SloFile(opts.dataDir, () => slos.invalidate());
    const slos = new SloEvaluator(store, sloFile);
    closers.push(() => {
      slos.stop();
      sloFile.close();
    });
    const catalog = new CatalogHost(opts.dataDir, opts.catalog ?? [], store, (e) => apiServer?.broadcast('catalog', e), log, opts.demoCatalog !== false);
    closers.unshift(() => catalog.close());
    await catalog.start();

    const alertFile = new AlertFile(opts.dataDir, () => alerts.invalidate());
    const alerts = new AlertEvaluator(
      store,
      alertFile,
      (service) => {
        const o = catalog.owners([service]).get(service);
        return { owner: o?.owner ?? null, component: o?.component ?? null };
      },
      opts.alertEveryMs,
      log,
    );
    closers.unshift(() => {
      alerts.stop();
      alertFile.close();
    });
    for (const p of alertFile.problems) log(`loupe: alert rule problem: ${p}`);

    // Plugins and data sources: plugins push through the same ingest queue as the receivers.
    const secrets = new SecretStore(opts.dataDir);
    const plugins = new PluginHost({
      dataDir: opts.dataDir,
      extraDirs: opts.plugins,
      runtime: opts.pluginRuntime,
      sink,
      log,
      secrets: () => secrets.all(),
    });
    closers.unshift(() => plugins.close());
    const sourceFile = new DataSourceFile(opts.dataDir, () => sources.sync());
    const sources = new SourceRegistry(sourceFile, secrets, plugins, log);
    closers.unshift(() => {
      sources.stop();
      sourceFile.close();
    });
    for (const p of sourceFile.problems) log(`loupe: data source problem: ${p}`);
    // Catalog providers' entities join the catalog as file sources.
    const catalogFeed = new CatalogFeed(opts.dataDir, sources, catalog, log);
    closers.unshift(() => catalogFeed.stop());
    sources.onChange = () => void catalogFeed.refresh();
    sources.sync();
    sources.startHealthChecks();
    catalogFeed.start();
    const handlers = makeHandlers({
      sources,
      plugins,
      slos,
      sloFile,
      alerts,
      alertFile,
      catalog,
      store,
      queries,
      pipeline,
      dataDir: opts.dataDir,
      startedAt,
      retention,
      demo,
      token,
      snapshotView: view,
      silentAfterMinMs: opts.silentAfterMinMs,
      endpoints: () => ({
        otlpHttp: otlpHttpUrl,
        otlpGrpc: otlpGrpcPort === null ? null : `${urlHost(host)}:${otlpGrpcPort}`,
        ui: apiServer ? `http://${urlHost(host)}:${apiServer.port}` : '',
      }),
    });
    apiServer = new ApiServer({
      host,
      port: opts.apiPort ?? DEFAULT_PORTS.api,
      token,
      staticDir: opts.staticDir === undefined ? defaultStaticDir() : opts.staticDir,
      endpoints: api,
      handlers,
      log,
      readOnly: view ? readOnlyMessage(view) : undefined,
    });
    const apiPort = await apiServer.listen().catch((e: NodeJS.ErrnoException) => {
      throw portError('UI/API', opts.apiPort ?? DEFAULT_PORTS.api, '--port', e);
    });
    const server = apiServer;
    closers.unshift(() => server.close());

    // Live updates: coalesce commits into at most a few events a second.
    let pendingEvent: IngestEvent | null = null;
    let flushTimer: NodeJS.Timeout | null = null;
    pipeline.on('committed', (s) => {
      if (s.oldestMinute !== null) {
        store.invalidateRollups(s.oldestMinute);
        queries.invalidateRollups(s.oldestMinute);
      }
      const e = (pendingEvent ??= { spans: 0, logs: 0, metricPoints: 0, services: [], tables: [], traceIds: [], traceIdsTruncated: false, lastLogId: 0 });
      e.spans += s.spans;
      e.logs += s.logs;
      e.metricPoints += s.metricPoints;
      for (const name of s.services) if (!e.services.includes(name)) e.services.push(name);
      for (const t of s.tables) if (!e.tables.includes(t)) e.tables.push(t);
      for (const id of s.traceIds) {
        if (e.traceIds.length >= MAX_EVENT_TRACE_IDS) e.traceIdsTruncated = true;
        else if (!e.traceIds.includes(id)) e.traceIds.push(id);
      }
      if (s.traceIds.length >= MAX_EVENT_TRACE_IDS) e.traceIdsTruncated = true;
      e.lastLogId = Math.max(e.lastLogId, s.lastLogId);
      flushTimer ??= setTimeout(() => {
        flushTimer = null;
        if (pendingEvent) server.broadcast('ingest', pendingEvent);
        pendingEvent = null;
      }, 250);
    });
    closers.unshift(() => {
      if (flushTimer) clearTimeout(flushTimer);
    });

    // SLO alerts: evaluated in the background, announced when they start firing.
    slos.start(
      (alert) => {
        log(`loupe: SLO alert (${alert.severity}) ${alert.name} on ${alert.service}: ${alert.label}`);
        server.broadcast('alert', alert);
      },
      (alert) => server.broadcast('alertResolved', alert),
    );
    // Alert rules (alerts.yaml): evaluated in the background; a snapshot view shows its history
    // as it was and evaluates nothing.
    if (!view)
      alerts.start({
        onFire: (alert) => {
          log(`loupe: alert (${alert.severity}) ${alert.name}: ${alert.summary}`);
          server.broadcast(RULE_ALERT_EVENT, alert);
        },
        onResolved: (alert) => server.broadcast(RULE_ALERT_RESOLVED_EVENT, alert),
      });

    let selfTelemetry: SelfTelemetry | null = null;
    if (opts.selfTelemetry) {
      selfTelemetry = startSelfTelemetry(otlpHttpUrl);
      closers.unshift(() => selfTelemetry!.shutdown());
    }

    const uiUrl = `http://${urlHost(host)}:${apiPort}`;
    const info: ServerInfo = {
      url: uiUrl,
      token,
      pid: process.pid,
      dataDir: opts.dataDir,
      version: VERSION,
      ports: { api: apiPort, otlpHttp: otlpHttpPort, otlpGrpc: otlpGrpcPort },
      ...(view ? { snapshot: view } : {}),
    };
    const infoFile = join(opts.dataDir, SERVER_INFO_FILE);
    // Written whole or not at all: whoever waits for the file never reads half of it.
    writeFileSync(`${infoFile}.tmp`, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
    renameSync(`${infoFile}.tmp`, infoFile);
    closers.push(() => rmSync(infoFile, { force: true }));

    // Fault events reach open UIs at once (charts mark them, the Faults panel updates).
    demo.onFaultEvent((e) => server.broadcast('demoFault', e));
    if (opts.demo) {
      await loadDemoCatalog(catalog, opts.dataDir, log);
      await demo.start(opts.demoFaults);
    }

    let closed = false;
    return {
      info,
      openUrl: `${uiUrl}/?token=${encodeURIComponent(token)}`,
      pipeline,
      async close() {
        if (closed) return;
        closed = true;
        for (const c of closers) {
          try {
            await c();
          } catch (e) {
            log(`loupe: error while stopping: ${(e as Error).message}`);
          }
        }
      },
    };
  } catch (e) {
    for (const c of closers) await Promise.resolve(c()).catch(() => undefined);
    throw e;
  }
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function portError(what: string, port: number, flag: string, e: NodeJS.ErrnoException): Error {
  if (e.code === 'EADDRINUSE')
    return new Error(`port ${port} for ${what} is already in use (another Loupe or collector?); choose another with ${flag} N`);
  if (e.code === 'EACCES') return new Error(`not allowed to listen on port ${port} for ${what}; choose another with ${flag} N`);
  return e;
}
