// Shapes of what is new in an incident: exceptions grouped by type and message fingerprint,
// and log bodies clustered into patterns, both computed at query time from stored spans and logs.
// `incidentApi` is shaped like the entries of `api` in ./contract.ts so the contract can spread it in.
import { z } from 'zod';
import type { Endpoint } from './contract';
import { TimeParam, TimeRange } from './shared-schemas';

function endpoint<I extends z.ZodType, O extends z.ZodType>(e: Endpoint<I, O>): Endpoint<I, O> {
  return e;
}

const intParam = (fallback: number, min: number, max: number) =>
  z
    .union([z.number(), z.string()])
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isFinite(n)) {
        ctx.addIssue({ code: 'custom', message: `"${v}" is not a number` });
        return z.NEVER;
      }
      return Math.max(min, Math.min(max, Math.floor(n)));
    });

// ---- exceptions ------------------------------------------------------------------------------

export const ExceptionsQuery = TimeRange.extend({
  service: z.string().optional(),
  /** Chart buckets across the window. */
  buckets: intParam(30, 1, 200),
});

export const ExceptionSample = z.object({
  time: z.number(),
  /** Where it was seen: a span's `exception` event or a log record's `exception.*` attributes. */
  source: z.enum(['span', 'log']),
  message: z.string(),
  traceId: z.string().nullable(),
  spanId: z.string().nullable(),
  /** The log record's id, for source `log`. */
  logId: z.number().nullable(),
});

export const ExceptionGroup = z.object({
  /** Stable id of (service, type, fingerprint). */
  id: z.string(),
  service: z.string(),
  /** `exception.type`, or an empty string when only a message was recorded. */
  type: z.string(),
  /** The message with numbers, ids, hex and quoted values masked. */
  fingerprint: z.string(),
  /** The newest occurrence's message as recorded. */
  message: z.string(),
  /** Occurrences in the window (an exception logged in the span that recorded it counts once). */
  count: z.number(),
  /** Occurrences per bucket of the window. */
  counts: z.array(z.number()),
  /** First and last occurrence seen (unix ms); first may fall in the look-back before the window. */
  firstSeen: z.number(),
  lastSeen: z.number(),
  /** Not seen in the look-back before the window (null when the look-back could not be read whole). */
  new: z.boolean().nullable(),
  stacktrace: z.string().nullable(),
  /** The newest occurrences, newest first (at most 5). */
  samples: z.array(ExceptionSample),
});
export type ExceptionGroup = z.infer<typeof ExceptionGroup>;

export const ExceptionList = z.object({
  from: z.number(),
  to: z.number(),
  stepMs: z.number(),
  /** How far before the window occurrences were looked for to tell new groups (ms). */
  lookbackMs: z.number(),
  groups: z.array(ExceptionGroup),
  /** Occurrences read (window and look-back). */
  scanned: z.object({ spans: z.number(), logs: z.number() }),
  /** More occurrences existed than are read per request; the oldest ones were left out. */
  capped: z.boolean(),
  /** Most occurrences read per source (span events, log records). */
  cap: z.number(),
  tookMs: z.number(),
});
export type ExceptionList = z.infer<typeof ExceptionList>;

// ---- log patterns ----------------------------------------------------------------------------

export const LogPatternsQuery = TimeRange.extend({
  q: z.string().optional(),
  service: z.string().optional(),
  /** Attribute filters as the log search takes them (`key=value`, repeatable). */
  attr: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
  minSeverity: z
    .union([z.number(), z.string()])
    .optional()
    .transform((v) => (v === undefined || v === '' ? undefined : Number(v) || undefined)),
  /** Patterns first seen at or after this time stand out: unix ms / ISO time, or `deploy` for the newest deploy in the window. */
  since: z.union([z.literal('deploy'), TimeParam]).optional(),
  /** Most log records clustered (newest first). */
  limit: intParam(20_000, 100, 100_000),
  buckets: intParam(30, 1, 120),
});

export const LogPattern = z.object({
  /** The template: masked tokens (`<NUM>`, `<UUID>`, `<IP>`, …) and `<*>` where records differ. */
  template: z.string(),
  count: z.number(),
  /** Records per bucket of the window. */
  counts: z.array(z.number()),
  firstSeen: z.number(),
  lastSeen: z.number(),
  /** The newest record's body. */
  sample: z.string(),
  /** Highest severity seen, as number and text. */
  severityNumber: z.number(),
  severityText: z.string(),
  services: z.array(z.string()),
  /** First seen at or after `since` (null without one, or when the records read do not reach back before it). */
  new: z.boolean().nullable(),
});
export type LogPattern = z.infer<typeof LogPattern>;

export const LogPatterns = z.object({
  from: z.number(),
  to: z.number(),
  stepMs: z.number(),
  patterns: z.array(LogPattern),
  /** Records clustered, and the cap on them. */
  clustered: z.number(),
  limit: z.number(),
  /** More records matched than the cap: only the newest `limit` were clustered, back to `coveredFrom`. */
  capped: z.boolean(),
  coveredFrom: z.number().nullable(),
  /** The time patterns are new since (unix ms), and where it came from. */
  since: z.number().nullable(),
  sinceSource: z.enum(['time', 'deploy']).nullable(),
  /** The deploy `since=deploy` chose. */
  deploy: z.object({ service: z.string(), version: z.string(), time: z.number() }).nullable(),
  tookMs: z.number(),
});
export type LogPatterns = z.infer<typeof LogPatterns>;

export const incidentApi = {
  exceptions: endpoint({
    method: 'GET',
    path: '/api/exceptions',
    input: ExceptionsQuery,
    output: ExceptionList,
    summary:
      'Exceptions in the window grouped per service by exception.type and a message fingerprint (numbers, ids, hex and quoted values masked), from span events named `exception` and log records with exception.* attributes: counts over time, first and last seen, a stack trace, the newest occurrences with their trace and span; groups not seen in the look-back before the window are new.',
  }),
  logPatterns: endpoint({
    method: 'GET',
    path: '/api/logs/patterns',
    input: LogPatternsQuery,
    output: LogPatterns,
    summary:
      'Log bodies of the window clustered into templates (Drain: masked variables, fixed-depth tree, similarity 0.4), newest records first up to `limit`, with counts per bucket; patterns first seen at or after `since` (a time, or `deploy`: the newest deploy in the window) are marked new.',
  }),
};
