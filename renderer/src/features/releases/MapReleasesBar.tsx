// Above the map: edges in a retry storm, and edges split across the callee's versions (a
// canary taking a share), each opening its edge drawer.
import type { RangeSpec } from '../../app/time-range';
import { useApi } from '../../api/query';
import { formatPercent } from '../../ui/format';
import type { MapSelection } from '../map/MapCanvas';
import { edgeId } from '../map/graph';
import './releases.css';

export function MapReleasesBar({ range, onSelect }: { range: RangeSpec; onSelect: (s: MapSelection) => void }) {
  const q = useApi('mapReleases', {}, { range, tables: ['spans'] });
  const edges = (q.data?.edges ?? []).filter((e) => e.storm || e.versions.length > 1);
  if (edges.length === 0) return null;
  return (
    <div className="map-releases" data-testid="map-releases">
      {edges.map((e) => (
        <button
          key={edgeId(e)}
          type="button"
          className={`chip map-releases-chip${e.storm ? ' chip-error' : ''}`}
          onClick={() => onSelect({ kind: 'edge', id: edgeId(e) })}
          title={`${e.retries} retries, ${e.timeouts} timeouts, ${e.rejected} rejected of ${e.calls} calls`}
        >
          {e.storm ? <b>retry storm</b> : null}
          {e.storm ? ' · ' : ''}
          {e.source} → {e.target}
          {e.versions.length > 1 ? <span className="muted"> · {e.versions.map((v) => `${v.version} ${formatPercent(v.share)}`).join(' · ')}</span> : null}
        </button>
      ))}
    </div>
  );
}
