// Who is sending: per service and per source (each receiver, import, snapshot, plugin), when data
// last arrived, its usual rhythm, whether it has gone silent, and data that arrived late.
import { z } from 'zod';

/** How a source is named: `otlp-http`, `otlp-grpc`, `import`, `snapshot` or `plugin:<id>`. */
export const SourceKind = z.string();

export const LateData = z.object({
  /** Items (spans, log records, points) whose time was more than `lateAfterMs` behind their arrival. */
  items: z.number(),
  /** The largest and the latest lag, ms. */
  maxLagMs: z.number(),
  lastLagMs: z.number(),
  /** When late data last arrived (unix ms), null when never. */
  lastAt: z.number().nullable(),
});

export const SourceActivity = z.object({
  source: SourceKind,
  /** True for streams (receivers, plugins), which can go silent; imports and snapshots arrive once. */
  live: z.boolean(),
  firstSeen: z.number(),
  lastSeen: z.number(),
  /** Arrivals counted (data within a second counts once). */
  arrivals: z.number(),
  /** Median gap between its recent arrivals, ms; null until it has arrived often enough to tell. */
  usualIntervalMs: z.number().nullable(),
  /** Quiet for several usual intervals (and at least the configured minimum). */
  silent: z.boolean(),
  late: LateData,
});

export const ServiceActivity = z.object({
  service: z.string(),
  lastSeen: z.number(),
  /** The usual interval of its most recently active live source, ms. */
  usualIntervalMs: z.number().nullable(),
  /** Every live source of the service is silent. */
  silent: z.boolean(),
  /** How long since its live sources last sent (when silent), ms. */
  silentForMs: z.number().nullable(),
  late: LateData,
  sources: z.array(SourceActivity),
});

export const SourceActivityList = z.object({
  /** The server's clock when this was computed (ages are against it). */
  now: z.number(),
  /** Quiet for this many usual intervals makes a source silent … */
  silentAfterIntervals: z.number(),
  /** … and never less than this, ms. */
  silentAfterMinMs: z.number(),
  /** Data more than this behind its arrival is late, ms. */
  lateAfterMs: z.number(),
  services: z.array(ServiceActivity),
});
export type SourceActivityList = z.infer<typeof SourceActivityList>;
export type ServiceActivity = z.infer<typeof ServiceActivity>;
export type SourceActivity = z.infer<typeof SourceActivity>;
