// The map drawing: SVG with pan (drag), zoom (wheel, buttons, + - 0) and fit; nodes by type and
// health, edges by kind with req/s, error % and p95 labels. Panning only moves one transform;
// the nodes and edges re-render only when the data, the selection or the hover change.
import { memo, useCallback, useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState, type Ref } from 'react';
import { formatDuration, formatPercent, formatRate } from '../../ui/format';
import type { DriftOverlay } from './drift';
import { silenceText, useSourceActivity } from '../services/silence';
import { edgeHealth, edgeId, edgeWidth, nodeTitle, type MapEdge, type MapNode, type VisibleGraph } from './graph';
import type { LayoutResult } from '../../ui/graph-layout/layout';
import { placeLabels } from './labels';
import { EdgeMarkers, META_CHAR, NAME_CHARS, NODE_H, NodeGlyph, edgePath, markerId, nodeWidth, type EdgeHead, type EdgeTone } from './shapes';
import { centreOn, fitView, wheelFactor, zoomAt, type Viewport } from './viewport';
import { healthOf } from '../../../../common/service-map';

export interface MapSelection {
  kind: 'node' | 'edge';
  id: string;
}

export interface MapCanvasHandle {
  fit(): void;
  zoomBy(factor: number): void;
  centreOn(nodeId: string): void;
}

interface Props {
  graph: VisibleGraph;
  layout: LayoutResult | null;
  /** When this changes, the next layout is fitted to the screen (filters, not live refreshes). */
  fitKey: string;
  selection: MapSelection | null;
  matches: ReadonlySet<string>;
  drift: DriftOverlay | null;
  labels: boolean;
  onSelect: (s: MapSelection | null) => void;
  onFocus: (nodeId: string) => void;
  onExpand: (nodeId: string) => void;
  handle: Ref<MapCanvasHandle>;
}

interface Hover {
  kind: 'node' | 'edge';
  id: string;
  x: number;
  y: number;
}

/** Average glyph width of an edge label (11px), a little generous so boxes never touch. */
const LABEL_CHAR = 6.7;

/** Edge labels appear from this zoom on (and always on the selected part). */
const LABEL_ZOOM = 0.4;
/** Below this zoom labels are drawn larger in the map's units, so that on screen they stay at
 * this zoom's size (11px × 0.75 ≈ 8px): a wide map fitted to a laptop screen keeps readable
 * labels, and the placement makes room for their real size. */
const LABEL_SCREEN_ZOOM = 0.75;

export function MapCanvas({ graph, layout, fitKey, selection, matches, drift, labels, onSelect, onFocus, onExpand, handle }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const [size, setSize] = useState({ w: 0, h: 0 });
  const [view, setView] = useState<Viewport>({ x: 0, y: 0, k: 1 });
  const [hover, setHover] = useState<Hover | null>(null);
  const fitPending = useRef(true);
  const drag = useRef<{ x: number; y: number; view: Viewport; moved: boolean } | null>(null);
  const suppressClick = useRef(false);
  const viewRef = useRef(view);
  viewRef.current = view;

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setSize({ w: el.clientWidth, h: el.clientHeight });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // The view follows the map (fitted again when nodes come and go) until the user pans or zooms;
  // from then on it stays where they put it, until they fit again or change the filters.
  const userMoved = useRef(false);
  const fit = useCallback(() => {
    if (!layout || size.w === 0) return;
    userMoved.current = false;
    setView(fitView(layout.width, layout.height, size.w, size.h));
  }, [layout, size.w, size.h]);

  useEffect(() => {
    fitPending.current = true;
  }, [fitKey]);
  useEffect(() => {
    if (layout && size.w > 0 && (fitPending.current || !userMoved.current)) {
      fitPending.current = false;
      fit();
    }
  }, [layout, size.w, size.h, fit]);

  useImperativeHandle(
    handle,
    () => ({
      fit,
      zoomBy: (f) => {
        userMoved.current = true;
        setView((v) => zoomAt(v, f, size.w / 2, size.h / 2));
      },
      centreOn: (id) => {
        const p = layout?.nodes[id];
        if (!p) return;
        userMoved.current = true;
        setView((v) => centreOn(v, p.x, p.y, size.w, size.h, Math.max(v.k, 0.8)));
      },
    }),
    [fit, layout, size.w, size.h],
  );

  // Wheel zoom needs a non-passive listener to keep the page from scrolling.
  useEffect(() => {
    const el = svg.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      userMoved.current = true;
      const rect = el.getBoundingClientRect();
      setView((v) => zoomAt(v, wheelFactor(e.deltaY, e.deltaMode), e.clientX - rect.left, e.clientY - rect.top));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, []);

  const onPointerDown = (e: React.PointerEvent) => {
    if (e.button !== 0) return;
    drag.current = { x: e.clientX, y: e.clientY, view: viewRef.current, moved: false };
    const move = (ev: PointerEvent) => {
      const d = drag.current;
      if (!d) return;
      const dx = ev.clientX - d.x;
      const dy = ev.clientY - d.y;
      if (!d.moved && Math.hypot(dx, dy) < 4) return;
      d.moved = true;
      userMoved.current = true;
      setView({ ...d.view, x: d.view.x + dx, y: d.view.y + dy });
    };
    const up = () => {
      suppressClick.current = !!drag.current?.moved;
      drag.current = null;
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };

  const targetOf = (t: EventTarget | null) => (t as Element | null)?.closest?.('[data-node-id],[data-edge-id],[data-hidden-for]') as SVGElement | null;

  const onClick = (e: React.MouseEvent) => {
    if (suppressClick.current) {
      suppressClick.current = false;
      return;
    }
    const el = targetOf(e.target);
    if (!el) return onSelect(null);
    if (el.dataset.hiddenFor) return onExpand(el.dataset.hiddenFor);
    if (el.dataset.nodeId) return onSelect({ kind: 'node', id: el.dataset.nodeId });
    if (el.dataset.edgeId) return onSelect({ kind: 'edge', id: el.dataset.edgeId });
  };

  const onDoubleClick = (e: React.MouseEvent) => {
    const el = targetOf(e.target);
    if (el?.dataset.nodeId) onFocus(el.dataset.nodeId);
  };

  const onPointerOver = (e: React.PointerEvent) => {
    if (drag.current?.moved) return;
    const el = targetOf(e.target);
    const rect = box.current!.getBoundingClientRect();
    if (el?.dataset.nodeId) setHover({ kind: 'node', id: el.dataset.nodeId, x: e.clientX - rect.left, y: e.clientY - rect.top });
    else if (el?.dataset.edgeId) setHover({ kind: 'edge', id: el.dataset.edgeId, x: e.clientX - rect.left, y: e.clientY - rect.top });
    else setHover(null);
  };

  const detail = view.k >= LABEL_ZOOM;
  // In steps of 0.05, so zooming re-places the labels only when their size really changes.
  const labelScale = view.k >= LABEL_SCREEN_ZOOM ? 1 : Math.ceil((LABEL_SCREEN_ZOOM / Math.max(view.k, LABEL_ZOOM)) * 20) / 20;
  const emphasis = hover?.kind === 'node' && !selection ? { kind: 'node' as const, id: hover.id } : selection;

  const layers = useMemo(
    () => <Layers graph={graph} layout={layout} emphasis={emphasis} matches={matches} drift={drift} labels={labels} detail={detail} labelScale={labelScale} />,
    [graph, layout, emphasis?.kind, emphasis?.id, matches, drift, labels, detail, labelScale], // eslint-disable-line react-hooks/exhaustive-deps
  );

  const hovered = hover ? (hover.kind === 'node' ? graph.nodes.find((n) => n.id === hover.id) : graph.edges.find((e) => edgeId(e) === hover.id)) : undefined;

  return (
    <div className="map-canvas" ref={box} data-testid="map-canvas" data-zoom={view.k.toFixed(2)}>
      <svg
        ref={svg}
        className={`map-svg${drag.current?.moved ? ' map-dragging' : ''}`}
        width="100%"
        height="100%"
        role="img"
        aria-label="Service map"
        onPointerDown={onPointerDown}
        onClick={onClick}
        onDoubleClick={onDoubleClick}
        onPointerOver={onPointerOver}
        onPointerLeave={() => setHover(null)}
      >
        <EdgeMarkers />
        <g transform={`translate(${view.x},${view.y}) scale(${view.k})`}>{layers}</g>
      </svg>
      {hover && hovered ? <HoverCard hover={hover} item={hovered} drift={drift} width={size.w} /> : null}
    </div>
  );
}

// ---- layers --------------------------------------------------------------------------------

interface LayerProps {
  graph: VisibleGraph;
  layout: LayoutResult | null;
  emphasis: MapSelection | null;
  matches: ReadonlySet<string>;
  drift: DriftOverlay | null;
  labels: boolean;
  detail: boolean;
  /** How much larger than 11px labels are drawn in map units (1 from LABEL_SCREEN_ZOOM up). */
  labelScale: number;
}

const Layers = memo(function Layers({ graph, layout, emphasis, matches, drift, labels, detail, labelScale }: LayerProps) {
  const related = useMemo(() => {
    if (!emphasis) return null;
    const nodes = new Set<string>();
    const edges = new Set<string>();
    if (emphasis.kind === 'node') {
      nodes.add(emphasis.id);
      for (const e of graph.edges) {
        if (e.source === emphasis.id || e.target === emphasis.id) {
          edges.add(edgeId(e));
          nodes.add(e.source);
          nodes.add(e.target);
        }
      }
    } else {
      const e = graph.edges.find((x) => edgeId(x) === emphasis.id);
      if (e) {
        edges.add(emphasis.id);
        nodes.add(e.source);
        nodes.add(e.target);
      }
    }
    return { nodes, edges };
  }, [graph, emphasis]);

  const drawn = useMemo(() => (layout ? graph.edges.filter((e) => layout.edges[edgeId(e)] && layout.nodes[e.source] && layout.nodes[e.target]) : []), [graph, layout]);
  const widths = useMemo(() => new Map(graph.nodes.map((n) => [n.id, nodeWidth(n)])), [graph.nodes]);

  // Labels of the emphasised edges first, then failing and degraded ones, then by traffic.
  const labelled = useMemo(() => {
    if (!layout || !labels) return [];
    const shown = drawn.filter((e) => e.calls > 0 && (related ? related.edges.has(edgeId(e)) : detail));
    const rank = (e: MapEdge) => ({ failing: 3, degraded: 2, healthy: 1, idle: 0 })[edgeHealth(e)];
    shown.sort((a, b) => rank(b) - rank(a) || b.rps - a.rps);
    // Nodes with the badges that stick out above and below them (shared, silent, no owner).
    const obstacles = graph.nodes.filter((n) => layout.nodes[n.id]).map((n) => ({ ...layout.nodes[n.id], w: widths.get(n.id)!, h: NODE_H + 20 }));
    const spots = placeLabels(
      shown.map((e) => {
        const [a, b] = labelText(e);
        return { id: edgeId(e), points: layout.edges[edgeId(e)], w: (Math.max(a.length, b.length) * LABEL_CHAR + 8) * labelScale, h: 26 * labelScale };
      }),
      obstacles,
    );
    return shown.filter((e) => spots.has(edgeId(e))).map((e) => ({ edge: e, at: spots.get(edgeId(e))! }));
  }, [drawn, graph.nodes, layout, labels, related, detail, widths, labelScale]);

  if (!layout) return null;
  const maxRps = Math.max(0, ...graph.edges.map((e) => e.rps));

  return (
    <>
      <g className="map-edges">
        {drawn.map((e) => {
          const id = edgeId(e);
          const state = drift?.edges.get(id);
          return (
            <EdgeShape
              key={id}
              edge={e}
              id={id}
              points={layout.edges[id]}
              width={edgeWidth(e.rps, maxRps)}
              drift={drift ? (state ?? 'unknown') : null}
              selected={emphasis?.kind === 'edge' && emphasis.id === id}
              dim={!!related && !related.edges.has(id)}
            />
          );
        })}
      </g>
      {labels ? (
        <g className="map-edge-labels" aria-hidden>
          {labelled.map(({ edge, at }) => (
            <EdgeLabel key={edgeId(edge)} edge={edge} x={at.x} y={at.y} scale={labelScale} />
          ))}
        </g>
      ) : null}
      <g className="map-nodes">
        {graph.nodes.map((n) => {
          const p = layout.nodes[n.id];
          if (!p) return null;
          return (
            <NodeShape
              key={n.id}
              node={n}
              x={p.x}
              y={p.y}
              selected={emphasis?.kind === 'node' && emphasis.id === n.id}
              dim={!!related && !related.nodes.has(n.id)}
              match={matches.has(n.id)}
              hidden={graph.hiddenNeighbours.get(n.id) ?? 0}
              w={widths.get(n.id)!}
              ghost={!!drift?.ghostNodes.has(n.id)}
              ownerless={!!drift?.ownerless.has(n.id)}
            />
          );
        })}
      </g>
    </>
  );
});

function edgeHead(e: MapEdge): EdgeHead {
  return e.connectionType === 'messaging' ? 'async' : e.connectionType === 'database' ? 'db' : 'sync';
}

function EdgeShape({
  edge,
  id,
  points,
  width,
  drift,
  selected,
  dim,
}: {
  edge: MapEdge;
  id: string;
  points: LayoutResult['edges'][string];
  width: number;
  drift: EdgeTone | 'unknown' | null;
  selected: boolean;
  dim: boolean;
}) {
  const d = edgePath(points);
  const health = edgeHealth(edge);
  const tone: EdgeTone = selected ? 'selected' : drift && drift !== 'unknown' ? drift : drift === 'unknown' ? 'idle' : health;
  const kind = drift === 'stale' ? 'stale' : edge.connectionType;
  return (
    <g
      className={`map-edge edge-${kind} tone-${tone}${dim ? ' dim' : ''}${drift === 'unknown' ? ' drift-unknown' : ''}`}
      data-edge-id={id}
      data-connection={edge.connectionType}
      data-health={health}
      data-drift={drift ?? undefined}
    >
      <path className="edge-line" d={d} strokeWidth={drift === 'stale' ? 1.6 : width} markerEnd={`url(#${markerId(edgeHead(edge), tone)})`} />
      <path className="edge-hit" d={d} />
    </g>
  );
}

/** Rate and error share on the first line, p95 on the second: short enough for the gap between
 * two columns of nodes. */
function labelText(e: MapEdge): [string, string] {
  const rate = formatRate(e.rps).replace(' req/', '/');
  return [e.errors > 0 ? `${rate} · ${formatPercent(e.errorRate)}` : rate, e.p95Ms !== null ? `p95 ${formatDuration(e.p95Ms)}` : ''];
}

function EdgeLabel({ edge, x, y, scale }: { edge: MapEdge; x: number; y: number; scale: number }) {
  const health = edgeHealth(edge);
  const rate = formatRate(edge.rps).replace(' req/', '/');
  return (
    <text className="edge-label" x={x} y={y - 3 * scale} textAnchor="middle" style={scale === 1 ? undefined : { fontSize: 11 * scale }}>
      <tspan>{rate}</tspan>
      {edge.errors > 0 ? <tspan className={`err-${health}`}> · {formatPercent(edge.errorRate)}</tspan> : null}
      {edge.p95Ms !== null ? (
        <tspan x={x} dy={13 * scale} className="edge-label-lat">
          p95 {formatDuration(edge.p95Ms)}
        </tspan>
      ) : null}
    </text>
  );
}

function fit(text: string, chars: number): string {
  return text.length > chars ? `${text.slice(0, chars - 1)}…` : text;
}

/** The rate line of a node: "5.3/s · 0.39%", with the system first for datastores and queues. */
function nodeMeta(n: MapNode): string {
  const rate = n.calls > 0 ? formatRate(n.rps).replace(' req/', '/') : 'idle';
  const err = n.calls > 0 && n.errors > 0 ? ` · ${formatPercent(n.errorRate)}` : '';
  if (n.type === 'database' || n.type === 'queue') return `${n.system ? `${n.system} · ` : ''}${rate}${err}`;
  return `${rate}${err}`;
}

function NodeShape({
  node,
  x,
  y,
  selected,
  dim,
  match,
  hidden,
  w,
  ghost,
  ownerless,
}: {
  node: MapNode;
  x: number;
  y: number;
  selected: boolean;
  dim: boolean;
  match: boolean;
  hidden: number;
  w: number;
  ghost: boolean;
  ownerless: boolean;
}) {
  const title = nodeTitle(node);
  // A service that stopped sending is marked on its node (a silent node otherwise just looks idle).
  const activity = useSourceActivity().data?.services.find((s) => s.service === node.name && node.type === 'service');
  const silent = activity?.silent ? activity : null;
  const cls = ['map-node', `type-${node.type}`, `health-${node.health}`, selected && 'selected', dim && 'dim', match && 'match', ghost && 'ghost', node.shared && 'shared', silent && 'silent'].filter(Boolean).join(' ');
  return (
    <g className={cls} transform={`translate(${x - w / 2},${y - NODE_H / 2})`} data-node-id={node.id} data-type={node.type} data-health={node.health} data-shared={node.shared || undefined} data-silent={silent ? true : undefined}>
      <rect className="node-card" width={w} height={NODE_H} rx={8} />
      <g transform={`translate(8,${(NODE_H - 30) / 2})`}>
        <NodeGlyph type={node.type} />
      </g>
      <text className="node-name" x={46} y={20.5}>
        {fit(title, NAME_CHARS)}
      </text>
      <text className="node-meta" x={46} y={36}>
        {ghost ? 'not seen' : fit(nodeMeta(node), Math.floor((w - 54) / META_CHAR))}
      </text>
      {node.shared ? (
        <g className="shared-badge" transform={`translate(${w - 66},-9)`} data-testid="shared-badge">
          <title>{`Shared datastore: written by ${node.writers.length} services (${node.writers.join(', ')}). Services sharing a database are coupled through its schema.`}</title>
          <rect width={62} height={18} rx={9} />
          <text x={31} y={12.5} textAnchor="middle">
            shared ×{node.writers.length}
          </text>
        </g>
      ) : null}
      {silent ? (
        <g className="silent-badge" transform={`translate(8,-9)`} data-testid="map-silent-badge">
          <title>{`Silent: ${silenceText(silent)}`}</title>
          <rect width={52} height={18} rx={9} />
          <text x={26} y={12.5} textAnchor="middle">
            silent
          </text>
        </g>
      ) : null}
      {ownerless ? (
        <g className="ownerless-badge" transform={`translate(${w - 72},${NODE_H - 9})`}>
          <title>No catalog component describes this service, so it has no owner.</title>
          <rect width={66} height={18} rx={9} />
          <text x={33} y={12.5} textAnchor="middle">
            no owner
          </text>
        </g>
      ) : null}
      {hidden > 0 ? (
        <g className="hidden-marker" transform={`translate(${w + 4},${NODE_H / 2 - 9})`} data-hidden-for={node.id}>
          <title>{`${hidden} more connected node${hidden === 1 ? '' : 's'} not shown — click to focus here`}</title>
          <rect width={30} height={18} rx={9} />
          <text x={15} y={12.5} textAnchor="middle">
            +{hidden}
          </text>
        </g>
      ) : null}
    </g>
  );
}

// ---- hover card ----------------------------------------------------------------------------

const TYPE_LABEL: Record<MapNode['type'], string> = { service: 'Service', database: 'Database', queue: 'Queue', external: 'External peer' };
const CONNECTION_LABEL: Record<MapEdge['connectionType'], string> = { sync: 'Request', messaging: 'Messaging (async)', database: 'Database call', virtual: 'Call to an uninstrumented peer' };
const DRIFT_LABEL = { confirmed: 'Declared in the catalog and seen', undeclared: 'Seen, but not declared in the catalog', stale: 'Declared in the catalog, not seen in this window' };

function HoverCard({ hover, item, drift, width }: { hover: Hover; item: MapNode | MapEdge; drift: DriftOverlay | null; width: number }) {
  const left = hover.x + 300 > width ? hover.x - 296 : hover.x + 16;
  const style = { left: Math.max(8, left), top: hover.y + 14 };
  if (hover.kind === 'node') {
    const n = item as MapNode;
    return (
      <div className="map-hover" style={style} role="tooltip">
        <div className="map-hover-title">{nodeTitle(n)}</div>
        <div className="muted small">
          {TYPE_LABEL[n.type]}
          {n.system ? ` · ${n.system}` : ''}
          {n.namespace ? ` · ${n.namespace}` : ''}
        </div>
        {n.calls > 0 ? <RedLine r={n} /> : <div className="muted small">No requests in this window</div>}
        {n.shared ? (
          <div className="map-hover-warn">
            Shared: written by <b>{n.writers.join(', ')}</b>
          </div>
        ) : n.writers.length > 0 && n.type === 'database' ? (
          <div className="muted small">Written by {n.writers.join(', ')}</div>
        ) : null}
        {drift?.ownerless.has(n.id) ? <div className="map-hover-warn">No owner in the catalog</div> : null}
      </div>
    );
  }
  const e = item as MapEdge;
  const state = drift?.edges.get(edgeId(e));
  return (
    <div className="map-hover" style={style} role="tooltip">
      <div className="map-hover-title">
        {e.source.replace(/^\w+:[^/]*\//, '')} → {e.target.replace(/^\w+:[^/]*\//, '')}
      </div>
      <div className="muted small">{CONNECTION_LABEL[e.connectionType]}</div>
      {state ? <div className={`map-hover-drift map-drift-${state}`}>{DRIFT_LABEL[state]}</div> : null}
      {e.calls > 0 ? <RedLine r={e} /> : null}
    </div>
  );
}

function RedLine({ r }: { r: Pick<MapNode, 'rps' | 'errorRate' | 'errors' | 'p50Ms' | 'p95Ms' | 'p99Ms'> }) {
  return (
    <dl className="map-hover-red">
      <dt>rate</dt>
      <dd>{formatRate(r.rps)}</dd>
      <dt>errors</dt>
      <dd className={r.errors > 0 ? `err-${healthOf(r.errorRate, 1)}` : ''}>{formatPercent(r.errorRate)}</dd>
      <dt>p50 / p95 / p99</dt>
      <dd className="mono">
        {formatDuration(r.p50Ms)} / {formatDuration(r.p95Ms)} / {formatDuration(r.p99Ms)}
      </dd>
    </dl>
  );
}
