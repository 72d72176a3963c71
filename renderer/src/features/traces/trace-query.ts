// Fetching one trace for the trace view and the compare page, with the time it takes to open.
//
// Live mode refetches queries that read `spans` after every ingest; for a finished 10,000-span
// trace that would re-download and rebuild it every second for nothing (and each download costs
// the core a few hundred ms). So a trace follows live updates only while it may still be
// receiving spans: it ended less than two minutes ago, it is not a huge one, and the last refetch
// brought new spans. A refetch that brings the same number of spans keeps the data it already
// had (the model is memoized on it, so nothing is rebuilt) and marks the trace settled.
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { call } from '../../api/client';
import type { QueryMeta } from '../../api/query';
import type { TraceDetail } from '../../../../common/api/schemas';

const STILL_ARRIVING_MS = 120_000;
const FOLLOW_MAX_SPANS = 2_000;
const settled = new Set<string>();

/** When each trace's last fetch started and ended (performance.now()), for the open-time figure. */
export const fetchTimings = new Map<string, { start: number; end: number }>();

const lastEnds = new WeakMap<TraceDetail, number>();

function lastEndMs(detail: TraceDetail): number {
  let ms = lastEnds.get(detail);
  if (ms === undefined) {
    let max = 0n;
    for (const s of detail.spans) {
      const e = BigInt(s.endTimeUnixNano);
      if (e > max) max = e;
    }
    ms = Number(max / 1_000_000n);
    lastEnds.set(detail, ms);
  }
  return ms;
}

const traceKey = (traceId: string | undefined) => ['trace', { traceId }];

async function fetchTrace(traceId: string, signal?: AbortSignal): Promise<TraceDetail> {
  const start = performance.now();
  const detail = await call('trace', { traceId }, signal);
  fetchTimings.set(detail.traceId, { start, end: performance.now() });
  return detail;
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
  const cached = client.getQueryData<TraceDetail>(key);
  // Live invalidation reads `meta` from the query's latest options, so this follows the data.
  const follow =
    !cached ||
    (Date.now() - lastEndMs(cached) < STILL_ARRIVING_MS && cached.spans.length < FOLLOW_MAX_SPANS && !settled.has(cached.traceId));
  return useQuery<TraceDetail>({
    queryKey: key,
    queryFn: ({ signal }) => fetchTrace(traceId ?? '', signal),
    enabled: !!traceId,
    meta: { tables: follow ? ['spans'] : [] } satisfies QueryMeta,
    structuralSharing: (old, next) => {
      const o = old as TraceDetail | undefined;
      const n = next as TraceDetail;
      if (o && o.traceId === n.traceId && o.spans.length === n.spans.length) {
        settled.add(o.traceId);
        return o;
      }
      return n;
    },
  });
}
