// What a snapshot file holds, described by its manifest.json. A snapshot is a zip of open formats:
// OTLP JSON lines (one ExportTrace/Logs/MetricsServiceRequest per line, as the Collector's file
// exporter writes them), the SLO file as YAML and the catalog entities as Backstage YAML, so
// other tools can read it without Loupe.
import { z } from 'zod';

export const SNAPSHOT_FORMAT = 'loupe-snapshot';
export const SNAPSHOT_VERSION = 1;
export const MANIFEST_ENTRY = 'manifest.json';

export const TELEMETRY_ENTRIES = {
  traces: 'traces.jsonl',
  logs: 'logs.jsonl',
  metrics: 'metrics.jsonl',
} as const;
export const SLO_ENTRY = 'slos.yaml';
export const CATALOG_ENTRY = 'catalog-info.yaml';
/** Deploys a pipeline announced (JSON lines of {service, version, timeMs, instance, description}). */
export const DEPLOYS_ENTRY = 'deploys.jsonl';

const EntrySummary = z.object({
  /** Lines (OTLP requests) in the entry. */
  lines: z.number().int().nonnegative(),
  /** Spans, log records or metric points. */
  items: z.number().int().nonnegative(),
});

export const SnapshotManifest = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  version: z.number().int(),
  createdAt: z.string(),
  loupeVersion: z.string(),
  /** The window asked for, unix ms. Traces starting in it are kept whole. */
  window: z.object({ from: z.number(), to: z.number() }),
  /** The services asked for (empty: all) and the services the snapshot holds data of. */
  requestedServices: z.array(z.string()),
  services: z.array(z.string()),
  traces: EntrySummary.extend({ traces: z.number().int().nonnegative() }),
  logs: EntrySummary,
  metrics: EntrySummary,
  slos: z.number().int().nonnegative(),
  catalogEntities: z.number().int().nonnegative(),
  deploys: z.number().int().nonnegative().default(0),
});
export type SnapshotManifest = z.infer<typeof SnapshotManifest>;
