// The Logs page's histogram. Live mode would recount it after every ingest (once a second),
// but over a million records one count costs the core seconds — it would never rest. So it
// refreshes on a timer instead, spaced by how long the last count took (at least every 2 s,
// at most every 30 s), and only while live.
import { useRef } from 'react';
import { useQuery } from '@tanstack/react-query';
import { call } from '../../api/client';
import type { LogFilter } from '../../api/hooks';
import { resolveRange, type RangeSpec } from '../../app/time-range';
import type { LogHistogram } from '../../../../common/api/log-schemas';

export function useLogHistogramPaced(range: RangeSpec, filter: LogFilter, live: boolean, enabled = true, buckets = 80) {
  const took = useRef(0);
  return useQuery<LogHistogram>({
    queryKey: ['logHistogram', { ...filter, buckets }, range.from, range.to],
    queryFn: async ({ signal }) => {
      const t0 = performance.now();
      const h = await call('logHistogram', { ...filter, buckets, ...resolveRange(range) }, signal);
      took.current = performance.now() - t0;
      return h;
    },
    meta: { tables: [] },
    enabled,
    refetchInterval: live ? () => Math.min(30_000, Math.max(2_000, took.current * 8)) : false,
    placeholderData: (prev) => prev,
  });
}
