// Shapes of the releases API: instances, deploys and canary judgement (Kayenta-style),
// declared once with zod.
// `releasesApi` is shaped like the entries of `api` in ./contract.ts so the contract can
// spread it in; the core's handlers call main/canary/.
import { z } from 'zod';
import type { Endpoint } from './contract';
import { TimeParam } from './shared-schemas';

function endpoint<I extends z.ZodType, O extends z.ZodType>(e: Endpoint<I, O>): Endpoint<I, O> {
  return e;
}

// ---- canary ------------------------------------------------------------------------------

export const CanaryQuery = z.object({
  service: z.string().min(1),
  /** Versions (`by=version`, the default) or comma-separated instance ids (`by=instance`). */
  baseline: z.string(),
  canary: z.string(),
  by: z.enum(['version', 'instance']).optional(),
  from: TimeParam.optional(),
  to: TimeParam.optional(),
});

const Classification = z.enum(['Pass', 'High', 'Low', 'Nodata', 'NodataFailMetric', 'Error']);

const SampleStats = z.object({
  count: z.number(),
  mean: z.number().nullable(),
  median: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
});

const Side = z.object({
  /** Per-minute values after the NaN strategy and outlier removal. */
  values: z.array(z.number()),
  /** Minutes removed (no value, or outliers). */
  removed: z.number(),
  stats: SampleStats,
});

export const CanaryMetricResult = z.object({
  name: z.string(),
  groups: z.array(z.string()),
  classification: Classification,
  reason: z.string(),
  critical: z.boolean(),
  ratio: z.number(),
  test: z
    .object({
      estimate: z.number(),
      lower: z.number(),
      upper: z.number(),
      pValue: z.number().nullable(),
      method: z.enum(['exact', 'normal', 'constant']),
      bound: z.number(),
    })
    .nullable(),
  baseline: Side,
  canary: Side,
});
export type CanaryMetricResult = z.infer<typeof CanaryMetricResult>;

export const CanaryResult = z.object({
  service: z.string(),
  by: z.enum(['version', 'instance']),
  baseline: z.string(),
  canary: z.string(),
  from: z.number(),
  to: z.number(),
  config: z.object({
    source: z.string(),
    thresholds: z.object({ pass: z.number(), marginal: z.number() }),
    groupWeights: z.record(z.string(), z.number()),
  }),
  score: z.number(),
  classification: z.enum(['Pass', 'Marginal', 'Fail']),
  reason: z.string(),
  groups: z.array(
    z.object({ name: z.string(), score: z.number(), noData: z.boolean(), counts: z.record(z.string(), z.number()) }),
  ),
  metrics: z.array(CanaryMetricResult),
});
export type CanaryResult = z.infer<typeof CanaryResult>;

// ---- instances and deploys -----------------------------------------------------------------

export const InstancesQuery = z.object({ name: z.string(), from: TimeParam.optional(), to: TimeParam.optional() });

export const Instance = z.object({
  instance: z.string(),
  version: z.string(),
  host: z.string(),
  /** First and last telemetry (unix ms). */
  firstSeen: z.number(),
  lastSeen: z.number(),
  /** Its usual gap between minutes with telemetry, and how long it has now been silent. */
  usualIntervalMs: z.number(),
  silentMs: z.number(),
  stale: z.boolean(),
  /** The version that took over this instance (same instance id), if one did. */
  replacedBy: z.string().nullable(),
  calls: z.number(),
  errors: z.number(),
  rps: z.number(),
  errorRate: z.number(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  saturation: z.object({ cpu: z.number().nullable(), memoryBytes: z.number().nullable(), heapBytes: z.number().nullable() }),
});
export type Instance = z.infer<typeof Instance>;

export const InstanceList = z.object({
  service: z.string(),
  from: z.number(),
  to: z.number(),
  versions: z.array(z.string()),
  instances: z.array(Instance),
});
export type InstanceList = z.infer<typeof InstanceList>;

export const DeploysQuery = z.object({ from: TimeParam.optional(), to: TimeParam.optional(), service: z.string().optional() });

export const DeployEvent = z.object({
  service: z.string(),
  version: z.string(),
  time: z.number(),
  /** Null: the version's first telemetry on the service (or a deploy announced for all of it). */
  instance: z.string().nullable(),
  source: z.enum(['telemetry', 'api']),
  /** The service's first version: its arrival rather than a change. */
  initial: z.boolean(),
  description: z.string(),
});
export type DeployEvent = z.infer<typeof DeployEvent>;

export const DeployPost = z
  .object({
    service: z.string().min(1),
    version: z.string().min(1),
    time: TimeParam.optional(),
    instance: z.string().min(1).optional(),
    description: z.string().max(500).optional(),
  })
  .strict();
export type DeployPost = z.output<typeof DeployPost>;

// ---- traffic split and resilience per edge -------------------------------------------------

export const EdgeReleasesQuery = z.object({ source: z.string(), target: z.string(), from: TimeParam.optional(), to: TimeParam.optional() });

const Resilience = {
  source: z.string(),
  target: z.string(),
  /** Client spans of the caller to this peer (each retry is one). */
  calls: z.number(),
  retries: z.number(),
  retryRate: z.number(),
  timeouts: z.number(),
  timeoutRate: z.number(),
  /** Calls a circuit breaker, bulkhead or rate limiter refused (short-circuited). */
  rejected: z.number(),
  rejectedRate: z.number(),
  /** At least 10 retries, making up at least 10 % of the calls. */
  storm: z.boolean(),
};

export const EdgeReleases = z.object({
  ...Resilience,
  from: z.number(),
  to: z.number(),
  /** The caller's client spans were more than Loupe reads per request: figures from the newest. */
  sampled: z.boolean(),
  /** The callee's versions that answered, by share of the answered calls, with RED as the caller saw it. */
  versions: z.array(
    z.object({
      version: z.string(),
      calls: z.number(),
      share: z.number(),
      errors: z.number(),
      errorRate: z.number(),
      rps: z.number(),
      p50Ms: z.number().nullable(),
      p95Ms: z.number().nullable(),
      p99Ms: z.number().nullable(),
    }),
  ),
});
export type EdgeReleases = z.infer<typeof EdgeReleases>;

export const MapReleases = z.object({
  from: z.number(),
  to: z.number(),
  sampled: z.boolean(),
  edges: z.array(z.object({ ...Resilience, versions: z.array(z.object({ version: z.string(), share: z.number(), errorRate: z.number() })) })),
});
export type MapReleases = z.infer<typeof MapReleases>;

export const releasesApi = {
  edgeReleases: endpoint({
    method: 'GET',
    path: '/api/service-map/edge/releases',
    input: EdgeReleasesQuery,
    output: EdgeReleases,
    summary:
      "One edge's traffic split by the callee's version (share and RED as the caller saw it) and resilience signals from the caller's client spans: retries, timeouts, calls rejected by circuit breakers; a retry storm is flagged.",
  }),
  mapReleases: endpoint({
    method: 'GET',
    path: '/api/service-map/releases',
    input: z.object({ from: TimeParam.optional(), to: TimeParam.optional() }),
    output: MapReleases,
    summary: 'Edges of the map with a traffic split across versions or with retries, timeouts or rejected calls, for the map to mark.',
  }),
  instances: endpoint({
    method: 'GET',
    path: '/api/services/:name/instances',
    input: InstancesQuery,
    output: InstanceList,
    summary:
      'Instances of a service (service.instance.id, else host.name + process.pid) seen in the window: version, host, first/last telemetry, RED, runtime saturation, and stale when silent for more than 3 of its usual intervals (at least 2 minutes).',
  }),
  deploys: endpoint({
    method: 'GET',
    path: '/api/deploys',
    input: DeploysQuery,
    output: z.array(DeployEvent),
    summary: "Deploys in the window (default: the last 24 h): each version's first telemetry on a service and on each instance, and those announced with POST.",
  }),
  deployPost: endpoint({
    method: 'POST',
    path: '/api/deploys',
    input: DeployPost,
    output: DeployEvent,
    summary: 'Announces a deploy (from a CI pipeline): service, version, optional time (default now), instance and description.',
  }),
  canary: endpoint({
    method: 'GET',
    path: '/api/canary',
    input: CanaryQuery,
    output: CanaryResult,
    summary:
      "Canary judgement (Kayenta's NetflixACAJudge): the metrics of canary.yaml compared per minute between a baseline and a canary (versions, or instance sets with by=instance) by Mann–Whitney U at 98 %, scored by group. 404 names the versions or instances seen.",
  }),
};
