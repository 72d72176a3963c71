// Values formatted from a metric's UCUM unit (OTel's convention): s, ms, us, ns as durations,
// By and its multiples as bytes, 1 as a plain number (or a percentage for utilizations),
// `{request}` as a count of requests; rates add "/s".

function compact(n: number): string {
  const abs = Math.abs(n);
  if (abs === 0) return '0';
  if (abs >= 1e9) return `${trim(n / 1e9)}G`;
  if (abs >= 1e6) return `${trim(n / 1e6)}M`;
  if (abs >= 1e4) return `${trim(n / 1e3)}k`;
  return trim(n);
}

function trim(n: number): string {
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return String(Number(n.toFixed(digits)));
}

const DURATION_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, min: 60_000, h: 3_600_000 };
const BYTES: Record<string, number> = { By: 1, KiBy: 1024, MiBy: 1024 ** 2, GiBy: 1024 ** 3, kBy: 1e3, MBy: 1e6, GBy: 1e9 };

function duration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs === 0) return '0';
  if (abs < 1e-3) return `${trim(ms * 1e6)}ns`;
  if (abs < 1) return `${trim(ms * 1e3)}µs`;
  if (abs < 1000) return `${trim(ms)}ms`;
  if (abs < 120_000) return `${trim(ms / 1000)}s`;
  if (abs < 7_200_000) return `${trim(ms / 60_000)}min`;
  return `${trim(ms / 3_600_000)}h`;
}

function bytes(n: number): string {
  const abs = Math.abs(n);
  if (abs < 1024) return `${trim(n)} B`;
  if (abs < 1024 ** 2) return `${trim(n / 1024)} KiB`;
  if (abs < 1024 ** 3) return `${trim(n / 1024 ** 2)} MiB`;
  return `${trim(n / 1024 ** 3)} GiB`;
}

/** The noun of an annotation unit: `{request}` → request, `{message}` → message. */
function annotation(unit: string): string | null {
  const m = /^\{(.+)\}$/.exec(unit.trim());
  return m ? m[1] : null;
}

const SHORT: Record<string, string> = { request: 'req', requests: 'req', message: 'msg', messages: 'msg', connection: 'conn', connections: 'conn' };

/** Formats one value of a metric in `unit`; `rate` marks per-second values. */
export function formatMetricValue(v: number | null | undefined, unit: string, opts: { rate?: boolean; name?: string } = {}): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const per = opts.rate ? '/s' : '';
  if (unit in DURATION_MS) return `${duration(v * DURATION_MS[unit])}${per}`;
  if (unit in BYTES) return `${bytes(v * BYTES[unit])}${per}`;
  const noun = annotation(unit);
  if (noun) return opts.rate ? `${compact(v)} ${SHORT[noun] ?? noun}/s` : `${compact(v)} ${SHORT[noun] ?? (v === 1 ? noun : `${noun}s`)}`;
  if (unit === '1' || unit === '') {
    // Dimensionless: utilizations and ratios (0–1) read best as percentages.
    if (!opts.rate && opts.name && /utilization|ratio/.test(opts.name)) return `${trim(v * 100)}%`;
    return `${compact(v)}${opts.rate ? '/s' : ''}`;
  }
  if (unit === '%') return `${trim(v)}%${per}`;
  return `${compact(v)} ${unit}${per}`;
}

/** The axis caption: what the numbers are in. */
export function unitCaption(unit: string, opts: { rate?: boolean; name?: string } = {}): string {
  const per = opts.rate ? ' per second' : '';
  if (unit in DURATION_MS) return `duration${per}`;
  if (unit in BYTES) return `bytes${per}`;
  const noun = annotation(unit);
  if (noun) return `${noun}s${per}`;
  if (unit === '1' || unit === '') return opts.name && /utilization|ratio/.test(opts.name) ? 'percent' : `count${per}`;
  return `${unit}${per}`;
}

/** A y-axis tick: counted things ({request}, {checkout}) read as plain numbers, because the
 * axis caption already names them; durations, bytes and percentages keep their unit. */
export function formatAxisTick(v: number, unit: string, opts: { rate?: boolean; name?: string } = {}): string {
  if (Number.isFinite(v) && annotation(unit)) return compact(v);
  return formatMetricValue(v, unit, opts);
}
