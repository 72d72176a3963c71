// A data source's status in words: ready (answered its last check or query), error (it
// answered, but with an error such as 401 or not being Prometheus), unavailable (not reachable,
// or its plugin is down), not checked yet.
import type { DataSourceInfo } from '../../../../common/api/datasource-schemas';

const LABEL: Record<DataSourceInfo['status'], string> = { ok: 'ready', error: 'error', unavailable: 'unavailable', unknown: 'not checked yet' };
const CLASS: Record<DataSourceInfo['status'], string> = { ok: 'badge-ok', error: 'badge-error', unavailable: 'badge-error', unknown: 'badge-muted' };

export function statusLabel(status: DataSourceInfo['status']): string {
  return LABEL[status];
}

export function StatusBadge({ status }: { status: DataSourceInfo['status'] }) {
  return (
    <span className={`badge ${CLASS[status]}`} data-testid="datasource-status">
      {LABEL[status]}
    </span>
  );
}
