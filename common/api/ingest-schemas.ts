// Shapes of what comes in: the answer to a file import (snapshots included), the window a
// snapshot is written of, and the live event each commit sends to the UI.
import { z } from 'zod';

export const ImportResult = z.object({
  file: z.string(),
  format: z.string(),
  spans: z.number(),
  logs: z.number(),
  metricPoints: z.number(),
  rejected: z.number(),
  errors: z.array(z.string()),
  traceIds: z.array(z.string()),
  /** A Loupe snapshot: the window it covers (unix ms), to open the screens at. */
  window: z.object({ from: z.number(), to: z.number() }).optional(),
});
export type ImportResult = z.infer<typeof ImportResult>;

export const SnapshotQuery = z.object({
  from: z.coerce.number(),
  to: z.coerce.number(),
  /** Only these services (repeatable); none: every service. */
  service: z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : [v].flat())),
});

export const IngestEvent = z.object({
  spans: z.number(),
  logs: z.number(),
  metricPoints: z.number(),
  services: z.array(z.string()),
  /** What changed, so clients refetch exactly the queries that read it. */
  tables: z.array(z.string()),
  /** Traces that gained spans (at most 200 per event; more changed when `traceIdsTruncated`). */
  traceIds: z.array(z.string()),
  traceIdsTruncated: z.boolean(),
  /** The newest stored log record's id (0 when no logs arrived): a tail knows whether to fetch. */
  lastLogId: z.number(),
});
export type IngestEvent = z.infer<typeof IngestEvent>;
