// Queries of the service page and of the map's drawer.
import type { RangeSpec } from '../../app/time-range';
import { useApi } from '../../api/query';

/** Golden signals of one service, from this store (`local`) or a data source's series. */
export function useGoldenSignals(range: RangeSpec, name: string, enabled = true, step?: number, source = 'local') {
  const remote = source !== 'local';
  return useApi('goldenSignals', { name, step, ...(remote ? { source } : {}) }, { range, tables: remote ? [] : ['rollups', 'metrics'], enabled: enabled && !!name, refetchInterval: remote ? 30_000 : undefined });
}

/** One edge of the service map over time, as its caller saw it, from this store (`local`) or a
 * data source's service-graph series (`dataSource`: `source`/`target` already name the edge). */
export function useEdgeSignals(range: RangeSpec, source: string, target: string, enabled = true, dataSource = 'local') {
  const remote = dataSource !== 'local';
  return useApi('edgeSignals', { source, target, ...(remote ? { datasource: dataSource } : {}) }, {
    range,
    tables: remote ? [] : ['rollups'],
    enabled: enabled && !!source && !!target,
    refetchInterval: remote ? 30_000 : undefined,
  });
}

/** Which spans a trace needs: attribute filters, and/or a call from the service to a map node
 * (`peer`: a service name or a database/queue/external node id). */
export interface TraceScope {
  attr?: string[];
  peer?: string;
}

/** The newest failing traces through a service (optionally only spans in a scope). */
export function useFailingTraces(range: RangeSpec, service: string, scope: TraceScope = {}, limit = 6, enabled = true) {
  const attr = scope.attr ?? [];
  return useApi(
    'traces',
    { service: service || undefined, status: 'error', attr, peer: scope.peer, limit },
    { range, tables: ['traces', 'spans'], enabled: enabled && (!!service || attr.length > 0) },
  );
}

/** Recent traces through a service that took at least `minDurationMs` (its p95); the caller
 * sorts them slowest first. */
export function useSlowTraces(range: RangeSpec, service: string, minDurationMs: number | null, scope: TraceScope = {}, limit = 40, enabled = true) {
  const attr = scope.attr ?? [];
  const input = { service: service || undefined, minDurationMs: minDurationMs ?? undefined, attr, peer: scope.peer, limit };
  // The threshold follows the live p95, so it moves with every refresh: keep showing the list
  // while the moved threshold loads, but not another service's or edge's.
  const sameSearch = (key: readonly unknown[] | undefined) => {
    const prev = key?.[1] as typeof input | undefined;
    return (
      !!prev &&
      key?.[2] === range.from &&
      key?.[3] === range.to &&
      prev.service === input.service &&
      prev.peer === input.peer &&
      prev.limit === input.limit &&
      prev.attr.join('\n') === attr.join('\n')
    );
  };
  return useApi('traces', input, {
    range,
    tables: ['traces', 'spans'],
    enabled: enabled && (!!service || attr.length > 0) && minDurationMs !== null,
    extra: { placeholderData: (prev, prevQuery) => (sameSearch(prevQuery?.queryKey) ? prev : undefined) },
  });
}

export function useErrorLogs(range: RangeSpec, service: string, limit = 12, enabled = true) {
  return useApi('logs', { service, minSeverity: 17, limit }, { range, tables: ['logs'], enabled: enabled && !!service });
}
