// A source a plugin answers (a team's Prometheus, VictoriaMetrics, …), behind the same read
// interface as the local store (source-reads.ts): each read is asked of the source's plugin
// through the registry, and its answer shaped as the local store's.
import type { z } from 'zod';
import type { ServiceSummary } from '../../common/api/service-schemas';
import type { MetricAttributes, MetricInfo, MetricSeries } from '../../common/api/metric-schemas';
import { windowOf } from '../query/read-store';
import { QueryError } from '../query/traces';
import type { SloFile } from '../slo/slo-file';
import { sliWindows, statusFromCounts } from '../slo/slo-evaluator';
import type { SourceRegistry } from './registry';
import type { SourceReads } from './source-reads';

/** About 60 buckets over a window, whole minutes, like the local store's. */
function stepOf(from: number, to: number, step?: number): number {
  return step ? Math.max(1, step) * 1000 : Math.max(60_000, Math.ceil((to - from) / 60 / 60_000) * 60_000);
}

export function pluginReads(sources: SourceRegistry, source: string, sloFile: SloFile): SourceReads {
  return {
    services: (input) => remoteServices(sources, source, input),
    serviceMap: (input) => sources.call(source, 'serviceGraph.map', windowOf(input)),
    goldenSignals: (input) => {
      const { from, to } = windowOf(input);
      return sources.call(source, 'serviceGraph.goldenSignals', { service: input.name, from, to, stepMs: stepOf(from, to, input.step) });
    },
    edgeSignals: (input) => {
      const { from, to } = windowOf(input);
      return sources.call(source, 'serviceGraph.edgeSignals', { source: input.source, target: input.target, from, to, stepMs: stepOf(from, to, input.step) });
    },
    slos: async (input) => {
      // An unknown source is the request's error (404), not every SLO's.
      sources.entry(source);
      const now = Date.now();
      // One call per SLO shown (a service page shows its own), and each SLO answers for itself:
      // one the source cannot evaluate carries its error, the others their status.
      const wanted = sloFile.slos.filter((slo) => !input.service || slo.service === input.service);
      const slos = await Promise.all(
        wanted.map(async (slo) => {
          const windowMs = sliWindows(slo)[0];
          // About 60 steps over the SLO's window, whole minutes, for the burn-down.
          const stepMs = Math.max(60_000, Math.ceil(windowMs / 60 / 60_000) * 60_000);
          try {
            const counts = await sources.call(source, 'serviceGraph.sli', {
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
      return { file: sloFile.path, problems: sloFile.problems, slos };
    },
    metrics: (input) => remoteMetrics(sources, source, input),
    metricAttributes: (input) => remoteLabels(sources, source, input),
    metricPoints: (input) => remoteSeries(sources, source, input),
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
