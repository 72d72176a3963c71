// URL updates that start from the address bar as it is now. The router renders navigations in
// a transition, so a search-params snapshot from the last render can be one step behind; two
// quick changes (a time range, then a filter) must not undo each other.
import { useCallback } from 'react';
import { useNavigate } from 'react-router-dom';

export function useUpdateParams(): (change: (params: URLSearchParams) => void, opts?: { replace?: boolean }) => void {
  const navigate = useNavigate();
  return useCallback(
    (change, opts) => {
      const params = new URLSearchParams(window.location.search);
      change(params);
      const q = params.toString();
      navigate({ pathname: window.location.pathname, search: q ? `?${q}` : '' }, { replace: opts?.replace });
    },
    [navigate],
  );
}

/** Sets one search parameter (or removes it when the value is empty), from the current address. */
export function useSetParam(defaultReplace = false): (key: string, value: string | null, replace?: boolean) => void {
  const update = useUpdateParams();
  return useCallback(
    (key, value, replace = defaultReplace) =>
      update(
        (p) => {
          if (value) p.set(key, value);
          else p.delete(key);
        },
        { replace },
      ),
    [update, defaultReplace],
  );
}
