// Set once any API call answers 401: the app then shows how to open Loupe properly.
import { useSyncExternalStore } from 'react';

let unauthorized = false;
const listeners = new Set<() => void>();

export function markUnauthorized(): void {
  if (unauthorized) return;
  unauthorized = true;
  for (const l of listeners) l();
}

export function useUnauthorized(): boolean {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => unauthorized,
  );
}
