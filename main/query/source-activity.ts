// Silent and late sources: each source's usual interval is the median gap between its recent
// arrivals; it is silent once it has been quiet for several of those (and never sooner than a
// minimum, so a source that sends every second is not called silent after a few seconds of calm).
// A service is silent when every live source it had is. Read from the source_activity table.
import type { LateData, ServiceActivity, SourceActivity, SourceActivityList } from '../../common/api/source-activity-schemas';
import type { z } from 'zod';
import { isLiveSource, LATE_AFTER_MS } from '../store/source-activity';
import type { ReadStore } from './read-store';
import type { SourceActivityRow } from '../store/source-activity';

/** Quiet for this many usual intervals is silent. */
export const SILENT_AFTER_INTERVALS = 5;
/** … but never after less than this (what `loupe serve --silent-after` sets). */
export const DEFAULT_SILENT_AFTER_MIN_MS = 60_000;
/** Gaps needed before a rhythm is claimed. */
const MIN_GAPS = 3;

type Row = SourceActivityRow & { service: string; source: string };

/** The median gap between arrival times, or null with too few of them. */
export function usualInterval(arrivals: readonly number[]): number | null {
  const sorted = [...arrivals].sort((a, b) => a - b);
  const gaps: number[] = [];
  for (let i = 1; i < sorted.length; i++) gaps.push(sorted[i] - sorted[i - 1]);
  if (gaps.length < MIN_GAPS) return null;
  gaps.sort((a, b) => a - b);
  const mid = gaps.length >> 1;
  return gaps.length % 2 ? gaps[mid] : (gaps[mid - 1] + gaps[mid]) / 2;
}

/** Whether a live source quiet since `lastSeen` is silent at `now`. */
export function isSilent(lastSeen: number, usualMs: number | null, now: number, minQuietMs: number): boolean {
  if (usualMs === null) return false;
  return now - lastSeen > Math.max(minQuietMs, SILENT_AFTER_INTERVALS * usualMs);
}

export function sourceActivity(store: ReadStore, opts: { now?: number; silentAfterMinMs?: number } = {}): SourceActivityList {
  const now = opts.now ?? Date.now();
  const minQuiet = opts.silentAfterMinMs ?? DEFAULT_SILENT_AFTER_MIN_MS;
  const rows = store.stmt('SELECT * FROM source_activity ORDER BY service, source').all() as Row[];
  const byService = new Map<string, SourceActivity[]>();
  for (const r of rows) {
    let recent: number[] = [];
    try {
      recent = JSON.parse(r.recent) as number[];
    } catch {
      recent = [];
    }
    const live = isLiveSource(r.source);
    const usual = live ? usualInterval(recent) : null;
    const list = byService.get(r.service) ?? [];
    byService.set(r.service, list);
    list.push({
      source: r.source,
      live,
      firstSeen: r.first_seen_ms,
      lastSeen: r.last_seen_ms,
      arrivals: r.arrivals,
      usualIntervalMs: usual,
      silent: live && isSilent(r.last_seen_ms, usual, now, minQuiet),
      late: { items: r.late_items, maxLagMs: r.late_max_lag_ms, lastLagMs: r.late_last_lag_ms, lastAt: r.late_last_ms },
    });
  }
  const services: ServiceActivity[] = [];
  for (const [service, sources] of byService) {
    const live = sources.filter((s) => s.live).sort((a, b) => b.lastSeen - a.lastSeen);
    const silent = live.length > 0 && live.every((s) => s.silent);
    services.push({
      service,
      lastSeen: Math.max(...sources.map((s) => s.lastSeen)),
      usualIntervalMs: live[0]?.usualIntervalMs ?? null,
      silent,
      silentForMs: silent ? now - live[0].lastSeen : null,
      late: sumLate(sources.map((s) => s.late)),
      sources,
    });
  }
  return { now, silentAfterIntervals: SILENT_AFTER_INTERVALS, silentAfterMinMs: minQuiet, lateAfterMs: LATE_AFTER_MS, services };
}

function sumLate(list: Array<z.infer<typeof LateData>>): z.infer<typeof LateData> {
  let latest: z.infer<typeof LateData> | null = null;
  for (const l of list) if (l.lastAt !== null && (latest === null || l.lastAt > (latest.lastAt ?? 0))) latest = l;
  return {
    items: list.reduce((n, l) => n + l.items, 0),
    maxLagMs: Math.max(0, ...list.map((l) => l.maxLagMs)),
    lastLagMs: latest?.lastLagMs ?? 0,
    lastAt: latest?.lastAt ?? null,
  };
}
