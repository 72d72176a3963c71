// Series colours for metric charts: distinct on both themes, in a fixed order so a series
// keeps its colour while others are toggled.
const HUES = [212, 28, 152, 280, 48, 340, 190, 100, 255, 8];

export function seriesColor(i: number): string {
  const hue = HUES[i % HUES.length];
  return i < HUES.length ? `hsl(${hue} var(--svc-s) var(--svc-l))` : `hsl(${hue} calc(var(--svc-s) - 18%) calc(var(--svc-l) + 14%))`;
}
