// Handlers of the data-source and plugin API, and the `source=` routing of the read endpoints:
// without a source (or with `local`) they read this store as before; with another source they
// ask the registry, which asks that source's plugin.
import type { ServiceSummary } from '../../common/api/service-schemas';
import type { MetricAttributes, MetricInfo, MetricSeries } from '../../common/api/metric-schemas';
import type { z } from 'zod';
import { LOCAL_SOURCE, type PromQlAnswer } from '../../common/api/datasource-schemas';
import type { EndpointName, OutputOf, ParsedInputOf } from '../../common/api/contract';
import type { SourceRegistry } from '../datasources/registry';
import type { PluginHost } from '../plugin-host/host';
import type { SloFile } from '../slo/slo-file';
import { sliWindows, statusFromCounts } from '../slo/slo-evaluator';
import { windowOf } from '../query/read-store';
import { QueryError } from '../query/traces';
import type { Handler } from './http-server';

type Routed = 'services' | 'serviceMap' | 'goldenSignals' | 'edgeSignals' | 'slos' | 'metrics' | 'metricAttributes' | 'metricPoints';
export type SourceOwned = 'plugins' | 'pluginSettings' | 'datasources' | 'datasourcePut' | 'datasourceDelete' | 'datasourceRename' | 'datasourceTest' | 'metricsQuery';
type H<K extends EndpointName> = (input: ParsedInputOf<K>, ctx: Parameters<Handler>[1]) => OutputOf<K> | Promise<OutputOf<K>>;

export interface SourceDeps {
  sources: SourceRegistry;
  plugins: PluginHost;
  sloFile: SloFile;
}

const remote = (source: string | undefined): source is string => source !== undefined && source !== '' && source !== LOCAL_SOURCE;

/** Wraps the local handlers of the routed endpoints and adds the data-source API. */
export function withSources(local: { [K in Routed]: H<K> }, d: SourceDeps): { [K in Routed | SourceOwned]: H<K> } {
  return {
    services: (input, ctx) => (remote(input.source) ? remoteServices(d.sources, input.source, input) : local.services(input, ctx)),
    serviceMap: (input, ctx) => (remote(input.source) ? d.sources.call(input.source, 'serviceGraph.map', windowOf(input)) : local.serviceMap(input, ctx)),
    goldenSignals: (input, ctx) => {
      if (!remote(input.source)) return local.goldenSignals(input, ctx);
      const { from, to } = windowOf(input);
      // About 60 buckets, whole minutes, like the local store's.
      const stepMs = input.step ? Math.max(1, input.step) * 1000 : Math.max(60_000, Math.ceil((to - from) / 60 / 60_000) * 60_000);
      return d.sources.call(input.source, 'serviceGraph.goldenSignals', { service: input.name, from, to, stepMs });
    },
    edgeSignals: (input, ctx) => {
      if (!remote(input.datasource)) return local.edgeSignals(input, ctx);
      const { from, to } = windowOf(input);
      const stepMs = input.step ? Math.max(1, input.step) * 1000 : Math.max(60_000, Math.ceil((to - from) / 60 / 60_000) * 60_000);
      return d.sources.call(input.datasource, 'serviceGraph.edgeSignals', { source: input.source, target: input.target, from, to, stepMs });
    },
    slos: async (input, ctx) => {
      if (!remote(input.source)) return local.slos(input, ctx);
      const source = input.source;
      // An unknown source is the request's error (404), not every SLO's.
      d.sources.entry(source);
      const now = Date.now();
      // One call per SLO shown (a service page shows its own), and each SLO answers for itself:
      // one the source cannot evaluate carries its error, the others their status.
      const wanted = d.sloFile.slos.filter((slo) => !input.service || slo.service === input.service);
      const slos = await Promise.all(
        wanted.map(async (slo) => {
          const windowMs = sliWindows(slo)[0];
          // About 60 steps over the SLO's window, whole minutes, for the burn-down.
          const stepMs = Math.max(60_000, Math.ceil(windowMs / 60 / 60_000) * 60_000);
          try {
            const counts = await d.sources.call(source, 'serviceGraph.sli', {
              service: slo.service,
              sli: slo.sli,
              ...(slo.thresholdMs ? { thresholdMs: slo.thresholdMs } : {}),
              windowsMs: sliWindows(slo),
              from: now - windowMs,
              to: now,
              stepMs,
            });
            return statusFromCounts(slo, counts);
          } catch (e) {
            if (!(e instanceof QueryError)) throw e;
            return { ...statusFromCounts(slo, { windows: [], steps: [] }), history: [], error: { code: e.code, message: e.message } };
          }
        }),
      );
      return { file: d.sloFile.path, problems: d.sloFile.problems, slos };
    },
    metrics: (input, ctx) => (remote(input.source) ? remoteMetrics(d.sources, input.source, input) : local.metrics(input, ctx)),
    metricAttributes: (input, ctx) => (remote(input.source) ? remoteLabels(d.sources, input.source, input) : local.metricAttributes(input, ctx)),
    metricPoints: (input, ctx) => (remote(input.source) ? remoteSeries(d.sources, input.source, input) : local.metricPoints(input, ctx)),
    plugins: () => ({ plugins: d.plugins.list(), problems: d.plugins.problems }),
    pluginSettings: async (input) => {
      if (!d.plugins.has(input.id)) throw new QueryError('unknown_plugin', `no plugin "${input.id}" is installed`, 404);
      try {
        return { id: input.id, schema: await d.plugins.settingsSchema(input.id) };
      } catch (e) {
        throw new QueryError('plugin_unavailable', (e as Error).message, 502);
      }
    },
    datasources: () => d.sources.list(),
    datasourcePut: (input) => d.sources.put(input),
    datasourceDelete: (input) => ({ deleted: d.sources.remove(input.name) }),
    datasourceRename: (input) => d.sources.rename(input.name, input.to),
    datasourceTest: (input) => {
      if (input.name !== LOCAL_SOURCE) d.sources.entry(input.name);
      return d.sources.test(input.name);
    },
    metricsQuery: async (input): Promise<PromQlAnswer> => {
      if (!remote(input.source)) throw new QueryError('not_supported', 'the local store does not answer PromQL; choose a Prometheus-compatible source (source=<name>)');
      const { from, to } = windowOf(input);
      const stepSeconds = input.step ?? Math.max(1, Math.ceil((to - from) / 1000 / 120));
      if (stepSeconds > 0 && (to - from) / 1000 / stepSeconds > 11_000)
        throw new QueryError('bad_input', `step ${stepSeconds} s gives more than 11,000 points over the window; use a larger step`);
      const r = await d.sources.call(input.source, 'metrics.query', { query: input.query, from, to, stepSeconds });
      return { ...r, source: input.source, from, to, stepSeconds };
    },
  };
}

/** The Services list of a remote source, from the service nodes of its map. */
async function remoteServices(sources: SourceRegistry, source: string, input: { from?: number; to?: number }): Promise<ServiceSummary[]> {
  const map = await sources.call(source, 'serviceGraph.map', windowOf(input));
  return map.nodes
    .filter((n) => n.type === 'service')
    .map((n) => ({
      name: n.name,
      namespace: n.namespace,
      spanCount: n.calls,
      errorCount: n.errors,
      requests: n.calls,
      requestErrors: n.errors,
      errorRate: n.errorRate,
      rps: n.rps,
      p50Ms: n.p50Ms,
      p95Ms: n.p95Ms,
      p99Ms: n.p99Ms,
      lastSeen: 0,
      versions: [],
      health: n.health,
      p95BaselineMs: null,
      latencyRatio: null,
      sloBurn: null,
      sloAlert: null,
      component: null,
      owner: null,
    }));
}

function kindOfName(name: string): MetricInfo['kind'] {
  if (/_bucket$/.test(name)) return 'histogram';
  if (/_(total|count|sum)$/.test(name)) return 'sum';
  return 'gauge';
}

async function remoteMetrics(sources: SourceRegistry, source: string, input: { from?: number; to?: number; q?: string }): Promise<MetricInfo[]> {
  const { names } = await sources.call(source, 'metrics.names', windowOf(input));
  const q = input.q?.toLowerCase();
  return names
    .filter((n) => !q || n.toLowerCase().includes(q))
    .map((name) => ({
      name,
      kind: kindOfName(name),
      unit: '',
      description: '',
      services: [],
      seriesCount: 0,
      temporality: kindOfName(name) === 'gauge' ? 'unspecified' : 'cumulative',
      monotonic: kindOfName(name) !== 'gauge',
    }));
}

async function remoteSeries(sources: SourceRegistry, source: string, input: { name: string; from?: number; to?: number; limit: number; points: number; service?: string }): Promise<MetricSeries[]> {
  const { from, to } = windowOf(input);
  const stepSeconds = Math.max(1, Math.ceil((to - from) / 1000 / input.points));
  const selector = input.service ? `${input.name}{service_name=${JSON.stringify(input.service)}}` : input.name;
  const r = await sources.call(source, 'metrics.query', { query: selector, from, to, stepSeconds });
  return r.series.slice(0, input.limit).map((s) => {
    const { __name__, ...attributes } = s.labels;
    return {
      name: __name__ ?? input.name,
      kind: kindOfName(input.name),
      unit: '',
      service: s.labels.service_name ?? s.labels.job ?? '',
      attributes,
      resource: {},
      points: s.points.map(([time, value]) => ({ time, timeUnixNano: String(BigInt(Math.round(time)) * 1_000_000n), startTimeUnixNano: '0', value })),
    };
  });
}

/** Label names of one metric of a remote source with their values, in the shape of the local
 * store's attribute keys (the query builder's suggestions). `series` is not known: 0. */
async function remoteLabels(sources: SourceRegistry, source: string, input: { name: string; from?: number; to?: number }): Promise<z.infer<typeof MetricAttributes>> {
  const window = windowOf(input);
  const { labels } = await sources.call(source, 'metrics.labels', { ...window, metric: input.name });
  // `le` is the bucket bound of a histogram, not something to filter or group by.
  const keys = labels.filter((l) => l !== '__name__' && l !== 'le').slice(0, 40);
  return Promise.all(
    keys.map(async (key) => {
      const { values } = await sources.call(source, 'metrics.labelValues', { ...window, label: key, metric: input.name });
      return { key, values: values.slice(0, 200).map((value) => ({ value, series: 0 })) };
    }),
  );
}
