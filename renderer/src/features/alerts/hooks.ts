// Alert rule queries and edits. States come from the core's evaluation loop (every 15 s), so
// the list polls; ingest refreshes it too (values read the rollups).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { AlertRule } from '../../../../common/api/alert-schemas';
import { call } from '../../api/client';
import { useApi } from '../../api/query';

export function useAlerts() {
  return useApi('alerts', {}, { tables: ['rollups'], refetchInterval: 10_000 });
}

export function useAlertHistory(limit = 50) {
  return useApi('alertHistory', { limit }, { tables: ['rollups'], refetchInterval: 15_000 });
}

function useRefresh() {
  const client = useQueryClient();
  return () => Promise.all([client.invalidateQueries({ queryKey: ['alerts'] }), client.invalidateQueries({ queryKey: ['alertHistory'] })]);
}

export function useSaveAlertRule() {
  const refresh = useRefresh();
  return useMutation({ mutationFn: (rule: AlertRule) => call('alertRulePut', rule), onSuccess: () => refresh() });
}

export function useDeleteAlertRule() {
  const refresh = useRefresh();
  return useMutation({ mutationFn: (id: string) => call('alertRuleDelete', { id }), onSuccess: () => refresh() });
}
