// The other end of an observed dependency. Drift names it by telemetry name only, so a
// database or a queue (`db:postgresql/shopdb` → "shopdb") reads like a service; the service
// map knows what each node is, and says so.
import { useMemo } from 'react';
import { Link } from 'react-router-dom';
import type { CatalogDriftDependency } from '../../../../common/api/catalog-schemas';
import { useApi } from '../../api/query';
import { useTimeRange } from '../../app/time-range';
import { peersByName, type Peer } from './drift';
import { EntityLink, KindIcon, useRangeSuffix } from './parts';

export type { Peer };

export function usePeers(): Map<string, Peer> {
  const { spec } = useTimeRange();
  const map = useApi('serviceMap', {}, { range: spec, tables: ['rollups'], placeholder: 'keep' });
  return useMemo(() => peersByName(map.data?.nodes ?? []), [map.data]);
}

export function servicePath(name: string, suffix: string): string {
  return `/services/${encodeURIComponent(name)}${suffix}`;
}

/** A dependency's target: the catalog entity, else the datastore/queue, else the service. */
export function DependencyTarget({ d, peers, linkService = true }: { d: CatalogDriftDependency; peers: Map<string, Peer>; linkService?: boolean }) {
  const suffix = useRangeSuffix();
  if (d.targetRef) return <EntityLink entityRef={d.targetRef} icon />;
  const name = d.targetService ?? '';
  const peer = peers.get(name);
  if (peer) {
    return (
      <span className="peer" title={`${peer.type}${peer.system ? ` (${peer.system})` : ''} seen in traces; no catalog entity describes it`}>
        <KindIcon kind={peer.type === 'database' ? 'resource' : 'api'} />
        <span className="faint">{peer.system || peer.type}</span>
        <span className="mono">{name}</span>
      </span>
    );
  }
  return linkService ? (
    <Link className="mono" to={servicePath(name, suffix)} title={`Service ${name}: no catalog entity describes it`}>
      {name}
    </Link>
  ) : (
    <span className="mono">{name}</span>
  );
}
