// Drawing primitives of the map: node glyphs by type, edge curves, arrowheads.
import { nodeTitle, type MapNode } from './graph';
import type { Point } from '../../ui/graph-layout/layout';

export const NODE_H = 46;
const GLYPH = 30;
/** Characters of a node's name drawn before it is cut with an ellipsis. */
export const NAME_CHARS = 24;

/** Average glyph widths of a node's name (13.5px, bold) and of its rate line (11.5px). */
const NAME_CHAR = 8.8;
export const META_CHAR = 6.6;
/** Characters of the rate line's numbers at their widest: "1.23k/s · 12.3%". */
const META_NUMBERS = 15;

/**
 * A node's width from its name and system alone (not its numbers, so live updates never change
 * the layout): the glyph, the name, and room for the widest rate line it can show, so neither
 * line is cut.
 */
export function nodeWidth(n: Pick<MapNode, 'name' | 'system' | 'type'>): number {
  const name = Math.min(NAME_CHARS, nodeTitle(n).length) * NAME_CHAR;
  const system = (n.type === 'database' || n.type === 'queue') && n.system ? n.system.length + 3 : 0;
  const meta = (system + META_NUMBERS) * META_CHAR;
  return Math.round(Math.max(140, Math.min(300, 46 + Math.max(name, meta) + 12)));
}

/**
 * A left-to-right curve through the route's points: each stretch leaves and arrives
 * horizontally (as d3's linkHorizontal does), so fan-outs read like a tree.
 */
export function edgePath(points: readonly Point[]): string {
  if (points.length === 0) return '';
  let d = `M${r(points[0].x)},${r(points[0].y)}`;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (b.x <= a.x) {
      d += `L${r(b.x)},${r(b.y)}`;
      continue;
    }
    const dx = (b.x - a.x) / 2;
    d += `C${r(a.x + dx)},${r(a.y)} ${r(b.x - dx)},${r(b.y)} ${r(b.x)},${r(b.y)}`;
  }
  return d;
}

const r = (n: number) => Math.round(n * 10) / 10;

/** The node's type as a shape: services round, databases cylinders, queues pipes, peers globes. */
export function NodeGlyph({ type }: { type: MapNode['type'] }) {
  const g = GLYPH;
  switch (type) {
    case 'database':
      return (
        <g className="glyph glyph-database">
          <path d={`M3,6 a${g / 2 - 3},5 0 0,1 ${g - 6},0 v${g - 12} a${g / 2 - 3},5 0 0,1 -${g - 6},0 z`} />
          <path className="glyph-line" d={`M3,6 a${g / 2 - 3},5 0 0,0 ${g - 6},0`} />
          <path className="glyph-line" d={`M3,${g / 2} a${g / 2 - 3},5 0 0,0 ${g - 6},0`} />
        </g>
      );
    case 'queue':
      return (
        <g className="glyph glyph-queue">
          <rect x={1} y={8} width={g - 2} height={g - 16} rx={3} />
          {[0.3, 0.5, 0.7].map((f) => (
            <line key={f} className="glyph-line" x1={1 + (g - 2) * f} x2={1 + (g - 2) * f} y1={11} y2={g - 11} />
          ))}
        </g>
      );
    case 'external':
      return (
        <g className="glyph glyph-external">
          <circle cx={g / 2} cy={g / 2} r={g / 2 - 2} />
          <ellipse className="glyph-line" cx={g / 2} cy={g / 2} rx={(g / 2 - 2) * 0.45} ry={g / 2 - 2} />
          <line className="glyph-line" x1={2} x2={g - 2} y1={g / 2} y2={g / 2} />
        </g>
      );
    default:
      return (
        <g className="glyph glyph-service">
          <circle cx={g / 2} cy={g / 2} r={g / 2 - 2} />
          <circle className="glyph-core" cx={g / 2} cy={g / 2} r={4} />
        </g>
      );
  }
}

export const EDGE_TONES = ['healthy', 'degraded', 'failing', 'idle', 'selected', 'confirmed', 'undeclared', 'stale'] as const;
export type EdgeTone = (typeof EDGE_TONES)[number];
export type EdgeHead = 'sync' | 'async' | 'db';

export const markerId = (head: EdgeHead, tone: EdgeTone) => `map-head-${head}-${tone}`;

/** Arrowheads for each head shape and tone: filled for requests, open for messages, a dot for
 * datastore calls. Sized in screen units so thick edges do not get huge heads. */
export function EdgeMarkers() {
  return (
    <defs>
      {EDGE_TONES.flatMap((tone) => [
        <marker key={`s${tone}`} id={markerId('sync', tone)} className={`edge-head tone-${tone}`} viewBox="0 0 10 10" refX={9.5} refY={5} markerWidth={9} markerHeight={9} markerUnits="userSpaceOnUse" orient="auto">
          <path d="M0,1 L10,5 L0,9 z" />
        </marker>,
        <marker key={`a${tone}`} id={markerId('async', tone)} className={`edge-head edge-head-open tone-${tone}`} viewBox="0 0 10 10" refX={9} refY={5} markerWidth={10} markerHeight={10} markerUnits="userSpaceOnUse" orient="auto">
          <path d="M1,1 L9,5 L1,9" />
        </marker>,
        <marker key={`d${tone}`} id={markerId('db', tone)} className={`edge-head tone-${tone}`} viewBox="0 0 10 10" refX={8} refY={5} markerWidth={7} markerHeight={7} markerUnits="userSpaceOnUse" orient="auto">
          <circle cx={5} cy={5} r={3.6} />
        </marker>,
      ])}
    </defs>
  );
}
