// Pan and zoom of the map: a translation and a scale applied to the drawing.

export interface Viewport {
  x: number;
  y: number;
  k: number;
}

export const MIN_ZOOM = 0.02;
export const MAX_ZOOM = 2.5;

const clamp = (k: number) => Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, k));

/** Zooms by `factor` keeping the screen point (cx, cy) over the same spot of the drawing. */
export function zoomAt(v: Viewport, factor: number, cx: number, cy: number): Viewport {
  const k = clamp(v.k * factor);
  const f = k / v.k;
  return { k, x: cx - (cx - v.x) * f, y: cy - (cy - v.y) * f };
}

/** Fits a drawing of `width` × `height` into the screen, never zooming in past 1. */
export function fitView(width: number, height: number, screenW: number, screenH: number, padding = 12): Viewport {
  if (width <= 0 || height <= 0 || screenW <= 0 || screenH <= 0) return { x: 0, y: 0, k: 1 };
  const k = clamp(Math.min(1, (screenW - 2 * padding) / width, (screenH - 2 * padding) / height));
  return { k, x: (screenW - width * k) / 2, y: (screenH - height * k) / 2 };
}

/** Moves the view so the drawing point (px, py) is in the middle of the screen. */
export function centreOn(v: Viewport, px: number, py: number, screenW: number, screenH: number, k = v.k): Viewport {
  return { k, x: screenW / 2 - px * k, y: screenH / 2 - py * k };
}

/** Zoom factor of one wheel event: smooth for trackpads, one step per notch for mice. */
export function wheelFactor(deltaY: number, deltaMode: number): number {
  const pixels = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.exp(-Math.max(-120, Math.min(120, pixels)) * 0.0022);
}
