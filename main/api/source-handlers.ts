// Handlers of the data-source and plugin API, and the `source=` routing of the read endpoints:
// each read asks the registry for the named source's reads (the store's own handlers for
// `local`, the default; the source's plugin for any other) and asks them.
import { LOCAL_SOURCE, type PromQlAnswer } from '../../common/api/datasource-schemas';
import type { EndpointName, OutputOf, ParsedInputOf } from '../../common/api/contract';
import type { SourceRegistry } from '../datasources/registry';
import type { PluginHost } from '../plugin-host/host';
import type { SloFile } from '../slo/slo-file';
import type { SourceRead, SourceReads } from '../datasources/source-reads';
import { windowOf } from '../query/read-store';
import { QueryError } from '../query/traces';
import type { Handler } from './http-server';

export type SourceOwned = 'plugins' | 'pluginSettings' | 'datasources' | 'datasourcePut' | 'datasourceDelete' | 'datasourceRename' | 'datasourceTest' | 'metricsQuery';
type H<K extends EndpointName> = (input: ParsedInputOf<K>, ctx: Parameters<Handler>[1]) => OutputOf<K> | Promise<OutputOf<K>>;

export interface SourceDeps {
  sources: SourceRegistry;
  plugins: PluginHost;
  sloFile: SloFile;
}

const remote = (source: string | undefined): source is string => source !== undefined && source !== '' && source !== LOCAL_SOURCE;

/** Routes the read endpoints through the registry (every source, `local` included, answers
 * the same reads) and adds the data-source API. */
export function withSources(local: SourceReads<Parameters<Handler>[1]>, d: SourceDeps): { [K in SourceRead | SourceOwned]: H<K> } {
  d.sources.serveLocal(local as SourceReads);
  const reads = (name: string | undefined) => d.sources.reads(name, { sloFile: d.sloFile });
  return {
    services: (input, ctx) => reads(input.source).services(input, ctx),
    serviceMap: (input, ctx) => reads(input.source).serviceMap(input, ctx),
    goldenSignals: (input, ctx) => reads(input.source).goldenSignals(input, ctx),
    // An edge's `source` is its calling node; the data source is `datasource`.
    edgeSignals: (input, ctx) => reads(input.datasource).edgeSignals(input, ctx),
    slos: (input, ctx) => reads(input.source).slos(input, ctx),
    metrics: (input, ctx) => reads(input.source).metrics(input, ctx),
    metricAttributes: (input, ctx) => reads(input.source).metricAttributes(input, ctx),
    metricPoints: (input, ctx) => reads(input.source).metricPoints(input, ctx),
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
