// A read-only snapshot view (`loupe serve --snapshot FILE`) says so on every page, and opens on
// the snapshot's window: its data holds nothing outside it, and "last hour" would show nothing.
import { useEffect } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useHealth } from '../api/hooks';
import { rangeLabel, useTimeRange } from './time-range';
import { useUpdateParams } from './url-state';

export function SnapshotBanner() {
  const snapshot = useHealth().data?.snapshot ?? null;
  const [params] = useSearchParams();
  const { spec, setRange } = useTimeRange();
  const update = useUpdateParams();
  const hasRange = params.has('from');
  const from = snapshot ? String(snapshot.from) : '';
  const to = snapshot ? String(snapshot.to) : '';
  useEffect(() => {
    // Only when the address names no range: a link to another window inside the snapshot stays.
    if (from && !hasRange)
      update(
        (p) => {
          p.set('from', from);
          p.set('to', to);
        },
        { replace: true },
      );
  }, [from, to, hasRange, update]);
  if (!snapshot) return null;
  const atWindow = spec.from === from && spec.to === to;
  const services = snapshot.services.length;
  return (
    <div className="snapshot-banner" role="status" data-testid="snapshot-banner">
      <span className="snapshot-banner-mark" aria-hidden>
        ◉
      </span>
      <strong>Snapshot of {rangeLabel({ from, to })} — read only</strong>
      <span className="snapshot-banner-detail">
        {snapshot.file} · {services} service{services === 1 ? '' : 's'} · taken {new Date(snapshot.createdAt).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false })}
      </span>
      {atWindow ? null : (
        <button type="button" className="btn btn-small" onClick={() => setRange({ from, to })}>
          Back to the snapshot&apos;s window
        </button>
      )}
    </div>
  );
}
