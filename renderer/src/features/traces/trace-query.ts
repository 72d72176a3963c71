// Fetching one trace for the trace view and the compare page, with the time it takes to open.
//
// Live mode refetches queries that read `spans` after every ingest; for a finished 10,000-span
// trace that would re-download and rebuild it every second for nothing (and each download costs
// the core a few hundred ms). So a trace follows live updates only while it may still be
// receiving spans: it ended less than two minutes ago, it is not a huge one, and the last refetch
// brought new spans. A refetch that brings the same number of spans keeps the data it already
// had (the model is memoized on it, so nothing is rebuilt) and marks the trace settled.
//
// The trace comes in its compact form (each resource and scope once), which the model reads as
// it is. The body is not checked against the contract's schema here: it is this app's own core
// answering on the same origin, and a zod pass over 10,000 spans would cost more than the rest
// of opening the trace.
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { call } from '../../api/client';
import type { QueryMeta } from '../../api/query';
import type { CompactTrace } from '../../../../common/api/trace-schemas';

const STILL_ARRIVING_MS = 120_000;
const FOLLOW_MAX_SPANS = 2_000;
const settled = new Set<string>();

/** When each trace's last fetch started and ended (performance.now()), for the open-time figure. */
export const fetchTimings = new Map<string, { start: number; end: number }>();

const lastEnds = new WeakMap<CompactTrace, number>();

function lastEndMs(trace: CompactTrace): number {
  let ms = lastEnds.get(trace);
  if (ms === undefined) {
    // Decimal nanoseconds compare as text once their lengths agree: no BigInt per span.
    let max = '';
    for (const s of trace.spans) {
      const e = s.endTimeUnixNano;
      if (e.length > max.length || (e.length === max.length && e > max)) max = e;
    }
    ms = max.length > 6 ? Number(max.slice(0, -6)) : 0;
    lastEnds.set(trace, ms);
  }
  return ms;
}

const traceKey = (traceId: string | undefined) => ['trace', { traceId }];

async function fetchTrace(traceId: string, signal?: AbortSignal): Promise<CompactTrace> {
  const start = performance.now();
  const trace = await call('traceCompact', { traceId }, signal);
  fetchTimings.set(trace.traceId, { start, end: performance.now() });
  return trace;
}

/**
 * Starts loading a trace the user is about to open (the pointer rests on its row), so the
 * trace view finds it ready. Does nothing when it is already loaded.
 */
export function prefetchTrace(client: QueryClient, traceId: string): void {
  void client.prefetchQuery({ queryKey: traceKey(traceId), queryFn: ({ signal }) => fetchTrace(traceId, signal), staleTime: 30_000 });
}

export function useTraceDetail(traceId: string | undefined) {
  const client = useQueryClient();
  const key = traceKey(traceId);
  const cached = client.getQueryData<CompactTrace>(key);
  // Live invalidation reads `meta` from the query's latest options, so this follows the data.
  const follow =
    !cached ||
    (Date.now() - lastEndMs(cached) < STILL_ARRIVING_MS && cached.spans.length < FOLLOW_MAX_SPANS && !settled.has(cached.traceId));
  return useQuery<CompactTrace>({
    queryKey: key,
    queryFn: ({ signal }) => fetchTrace(traceId ?? '', signal),
    enabled: !!traceId,
    meta: { tables: follow ? ['spans'] : [] } satisfies QueryMeta,
    structuralSharing: (old, next) => {
      const o = old as CompactTrace | undefined;
      const n = next as CompactTrace;
      if (o && o.traceId === n.traceId && o.spans.length === n.spans.length) {
        settled.add(o.traceId);
        return o;
      }
      return n;
    },
  });
}
