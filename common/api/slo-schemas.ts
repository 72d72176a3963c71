// Shapes of SLOs: definitions as written in slos.yaml, their status (budget, burn rates,
// multiwindow alerts) and the alert event sent when one starts firing.
import { z } from 'zod';

export const SloDefinition = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lower-case letters, digits, ".", "_" and "-" (1–63 characters)'),
  name: z.string().min(1).max(200),
  service: z.string().min(1),
  /** availability: requests that did not fail; latency: successful requests faster than thresholdMs. */
  sli: z.enum(['availability', 'latency']),
  /** Percent of good events, e.g. 99.9. */
  objective: z.number().gt(0).lt(100),
  /** Rolling window, e.g. "30d", "7d". */
  window: z.string().regex(/^\d+(\.\d+)?\s*[mhdw]$/i, 'a duration such as 30d, 7d or 12h'),
  thresholdMs: z.number().positive().optional(),
  description: z.string().optional(),
});
export type SloDefinition = z.infer<typeof SloDefinition>;

export const SloStatus = z.object({
  slo: SloDefinition,
  state: z.enum(['ok', 'ticket', 'page', 'no_data']),
  windowMs: z.number(),
  total: z.number(),
  good: z.number(),
  /** good / total over the window (null without traffic). */
  sli: z.number().nullable(),
  budget: z.object({ allowed: z.number(), consumed: z.number(), remaining: z.number() }),
  burnRates: z.array(z.object({ windowMs: z.number(), burnRate: z.number() })),
  alerts: z.array(
    z.object({
      severity: z.enum(['page', 'ticket']),
      label: z.string(),
      factor: z.number(),
      longBurn: z.number(),
      shortBurn: z.number(),
      firing: z.boolean(),
    }),
  ),
  /** Budget remaining over the window, for a burn-down chart. */
  history: z.array(z.object({ time: z.number(), remaining: z.number() })),
  /** From a remote source: what its series could not follow exactly. */
  notice: z.string().optional(),
  /** From a remote source: why this SLO could not be evaluated (the others still are). */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type SloStatus = z.infer<typeof SloStatus>;

export const SloList = z.object({
  file: z.string(),
  /** Problems in slos.yaml (the valid entries still apply). */
  problems: z.array(z.string()),
  slos: z.array(SloStatus),
});
export type SloList = z.infer<typeof SloList>;

/** `service=` keeps the SLOs of one service (a service page asks only for its own). */
export const SloListQuery = z.object({ service: z.string().min(1).optional() });

export const SloAlertEvent = z.object({
  sloId: z.string(),
  name: z.string(),
  service: z.string(),
  severity: z.enum(['page', 'ticket']),
  label: z.string(),
  burnRate: z.number(),
  startedAt: z.number(),
});
export type SloAlertEvent = z.infer<typeof SloAlertEvent>;
