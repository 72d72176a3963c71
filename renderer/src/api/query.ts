// One query hook over the typed client. Each query names the store tables it reads, so live
// updates invalidate exactly those; time ranges are resolved when the query runs.
import { useQuery, type UseQueryOptions } from '@tanstack/react-query';
import { call, type EndpointName, type InputOf, type OutputOf } from './client';
import { resolveRange, type RangeSpec } from '../app/time-range';

/** Tables an ingest event can name (see IngestEvent.tables). */
export type Table = 'spans' | 'traces' | 'logs' | 'metrics' | 'services' | 'rollups';
export const ALL_TABLES: Table[] = ['spans', 'traces', 'logs', 'metrics', 'services', 'rollups'];

export interface QueryMeta extends Record<string, unknown> {
  tables: Table[];
}

export function readsTables(meta: unknown, changed: Set<string>): boolean {
  const tables = (meta as QueryMeta | undefined)?.tables;
  return Array.isArray(tables) && tables.some((t) => changed.has(t));
}

export interface ApiQueryOptions<K extends EndpointName> {
  tables: Table[];
  /** Merged into the input as `from`/`to` (unix ms) at fetch time. */
  range?: RangeSpec;
  enabled?: boolean;
  placeholder?: 'keep';
  refetchInterval?: number;
  extra?: Partial<UseQueryOptions<OutputOf<K>>>;
}

export function apiKey<K extends EndpointName>(name: K, input: InputOf<K>, range?: RangeSpec): unknown[] {
  return range ? [name, input, range.from, range.to] : [name, input];
}

export function useApi<K extends EndpointName>(name: K, input: InputOf<K>, opts: ApiQueryOptions<K>) {
  return useQuery<OutputOf<K>>({
    queryKey: apiKey(name, input, opts.range),
    queryFn: ({ signal }) =>
      call(name, (opts.range ? { ...input, ...resolveRange(opts.range) } : input) as InputOf<K>, signal),
    meta: { tables: opts.tables } satisfies QueryMeta,
    enabled: opts.enabled,
    refetchInterval: opts.refetchInterval,
    // Keep showing the previous result while a changed filter loads (no flashing skeletons).
    placeholderData: opts.placeholder === 'keep' ? (prev) => prev : undefined,
    ...opts.extra,
  });
}
