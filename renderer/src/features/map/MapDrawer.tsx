// Details of the selected node or edge: its golden signals, who it talks to, and the failing and
// slowest traces through it, with links onwards.
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { RangeSpec } from '../../app/time-range';
import { rangeParams } from '../../app/time-range';
import { Drawer } from '../../ui/overlays';
import { formatDuration, formatPercent, formatRate } from '../../ui/format';
import { ErrorBanner, SkeletonBlock } from '../../ui/states';
import { useEdgeSignals, useFailingTraces, useGoldenSignals, useSlowTraces, type TraceScope } from '../service-page/hooks';
import { ChartMarkersProvider, useDeployMarkers } from '../releases/ChartMarkers';
import { EdgeReleasesSection } from '../releases/EdgeReleasesSection';
import { CallSignals, MiniSignals } from '../service-page/SignalCharts';
import { TraceList } from '../service-page/TraceList';
import type { DriftOverlay } from './drift';
import { edgeHealth, edgeId, nodeTitle, type MapEdge, type MapNode, type ServiceMap } from './graph';
import type { MapSelection } from './MapCanvas';
import { NodeGlyph } from './shapes';
import { Ownership } from '../catalog/Ownership';
import { useApi } from '../../api/query';
import { LocalOnlyNote, useSource } from '../datasources/SourcePicker';
import { AlertRuleDialog } from '../alerts/AlertRuleDialog';

const TYPE_LABEL: Record<MapNode['type'], string> = { service: 'service', database: 'database', queue: 'queue', external: 'external peer' };
const CONNECTION_LABEL: Record<MapEdge['connectionType'], string> = { sync: 'request', messaging: 'messaging (async)', database: 'database call', virtual: 'call to an uninstrumented peer' };
const HEALTH_LABEL = { healthy: 'healthy', degraded: 'degraded', failing: 'failing', idle: 'idle' };

/** Span attributes that pick out the calls to a datastore, queue or peer (OTel semconv). */
export function peerAttributes(node: MapNode): string[] {
  const rest = node.id.replace(/^\w+:/, '');
  const slash = rest.indexOf('/');
  const after = slash >= 0 ? rest.slice(slash + 1) : '';
  if (node.type === 'database') return after ? [`db.namespace=${after}`] : node.system ? [`db.system.name=${node.system}`] : [];
  if (node.type === 'queue') return after ? [`messaging.destination.name=${after}`] : node.system ? [`messaging.system=${node.system}`] : [];
  if (node.type === 'external') return [`server.address=${rest.replace(/:\d+$/, '')}`];
  return [];
}

/** The traces through an edge: the caller's calls to the callee. Deliveries from a queue are
 * found on the consumer's side, by the destination its spans name. */
function edgeTraceScope(edge: MapEdge, source: MapNode | undefined): { service: string; scope: TraceScope } {
  if (source && source.type !== 'service') return { service: edge.target, scope: { attr: peerAttributes(source) } };
  return { service: edge.source, scope: { peer: edge.target } };
}

/** The Traces page searching what `service` and `scope` pick out. */
function tracesHref(params: URLSearchParams, service: string, scope: TraceScope, extra: string[][] = []): string {
  const p = new URLSearchParams([...rangeParams(params), ...extra]);
  if (service) p.set('service', service);
  if (scope.peer) p.set('peer', scope.peer);
  for (const a of scope.attr ?? []) p.append('attr', a);
  return `/traces?${p}`;
}

/** Charts once loaded, a placeholder of their height until then. */
function SignalsState<T>({ query, height, children }: { query: { data: T | undefined; error: unknown; isError: boolean; refetch: () => unknown }; height: number; children: (data: T) => React.ReactNode }) {
  if (query.data) return <>{children(query.data)}</>;
  if (query.isError) return <ErrorBanner error={query.error} what="Could not load the signals" onRetry={() => void query.refetch()} />;
  return <SkeletonBlock height={height} />;
}

function Red({ r }: { r: Pick<MapNode, 'calls' | 'rps' | 'errorRate' | 'errors' | 'p50Ms' | 'p95Ms' | 'p99Ms'> }) {
  const health = edgeHealth(r);
  return (
    <div className="red-kpis">
      <div className="red-kpi">
        <span className="red-kpi-label">Rate</span>
        <span className="red-kpi-value">{formatRate(r.rps).replace(' req/', '/')}</span>
      </div>
      <div className="red-kpi">
        <span className="red-kpi-label">Errors</span>
        <span className={`red-kpi-value err-${health}`}>{r.calls > 0 ? formatPercent(r.errorRate) : '—'}</span>
      </div>
      <div className="red-kpi">
        <span className="red-kpi-label">p50</span>
        <span className="red-kpi-value mono">{formatDuration(r.p50Ms)}</span>
      </div>
      <div className="red-kpi">
        <span className="red-kpi-label">p95</span>
        <span className="red-kpi-value mono">{formatDuration(r.p95Ms)}</span>
      </div>
      <div className="red-kpi">
        <span className="red-kpi-label">p99</span>
        <span className="red-kpi-value mono">{formatDuration(r.p99Ms)}</span>
      </div>
    </div>
  );
}

type MapDrawerProps = {
  selection: MapSelection;
  map: ServiceMap;
  range: RangeSpec;
  drift: DriftOverlay | null;
  onClose: () => void;
  onSelect: (s: MapSelection) => void;
  onFocus: (id: string) => void;
};

/** The drawer's charts carry the deploys of the selected service (an edge: of the service it calls). */
export function MapDrawer(props: MapDrawerProps) {
  const { selection, map } = props;
  const service = selection.kind === 'node' ? selection.id : (map.edges.find((e) => edgeId(e) === selection.id)?.target ?? '');
  const { markers } = useDeployMarkers(props.range, service);
  return (
    <ChartMarkersProvider markers={markers}>
      <MapDrawerBody {...props} />
    </ChartMarkersProvider>
  );
}

function MapDrawerBody({
  selection,
  map,
  range,
  drift,
  onClose,
  onSelect,
  onFocus,
}: MapDrawerProps) {
  if (selection.kind === 'node') {
    const node = map.nodes.find((n) => n.id === selection.id);
    if (!node) return null;
    return <NodeDrawer node={node} map={map} range={range} drift={drift} onClose={onClose} onSelect={onSelect} onFocus={onFocus} />;
  }
  const edge = map.edges.find((e) => edgeId(e) === selection.id);
  if (!edge) return null;
  return <EdgeDrawer edge={edge} map={map} range={range} drift={drift} onClose={onClose} onSelect={onSelect} />;
}

/** The range (and the data source, when not local) carried to pages linked from the drawer. */
function carryParams(params: URLSearchParams, source: string): string {
  const p = rangeParams(params);
  if (source !== 'local') p.set('source', source);
  return p.toString();
}

function NodeDrawer({ node, map, range, drift, onClose, onSelect, onFocus }: { node: MapNode; map: ServiceMap; range: RangeSpec; drift: DriftOverlay | null; onClose: () => void; onSelect: (s: MapSelection) => void; onFocus: (id: string) => void }) {
  const [params] = useSearchParams();
  const source = useSource();
  const remote = source !== 'local';
  const carry = carryParams(params, source);
  const isService = node.type === 'service';
  const attr = peerAttributes(node);
  // Databases, queues and peers send nothing themselves: their signals are what their callers
  // saw (from a data source, the service-graph edges into them).
  const gs = useGoldenSignals(range, isService ? node.name : node.id, true, undefined, source);
  const traceService = isService ? node.name : '';
  const failing = useFailingTraces(range, traceService, { attr }, 6, !remote && (isService || attr.length > 0));
  const slow = useSlowTraces(range, traceService, node.p95Ms, { attr }, 40, !remote && (isService || attr.length > 0));
  const callers = map.edges.filter((e) => e.target === node.id);
  const callees = map.edges.filter((e) => e.source === node.id);
  const tracesLink = tracesHref(params, traceService, { attr });
  // Owner and incident links from the catalog (the services list carries the match).
  const services = useApi('services', { sparkline: 0 }, { range, tables: ['rollups', 'services'], enabled: isService, placeholder: 'keep' });
  const summary = isService ? services.data?.find((s) => s.name === node.name) : undefined;

  return (
    <Drawer
      width={500}
      onClose={onClose}
      title={
        <span className="map-drawer-title">
          <svg width="22" height="22" viewBox="0 0 30 30" className={`map-node health-${node.health} type-${node.type}`} aria-hidden>
            <NodeGlyph type={node.type} />
          </svg>
          <span>{nodeTitle(node)}</span>
          <span className={`badge badge-health-${node.health}`}>{HEALTH_LABEL[node.health]}</span>
        </span>
      }
      actions={
        <>
          <button type="button" className="btn btn-small" onClick={() => onFocus(node.id)} title="Show only what is within a few hops of this node">
            Focus
          </button>
          {isService ? (
            <Link className="btn btn-small" to={`/services/${encodeURIComponent(node.name)}${carry ? `?${carry}` : ''}`}>
              Service page
            </Link>
          ) : null}
        </>
      }
    >
      <div className="map-drawer" data-testid="map-drawer">
        <div className="muted small map-drawer-sub">
          {TYPE_LABEL[node.type]}
          {node.system ? ` · ${node.system}` : ''}
          {node.namespace ? ` · namespace ${node.namespace}` : ''}
        </div>
        {isService && summary ? (
          <div className="map-drawer-owner small">
            <Ownership owner={summary.owner} component={summary.component} />
          </div>
        ) : null}
        {node.shared ? (
          <div className="notice notice-warn" data-testid="shared-callout">
            <b>Shared {node.type === 'database' ? 'database' : 'datastore'}.</b> Written by {node.writers.length} services: {node.writers.join(', ')}. A schema change here can break all of them, and none of them owns the data alone.
          </div>
        ) : null}
        {drift?.ownerless.has(node.id) ? <div className="notice notice-warn">No catalog component describes this service, so nobody owns it on paper.</div> : null}
        <Red r={node} />
        {isService ? (
          <SignalsState query={gs} height={200}>
            {(data) => <MiniSignals gs={data} />}
          </SignalsState>
        ) : (
          <>
            <div className="muted small">
              Calls to it, as its callers saw them{remote ? <> (<span className="mono">{source}</span>&apos;s service graph)</> : null}
            </div>
            <SignalsState query={gs} height={300}>
              {(data) =>
                data.series.length === 0 && data.notice ? (
                  <div className="notice notice-info" data-testid="node-signals-notice">
                    {data.notice}
                  </div>
                ) : (
                  <>
                    <CallSignals signals={data} testId="node-signals" latencyOf={remote ? 'all' : 'successful'} />
                    {remote && data.notice ? (
                      <div className="muted small" data-testid="node-signals-notice">
                        {data.notice}
                      </div>
                    ) : null}
                  </>
                )
              }
            </SignalsState>
          </>
        )}

        {remote ? (
          <LocalOnlyNote source={source} what="Traces" />
        ) : (
          <>
            <section className="drawer-section">
              <h3>
                Failing traces <Link to={tracesHref(params, traceService, { attr }, [['status', 'error']])} className="small">all</Link>
              </h3>
              <TraceList traces={failing.data} loading={failing.isPending} empty="No failing traces in this window." testId="drawer-failing-traces" />
            </section>
            <section className="drawer-section">
              <h3>
                Slowest traces{node.p95Ms !== null ? <span className="muted small"> · at least its p95, {formatDuration(node.p95Ms)}</span> : null}
              </h3>
              <TraceList traces={slow.data} loading={slow.isPending && node.p95Ms !== null} order="slowest" empty="No slow traces in this window." testId="drawer-slow-traces" />
            </section>
          </>
        )}

        <Neighbours title="Called by" edges={callers} side="source" map={map} onSelect={onSelect} />
        <Neighbours title={node.type === 'database' ? 'Uses' : 'Calls'} edges={callees} side="target" map={map} onSelect={onSelect} />
        {remote ? null : (
          <p className="muted small">
            <Link to={tracesLink}>Search traces{isService ? ` of ${node.name}` : ' touching this node'}</Link>
          </p>
        )}
      </div>
    </Drawer>
  );
}

function Neighbours({ title, edges, side, map, onSelect }: { title: string; edges: MapEdge[]; side: 'source' | 'target'; map: ServiceMap; onSelect: (s: MapSelection) => void }) {
  if (edges.length === 0) return null;
  return (
    <section className="drawer-section">
      <h3>{title}</h3>
      <table className="mini-table">
        <thead>
          <tr>
            <th>{side === 'source' ? 'Caller' : 'Callee'}</th>
            <th className="num">Rate</th>
            <th className="num">Errors</th>
            <th className="num">p95</th>
          </tr>
        </thead>
        <tbody>
          {[...edges]
            .sort((a, b) => b.rps - a.rps)
            .map((e) => {
              const other = map.nodes.find((n) => n.id === e[side]);
              return (
                <tr key={edgeId(e)} className="row-click" onClick={() => onSelect({ kind: 'edge', id: edgeId(e) })}>
                  <td>
                    {other ? nodeTitle(other) : e[side]}
                    {e.connectionType === 'messaging' ? <span className="muted small"> async</span> : null}
                  </td>
                  <td className="num">{formatRate(e.rps)}</td>
                  <td className={`num err-${edgeHealth(e)}`}>{formatPercent(e.errorRate)}</td>
                  <td className="num mono">{formatDuration(e.p95Ms)}</td>
                </tr>
              );
            })}
        </tbody>
      </table>
    </section>
  );
}

function EdgeDrawer({ edge, map, range, drift, onClose, onSelect }: { edge: MapEdge; map: ServiceMap; range: RangeSpec; drift: DriftOverlay | null; onClose: () => void; onSelect: (s: MapSelection) => void }) {
  const [params] = useSearchParams();
  const dataSource = useSource();
  const remote = dataSource !== 'local';
  const carry = carryParams(params, dataSource);
  const source = map.nodes.find((n) => n.id === edge.source);
  const target = map.nodes.find((n) => n.id === edge.target);
  const signals = useEdgeSignals(range, edge.source, edge.target, true, dataSource);
  const { service, scope } = edgeTraceScope(edge, source);
  const failing = useFailingTraces(range, service, scope, 6, !remote);
  const slow = useSlowTraces(range, service, edge.p95Ms, scope, 40, !remote);
  const state = drift?.edges.get(edgeId(edge));
  const name = (n: MapNode | undefined, id: string) => (n ? nodeTitle(n) : id);

  return (
    <Drawer
      width={500}
      onClose={onClose}
      title={
        <span className="map-drawer-title">
          <button type="button" className="linklike" onClick={() => onSelect({ kind: 'node', id: edge.source })}>
            {name(source, edge.source)}
          </button>
          <span className="muted">{edge.connectionType === 'messaging' ? '⇢' : '→'}</span>
          <button type="button" className="linklike" onClick={() => onSelect({ kind: 'node', id: edge.target })}>
            {name(target, edge.target)}
          </button>
        </span>
      }
    >
      <div className="map-drawer" data-testid="map-drawer">
        <div className="muted small map-drawer-sub">
          {CONNECTION_LABEL[edge.connectionType]}
          {state ? (
            <span className={`map-drift-chip map-drift-${state}`}>{state === 'confirmed' ? 'declared in the catalog' : state === 'undeclared' ? 'not declared in the catalog' : 'declared, not seen'}</span>
          ) : null}
        </div>
        <Red r={edge} />
        <div className="muted small">
          Calls from <b>{name(source, edge.source)}</b> to <b>{name(target, edge.target)}</b>, {remote ? <>from <span className="mono">{dataSource}</span>&apos;s service graph</> : 'as the caller saw them'}
        </div>
        {remote || source?.type !== 'service' ? null : <EdgeAlertButton map={map} source={edge.source} target={edge.target} />}
        <SignalsState query={signals} height={300}>
          {(data) => (
            <>
              <CallSignals signals={data} testId="edge-signals" latencyOf={remote ? 'all' : 'successful'} />
              {data.notice ? (
                <div className="muted small" data-testid="edge-signals-notice">
                  {data.notice}
                </div>
              ) : null}
            </>
          )}
        </SignalsState>
        {remote ? (
          <LocalOnlyNote source={dataSource} what="Releases and traces of an edge" />
        ) : (
          <>
            {edge.connectionType === 'sync' || edge.connectionType === 'virtual' ? <EdgeReleasesSection range={range} source={edge.source} target={edge.target} /> : null}
            <section className="drawer-section">
              <h3>
                Failing traces <Link to={tracesHref(params, service, scope, [['status', 'error']])} className="small">all</Link>
              </h3>
              <TraceList traces={failing.data} loading={failing.isPending} empty="No failing traces in this window." testId="drawer-failing-traces" />
            </section>
            <section className="drawer-section">
              <h3>
                Slowest traces{edge.p95Ms !== null ? <span className="muted small"> · at least the edge's p95, {formatDuration(edge.p95Ms)}</span> : null}
              </h3>
              <TraceList traces={slow.data} loading={slow.isPending && edge.p95Ms !== null} order="slowest" empty="No slow traces in this window." testId="drawer-slow-traces" />
            </section>
          </>
        )}
        <p className="small">
          {remote ? null : (
            <Link to={tracesHref(params, service, scope)} className="drawer-link">
              Search traces through this edge
            </Link>
          )}
          {[source, target]
            .filter((n): n is MapNode => n?.type === 'service')
            .map((n) => (
              <Link key={n.id} to={`/services/${encodeURIComponent(n.name)}${carry ? `?${carry}` : ''}`} className="drawer-link">
                {n.name} service page
              </Link>
            ))}
        </p>
      </div>
    </Drawer>
  );
}

/** A rule on this edge's error rate, latency or throughput, with caller and callee filled in. */
function EdgeAlertButton({ map, source, target }: { map: ServiceMap; source: string; target: string }) {
  const [open, setOpen] = useState(false);
  const services = map.nodes.filter((n) => n.type === 'service').map((n) => n.id);
  return (
    <div>
      <button type="button" className="btn btn-small" onClick={() => setOpen(true)} data-testid="edge-alert-button">
        Alert on this edge…
      </button>
      {open ? <AlertRuleDialog initial={null} service={source} target={target} services={services} takenIds={[]} onClose={() => setOpen(false)} onSaved={() => setOpen(false)} /> : null}
    </div>
  );
}
