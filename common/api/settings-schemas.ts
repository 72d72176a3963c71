// Shapes of the Settings page's API: how this Loupe was started (read-only; changed with
// `loupe serve` flags) and the session token the UI and scripts authenticate with.
import { z } from 'zod';

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
