// Round tick times for chart axes (every 5 s, 1 min, 15 min, 6 h, …) and their labels.
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map((s) => s * 1000);

export function timeAxisTicks(from: number, to: number, maxTicks = 8): number[] {
  const span = Math.max(1, to - from);
  const step = STEPS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / 86_400_000) * 86_400_000;
  // Align to local time so ticks land on round clock times.
  const offset = new Date(from).getTimezoneOffset() * 60_000;
  const first = Math.ceil((from - offset) / step) * step + offset;
  const ticks: number[] = [];
  for (let t = first; t <= to; t += step) ticks.push(t);
  return ticks;
}

export function timeAxisLabel(ms: number, span: number): string {
  const d = new Date(ms);
  const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  if (span <= 10 * 60_000) return `${hm}:${String(d.getSeconds()).padStart(2, '0')}`;
  if (span > 2 * 86_400_000) return `${d.getMonth() + 1}/${d.getDate()} ${hm}`;
  return hm;
}
