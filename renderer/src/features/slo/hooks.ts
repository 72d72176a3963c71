// SLO queries and edits. Statuses are computed from rollups, so ingest refreshes them; from a
// data source (`source`), from its series, polled instead.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { SloDefinition } from '../../../../common/api/slo-schemas';
import { call } from '../../api/client';
import { useApi } from '../../api/query';

/** The SLOs of slos.yaml (of one `service`, when given: a remote source is asked for those only). */
export function useSlos(source = 'local', service?: string, enabled = true) {
  const remote = source !== 'local';
  return useApi('slos', { ...(remote ? { source } : {}), ...(service ? { service } : {}) }, { tables: remote ? [] : ['rollups'], refetchInterval: 30_000, enabled });
}

function useRefreshAfterEdit() {
  const client = useQueryClient();
  // Service rows carry each service's SLO burn and alert.
  return () => Promise.all([client.invalidateQueries({ queryKey: ['slos'] }), client.invalidateQueries({ queryKey: ['services'] })]);
}

export function useSaveSlo() {
  const refresh = useRefreshAfterEdit();
  return useMutation({ mutationFn: (slo: SloDefinition) => call('sloPut', slo), onSuccess: () => refresh() });
}

export function useDeleteSlo() {
  const refresh = useRefreshAfterEdit();
  return useMutation({ mutationFn: (id: string) => call('sloDelete', { id }), onSuccess: () => refresh() });
}
