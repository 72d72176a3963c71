// Shapes of the trace search and of a trace: its summary, its spans in full and in the
// compact form the trace view loads.
import { z } from 'zod';
import { AttributesSchema, TimeRange, limit, optionalNumber, repeated } from './shared-schemas';

export const TraceSearch = TimeRange.extend({
  service: z.string().optional(),
  operation: z.string().optional(),
  minDurationMs: optionalNumber,
  maxDurationMs: optionalNumber,
  status: z.enum(['ok', 'error', 'any', '']).optional(),
  /** key=value filters on span attributes (and resource attributes), all must match one span. */
  attr: repeated,
  /** With `service`: only traces where that service called this map node (a service name,
   * or a database/queue/external node id as the service map names them). */
  peer: z.string().optional(),
  limit: limit(100, 1000),
});

export const TraceSummary = z.object({
  traceId: z.string(),
  rootService: z.string(),
  rootName: z.string(),
  /** Unix ms. */
  start: z.number(),
  durationMs: z.number(),
  spanCount: z.number(),
  errorCount: z.number(),
  services: z.array(z.string()),
});
export type TraceSummary = z.infer<typeof TraceSummary>;

export const SpanEvent = z.object({
  timeUnixNano: z.string(),
  name: z.string(),
  attributes: AttributesSchema,
  droppedAttributesCount: z.number().optional(),
});

export const SpanLink = z.object({
  traceId: z.string(),
  spanId: z.string(),
  traceState: z.string().optional(),
  attributes: AttributesSchema,
  droppedAttributesCount: z.number().optional(),
  flags: z.number().optional(),
});

export const SpanDetail = z.object({
  spanId: z.string(),
  parentSpanId: z.string(),
  service: z.string(),
  name: z.string(),
  kind: z.enum(['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER']),
  startTimeUnixNano: z.string(),
  endTimeUnixNano: z.string(),
  durationMs: z.number(),
  status: z.object({ code: z.enum(['UNSET', 'OK', 'ERROR']), message: z.string() }),
  /** Derived by the semantic-convention rules (status, HTTP and gRPC codes). */
  isError: z.boolean(),
  traceState: z.string(),
  flags: z.number(),
  attributes: AttributesSchema,
  events: z.array(SpanEvent),
  links: z.array(SpanLink),
  droppedAttributesCount: z.number(),
  droppedEventsCount: z.number(),
  droppedLinksCount: z.number(),
  resource: z.object({ attributes: AttributesSchema, schemaUrl: z.string() }),
  scope: z.object({ name: z.string(), version: z.string(), attributes: AttributesSchema }),
});
export type SpanDetail = z.infer<typeof SpanDetail>;

export const TraceDetail = z.object({
  traceId: z.string(),
  spans: z.array(SpanDetail),
});
export type TraceDetail = z.infer<typeof TraceDetail>;

/** A trace with each resource and scope once; spans point at them by index. */
export const CompactTrace = z.object({
  traceId: z.string(),
  resources: z.array(SpanDetail.shape.resource),
  scopes: z.array(SpanDetail.shape.scope),
  spans: z.array(SpanDetail.omit({ resource: true, scope: true }).extend({ resourceIndex: z.number(), scopeIndex: z.number() })),
});
export type CompactTrace = z.infer<typeof CompactTrace>;
