// Shape of the core's health: ingest counters, store size and caps, endpoints, the query
// worker, and the snapshot a read-only view shows.
import { z } from 'zod';

export const Health = z.object({
  status: z.literal('ok'),
  version: z.string(),
  dataDir: z.string(),
  startedAt: z.number(),
  ingest: z.object({
    spans: z.number(),
    logs: z.number(),
    metricPoints: z.number(),
    /** Items (spans, log records, points) refused as invalid inside accepted requests. */
    rejected: z.number(),
    /** Whole requests refused as malformed (undecodable protobuf, invalid JSON, …). */
    malformedRequests: z.number(),
    duplicates: z.number(),
    queueDepth: z.number(),
    throttled: z.number(),
    /** Transactions the writer committed since start, and requests per transaction on average
     * (commits are shared by the requests queued while the previous one ran). */
    transactions: z.number(),
    jobsPerTransaction: z.number(),
  }),
  store: z.object({
    sizeBytes: z.number(),
    maxSizeBytes: z.number(),
    maxAgeHours: z.number(),
  }),
  endpoints: z.object({
    otlpHttp: z.string(),
    otlpGrpc: z.string().nullable(),
    ui: z.string(),
  }),
  recentErrors: z.array(z.object({ time: z.number(), source: z.string(), message: z.string() })),
  demo: z.object({ running: z.boolean() }),
  /** Heavy queries (searches, the map, signals) in the query worker. */
  queries: z.object({
    running: z.number(),
    queued: z.number(),
    /** Stopped or dropped because their client went away, since start. */
    cancelled: z.number(),
  }),
  /** Set when this Loupe is a read-only view of a snapshot (`loupe serve --snapshot FILE`). */
  snapshot: z
    .object({
      /** The snapshot file's name. */
      file: z.string(),
      /** The window the snapshot was taken of, unix ms. */
      from: z.number(),
      to: z.number(),
      services: z.array(z.string()),
      /** When the snapshot was written (ISO time). */
      createdAt: z.string(),
    })
    .nullable(),
});
export type Health = z.infer<typeof Health>;
export type SnapshotView = NonNullable<Health['snapshot']>;
