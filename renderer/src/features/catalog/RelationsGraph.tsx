// The entities around one entity, laid out left to right: depth and relation types are
// chosen above the graph (and kept in the URL); a click on a node opens that entity.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent, type WheelEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type { CatalogRelationType } from '../../../../common/api/catalog-schemas';
import { useUpdateParams } from '../../app/url-state';
import { ErrorBanner, SkeletonBlock, Spinner } from '../../ui/states';
import { NODE_TEXT_X, SUB_CHAR, TITLE_CHAR, collapseCrowds, edgePath, nodeLines, type GraphLayout, type LaidOutNode } from './graph-layout';
import { useCatalogGraph } from './hooks';
import { KindIcon, useRangeSuffix } from './parts';
import { GRAPH_RELATIONS } from './relations';
import { displayName, entityPath, kindLabel } from './refs';
import { useGraphLayout } from './useGraphLayout';

const DEFAULT_DEPTH = 2;

export function RelationsGraph({ rootRef }: { rootRef: string }) {
  const [params] = useSearchParams();
  const update = useUpdateParams();
  const depth = Math.max(1, Math.min(5, Number(params.get('depth') ?? DEFAULT_DEPTH) || DEFAULT_DEPTH));
  const rels = params.getAll('rel').filter((r) => GRAPH_RELATIONS.some((g) => g.type === r)) as CatalogRelationType[];
  const graph = useCatalogGraph({ ref: rootRef, depth, relations: rels.length ? rels : undefined });
  const [full, setFull] = useState(false);
  const shown = useMemo(() => {
    if (!graph.data) return undefined;
    const c = full ? { nodes: graph.data.nodes, edges: graph.data.edges, hidden: 0 } : collapseCrowds(graph.data);
    return { ...graph.data, nodes: c.nodes, edges: c.edges, hidden: c.hidden };
  }, [graph.data, full]);
  const { layout, error, pending } = useGraphLayout(shown);

  const toggleRel = (type: string) =>
    update((p) => {
      const current = p.getAll('rel');
      // No `rel` means every type: unchecking one keeps the others.
      const on = current.length === 0 ? GRAPH_RELATIONS.map((r) => r.type as string) : current;
      const next = on.includes(type) ? on.filter((r) => r !== type) : [...on, type];
      p.delete('rel');
      if (next.length < GRAPH_RELATIONS.length) for (const r of next) p.append('rel', r);
    });

  return (
    <div className="graph-page" data-testid="relations-graph">
      <div className="graph-toolbar">
        <label className="graph-depth">
          <span className="muted">Depth</span>
          <select className="input" value={depth} aria-label="Depth" onChange={(e) => update((p) => p.set('depth', e.target.value))}>
            {[1, 2, 3, 4, 5].map((d) => (
              <option key={d} value={d}>
                {d} {d === 1 ? 'hop' : 'hops'}
              </option>
            ))}
          </select>
        </label>
        <div className="graph-rels" role="group" aria-label="Relation types">
          {GRAPH_RELATIONS.map((r) => {
            const on = rels.length === 0 || rels.includes(r.type);
            return (
              <label key={r.type} className={`graph-rel${on ? ' graph-rel-on' : ''}`}>
                <input type="checkbox" checked={on} onChange={() => toggleRel(r.type)} />
                <span className={`rel-swatch rel-${r.type}`} />
                {r.label}
              </label>
            );
          })}
          {rels.length ? (
            <button type="button" className="linklike small" onClick={() => update((p) => p.delete('rel'))}>
              all
            </button>
          ) : null}
        </div>
        <span className="muted small graph-count">
          {graph.data ? (
            <>
              <b>{graph.data.nodes.length}</b> entities · <b>{graph.data.edges.length}</b> relations
            </>
          ) : null}
          {pending || graph.isFetching ? <Spinner /> : null}
        </span>
      </div>
      {shown && shown.hidden > 0 ? (
        <div className="cat-notice cat-notice-muted">
          {shown.hidden} entities are folded into “more” nodes so the graph stays readable.{' '}
          <button type="button" className="linklike" onClick={() => setFull(true)}>
            Show all {graph.data?.nodes.length}
          </button>
        </div>
      ) : null}
      {graph.data?.truncated ? (
        <div className="cat-notice">The neighbourhood is larger than {graph.data.nodes.length} entities; the nearest are shown. Lower the depth or pick fewer relation types.</div>
      ) : null}
      {graph.isError ? <ErrorBanner error={graph.error} what="Could not load the graph" /> : null}
      {error ? <ErrorBanner error={error} what="Could not lay out the graph" /> : null}
      {layout ? <GraphCanvas layout={layout} rootRef={graph.data?.root ?? rootRef} onExpand={() => setFull(true)} /> : <SkeletonBlock height={420} />}
    </div>
  );
}

interface View {
  x: number;
  y: number;
  k: number;
}

/** Below this scale labels cannot be read: large graphs open around the root instead. */
const MIN_READABLE = 0.5;

function fit(layout: GraphLayout, w: number, h: number, rootRef: string, whole = false): View {
  const k = Math.min(1.25, (w - 24) / Math.max(1, layout.width), (h - 24) / Math.max(1, layout.height));
  const root = layout.nodes.find((n) => n.ref === rootRef);
  if (k >= MIN_READABLE || whole || !root) return { k, x: (w - layout.width * k) / 2, y: (h - layout.height * k) / 2 };
  const readable = 0.75;
  return { k: readable, x: Math.min(16, w / 3 - root.x * readable), y: h / 2 - root.y * readable };
}

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, Math.max(1, max - 1))}…` : s;
}

function GraphCanvas({ layout, rootRef, onExpand }: { layout: GraphLayout; rootRef: string; onExpand: () => void }) {
  const navigate = useNavigate();
  const suffix = useRangeSuffix();
  const box = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<View>({ x: 0, y: 0, k: 1 });
  const [hover, setHover] = useState<string | null>(null);
  const drag = useRef<{ x: number; y: number; vx: number; vy: number; moved: boolean } | null>(null);

  const refit = useCallback(
    (whole = false) => {
      const el = box.current;
      if (el) setView(fit(layout, el.clientWidth, el.clientHeight, rootRef, whole));
    },
    [layout, rootRef],
  );
  useLayoutEffect(() => refit(), [refit]);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => refit());
    ro.observe(el);
    return () => ro.disconnect();
  }, [refit]);

  const zoomAt = (factor: number, cx: number, cy: number) =>
    setView((v) => {
      const k = Math.max(0.15, Math.min(3, v.k * factor));
      const f = k / v.k;
      return { k, x: cx - (cx - v.x) * f, y: cy - (cy - v.y) * f };
    });
  const onWheel = (e: WheelEvent<SVGSVGElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top);
  };
  const onDown = (e: ReactPointerEvent<SVGSVGElement>) => {
    drag.current = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, moved: false };
  };
  const onMove = (e: ReactPointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d || e.buttons === 0) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < 4) return;
    if (!d.moved) e.currentTarget.setPointerCapture(e.pointerId);
    d.moved = true;
    setView((v) => ({ ...v, x: d.vx + dx, y: d.vy + dy }));
  };
  const onUp = () => {
    window.setTimeout(() => (drag.current = null), 0);
  };
  const open = (n: LaidOutNode) => {
    if (drag.current?.moved || !n.exists) return;
    if (n.hidden) onExpand();
    else navigate(entityPath(n.ref) + suffix);
  };

  const linked = useMemo(() => {
    if (!hover) return null;
    const s = new Set([hover]);
    for (const e of layout.edges) if (e.source === hover || e.target === hover) s.add(e.source).add(e.target);
    return s;
  }, [hover, layout]);

  return (
    <div className="graph-canvas" ref={box}>
      <div className="graph-zoom">
        <button type="button" className="btn btn-small btn-icon" aria-label="Zoom in" onClick={() => zoomAt(1.25, (box.current?.clientWidth ?? 0) / 2, (box.current?.clientHeight ?? 0) / 2)}>
          +
        </button>
        <button type="button" className="btn btn-small btn-icon" aria-label="Zoom out" onClick={() => zoomAt(0.8, (box.current?.clientWidth ?? 0) / 2, (box.current?.clientHeight ?? 0) / 2)}>
          −
        </button>
        <button type="button" className="btn btn-small" onClick={() => refit(true)} title="Show the whole graph">
          Fit
        </button>
      </div>
      <div className="graph-hint muted small">drag to pan · scroll to zoom · click an entity to open it</div>
      <svg className="graph-svg" width="100%" height="100%" onWheel={onWheel} onPointerDown={onDown} onPointerMove={onMove} onPointerUp={onUp} role="img" aria-label="Relations graph">
        <defs>
          {GRAPH_RELATIONS.map((r) => (
            <marker key={r.type} id={`arrow-${r.type}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,1 L9,5 L0,9 z" className={`rel-fill-${r.type}`} />
            </marker>
          ))}
        </defs>
        <g transform={`translate(${view.x},${view.y}) scale(${view.k})`}>
          {layout.edges.map((e, i) => {
            const dim = linked && !(linked.has(e.source) && linked.has(e.target) && (e.source === hover || e.target === hover));
            return (
              <g key={i} className={`gedge rel-${e.type}${dim ? ' gdim' : ''}`} data-edge={`${e.source} ${e.type} ${e.target}`}>
                <path d={edgePath(e.points)} markerEnd={`url(#arrow-${e.type})`} />
                <text x={e.labelX} y={e.labelY} className="gedge-label" textAnchor="middle" dominantBaseline="middle">
                  {GRAPH_RELATIONS.find((r) => r.type === e.type)?.label ?? e.type}
                </text>
              </g>
            );
          })}
          {layout.nodes.map((n) => {
            const root = n.ref === rootRef;
            const dim = linked && !linked.has(n.ref);
            const lines = nodeLines(n, kindLabel(n.kind));
            const room = n.width - NODE_TEXT_X - 8;
            return (
              <g
                key={n.ref}
                className={`gnode kind-node-${n.kind.toLowerCase()}${root ? ' groot' : ''}${n.exists ? '' : ' gmissing'}${n.hidden ? ' gmore' : ''}${dim ? ' gdim' : ''}`}
                transform={`translate(${n.x - n.width / 2},${n.y - n.height / 2})`}
                onClick={() => open(n)}
                onMouseEnter={() => setHover(n.ref)}
                onMouseLeave={() => setHover(null)}
                data-node={n.ref}
                role="link"
                aria-label={`${kindLabel(n.kind)} ${displayName(n)}`}
              >
                <title>{n.hidden ? `${n.hidden} more ${kindLabel(n.kind)} entities: click to show them all` : `${kindLabel(n.kind)} ${n.ref}${n.exists ? '' : ' (not declared anywhere)'}`}</title>
                <rect width={n.width} height={n.height} rx={6} />
                <g transform="translate(10,13)" className="gnode-icon">
                  <KindIcon kind={n.kind} size={16} />
                </g>
                <text x={NODE_TEXT_X} y={17} className="gnode-title">
                  {truncate(lines.title, Math.floor(room / TITLE_CHAR))}
                </text>
                <text x={NODE_TEXT_X} y={31} className="gnode-sub">
                  {truncate(lines.sub, Math.floor(room / SUB_CHAR))}
                </text>
              </g>
            );
          })}
        </g>
      </svg>
    </div>
  );
}
