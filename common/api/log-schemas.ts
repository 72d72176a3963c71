// Shapes of the log search: filters and keyset paging, log records, and the severity
// histogram over a window.
import { z } from 'zod';
import { AttributesSchema, TimeRange, limit, optionalNumber, repeated } from './shared-schemas';

export const LogSearch = TimeRange.extend({
  /** Full-text query (FTS5 syntax: words, "phrases", prefix*, AND/OR/NOT). */
  q: z.string().optional(),
  service: z.string().optional(),
  minSeverity: optionalNumber,
  traceId: z.string().optional(),
  spanId: z.string().optional(),
  attr: repeated,
  /** A log pattern's template (from /api/logs/patterns): only the records it describes. */
  pattern: z.string().optional(),
  /** Newest first by default; `asc` for oldest first. */
  order: z.enum(['desc', 'asc', '']).optional(),
  /** Continue after / before this log id (paging and tailing in arrival order; full-text
   * results are in arrival order). */
  after: optionalNumber,
  before: optionalNumber,
  /** Keyset cursors in time order, `<timeUnixNano>:<id>` of the last record seen: exact
   * paging for lists ordered by time, however many records share a millisecond. */
  afterCursor: z.string().regex(/^\d+:\d+$/, 'a cursor is <timeUnixNano>:<id>').optional(),
  beforeCursor: z.string().regex(/^\d+:\d+$/, 'a cursor is <timeUnixNano>:<id>').optional(),
  limit: limit(200, 5000),
});

export const LogRecord = z.object({
  id: z.number(),
  /** `<timeUnixNano>:<id>`: pass as afterCursor/beforeCursor to continue from this record. */
  cursor: z.string(),
  /** Unix ms (float; timeUnixNano has full precision). */
  time: z.number(),
  timeUnixNano: z.string(),
  observedTimeUnixNano: z.string(),
  service: z.string(),
  severityNumber: z.number(),
  severityText: z.string(),
  body: z.string(),
  /** The body's structured value when it was not a string. */
  bodyValue: z.unknown().optional(),
  traceId: z.string(),
  spanId: z.string(),
  eventName: z.string(),
  attributes: AttributesSchema,
  resource: AttributesSchema.optional(),
});
export type LogRecord = z.infer<typeof LogRecord>;

export const LogHistogramQuery = LogSearch.extend({
  buckets: optionalNumber.transform((v) => Math.max(1, Math.min(500, Math.floor(v ?? 60)))),
});

export const LogHistogram = z.object({
  /** Bucket start times (unix ms) and width. */
  start: z.number(),
  stepMs: z.number(),
  /** counts[band][bucket] for bands TRACE, DEBUG, INFO, WARN, ERROR, FATAL, UNSPECIFIED. */
  bands: z.array(z.string()),
  counts: z.array(z.array(z.number())),
  total: z.number(),
});
export type LogHistogram = z.infer<typeof LogHistogram>;
