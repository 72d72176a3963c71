// TanStack Query hooks per domain. Each names the tables it reads (for live invalidation).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, upload, type InputOf } from './client';
import { ALL_TABLES, useApi } from './query';
import type { RangeSpec } from '../app/time-range';
import { registerServiceColors } from '../ui/colors';

// ---- health and demo -------------------------------------------------------------------------

export function useHealth() {
  return useApi('health', {}, { tables: ALL_TABLES, refetchInterval: 10_000 });
}

export function useStartDemo() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => call('demoStart', {}),
    onSuccess: () => client.invalidateQueries(),
  });
}

// ---- services --------------------------------------------------------------------------------

/** The Services list from this store (`local`) or a data source; a data source's list is
 * polled, since no live event says it changed. */
export function useServices(range: RangeSpec, sparkline = 0, source = 'local') {
  const remote = source !== 'local';
  const services = useApi('services', { sparkline, ...(remote ? { source } : {}) }, { range, tables: remote ? [] : ['rollups', 'services'], placeholder: 'keep', refetchInterval: remote ? 30_000 : undefined });
  // Known services take their colours in name order, before rows render them.
  if (services.data) registerServiceColors(services.data.map((s) => s.name));
  return services;
}

export function useOperations(range: RangeSpec, service: string | undefined) {
  return useApi('operations', { service: service || undefined }, { range, tables: ['rollups'], placeholder: 'keep' });
}

export function useAttributeKeys(range: RangeSpec, signal: 'traces' | 'logs', service?: string) {
  return useApi('attributeKeys', { signal, service: service || undefined }, { range, tables: [], placeholder: 'keep' });
}

export function useAttributeValues(range: RangeSpec, signal: 'traces' | 'logs', key: string, service?: string) {
  return useApi(
    'attributeValues',
    { signal, key, service: service || undefined },
    { range, tables: [], enabled: key.length > 0, placeholder: 'keep' },
  );
}

// ---- traces ----------------------------------------------------------------------------------

export function useTraceSearch(range: RangeSpec, input: InputOf<'traces'>) {
  return useApi('traces', input, { range, tables: ['traces', 'spans'], placeholder: 'keep' });
}

// ---- logs ------------------------------------------------------------------------------------

export type LogFilter = Omit<InputOf<'logs'>, 'from' | 'to' | 'before' | 'after' | 'limit'>;

export function useLogHistogram(range: RangeSpec, filter: LogFilter, buckets = 80) {
  return useApi('logHistogram', { ...filter, buckets }, { range, tables: ['logs'], placeholder: 'keep' });
}

// ---- import ----------------------------------------------------------------------------------

export function importFile(file: File, onProgress: (fraction: number) => void) {
  return upload('importFile', { filename: file.name }, file, onProgress);
}

/** Every log record of one trace, oldest first, looked up around the trace's own time. */
export function useTraceLogs(traceId: string, window: { from: number; to: number } | null) {
  return useApi(
    'logs',
    { traceId, order: 'asc', limit: 2000, from: window?.from, to: window?.to },
    { tables: ['logs'], enabled: !!window && !!traceId },
  );
}
