// Queries of the service page and of the map's drawer.
import type { RangeSpec } from '../../app/time-range';
import { useApi } from '../../api/query';

export function useGoldenSignals(range: RangeSpec, name: string, enabled = true, step?: number) {
  return useApi('goldenSignals', { name, step }, { range, tables: ['rollups', 'metrics'], enabled: enabled && !!name });
}

/** The newest failing traces through a service (optionally only spans with an attribute). */
export function useFailingTraces(range: RangeSpec, service: string, attr: string[] = [], limit = 6, enabled = true) {
  return useApi(
    'traces',
    { service: service || undefined, status: 'error', attr, limit },
    { range, tables: ['traces', 'spans'], enabled: enabled && (!!service || attr.length > 0) },
  );
}

/** Recent traces through a service that took at least `minDurationMs` (its p95); the caller
 * sorts them slowest first. */
export function useSlowTraces(range: RangeSpec, service: string, minDurationMs: number | null, attr: string[] = [], limit = 40, enabled = true) {
  return useApi(
    'traces',
    { service: service || undefined, minDurationMs: minDurationMs ?? undefined, attr, limit },
    { range, tables: ['traces', 'spans'], enabled: enabled && (!!service || attr.length > 0) && minDurationMs !== null },
  );
}

export function useErrorLogs(range: RangeSpec, service: string, limit = 12) {
  return useApi('logs', { service, minSeverity: 17, limit }, { range, tables: ['logs'], enabled: !!service });
}
