// The Loupe plugin SDK: the only module a plugin imports. A plugin is `definePlugin({...})` plus
// one registration per capability; the SDK's runner (serve.ts) does the talking to the core.
// Third-party plugins import it as '@loupe/plugin-sdk' (the runner resolves that name).
import { z } from 'zod';
import type { ResultOf, ParamsOf, SeriesResult, MetricQueryResult } from '../../common/plugin-protocol';

export { z };
export type { SeriesResult, MetricQueryResult };
export { authHeaders, httpAuthSettings, type HttpAuth } from './http-auth';

/** A settings field whose value is a secret (token, password): stored encrypted by the core,
 * never returned by its API or logged, shown as a password field. */
export function secret(description?: string): z.ZodString {
  return z.string().meta({ secret: true, ...(description ? { description } : {}) });
}

/** Raised by a handler with a code the core shows as is (`unavailable`, `bad_query`, …). */
export class PluginError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What every handler gets besides its parameters. */
export interface Context<S> {
  /** The data source's name (as configured in datasources.yaml or the UI). */
  source: string;
  /** Its settings, validated against the plugin's schema. */
  settings: S;
  /** Aborted when the core stops waiting (deadline passed or the request was cancelled). */
  signal: AbortSignal;
  /** Unix ms by which the core wants an answer. */
  deadline: number;
  log(message: string): void;
}

type Handler<M extends keyof MethodMap, S> = (params: MethodMap[M]['params'], ctx: Context<S>) => Promise<MethodMap[M]['result']> | MethodMap[M]['result'];

interface MethodMap {
  'metrics.names': { params: ParamsOf<'metrics.names'>; result: ResultOf<'metrics.names'> };
  'metrics.labels': { params: ParamsOf<'metrics.labels'>; result: ResultOf<'metrics.labels'> };
  'metrics.labelValues': { params: ParamsOf<'metrics.labelValues'>; result: ResultOf<'metrics.labelValues'> };
  'metrics.query': { params: ParamsOf<'metrics.query'>; result: ResultOf<'metrics.query'> };
  'serviceGraph.map': { params: ParamsOf<'serviceGraph.map'>; result: ResultOf<'serviceGraph.map'> };
  'serviceGraph.goldenSignals': { params: ParamsOf<'serviceGraph.goldenSignals'>; result: ResultOf<'serviceGraph.goldenSignals'> };
  'serviceGraph.edgeSignals': { params: ParamsOf<'serviceGraph.edgeSignals'>; result: ResultOf<'serviceGraph.edgeSignals'> };
  'serviceGraph.sli': { params: ParamsOf<'serviceGraph.sli'>; result: ResultOf<'serviceGraph.sli'> };
  'traces.search': { params: ParamsOf<'traces.search'>; result: ResultOf<'traces.search'> };
  'traces.get': { params: ParamsOf<'traces.get'>; result: ResultOf<'traces.get'> };
  'logs.search': { params: ParamsOf<'logs.search'>; result: ResultOf<'logs.search'> };
  'catalog.entities': { params: ParamsOf<'catalog.entities'>; result: ResultOf<'catalog.entities'> };
  health: { params: ParamsOf<'health'>; result: ResultOf<'health'> };
}

export interface MetricSource<S> {
  /** Metric names (optionally matching a selector) in the window. */
  names: Handler<'metrics.names', S>;
  labels: Handler<'metrics.labels', S>;
  labelValues: Handler<'metrics.labelValues', S>;
  /** A range query (stepSeconds > 0) or an instant query at `to` (stepSeconds = 0). */
  query: Handler<'metrics.query', S>;
}

export interface ServiceGraphSource<S> {
  /** Nodes and edges with requests, errors and latency for a window. */
  map: Handler<'serviceGraph.map', S>;
  /** Golden signals of one service over time. */
  goldenSignals: Handler<'serviceGraph.goldenSignals', S>;
  /** One edge over time (the map drawer's charts); optional. */
  edgeSignals?: Handler<'serviceGraph.edgeSignals', S>;
  /** Total and good requests of one service over windows and per step, for SLOs; optional. */
  sli?: Handler<'serviceGraph.sli', S>;
}

export interface TraceSource<S> {
  search: Handler<'traces.search', S>;
  get: Handler<'traces.get', S>;
}

export interface LogSource<S> {
  search: Handler<'logs.search', S>;
}

/** A catalog provider: Backstage entities (`{apiVersion, kind, metadata, spec}`, as in a
 * catalog-info.yaml) that Loupe adds to its catalog, validated like entities read from files.
 * Loupe asks again every minute and whenever the data source changes. */
export interface CatalogProvider<S> {
  entities: Handler<'catalog.entities', S>;
}

/** A push source: runs while its data source is configured and sends telemetry to the core. */
export interface IngestSource<S> {
  /** Called when the source starts (and again, after `stop`, when its settings change). */
  start(ctx: IngestContext<S>): void | Promise<void>;
  stop?(): void | Promise<void>;
}

export interface IngestContext<S> {
  source: string;
  settings: S;
  /** Aborted when the source is stopped. */
  signal: AbortSignal;
  /** Sends an OTLP JSON export request (e.g. {resourceMetrics: […]}) through the core's ingest
   * queue. Resolves once stored; rejects with a PluginError `backpressure` (retry later) or
   * `rejected` naming what was invalid. */
  emit(signal: 'traces' | 'logs' | 'metrics', otlpJson: Record<string, unknown>): Promise<{ accepted: number; rejected: number; errors: string[] }>;
  /** Per-target health shown in the UI (e.g. each scrape target up or down). */
  reportTargets(targets: Array<{ target: string; up: boolean; lastError: string | null; lastScrape: number | null }>): void;
  log(message: string): void;
}

export interface PluginDefinition<S extends z.ZodType> {
  id: string;
  name: string;
  version: string;
  /** The settings a data source of this plugin takes; the UI renders it as a form. */
  settings: S;
}

export const PLUGIN_BRAND = Symbol.for('loupe.plugin');

/** A defined plugin: register its capabilities, then `export default` it. */
export interface Plugin<S extends z.ZodType> {
  readonly [PLUGIN_BRAND]: true;
  readonly definition: PluginDefinition<S>;
  readonly handlers: Partial<Record<keyof MethodMap, Handler<keyof MethodMap, z.output<S>>>>;
  ingest: IngestSource<z.output<S>> | null;
  healthCheck(check: Handler<'health', z.output<S>>): Plugin<S>;
  metricSource(source: MetricSource<z.output<S>>): Plugin<S>;
  serviceGraphSource(source: ServiceGraphSource<z.output<S>>): Plugin<S>;
  traceSource(source: TraceSource<z.output<S>>): Plugin<S>;
  logSource(source: LogSource<z.output<S>>): Plugin<S>;
  ingestSource(source: IngestSource<z.output<S>>): Plugin<S>;
  catalogProvider(provider: CatalogProvider<z.output<S>>): Plugin<S>;
}

export function definePlugin<S extends z.ZodType>(definition: PluginDefinition<S>): Plugin<S> {
  type Any = Handler<keyof MethodMap, z.output<S>>;
  const handlers: Plugin<S>['handlers'] = {};
  const plugin: Plugin<S> = {
    [PLUGIN_BRAND]: true,
    definition,
    handlers,
    ingest: null,
    healthCheck(check) {
      handlers.health = check as Any;
      return plugin;
    },
    metricSource(s) {
      handlers['metrics.names'] = s.names as Any;
      handlers['metrics.labels'] = s.labels as Any;
      handlers['metrics.labelValues'] = s.labelValues as Any;
      handlers['metrics.query'] = s.query as Any;
      return plugin;
    },
    serviceGraphSource(s) {
      handlers['serviceGraph.map'] = s.map as Any;
      handlers['serviceGraph.goldenSignals'] = s.goldenSignals as Any;
      if (s.edgeSignals) handlers['serviceGraph.edgeSignals'] = s.edgeSignals as Any;
      if (s.sli) handlers['serviceGraph.sli'] = s.sli as Any;
      return plugin;
    },
    traceSource(s) {
      handlers['traces.search'] = s.search as Any;
      handlers['traces.get'] = s.get as Any;
      return plugin;
    },
    logSource(s) {
      handlers['logs.search'] = s.search as Any;
      return plugin;
    },
    ingestSource(s) {
      plugin.ingest = s;
      return plugin;
    },
    catalogProvider(p) {
      handlers['catalog.entities'] = p.entities as Any;
      return plugin;
    },
  };
  return plugin;
}
