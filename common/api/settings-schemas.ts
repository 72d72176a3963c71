// Shapes of the Settings page's API: how this Loupe was started (read-only; changed with
// `loupe serve` flags) and the session token the UI and scripts authenticate with.
import { z } from 'zod';
import { validSearchKey } from '../search-attributes';

export const Settings = z.object({
  version: z.string(),
  dataDir: z.string(),
  startedAt: z.number(),
  retention: z.object({
    maxSizeBytes: z.number(),
    maxAgeHours: z.number(),
    rollupMaxAgeDays: z.number(),
  }),
  /** Where Loupe listens; `grpc` is null when the gRPC receiver is off. */
  listeners: z.object({
    ui: z.string(),
    otlpHttp: z.string(),
    otlpGrpc: z.string().nullable(),
  }),
  /** The per-start session token (bearer token for scripts; the UI holds it as a cookie). */
  token: z.string(),
});
export type Settings = z.infer<typeof Settings>;

/** A span attribute key (or `prefix.*`) the search index keeps. */
export const SearchAttribute = z.object({
  key: z.string(),
  /** default: indexed by Loupe itself; user: added with `--search-attribute` or in Settings. */
  origin: z.enum(['default', 'user']),
  /** Spans from this time on (ms) are indexed for it; a search over earlier times walks the spans. */
  since: z.number(),
});
export type SearchAttribute = z.infer<typeof SearchAttribute>;

export const SearchAttributes = z.object({ keys: z.array(SearchAttribute) });
export type SearchAttributes = z.infer<typeof SearchAttributes>;

/** A key a user may add: dotted words as in OpenTelemetry (no wildcard). */
export const SearchAttributeKeyParam = z.object({
  key: z.string().refine(validSearchKey, 'expected an attribute key such as app.tenant: letters, digits and _ . - /, at most 128 characters, no wildcard'),
});
