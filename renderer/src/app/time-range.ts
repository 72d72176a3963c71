// The time range lives in the URL as `from`/`to`: relative (`now-15m`, `now`) or absolute
// (unix ms). Relative ranges are resolved when a query runs, so every refresh moves them.
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useUpdateParams } from './url-state';

export interface RangeSpec {
  from: string;
  to: string;
}

export interface ResolvedRange {
  from: number;
  to: number;
}

export const PRESETS: Array<{ key: string; label: string; from: string }> = [
  { key: '5m', label: 'Last 5 minutes', from: 'now-5m' },
  { key: '15m', label: 'Last 15 minutes', from: 'now-15m' },
  { key: '1h', label: 'Last 1 hour', from: 'now-1h' },
  { key: '6h', label: 'Last 6 hours', from: 'now-6h' },
  { key: '24h', label: 'Last 24 hours', from: 'now-24h' },
  { key: '7d', label: 'Last 7 days', from: 'now-7d' },
];

export const DEFAULT_RANGE: RangeSpec = { from: 'now-1h', to: 'now' };

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `now`, `now-15m`, unix ms, or an ISO time → unix ms (NaN when unreadable). */
export function parseTimeExpr(expr: string, now = Date.now()): number {
  const t = expr.trim();
  if (t === 'now') return now;
  const rel = /^now-(\d+(?:\.\d+)?)([smhdw])$/.exec(t);
  if (rel) return now - Number(rel[1]) * UNIT_MS[rel[2]];
  if (/^\d+$/.test(t)) return Number(t);
  return Date.parse(t);
}

export function isRelative(spec: RangeSpec): boolean {
  return spec.to === 'now' && spec.from.startsWith('now-');
}

export function resolveRange(spec: RangeSpec, now = Date.now()): ResolvedRange {
  let from = parseTimeExpr(spec.from, now);
  let to = parseTimeExpr(spec.to, now);
  if (!Number.isFinite(to)) to = now;
  if (!Number.isFinite(from) || from >= to) from = to - 3_600_000;
  return { from: Math.floor(from), to: Math.ceil(to) };
}

export function rangeLabel(spec: RangeSpec): string {
  const preset = PRESETS.find((p) => p.from === spec.from && spec.to === 'now');
  if (preset) return preset.label;
  if (isRelative(spec)) return `Last ${spec.from.slice(4)}`;
  const r = resolveRange(spec);
  const fmt = (ms: number) =>
    new Date(ms).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
  return `${fmt(r.from)} → ${fmt(r.to)}`;
}

export function rangeShort(spec: RangeSpec): string {
  const preset = PRESETS.find((p) => p.from === spec.from && spec.to === 'now');
  return preset ? preset.key : rangeLabel(spec);
}

/** The URL's time range and a setter that keeps every other parameter. */
export function useTimeRange(): {
  spec: RangeSpec;
  relative: boolean;
  setRange: (spec: RangeSpec) => void;
} {
  const [params] = useSearchParams();
  const update = useUpdateParams();
  const from = params.get('from') ?? DEFAULT_RANGE.from;
  const to = params.get('to') ?? DEFAULT_RANGE.to;
  const spec = useMemo(() => ({ from, to }), [from, to]);
  const setRange = useCallback(
    (next: RangeSpec) =>
      update((p) => {
        p.set('from', next.from);
        p.set('to', next.to);
      }),
    [update],
  );
  return { spec, relative: isRelative(spec), setRange };
}

/** The `from`/`to` parameters to carry across page links. */
export function rangeParams(params: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const k of ['from', 'to']) {
    const v = params.get(k);
    if (v) out.set(k, v);
  }
  return out;
}
