// The built-in `prometheus` plugin: any server speaking the Prometheus HTTP query API
// (Prometheus, VictoriaMetrics, Thanos, Mimir, Cortex). PromQL is passed through as written;
// the service map and golden signals come from service-graph and span-metrics series.
import { definePlugin, httpAuthSettings, z } from '../sdk/index';
import { PromClient, type PromData, type PromSample, type PromSettings } from './client';
import { edgeSignals, goldenSignals, serviceMap, sliCounts } from './service-graph';

const settings = z.object({
  url: z.url({ protocol: /^https?$/ }).describe('Base URL of the query API, e.g. http://prometheus:9090 or https://vm.example/select/0/prometheus'),
  ...httpAuthSettings({ description: 'Extra HTTP headers, e.g. X-Scope-OrgID for a Mimir/Cortex tenant', example: { 'X-Scope-OrgID': 'team-a' } }),
  timeoutSeconds: z.number().positive().max(300).default(30).describe('Per-request timeout in seconds'),
});

const client = (s: PromSettings, signal: AbortSignal) => new PromClient(s, signal);
const window = (p: { from: number; to: number }) => ({ start: String(p.from / 1000), end: String(p.to / 1000) });

export default definePlugin({ id: 'prometheus', name: 'Prometheus', version: '1.0.0', settings })
  .healthCheck(async (_p, ctx) => {
    const prom = client(ctx.settings, ctx.signal);
    await prom.get('/api/v1/query', { query: 'vector(1)' });
    const build = await prom.get<{ version?: string }>('/api/v1/status/buildinfo').catch(() => null);
    return { status: 'ok', message: `the query API answers${build?.data?.version ? ` (version ${build.data.version})` : ''}` };
  })
  .metricSource({
    names: async (p, ctx) => {
      const { data } = await client(ctx.settings, ctx.signal).get<string[]>('/api/v1/label/__name__/values', { ...window(p), ...(p.match ? { 'match[]': p.match } : {}) });
      return { names: data };
    },
    labels: async (p, ctx) => {
      const { data } = await client(ctx.settings, ctx.signal).get<string[]>('/api/v1/labels', { ...window(p), ...(p.metric ? { 'match[]': p.metric } : {}) });
      return { labels: data };
    },
    labelValues: async (p, ctx) => {
      const { data } = await client(ctx.settings, ctx.signal).get<string[]>(`/api/v1/label/${encodeURIComponent(p.label)}/values`, { ...window(p), ...(p.metric ? { 'match[]': p.metric } : {}) });
      return { values: data };
    },
    query: async (p, ctx) => {
      const prom = client(ctx.settings, ctx.signal);
      const { data, warnings } =
        p.stepSeconds > 0
          ? await prom.get<PromData>('/api/v1/query_range', { query: p.query, ...window(p), step: String(p.stepSeconds) })
          : await prom.get<PromData>('/api/v1/query', { query: p.query, time: String(p.to / 1000) });
      const num = (v: string): number | null => (Number.isFinite(Number(v)) ? Number(v) : null);
      if (data.resultType === 'scalar' || data.resultType === 'string') {
        const [t, v] = data.result as [number, string];
        return { resultType: data.resultType, series: [{ labels: {}, points: [[t * 1000, num(v)]] }], warnings };
      }
      const series = (data.result as PromSample[]).map((s) => ({
        labels: s.metric,
        points: (s.values ?? (s.value ? [s.value] : [])).map(([t, v]) => [t * 1000, num(v)] as [number, number | null]),
      }));
      return { resultType: data.resultType, series, warnings };
    },
  })
  .serviceGraphSource({
    map: (p, ctx) => serviceMap(client(ctx.settings, ctx.signal), p.from, p.to),
    goldenSignals: (p, ctx) => goldenSignals(client(ctx.settings, ctx.signal), p.service, p.from, p.to, p.stepMs),
    edgeSignals: (p, ctx) => edgeSignals(client(ctx.settings, ctx.signal), p.source, p.target, p.from, p.to, p.stepMs),
    sli: (p, ctx) => sliCounts(client(ctx.settings, ctx.signal), p),
  });
