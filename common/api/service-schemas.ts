// Shapes of the services list, the service map and the golden signals of a service or an
// edge, all read from the per-minute rollups.
import { z } from 'zod';
import { TimeRange, optionalNumber } from './shared-schemas';

// ---- services ----------------------------------------------------------------------------

export const ServicesQuery = TimeRange.extend({
  /** Buckets of per-bucket request counts to return as a sparkline (0 = none). */
  sparkline: optionalNumber.transform((v) => Math.max(0, Math.min(120, Math.floor(v ?? 0)))),
});

export const ServiceSummary = z.object({
  name: z.string(),
  namespace: z.string(),
  /** All spans of the service in the window, and those that failed. */
  spanCount: z.number(),
  errorCount: z.number(),
  /** Requests that entered the service (server/consumer spans and local roots). */
  requests: z.number(),
  requestErrors: z.number(),
  errorRate: z.number(),
  /** Requests per second over the part of the window the service's data covers (a service
   * that started 4 minutes into an hour is rated over 56 minutes). */
  rps: z.number(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  /** Unix ms of the newest data from the service (any signal, any window). */
  lastSeen: z.number(),
  versions: z.array(z.string()),
  /** Requests (and failed requests) per second in each of `sparkline` equal parts of the window,
   * over the part of each the service's data covers. */
  sparkline: z.array(z.number()).optional(),
  errorSparkline: z.array(z.number()).optional(),
  /** Kiali's thresholds on errorRate: ≥0.1% degraded, >10% failing. */
  health: z.enum(['healthy', 'degraded', 'failing', 'idle']),
  /** p95 over the window just before this one (same length), for "latency regression". */
  p95BaselineMs: z.number().nullable(),
  /** p95 / baseline p95 (1 = unchanged); null without both. */
  latencyRatio: z.number().nullable(),
  /** The highest burn rate (1h window) among the service's SLOs, and any firing alert. */
  sloBurn: z.number().nullable(),
  sloAlert: z.enum(['page', 'ticket']).nullable(),
  /** The catalog component describing the service (service.name = metadata.name or the
   * loupe.dev/service-name annotation) and its owner, when a catalog is loaded. */
  component: z.string().nullable(),
  owner: z.string().nullable(),
});
export type ServiceSummary = z.infer<typeof ServiceSummary>;

// ---- service map -------------------------------------------------------------------------

export const MapNode = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(['service', 'database', 'queue', 'external']),
  namespace: z.string(),
  /** Requests into the node in the window (services: entry spans; peers: incoming calls). */
  calls: z.number(),
  errors: z.number(),
  rps: z.number(),
  errorRate: z.number(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  health: z.enum(['healthy', 'degraded', 'failing', 'idle']),
  /** A datastore written by more than one service ("shared database"). */
  shared: z.boolean(),
  /** Services that call (for datastores: write to) this node. */
  writers: z.array(z.string()),
  /** database / queue system (postgresql, redis, kafka, …). */
  system: z.string(),
});
export type MapNode = z.infer<typeof MapNode>;

export const MapEdge = z.object({
  source: z.string(),
  target: z.string(),
  connectionType: z.enum(['sync', 'messaging', 'database', 'virtual']),
  calls: z.number(),
  errors: z.number(),
  rps: z.number(),
  errorRate: z.number(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
});
export type MapEdge = z.infer<typeof MapEdge>;

export const ServiceMap = z.object({ nodes: z.array(MapNode), edges: z.array(MapEdge) });
export type ServiceMap = z.infer<typeof ServiceMap>;

// ---- golden signals ----------------------------------------------------------------------

export const GoldenSignalsQuery = TimeRange.extend({
  name: z.string(),
  /** Bucket width in seconds (≥ 60: rollups are per minute); default: about 60 buckets. */
  step: optionalNumber,
});

const Red = z.object({
  calls: z.number(),
  errors: z.number(),
  rps: z.number(),
  errorRate: z.number(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
});

export const GoldenSignals = z.object({
  service: z.string(),
  /** The window answered: long windows are clamped to the data stored (see notice). */
  from: z.number(),
  to: z.number(),
  stepMs: z.number(),
  /** Set when the window was clamped to the data or the step coarsened to bound the points. */
  notice: z.string().optional(),
  totals: Red.extend({ health: z.enum(['healthy', 'degraded', 'failing', 'idle']) }),
  series: z.array(
    z.object({
      time: z.number(),
      requests: z.number(),
      rps: z.number(),
      errors: z.number(),
      errorRate: z.number(),
      /** Latency of successful and of failed requests, separately. */
      okP50Ms: z.number().nullable(),
      okP95Ms: z.number().nullable(),
      okP99Ms: z.number().nullable(),
      errP50Ms: z.number().nullable(),
      errP95Ms: z.number().nullable(),
      errP99Ms: z.number().nullable(),
      http2xx: z.number(),
      http3xx: z.number(),
      http4xx: z.number(),
      http5xx: z.number(),
      otherErrors: z.number(),
    }),
  ),
  /** Saturation from the service's process/runtime/pool metrics, when it sends them. */
  saturation: z.array(
    z.object({
      metric: z.string(),
      label: z.string(),
      unit: z.string(),
      points: z.array(z.object({ time: z.number(), value: z.number() })),
    }),
  ),
  operations: z.array(Red.extend({ name: z.string(), http4xx: z.number(), http5xx: z.number() })),
  upstream: z.array(Red.extend({ service: z.string(), connectionType: z.string() })),
  downstream: z.array(Red.extend({ service: z.string(), type: z.string(), connectionType: z.string() })),
  versions: z.array(Red.extend({ version: z.string(), firstSeen: z.number(), lastSeen: z.number() })),
});
export type GoldenSignals = z.infer<typeof GoldenSignals>;

export const EdgeSignalsQuery = TimeRange.extend({ source: z.string(), target: z.string(), step: optionalNumber });

export const EdgeSignals = z.object({
  source: z.string(),
  target: z.string(),
  connectionType: z.enum(['sync', 'messaging', 'database', 'virtual']).nullable(),
  from: z.number(),
  to: z.number(),
  stepMs: z.number(),
  notice: z.string().optional(),
  totals: Red,
  /** Edges carry no status classes: failed calls count as otherErrors. */
  series: GoldenSignals.shape.series,
});
export type EdgeSignals = z.infer<typeof EdgeSignals>;
