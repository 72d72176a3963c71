// The service map: what talks to what in the window, laid out left to right off the main thread,
// with health colours, shared datastores flagged, edge rates, focus, filters and the catalog's
// declared dependencies laid over it.
import { useCallback, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useApi } from '../../api/query';
import { useShortcuts } from '../../app/shortcuts';
import { rangeLabel, useTimeRange } from '../../app/time-range';
import { useUpdateParams } from '../../app/url-state';
import { EmptyHint, ErrorBanner, SkeletonBlock, Spinner } from '../../ui/states';
import { ActiveFaultsBanner } from '../demo/ActiveFaultsBanner';
import { applyDrift, type DriftOverlay } from './drift';
import { edgeId, filterGraph, namespacesOf, searchNodes, topologyKey, type MapView, type ServiceMap } from './graph';
import { MapReleasesBar } from '../releases/MapReleasesBar';
import { SourcePicker, sourceInput, useSource } from '../datasources/SourcePicker';
import type { LayoutInput } from '../../ui/graph-layout/layout';
import { MapCanvas, type MapCanvasHandle, type MapSelection } from './MapCanvas';
import { MapDrawer } from './MapDrawer';
import { MapLegend } from './MapLegend';
import { NODE_H, nodeWidth } from './shapes';

/** Columns just far enough apart for a two-line edge label between them, so the fitted map is
 * as large as it can be. */
const MAP_SPACING = { rankSep: 100, nodeSep: 24 };
import { syntheticMap } from './synthetic';
import { useMapLayout } from './use-layout';
import './map.css';

const EMPTY: ServiceMap = { nodes: [], edges: [] };

function viewFrom(params: URLSearchParams): MapView {
  const depth = Number(params.get('depth') ?? 2);
  return {
    namespace: params.get('ns') ?? '',
    hideIdle: params.get('idle') === 'hide',
    focus: params.get('focus') || null,
    depth: Number.isFinite(depth) ? Math.max(1, Math.min(3, Math.round(depth))) : 2,
  };
}

export function MapPage() {
  const { spec, setRange } = useTimeRange();
  const [params] = useSearchParams();
  const update = useUpdateParams();
  const paramKey = params.toString();
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const view = useMemo(() => viewFrom(params), [paramKey]);
  const synthetic = Number(params.get('synthetic') ?? 0);
  const syntheticSeed = Number(params.get('seed') ?? 1) || 1;
  const compare = params.get('compare') === 'catalog';
  const labels = params.get('labels') !== 'off';
  const query = params.get('q') ?? '';
  const selection: MapSelection | null = params.get('sel') ? { kind: 'node', id: params.get('sel')! } : params.get('edge') ? { kind: 'edge', id: params.get('edge')! } : null;

  // The map of this store, or of a data source's service-graph series (polled: no live event
  // says those changed). The catalog comparison and releases are about this store only.
  const source = useSource();
  const remote = source !== 'local';
  const live = useApi('serviceMap', sourceInput(source), { range: spec, tables: remote ? [] : ['rollups'], placeholder: 'keep', enabled: !synthetic, refetchInterval: remote ? 30_000 : undefined });
  const sources = useApi('catalogSources', {}, { tables: [] });
  const catalogLoaded = (sources.data?.sources.length ?? 0) > 0 && !remote;
  const drift = useApi('catalogDrift', {}, { range: spec, tables: ['rollups'], placeholder: 'keep', enabled: compare && catalogLoaded && !synthetic });

  const generated = useMemo(() => (synthetic > 0 ? syntheticMap(Math.min(2000, synthetic), syntheticSeed) : null), [synthetic, syntheticSeed]);
  const map = generated ?? live.data ?? EMPTY;

  const set = useCallback(
    (change: (p: URLSearchParams) => void) =>
      update(
        (p) => {
          change(p);
        },
        { replace: true },
      ),
    [update],
  );
  const select = useCallback(
    (s: MapSelection | null) =>
      set((p) => {
        p.delete('sel');
        p.delete('edge');
        if (s) p.set(s.kind === 'node' ? 'sel' : 'edge', s.id);
      }),
    [set],
  );
  const focusOn = useCallback(
    (id: string | null) =>
      set((p) => {
        if (id) {
          p.set('focus', id);
          p.set('sel', id);
          p.delete('edge');
        } else p.delete('focus');
      }),
    [set],
  );

  const { graph, overlay } = useMemo(() => {
    const visible = filterGraph(map, view);
    if (!compare || !drift.data) return { graph: visible, overlay: null as DriftOverlay | null };
    const applied = applyDrift(visible, new Set(map.nodes.map((n) => n.id)), drift.data);
    return { graph: applied.graph, overlay: applied.overlay };
  }, [map, view, compare, drift.data]);

  const key = useMemo(() => topologyKey(graph.nodes, graph.edges), [graph]);
  const layoutInput = useCallback(
    (): LayoutInput => ({
      nodes: graph.nodes.map((n) => ({ id: n.id, width: nodeWidth(n), height: NODE_H })),
      edges: graph.edges.map((e) => ({ id: edgeId(e), source: e.source, target: e.target })),
      spacing: MAP_SPACING,
    }),
    [graph],
  );
  const layout = useMapLayout(key, layoutInput);

  const matches = useMemo(() => new Set(searchNodes(graph.nodes, query)), [graph.nodes, query]);
  const matchList = useMemo(() => searchNodes(graph.nodes, query), [graph.nodes, query]);
  const [matchIndex, setMatchIndex] = useState(0);
  const canvas = useRef<MapCanvasHandle>(null);

  const goToMatch = (step: number) => {
    if (matchList.length === 0) return;
    const i = (matchIndex + step + matchList.length) % matchList.length;
    setMatchIndex(i);
    select({ kind: 'node', id: matchList[i] });
    canvas.current?.centreOn(matchList[i]);
  };

  useShortcuts({
    '+': () => canvas.current?.zoomBy(1.25),
    '=': () => canvas.current?.zoomBy(1.25),
    '-': () => canvas.current?.zoomBy(0.8),
    '0': () => canvas.current?.fit(),
    f: () => selection?.kind === 'node' && focusOn(selection.id),
  });

  const namespaces = useMemo(() => namespacesOf(map), [map]);
  const fitKey = JSON.stringify([view, synthetic, syntheticSeed, compare]);
  const shared = graph.nodes.filter((n) => n.shared);
  const focusNode = view.focus ? map.nodes.find((n) => n.id === view.focus) : undefined;
  const loading = !synthetic && live.isPending;
  const shownLayout = layout.layout;

  return (
    <div className={`page-map${selection && !synthetic ? ' page-map-drawer' : ''}`}>
      <div className="map-head">
        <div>
          <h1>Service map</h1>
          <div className="page-sub" data-testid="map-summary">
            {loading ? (
              <span>&nbsp;</span>
            ) : (
              <>
                <span>
                  <b>{graph.nodes.length - (overlay?.ghostNodes.size ?? 0)}</b> nodes
                </span>
                <span>
                  <b>{graph.edges.length - (overlay?.totals.stale ?? 0)}</b> edges
                </span>
                {shared.length > 0 ? (
                  <span className="text-warn" title={shared.map((n) => `${n.name}: ${n.writers.join(', ')}`).join('\n')}>
                    <b>{shared.length}</b> shared datastore{shared.length === 1 ? '' : 's'}
                  </span>
                ) : null}
                {graph.cappedCount > 0 ? (
                  <span className="text-warn" title="The busiest part of the map is shown; nodes marked +N have more neighbours. Focus or filter to see the rest.">
                    <b>{graph.cappedCount}</b> nodes not shown
                  </span>
                ) : null}
                {overlay ? (
                  <span data-testid="drift-totals">
                    catalog: <b className="text-ok">{overlay.totals.confirmed}</b> confirmed · <b className="drift-undeclared-text">{overlay.totals.undeclared}</b> undeclared · <b>{overlay.totals.stale}</b> stale
                  </span>
                ) : null}
                <span className="muted" data-testid="layout-time"
                  data-ms={layout.layout ? Math.round(layout.layout.ms) : undefined}
                  data-graph={synthetic > 0 && layout.layoutKey === key ? `${synthetic}:${syntheticSeed}` : undefined} data-roundtrip-ms={layout.roundTripMs !== null ? Math.round(layout.roundTripMs) : undefined}>
                  {layout.pending ? <Spinner label="laying out…" /> : layout.layout ? `laid out in ${Math.round(layout.layout.ms)} ms` : null}
                </span>
              </>
            )}
          </div>
        </div>
        {synthetic > 0 ? (
          <div className="notice notice-info small">
            Generated map of {map.nodes.length} nodes and {map.edges.length} edges, for measuring layout.{' '}
            {layout.roundTripMs !== null ? `Worker answered in ${Math.round(layout.roundTripMs)} ms.` : ''}{' '}
            <button type="button" className="linklike" onClick={() => set((p) => p.set('seed', String(syntheticSeed + 1)))}>
              Another graph
            </button>
            {' · '}
            <button type="button" className="linklike" onClick={() => set((p) => ['synthetic', 'seed'].forEach((k) => p.delete(k)))}>
              Back to real data
            </button>
          </div>
        ) : null}
      </div>

      <ActiveFaultsBanner />
      <div className="map-toolbar" role="toolbar" aria-label="Map view">
        <SourcePicker capability="serviceGraph" onChange={() => select(null)} />
        <div className="map-search">
          <input
            className="input"
            type="search"
            placeholder="Find a node…   /"
            aria-label="Find a node"
            data-search-box
            value={query}
            onChange={(e) => {
              const v = e.target.value;
              setMatchIndex(-1);
              set((p) => (v ? p.set('q', v) : p.delete('q')));
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                goToMatch(e.shiftKey ? -1 : 1);
              }
            }}
          />
          {query ? (
            <span className="map-search-count muted small" aria-live="polite">
              {matchList.length === 0 ? 'no match' : `${Math.max(1, matchIndex + 1)} of ${matchList.length} · Enter`}
            </span>
          ) : null}
        </div>
        <label className="map-field">
          <span>Namespace</span>
          <select className="input" aria-label="Namespace" value={view.namespace} onChange={(e) => set((p) => (e.target.value ? p.set('ns', e.target.value) : p.delete('ns')))}>
            <option value="">All</option>
            {namespaces.map((ns) => (
              <option key={ns} value={ns}>
                {ns}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={view.hideIdle} onChange={(e) => set((p) => (e.target.checked ? p.set('idle', 'hide') : p.delete('idle')))} />
          Hide idle
        </label>
        <label className="check">
          <input type="checkbox" checked={labels} onChange={(e) => set((p) => (e.target.checked ? p.delete('labels') : p.set('labels', 'off')))} />
          Edge labels
        </label>
        <label className={`check${catalogLoaded ? '' : ' disabled'}`} title={catalogLoaded ? 'Colour edges by whether the catalog declares them' : remote ? 'The catalog is compared with this Loupe\'s own traces: switch the source to local' : 'No catalog is loaded: add catalog-info.yaml sources to compare declared dependencies with what the traces show'}>
          <input type="checkbox" disabled={!catalogLoaded} checked={compare && catalogLoaded} onChange={(e) => set((p) => (e.target.checked ? p.set('compare', 'catalog') : p.delete('compare')))} />
          Compare with catalog
        </label>
        {view.focus ? (
          <div className="map-focus" data-testid="map-focus">
            <span className="filter-chip">
              Focus: {focusNode?.name ?? view.focus}
              <button type="button" aria-label="Clear the focus" onClick={() => focusOn(null)}>
                ×
              </button>
            </span>
            <span className="muted small">hops</span>
            <div className="segmented" role="group" aria-label="Focus depth">
              {[1, 2, 3].map((d) => (
                <button key={d} type="button" className={`seg${view.depth === d ? ' seg-active' : ''}`} aria-pressed={view.depth === d} onClick={() => set((p) => p.set('depth', String(d)))}>
                  {d}
                </button>
              ))}
            </div>
          </div>
        ) : selection?.kind === 'node' ? (
          <button type="button" className="btn btn-small" onClick={() => focusOn(selection.id)} title="Show only nodes within a few hops of the selected one (f)">
            Focus on selection
          </button>
        ) : null}
        <div className="map-zoom">
          <button type="button" className="btn btn-small btn-icon" aria-label="Zoom out" title="Zoom out (-)" onClick={() => canvas.current?.zoomBy(0.8)}>
            −
          </button>
          <button type="button" className="btn btn-small btn-icon" aria-label="Zoom in" title="Zoom in (+)" onClick={() => canvas.current?.zoomBy(1.25)}>
            +
          </button>
          <button type="button" className="btn btn-small" aria-label="Fit to screen" title="Fit to screen (0)" onClick={() => canvas.current?.fit()}>
            Fit
          </button>
        </div>
      </div>

      {live.isError && !synthetic ? <ErrorBanner error={live.error} onRetry={() => void live.refetch()} what="Could not load the service map" /> : null}
      {layout.error ? <ErrorBanner error={layout.error} what="Could not lay out the map" /> : null}
      {compare && drift.isError ? <ErrorBanner error={drift.error} what="Could not compare with the catalog" /> : null}

      {!synthetic && !remote ? <MapReleasesBar range={spec} onSelect={select} /> : null}
      <div className="map-stage">
        {loading ? (
          <SkeletonBlock height={420} />
        ) : map.nodes.length === 0 && remote ? (
          <EmptyHint title={`${source} has no service-graph series in the ${rangeLabel(spec).toLowerCase()}`}>
            <span>
              The map of a data source is drawn from <span className="mono">traces_service_graph_request_total</span> (the OpenTelemetry Collector&apos;s servicegraph
              connector, Tempo&apos;s metrics-generator), span metrics, or <span className="mono">http_server_request_duration_seconds</span>.
            </span>
          </EmptyHint>
        ) : map.nodes.length === 0 ? (
          <EmptyHint title={`No service talked to another in the ${rangeLabel(spec).toLowerCase()}`}>
            <span>The map is drawn from client and server spans that call each other, and from database and messaging spans.</span>
            <button type="button" className="btn btn-small" onClick={() => setRange({ from: 'now-7d', to: 'now' })}>
              Show the last 7 days
            </button>
          </EmptyHint>
        ) : graph.nodes.length === 0 ? (
          <EmptyHint title="No node matches these filters">
            <button type="button" className="btn btn-small" onClick={() => set((p) => ['ns', 'idle', 'focus'].forEach((k) => p.delete(k)))}>
              Clear the filters
            </button>
          </EmptyHint>
        ) : (
          <>
            <MapCanvas
              handle={canvas}
              graph={graph}
              layout={shownLayout}
              fitKey={fitKey}
              selection={selection}
              matches={matches}
              drift={overlay}
              labels={labels}
              onSelect={select}
              onFocus={(id) => focusOn(id)}
              onExpand={(id) => focusOn(id)}
            />
            <MapLegend compare={!!overlay} folded={!!selection} />
          </>
        )}
      </div>

      {selection && !synthetic ? <MapDrawer selection={selection} map={map} range={spec} drift={overlay} onClose={() => select(null)} onSelect={select} onFocus={(id) => focusOn(id)} /> : null}
    </div>
  );
}
