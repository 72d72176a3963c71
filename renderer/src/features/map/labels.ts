// Where edge labels go: along each edge's curve, busiest edges first, sliding away from the
// middle when the spot is taken by another label or a node, and left out (shown on hover) when
// no spot is free — a crowded fan-in stays readable.
import type { Point } from '../../ui/graph-layout/layout';

export interface Box {
  /** Centre. */
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface LabelRequest {
  id: string;
  points: readonly Point[];
  w: number;
  h: number;
}

const CANDIDATES = [0.5, 0.38, 0.62, 0.28, 0.72, 0.2, 0.8];
const GAP = 3;

function overlaps(a: Box, b: Box): boolean {
  return Math.abs(a.x - b.x) * 2 < a.w + b.w + GAP * 2 && Math.abs(a.y - b.y) * 2 < a.h + b.h + GAP * 2;
}

/** The point at fraction `t` of a route drawn as edgePath draws it (horizontal-tangent cubics). */
export function pointOnRoute(points: readonly Point[], t: number): Point {
  if (points.length === 0) return { x: 0, y: 0 };
  if (points.length === 1) return points[0];
  const lengths: number[] = [];
  let total = 0;
  for (let i = 1; i < points.length; i++) {
    const l = Math.hypot(points[i].x - points[i - 1].x, points[i].y - points[i - 1].y);
    lengths.push(l);
    total += l;
  }
  let left = Math.max(0, Math.min(1, t)) * total;
  for (let i = 1; i < points.length; i++) {
    const l = lengths[i - 1];
    if (left <= l || i === points.length - 1) {
      const u = l === 0 ? 0 : Math.min(1, left / l);
      const a = points[i - 1];
      const b = points[i];
      if (b.x <= a.x) return { x: a.x + (b.x - a.x) * u, y: a.y + (b.y - a.y) * u };
      // Cubic from a to b with control points (a.x+dx, a.y) and (b.x-dx, b.y).
      const dx = (b.x - a.x) / 2;
      const v = 1 - u;
      const x = v * v * v * a.x + 3 * v * v * u * (a.x + dx) + 3 * v * u * u * (b.x - dx) + u * u * u * b.x;
      const y = v * v * v * a.y + 3 * v * v * u * a.y + 3 * v * u * u * b.y + u * u * u * b.y;
      return { x, y };
    }
    left -= l;
  }
  return points[points.length - 1];
}

/** Places labels in the order given (most important first); those without room are left out. */
export function placeLabels(requests: readonly LabelRequest[], obstacles: readonly Box[]): Map<string, Point> {
  const placed: Box[] = [];
  const out = new Map<string, Point>();
  for (const r of requests) {
    for (const t of CANDIDATES) {
      const p = pointOnRoute(r.points, t);
      const box = { x: p.x, y: p.y, w: r.w, h: r.h };
      if (obstacles.some((o) => overlaps(box, o)) || placed.some((o) => overlaps(box, o))) continue;
      placed.push(box);
      out.set(r.id, p);
      break;
    }
  }
  return out;
}
