// Data sources and plugins: the list (with each source's status), the installed plugins (with
// their process state), a plugin's settings form, and the changes made from Settings.
// Statuses change on their own (health loop, crashes), so the lists are polled while shown.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call, type InputOf } from '../../api/client';
import { useApi } from '../../api/query';

const POLL_MS = 5_000;

export function useDataSources(opts: { poll?: boolean } = {}) {
  return useApi('datasources', {}, { tables: [], refetchInterval: opts.poll ? POLL_MS : undefined });
}

export function usePlugins() {
  return useApi('plugins', {}, { tables: [], refetchInterval: POLL_MS });
}

/** The JSON Schema of a plugin's settings (asking for it starts the plugin). */
export function usePluginSettings(id: string) {
  return useApi('pluginSettings', { id }, { tables: [], enabled: id.length > 0, extra: { retry: false, staleTime: 60_000 } });
}

function useRefreshSources() {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: ['datasources'] });
    void client.invalidateQueries({ queryKey: ['plugins'] });
  };
}

export function useSaveDataSource() {
  const refresh = useRefreshSources();
  return useMutation({ mutationFn: (input: InputOf<'datasourcePut'>) => call('datasourcePut', input), onSettled: refresh });
}

export function useDeleteDataSource() {
  const refresh = useRefreshSources();
  return useMutation({ mutationFn: (name: string) => call('datasourceDelete', { name }), onSettled: refresh });
}

export function useRenameDataSource() {
  const refresh = useRefreshSources();
  return useMutation({ mutationFn: (input: { name: string; to: string }) => call('datasourceRename', input), onSettled: refresh });
}

export function useTestDataSource() {
  const refresh = useRefreshSources();
  return useMutation({ mutationFn: (name: string) => call('datasourceTest', { name }), onSettled: refresh });
}
