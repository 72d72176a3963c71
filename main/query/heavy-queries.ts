// The queries whose cost grows with the window and the data (searches, the map, signals):
// they run in the query worker, so the thread serving the UI stays free and a query whose
// client went away can be stopped.
import type { ReadStore } from './read-store';
import { searchTraces } from './traces';
import { logHistogram, searchLogs } from './logs';
import { serviceMap } from './service-map';
import { edgeSignals, goldenSignals } from './golden-signals';
import { listExceptions } from './exceptions';
import { logPatterns } from './log-patterns';

export const HEAVY_QUERIES = {
  traces: searchTraces,
  logs: searchLogs,
  logHistogram,
  serviceMap,
  goldenSignals,
  edgeSignals,
  exceptions: listExceptions,
  logPatterns,
} satisfies Record<string, (store: ReadStore, input: never) => unknown>;

export type HeavyQuery = keyof typeof HEAVY_QUERIES;

export function runHeavyQuery(store: ReadStore, name: HeavyQuery, input: unknown): unknown {
  return (HEAVY_QUERIES[name] as (store: ReadStore, input: unknown) => unknown)(store, input);
}

export type QueryRequest = { type: 'query'; id: number; name: HeavyQuery; input: unknown } | { type: 'invalidate'; minute: number };
export type QueryReply =
  | { type: 'ready' }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; message: string; status?: number; code?: string };
