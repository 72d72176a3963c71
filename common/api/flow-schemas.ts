// Shapes of the flows API: traces joined by span links (a consumer that starts a new trace per
// message links to the producer's span, as the messaging conventions recommend), declared once
// with zod. `flowApi` is shaped like the entries of `api` in ./contract.ts so the contract can
// spread it in; the core's handlers call main/query/flows.ts.
import { z } from 'zod';
import type { Endpoint } from './contract';
import { TraceSummary } from './trace-schemas';

function endpoint<I extends z.ZodType, O extends z.ZodType>(e: Endpoint<I, O>): Endpoint<I, O> {
  return e;
}

/** One end of a link. Only the ids are known when that span is not in the store. */
export const LinkEnd = z.object({
  traceId: z.string(),
  spanId: z.string(),
  /** False when the span is not stored (not sent, or pruned): the fields below are then null. */
  stored: z.boolean(),
  service: z.string().nullable(),
  name: z.string().nullable(),
  kind: z.string().nullable(),
  /** Unix ms. */
  start: z.number().nullable(),
  durationMs: z.number().nullable(),
  isError: z.boolean(),
});
export type LinkEnd = z.infer<typeof LinkEnd>;

/**
 * One span link as a hop between traces: `from` is the span the link points at (a producer's
 * send), `to` the span carrying the link (the consumer's receive or process span).
 */
export const LinkHop = z.object({
  from: LinkEnd,
  to: LinkEnd,
  /** `messaging.system` and `messaging.destination.name` of either end (the consumer's first). */
  messagingSystem: z.string().nullable(),
  destination: z.string().nullable(),
  /** From the send starting to the receiving span starting, ms (null when either end is missing;
   * negative when the two hosts' clocks disagree by more than the lag). */
  lagMs: z.number().nullable(),
});
export type LinkHop = z.infer<typeof LinkHop>;

/** A trace at the other end of one or more links; `trace` is null when it is not stored. */
export const LinkedTrace = z.object({
  traceId: z.string(),
  trace: TraceSummary.nullable(),
  hops: z.array(LinkHop),
});
export type LinkedTrace = z.infer<typeof LinkedTrace>;

export const LinkedTraces = z.object({
  traceId: z.string(),
  /** Traces this trace's spans link to (where its messages came from), oldest first. */
  linksTo: z.array(LinkedTrace),
  /** Traces whose spans link to this trace (where its messages went), oldest first. */
  linkedFrom: z.array(LinkedTrace),
  /** More links than `limit` on one side: the oldest `limit` traces are listed. */
  truncated: z.boolean(),
});
export type LinkedTraces = z.infer<typeof LinkedTraces>;

const bounded = (def: number, max: number) =>
  z.coerce
    .number()
    .optional()
    .transform((v) => Math.max(1, Math.min(max, Math.floor(v ?? def))));

export const LinkedTracesQuery = z.object({
  traceId: z.string(),
  /** Linked traces per direction (default 50, at most 500). */
  limit: bounded(50, 500),
});

export const FlowQuery = z.object({
  traceId: z.string(),
  /** Traces to assemble at most (default 50, at most 500). */
  maxTraces: bounded(50, 500),
  /** Link hops to follow from the asked trace, either way (default 10, at most 50). */
  maxDepth: bounded(10, 50),
});

export const FlowTrace = z.object({
  traceId: z.string(),
  /** Null when the trace is linked to but not stored. */
  trace: TraceSummary.nullable(),
  /** Link hops from the asked trace: negative upstream (it sent what led here), positive downstream. */
  depth: z.number(),
});
export type FlowTrace = z.infer<typeof FlowTrace>;

export const Flow = z.object({
  /** The trace the flow was assembled from. */
  traceId: z.string(),
  /** Every trace reached, by start time (traces not stored last). */
  traces: z.array(FlowTrace),
  /** Every link between two of those traces, by the receiving span's start. */
  hops: z.array(LinkHop),
  /** Unix ms: the first stored trace's start and the last one's end. */
  start: z.number().nullable(),
  end: z.number().nullable(),
  services: z.array(z.string()),
  errorCount: z.number(),
  /** Why the flow may go on past what is shown: more traces than maxTraces, or links deeper
   * than maxDepth; null when every link was followed. */
  truncated: z.enum(['maxTraces', 'maxDepth']).nullable(),
});
export type Flow = z.infer<typeof Flow>;

export const flowApi = {
  traceLinks: endpoint({
    method: 'GET',
    path: '/api/traces/:traceId/links',
    input: LinkedTracesQuery,
    output: LinkedTraces,
    summary:
      "Traces joined to this one by span links, both ways: those its spans link to (a consumer's trace links to the producer's) and those whose spans link to it; each with its summary and the hops (services, span names, destination, lag).",
  }),
  flow: endpoint({
    method: 'GET',
    path: '/api/flows/:traceId',
    input: FlowQuery,
    output: Flow,
    summary:
      'The business flow around a trace: span links followed both ways and transitively (bounded by maxTraces and maxDepth, each trace once, so cycles end), with every trace and every hop between them and its lag.',
  }),
};
