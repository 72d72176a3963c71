// RED tables of the service page: per operation, per caller and callee, and per version.
import { Link, useSearchParams } from 'react-router-dom';
import type { GoldenSignals } from '../../../../common/api/service-schemas';
import { nodeName, nodeTypeOf } from '../../../../common/service-map';
import { rangeParams } from '../../app/time-range';
import { Chip } from '../../ui/Chip';
import { healthOf } from '../../ui/colors';
import { formatDuration, formatPercent, formatRate } from '../../ui/format';
import { SortHeader } from '../../ui/SortHeader';
import { useSorted } from '../../ui/sort';
import { RelativeTime } from '../../ui/time';
import { compareVersions } from './versions';

type Op = GoldenSignals['operations'][number];
type OpKey = 'name' | 'rps' | 'errorRate' | 'http4xx' | 'http5xx' | 'p50' | 'p95' | 'p99';
const OP_ACCESSORS: Record<OpKey, (o: Op) => number | string> = {
  name: (o) => o.name,
  rps: (o) => o.rps,
  errorRate: (o) => o.errorRate,
  http4xx: (o) => o.http4xx,
  http5xx: (o) => o.http5xx,
  p50: (o) => o.p50Ms ?? -1,
  p95: (o) => o.p95Ms ?? -1,
  p99: (o) => o.p99Ms ?? -1,
};

function ErrorCell({ errorRate, calls }: { errorRate: number; calls: number }) {
  const health = healthOf(errorRate, calls);
  return <td className={`num err-${health}`}>{calls > 0 ? formatPercent(errorRate) : '—'}</td>;
}

export function OperationsTable({ operations, service }: { operations: Op[]; service: string }) {
  const [params] = useSearchParams();
  const { sorted, sort, toggle } = useSorted<Op, OpKey>(operations, OP_ACCESSORS, { key: 'rps', dir: 'desc' });
  if (operations.length === 0) return <div className="muted small">No requests in this window.</div>;
  return (
    <div className="table-wrap">
      <table className="table red-table" data-testid="operations-table">
        <thead>
          <tr>
            <SortHeader id="name" sort={sort} onSort={toggle} firstDir="asc">
              Operation
            </SortHeader>
            <SortHeader id="rps" sort={sort} onSort={toggle} align="right">
              Rate
            </SortHeader>
            <SortHeader id="errorRate" sort={sort} onSort={toggle} align="right">
              Errors
            </SortHeader>
            <SortHeader id="http4xx" sort={sort} onSort={toggle} align="right">
              4xx
            </SortHeader>
            <SortHeader id="http5xx" sort={sort} onSort={toggle} align="right">
              5xx
            </SortHeader>
            <SortHeader id="p50" sort={sort} onSort={toggle} align="right">
              p50
            </SortHeader>
            <SortHeader id="p95" sort={sort} onSort={toggle} align="right">
              p95
            </SortHeader>
            <SortHeader id="p99" sort={sort} onSort={toggle} align="right">
              p99
            </SortHeader>
          </tr>
        </thead>
        <tbody>
          {sorted.map((o) => {
            const q = new URLSearchParams([...rangeParams(params), ['service', service], ['op', o.name]]);
            return (
              <tr key={o.name}>
                <td className="red-name">
                  <Link to={`/traces?${q}`} title={`Traces of ${o.name}`}>
                    {o.name}
                  </Link>
                </td>
                <td className="num">{formatRate(o.rps)}</td>
                <ErrorCell errorRate={o.errorRate} calls={o.calls} />
                <td className="num">{o.http4xx || <span className="faint">0</span>}</td>
                <td className={`num${o.http5xx ? ' text-error' : ''}`}>{o.http5xx || <span className="faint">0</span>}</td>
                <td className="num mono">{formatDuration(o.p50Ms)}</td>
                <td className="num mono">{formatDuration(o.p95Ms)}</td>
                <td className="num mono">{formatDuration(o.p99Ms)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

type Peer = { name: string; id: string; connectionType: string; calls: number; rps: number; errorRate: number; p95Ms: number | null; p99Ms: number | null };

export function PeersTable({ title, peers, testId }: { title: string; peers: Peer[]; testId: string }) {
  const [params] = useSearchParams();
  const carry = rangeParams(params).toString();
  return (
    <section className="svc-section">
      <h2>
        {title} <span className="count">{peers.length}</span>
      </h2>
      {peers.length === 0 ? (
        <div className="muted small">None in this window.</div>
      ) : (
        <div className="table-wrap">
          <table className="table red-table" data-testid={testId}>
            <thead>
              <tr>
                <th>Service</th>
                <th className="num">Rate</th>
                <th className="num">Errors</th>
                <th className="num">p95</th>
                <th className="num">p99</th>
              </tr>
            </thead>
            <tbody>
              {[...peers]
                .sort((a, b) => b.rps - a.rps)
                .map((p) => {
                  const isService = nodeTypeOf(p.id) === 'service';
                  return (
                    <tr key={p.id}>
                      <td className="red-name">
                        {isService ? <Link to={`/services/${encodeURIComponent(p.id)}${carry ? `?${carry}` : ''}`}>{p.name}</Link> : <span>{p.name}</span>}
                        {p.connectionType !== 'sync' ? (
                          <Chip tone="muted" title={`connection: ${p.connectionType}`}>
                            {p.connectionType === 'messaging' ? 'async' : p.connectionType === 'database' ? 'db' : p.connectionType}
                          </Chip>
                        ) : null}
                      </td>
                      <td className="num">{formatRate(p.rps)}</td>
                      <ErrorCell errorRate={p.errorRate} calls={p.calls} />
                      <td className="num mono">{formatDuration(p.p95Ms)}</td>
                      <td className="num mono">{formatDuration(p.p99Ms)}</td>
                    </tr>
                  );
                })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function upstreamPeers(gs: GoldenSignals): Peer[] {
  return gs.upstream.map((u) => ({ ...u, id: u.service, name: nodeName(u.service) }));
}

export function downstreamPeers(gs: GoldenSignals): Peer[] {
  return gs.downstream.map((d) => ({ ...d, id: d.service, name: nodeTypeOf(d.service) === 'service' ? d.service : `${nodeName(d.service)}` }));
}

/** Versions side by side; the one that is slower or fails more than the best is marked. */
export function VersionsTable({ versions }: { versions: GoldenSignals['versions'] }) {
  const rows = compareVersions(versions);
  if (rows.length === 0) return <div className="muted small">No version reported (the resource attribute service.version).</div>;
  return (
    <div className="table-wrap">
      <table className="table red-table versions-table" data-testid="versions-table">
        <thead>
          <tr>
            <th>Version</th>
            <th className="num">Share</th>
            <th className="num">Rate</th>
            <th className="num">Errors</th>
            <th className="num">p50</th>
            <th className="num">p95</th>
            <th className="num">p99</th>
            <th>Compared with the best</th>
            <th className="num">Last seen</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((v) => (
            <tr key={v.version} data-version={v.version} data-worse={v.worst ? 'true' : undefined} className={v.worst ? 'version-worst' : undefined}>
              <td className="red-name mono">
                {v.version}
                {v.thin ? (
                  <span className="muted small" title="Too few requests in this window to compare">
                    {' '}
                    few requests
                  </span>
                ) : null}
              </td>
              <td className="num">
                <span className="share-bar" aria-hidden>
                  <span style={{ width: `${Math.round(v.share * 100)}%` }} />
                </span>
                {Math.round(v.share * 100)}%
              </td>
              <td className="num">{formatRate(v.rps)}</td>
              <td className={`num err-${healthOf(v.errorRate, v.calls)}${v.failsMore ? ' cell-worse' : ''}`}>{v.calls ? formatPercent(v.errorRate) : '—'}</td>
              <td className="num mono">{formatDuration(v.p50Ms)}</td>
              <td className={`num mono${v.slower ? ' cell-worse' : ''}`}>{formatDuration(v.p95Ms)}</td>
              <td className="num mono">{formatDuration(v.p99Ms)}</td>
              <td className="version-verdict">
                {v.slower ? (
                  <span className="verdict verdict-bad" data-testid="version-slower">
                    slower · p95 {v.p95Ratio!.toFixed(1)}×
                  </span>
                ) : null}
                {v.failsMore ? (
                  <span className="verdict verdict-bad" data-testid="version-fails-more">
                    fails more · +{formatPercent(v.errorDelta!)}
                  </span>
                ) : null}
                {!v.slower && !v.failsMore && !v.thin && v.p95Ratio !== null ? <span className="verdict verdict-ok">best or close</span> : null}
              </td>
              <td className="num">
                <RelativeTime ms={v.lastSeen} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
