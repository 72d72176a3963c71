// Exception groups of the window (all services, or one), refreshed when spans or logs arrive.
import type { RangeSpec } from '../../app/time-range';
import { useApi } from '../../api/query';

export function useExceptions(range: RangeSpec, service?: string, enabled = true) {
  return useApi('exceptions', { service: service || undefined }, { range, tables: ['spans', 'logs'], placeholder: 'keep', enabled });
}
