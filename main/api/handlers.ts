// One handler per API method of the contract; each is a thin call into a query module.
import { loadDemoCatalog } from '../demo/backstage-catalog';
import { statSync } from 'node:fs';
import type { Health, SnapshotView } from '../../common/api/health-schemas';
import type { ImportResult } from '../../common/api/ingest-schemas';
import type { ParsedInputOf, OutputOf, EndpointName } from '../../common/api/contract';
import { dbPath } from '../store/database';
import type { IngestPipeline } from '../ingest/pipeline';
import type { RetentionPolicy } from '../store/retention';
import type { DemoController } from '../demo/controller';
import { type ReadStore } from '../query/read-store';
import type { QueryPool } from '../query/query-pool';
import { listOperations, listServices } from '../query/services';
import { QueryError, getTraceCompactJson, getTraceJson, sampleAttributes } from '../query/traces';
import type { SloEvaluator } from '../slo/slo-evaluator';
import type { SloFile } from '../slo/slo-file';
import type { CatalogHost } from '../catalog/host';
import type { AlertEvaluator } from '../alerts/alert-evaluator';
import type { AlertFile } from '../alerts/alert-file';
import { getLog } from '../query/logs';
import { listMetrics, metricSeries } from '../query/metrics';
import { metricAttributes, metricChart } from '../query/metric-chart';
import { VERSION } from '../config/paths';
import { alertRuleProblem } from '../../common/alert-rules';
import { importUpload } from './import-upload';
import { importSnapshotUpload, snapshotDownload } from './snapshot-http';
import { looksLikeZip } from '../snapshot/read-snapshot';
import { runCanary } from '../canary/canary-run';
import { listInstances } from '../query/instances';
import { listDeploys, recordDeploy } from '../query/deploys';
import { ingestTotals, recentIngestErrors } from '../query/health';
import { listSearchKeys } from '../query/attribute-search';
import { edgeReleases, mapReleases } from '../query/edge-releases';
import { RawJson, type Handler } from './http-server';
import { sourceActivity } from '../query/source-activity';
import { assembleFlow, linkedTraces } from '../query/flows';
import { withSources, type SourceDeps, type SourceOwned } from './source-handlers';

export interface HandlerDeps extends SourceDeps {
  store: ReadStore;
  /** Where heavy queries run (a worker; stopped when their client goes away). */
  queries: QueryPool;
  pipeline: IngestPipeline;
  dataDir: string;
  startedAt: number;
  retention: RetentionPolicy;
  demo: DemoController;
  slos: SloEvaluator;
  sloFile: SloFile;
  catalog: CatalogHost;
  alerts: AlertEvaluator;
  alertFile: AlertFile;
  endpoints: () => { otlpHttp: string; otlpGrpc: string | null; ui: string };
  /** The session token, shown on the Settings page to whoever already holds it. */
  token: string;
  /** The snapshot this core shows read only (`loupe serve --snapshot`), else null. */
  snapshotView?: SnapshotView | null;
  /** A source is never called silent after less quiet than this, ms. */
  silentAfterMinMs?: number;
}

type Handlers = { [K in EndpointName]: (input: ParsedInputOf<K>, ctx: Parameters<Handler>[1]) => OutputOf<K> | Promise<OutputOf<K>> };

export function makeHandlers(d: HandlerDeps): Record<string, Handler> {
  const handlers: Omit<Handlers, SourceOwned> = {
    health: () => health(d),
    sourceActivity: () => sourceActivity(d.store, { silentAfterMinMs: d.silentAfterMinMs }),
    settings: () => {
      const e = d.endpoints();
      return {
        version: VERSION,
        dataDir: d.dataDir,
        startedAt: d.startedAt,
        retention: { ...d.retention },
        listeners: { ui: e.ui, otlpHttp: e.otlpHttp, otlpGrpc: e.otlpGrpc },
        token: d.token,
      };
    },
    searchAttributes: () => ({ keys: listSearchKeys(d.store) }),
    searchAttributePut: async (input) => {
      await d.pipeline.changeSearchKeys({ add: [input.key], remove: [] });
      return { keys: listSearchKeys(d.store) };
    },
    searchAttributeDelete: async (input) => {
      const known = listSearchKeys(d.store).find((k) => k.key === input.key);
      if (!known || known.origin !== 'user')
        throw known
          ? new QueryError('default_search_key', `"${input.key}" is indexed by default and stays`)
          : new QueryError('not_found', `"${input.key}" is not a key added to the search index`, 404);
      await d.pipeline.changeSearchKeys({ add: [], remove: [input.key] });
      return { keys: listSearchKeys(d.store) };
    },
    services: (input) => {
      const list = listServices(d.store, input, d.slos.summaryByService());
      const owners = d.catalog.owners(list.map((s) => s.name));
      for (const s of list) Object.assign(s, owners.get(s.name) ?? {});
      return list;
    },
    catalogSources: () => ({ sources: d.catalog.sources() }),
    catalogSourcesPut: async (input) => ({ sources: await d.catalog.setUiSources(input.sources) }),
    ...d.catalog.handlers(),
    operations: (input) => listOperations(d.store, input),
    attributeKeys: (input) => sampleAttributes(d.store, input) as Array<{ key: string; count: number; indexed?: boolean }>,
    attributeValues: (input) => sampleAttributes(d.store, input) as Array<{ value: string; count: number }>,
    traces: (input, ctx) => d.queries.run('traces', input, ctx.signal) as Promise<OutputOf<'traces'>>,
    // Served as the stored JSON text (see getTraceJson); the contract still describes it.
    trace: (input) => new RawJson(getTraceJson(d.store, input.traceId)) as unknown as OutputOf<'trace'>,
    traceCompact: (input) => new RawJson(getTraceCompactJson(d.store, input.traceId)) as unknown as OutputOf<'traceCompact'>,
    traceLinks: (input) => linkedTraces(d.store, input),
    flow: (input) => assembleFlow(d.store, input),
    logs: (input, ctx) => d.queries.run('logs', input, ctx.signal) as Promise<OutputOf<'logs'>>,
    log: (input) => getLog(d.store, input.id),
    logHistogram: (input, ctx) => d.queries.run('logHistogram', input, ctx.signal) as Promise<OutputOf<'logHistogram'>>,
    logPatterns: (input, ctx) => d.queries.run('logPatterns', input, ctx.signal) as Promise<OutputOf<'logPatterns'>>,
    exceptions: (input, ctx) => d.queries.run('exceptions', input, ctx.signal) as Promise<OutputOf<'exceptions'>>,
    metrics: (input) => listMetrics(d.store, input),
    metricSeries: (input) => {
      if (input.source && input.source !== 'local')
        throw new QueryError('not_supported', `charts are built from the local store; query source "${input.source}" with PromQL (GET /api/metrics/query)`);
      return metricChart(d.store, input);
    },
    metricAttributes: (input) => metricAttributes(d.store, input),
    metricPoints: (input) => metricSeries(d.store, input),
    demo: () => d.demo.status(),
    demoStart: async () => {
      await loadDemoCatalog(d.catalog, d.dataDir, () => undefined);
      return d.demo.start();
    },
    demoStop: () => d.demo.stop(),
    demoFaults: () => d.demo.faults(),
    demoFaultSet: (input) => d.demo.setFault(input.fault, input.active),
    importFile: (input, ctx): Promise<ImportResult> => {
      const body = ctx.body ?? Buffer.alloc(0);
      return looksLikeZip(body) ? importSnapshotUpload(d, input.filename, body) : importUpload(d.pipeline, input.filename, body);
    },
    snapshot: (input) => snapshotDownload(d, input),
    serviceMap: (input, ctx) => d.queries.run('serviceMap', input, ctx.signal) as Promise<OutputOf<'serviceMap'>>,
    goldenSignals: (input, ctx) => d.queries.run('goldenSignals', input, ctx.signal) as Promise<OutputOf<'goldenSignals'>>,
    edgeSignals: (input, ctx) => d.queries.run('edgeSignals', input, ctx.signal) as Promise<OutputOf<'edgeSignals'>>,
    canary: (input) => runCanary(d.store, d.dataDir, input),
    instances: (input) => listInstances(d.store, input),
    deploys: (input) => listDeploys(d.store, input),
    edgeReleases: (input) => edgeReleases(d.store, input),
    mapReleases: (input) => mapReleases(d.store, input),
    deployPost: (input) => recordDeploy(d.store.db, input),
    slos: (input) => {
      const list = d.slos.list();
      return input.service ? { ...list, slos: list.slos.filter((s) => s.slo.service === input.service) } : list;
    },
    sloPut: (input) => {
      try {
        d.sloFile.upsert(input);
      } catch (e) {
        throw new QueryError('bad_slo', (e as Error).message);
      }
      d.slos.invalidate();
      const slo = d.sloFile.slos.find((s) => s.id === input.id);
      if (!slo) throw new QueryError('bad_slo', d.sloFile.problems.join('; ') || `SLO ${input.id} was not saved`);
      return d.slos.status(slo);
    },
    alerts: () => d.alerts.list(),
    alertHistory: (input) => d.alerts.history(input),
    alertPreview: (input) => {
      const problem = alertRuleProblem(input);
      if (problem) throw new QueryError('bad_alert_rule', problem);
      return d.alerts.preview(input);
    },
    alertRulePut: (input) => {
      try {
        d.alertFile.upsert(input);
      } catch (e) {
        throw new QueryError('bad_alert_rule', (e as Error).message);
      }
      const rule = d.alertFile.rules.find((r) => r.id === input.id);
      if (!rule) throw new QueryError('bad_alert_rule', d.alertFile.problems.join('; ') || `alert rule ${input.id} was not saved`);
      d.alerts.invalidate();
      return d.alerts.status(rule);
    },
    alertRuleDelete: (input) => {
      const deleted = d.alertFile.remove(input.id);
      d.alerts.invalidate();
      return { deleted };
    },
    sloDelete: (input) => {
      const deleted = d.sloFile.remove(input.id);
      d.slos.invalidate();
      return { deleted };
    },
  };
  return { ...handlers, ...withSources(handlers, d) } as Record<string, Handler>;
}

function health(d: HandlerDeps): Health {
  const stats = ingestTotals(d.store);
  let size = 0;
  for (const suffix of ['', '-wal']) {
    try {
      size += statSync(dbPath(d.dataDir) + suffix).size;
    } catch {
      // no WAL file yet
    }
  }
  const recent = recentIngestErrors(d.store, 20);
  return {
    status: 'ok',
    version: VERSION,
    dataDir: d.dataDir,
    startedAt: d.startedAt,
    ingest: {
      spans: stats.spans ?? 0,
      logs: stats.logs ?? 0,
      metricPoints: stats.metricPoints ?? 0,
      rejected: stats.rejected ?? 0,
      malformedRequests: stats.malformedRequests ?? 0,
      duplicates: stats.duplicates ?? 0,
      queueDepth: d.pipeline.queueDepth,
      throttled: d.pipeline.throttled,
      transactions: d.pipeline.transactions,
      jobsPerTransaction: d.pipeline.transactions ? Math.round((d.pipeline.jobsAnswered / d.pipeline.transactions) * 100) / 100 : 0,
    },
    store: { sizeBytes: size, maxSizeBytes: d.retention.maxSizeBytes, maxAgeHours: d.retention.maxAgeHours },
    endpoints: d.endpoints(),
    recentErrors: recent,
    demo: { running: d.demo.status().running },
    queries: d.queries.stats(),
    snapshot: d.snapshotView ?? null,
  };
}
