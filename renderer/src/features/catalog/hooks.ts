// The catalog's queries. Descriptor files change on their own schedule, so these queries read
// no store table: the `catalog` live event (files reloaded) invalidates every `catalog*` query
// (see api/live.tsx). Drift also compares with telemetry, so it follows the rollups.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, type InputOf } from '../../api/client';
import { isCatalogQueryKey } from '../../api/live';
import { useApi } from '../../api/query';
import type { RangeSpec } from '../../app/time-range';

export function useCatalogEntities(input: InputOf<'catalogEntities'>, enabled = true) {
  return useApi('catalogEntities', input, { tables: [], placeholder: 'keep', enabled });
}

export function useCatalogFacets(input: InputOf<'catalogFacets'>) {
  return useApi('catalogFacets', input, { tables: [], placeholder: 'keep' });
}

export function useCatalogEntity(kind: string, namespace: string, name: string) {
  return useApi('catalogEntity', { kind, namespace, name }, { tables: [] });
}

export function useCatalogErrors() {
  return useApi('catalogErrors', {}, { tables: [] });
}

export function useCatalogDrift(range: RangeSpec) {
  return useApi('catalogDrift', {}, { range, tables: ['rollups', 'services'], placeholder: 'keep' });
}

export function useCatalogGraph(input: InputOf<'catalogGraph'>) {
  return useApi('catalogGraph', input, { tables: [], placeholder: 'keep' });
}

export function useCatalogSources() {
  // Polled: a catalog-provider plugin's state changes without any table changing (a cheap call).
  return useApi('catalogSources', {}, { tables: [], refetchInterval: 5_000 });
}

/** Replaces the UI-added sources; everything read from the catalog is fetched again. */
export function useSetCatalogSources() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (sources: string[]) => call('catalogSourcesPut', { sources }),
    onSuccess: (data) => {
      client.setQueryData(['catalogSources', {}], data);
      void client.invalidateQueries({ predicate: (q) => isCatalogQueryKey(q.queryKey) });
    },
  });
}

