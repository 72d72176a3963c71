// The demo's state and faults: polled while a page shows them (fault switches also arrive as
// SSE `demoFault` events, which refresh these at once).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call } from '../../api/client';
import { useApi } from '../../api/query';

const POLL_MS = 3000;

export function useDemoStatus() {
  return useApi('demo', {}, { tables: [], refetchInterval: POLL_MS });
}

export function useDemoFaults() {
  return useApi('demoFaults', {}, { tables: [], refetchInterval: POLL_MS });
}

function useDemoMutation<T>(fn: (arg: T) => Promise<unknown>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => client.invalidateQueries({ predicate: (q) => typeof q.queryKey[0] === 'string' && q.queryKey[0].startsWith('demo') }),
  });
}

export function useSetFault() {
  return useDemoMutation((change: { fault: string; active: boolean }) => call('demoFaultSet', change));
}

export function useDemoRun() {
  return useDemoMutation((run: boolean) => (run ? call('demoStart', {}) : call('demoStop', {})));
}
