// Numbers and times, formatted the same way everywhere.

function sig3(n: number): string {
  if (n === 0) return '0';
  // Decimals by the magnitude after rounding: 9.9999 is "10.0", not "10.00".
  const abs = Math.abs(Number(n.toPrecision(3)));
  if (abs >= 100) return n.toFixed(0);
  if (abs >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

/** Durations with 3 significant digits: 812µs, 12.4ms, 1.23s, 2m 05s. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const abs = Math.abs(ms);
  if (abs === 0) return '0ms';
  if (abs < 0.001) return `${Math.round(ms * 1e6)}ns`;
  if (abs < 1) return `${sig3(ms * 1000)}µs`;
  if (abs < 1000) return `${sig3(ms)}ms`;
  if (abs < 60_000) return `${sig3(ms / 1000)}s`;
  if (abs < 3_600_000) {
    const m = Math.floor(abs / 60_000);
    const s = Math.floor((abs % 60_000) / 1000);
    return `${ms < 0 ? '-' : ''}${m}m ${String(s).padStart(2, '0')}s`;
  }
  const h = Math.floor(abs / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  return `${ms < 0 ? '-' : ''}${h}h ${String(m).padStart(2, '0')}m`;
}

/**
 * Requests per second, always per second: one unit for every row of a column, every axis and
 * every headline (a slow service reads 0.013 req/s, not 0.80 req/min beside a chart in /s).
 * Three significant digits from 1 up, two below.
 */
export function formatRate(rps: number): string {
  if (!Number.isFinite(rps) || rps === 0) return '0 req/s';
  const abs = Math.abs(rps);
  if (abs < 0.0001) return `<0.0001 req/s`;
  if (abs >= 1) return `${sig3(rps)} req/s`;
  return `${Number(rps.toPrecision(2))} req/s`;
}

export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction) || fraction === 0) return '0%';
  const p = fraction * 100;
  if (p < 0.01) return '<0.01%';
  return `${sig3(p)}%`;
}

export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (Math.abs(n) < 10_000) return n.toLocaleString('en-US');
  if (Math.abs(n) < 1_000_000) return `${sig3(n / 1000)}k`;
  if (Math.abs(n) < 1_000_000_000) return `${sig3(n / 1_000_000)}M`;
  return `${sig3(n / 1_000_000_000)}G`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${sig3(n / 1024)} KB`;
  if (n < 1024 ** 3) return `${sig3(n / 1024 ** 2)} MB`;
  return `${sig3(n / 1024 ** 3)} GB`;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Absolute local time with milliseconds: 2025-03-14 09:26:53.589 */
export function formatAbsolute(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Time of day, with the date only when it is not today: 09:26:53.589 */
export function formatClock(ms: number, now = Date.now()): string {
  const d = new Date(ms);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  const today = new Date(now);
  if (d.toDateString() === today.toDateString()) return time;
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

/** "12s ago", "5m ago", "3h ago", "2d ago" (or "in 3s" for clock skew). */
export function formatRelative(ms: number, now = Date.now()): string {
  const diff = now - ms;
  const abs = Math.abs(diff);
  let text: string;
  if (abs < 5_000) return 'just now';
  if (abs < 60_000) text = `${Math.floor(abs / 1000)}s`;
  else if (abs < 3_600_000) text = `${Math.floor(abs / 60_000)}m`;
  else if (abs < 86_400_000) text = `${Math.floor(abs / 3_600_000)}h`;
  else text = `${Math.floor(abs / 86_400_000)}d`;
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

/** Offsets on a trace timeline: +0ms, +12.4ms. */
export function formatOffset(ms: number): string {
  return `+${formatDuration(ms)}`;
}

export function shortId(id: string, n = 8): string {
  return id.length > n ? id.slice(0, n) : id;
}

/** An attribute value as text (objects and arrays as JSON). */
export function attrText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

/**
 * Round ticks for an axis from 0 to at least `max`: steps of 1, 2, 2.5 or 5 times a power of
 * ten, about `count` of them.
 */
export function niceTicks(max: number, count = 4): number[] {
  if (!Number.isFinite(max) || max <= 0) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let i = 0; i * step < max + step * 1e-9 || ticks.length < 2; i++) ticks.push(Number((i * step).toPrecision(12)));
  if (ticks[ticks.length - 1] < max) ticks.push(Number((ticks.length * step).toPrecision(12)));
  return ticks;
}

/**
 * One axis's tick labels, all with the same decimals — as many as the ticks need (0.50, 1.00,
 * 1.50; 0, 5, 10) — so an axis never reads 0.5, 1, 1.50. Large values use k/M like formatCount.
 */
export function formatAxisTicks(ticks: readonly number[]): (v: number) => string {
  const top = Math.max(0, ...ticks.map(Math.abs));
  if (top >= 10_000) {
    const [div, suffix] = top >= 1e9 ? [1e9, 'G'] : top >= 1e6 ? [1e6, 'M'] : [1e3, 'k'];
    const scaled = formatAxisTicks(ticks.map((t) => t / div));
    return (v) => (v === 0 ? '0' : `${scaled(v / div)}${suffix}`);
  }
  let decimals = 0;
  while (decimals < 6 && ticks.some((t) => Math.abs(Math.round(t * 10 ** decimals) - t * 10 ** decimals) > 1e-6 * 10 ** decimals)) decimals++;
  return (v) => v.toFixed(decimals);
}
