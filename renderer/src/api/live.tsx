// Live mode: one Server-Sent Events stream; each `ingest` event names the tables it changed,
// and the queries reading them are invalidated at most once a second.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { EVENTS_PATH } from '../../../common/api/contract';
import type { IngestEvent } from '../../../common/api/ingest-schemas';
import { readsTables } from './query';

interface LiveState {
  live: boolean;
  /** Live mode follows relative time ranges only. */
  allowed: boolean;
  setLive: (on: boolean) => void;
  /** Stream state: connecting, open, or down (retrying). */
  status: 'off' | 'connecting' | 'open' | 'down';
  /** Time of the last ingest event (unix ms), for the pulse. */
  lastEventAt: number | null;
}

const LiveContext = createContext<LiveState>({ live: false, allowed: true, setLive: () => undefined, status: 'off', lastEventAt: null });

const STORAGE_KEY = 'loupe.live';
const THROTTLE_MS = 1000;

export function LiveProvider({ children, allowed }: { children: ReactNode; allowed: boolean }) {
  const client = useQueryClient();
  const [live, setLiveState] = useState<boolean>(() => {
    try {
      return localStorage.getItem(STORAGE_KEY) !== 'off';
    } catch {
      return true;
    }
  });
  const [status, setStatus] = useState<LiveState['status']>('off');
  const [lastEventAt, setLastEventAt] = useState<number | null>(null);
  const pending = useRef(new Set<string>());
  const timer = useRef<number | null>(null);
  const lastFlush = useRef(0);

  const setLive = useCallback((on: boolean) => {
    setLiveState(on);
    try {
      localStorage.setItem(STORAGE_KEY, on ? 'on' : 'off');
    } catch {
      // storage unavailable: keep it for this window only
    }
  }, []);

  const active = live && allowed;
  useEffect(() => {
    if (!active) {
      setStatus('off');
      return;
    }
    const queued = pending.current;
    const flush = () => {
      timer.current = null;
      lastFlush.current = Date.now();
      const changed = new Set(queued);
      queued.clear();
      if (changed.size === 0) return;
      void client.invalidateQueries({ predicate: (q) => readsTables(q.meta, changed) });
    };
    setStatus('connecting');
    const source = new EventSource(EVENTS_PATH, { withCredentials: true });
    source.onopen = () => setStatus('open');
    source.onerror = () => setStatus(source.readyState === EventSource.CLOSED ? 'down' : 'connecting');
    source.addEventListener('ingest', (ev) => {
      let data: IngestEvent;
      try {
        data = JSON.parse((ev as MessageEvent<string>).data) as IngestEvent;
      } catch {
        return;
      }
      for (const t of data.tables) queued.add(t);
      setLastEventAt(Date.now());
      if (timer.current === null) {
        const wait = Math.max(0, THROTTLE_MS - (Date.now() - lastFlush.current));
        timer.current = window.setTimeout(flush, wait);
      }
    });
    // Descriptor files were reloaded: everything read from the catalog is stale.
    source.addEventListener('catalog', () => {
      void client.invalidateQueries({ predicate: (q) => isCatalogQueryKey(q.queryKey) });
    });
    return () => {
      source.close();
      if (timer.current !== null) window.clearTimeout(timer.current);
      timer.current = null;
      queued.clear();
    };
  }, [active, client]);

  const value = useMemo(() => ({ live: active, allowed, setLive, status, lastEventAt }), [active, allowed, setLive, status, lastEventAt]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveState {
  return useContext(LiveContext);
}

/** Queries whose answer depends on the catalog's descriptor files (service rows carry their
 * component and owner), refetched on a `catalog` event. */
export function isCatalogQueryKey(key: readonly unknown[]): boolean {
  const name = key[0];
  return typeof name === 'string' && (name.startsWith('catalog') || name === 'services');
}
