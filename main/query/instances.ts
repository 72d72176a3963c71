// A service's instances (Eureka-like, with telemetry as the heartbeat): version, host, first
// and last telemetry, RED per instance and its latest runtime saturation; an instance is stale
// when it has been silent for longer than its own usual gap between telemetry minutes allows.
import type { InstanceList } from '../../common/api/releases-schemas';
import { type ReadStore, msToNs, serviceIds, windowOf } from './read-store';
import { QueryError } from './traces';
import { addRollup, newRed, redOf, type RedAcc } from './red';
import { coverageByService, widestCoverage } from './coverage';
import { instanceOf } from '../store/instance-rollup';

/** Runtime saturation read per instance: the newest point of each in the window. */
const SATURATION: Record<string, 'cpu' | 'memoryBytes' | 'heapBytes'> = {
  'process.cpu.utilization': 'cpu',
  'system.cpu.utilization': 'cpu',
  'process.memory.usage': 'memoryBytes',
  'v8js.memory.heap.used': 'heapBytes',
  'jvm.memory.used': 'heapBytes',
};

/** Silence allowed: this many usual intervals, and never under two minutes (rollups are per minute). */
export const STALE_INTERVALS = 3;
const MIN_STALE_MS = 120_000;

export function listInstances(store: ReadStore, input: { name: string; from?: number; to?: number }, nowMs = Date.now()): InstanceList {
  const ids = serviceIds(store, input.name);
  if (ids.length === 0) throw new QueryError('not_found', `no service "${input.name}" has sent telemetry`, 404);
  const { from, to } = windowOf(input);
  const inIds = ids.map(() => '?').join(',');
  return store.timed('instances.list', () => {
    const rows = store
      .stmt(
        `SELECT instance, version, host, first_seen_ns, last_seen_ns FROM instances
         WHERE service_id IN (${inIds}) AND last_seen_ns >= ? AND first_seen_ns <= ? ORDER BY first_seen_ns`,
      )
      .all(...ids, msToNs(from), msToNs(to)) as Array<{ instance: string; version: string; host: string; first_seen_ns: number; last_seen_ns: number }>;
    const key = (instance: string, version: string) => `${instance}\u0000${version}`;
    const red = new Map<string, RedAcc>();
    const active = new Map<string, number[]>();
    const minuteRows = store
      .stmt(
        `SELECT minute, instance, version, telemetry, calls, errors, hist_ok, hist_err FROM rollup_instance_minute
         WHERE minute BETWEEN ? AND ? AND service_id IN (${inIds}) ORDER BY minute`,
      )
      .all(Math.floor(from / 60_000) - 60, Math.floor(to / 60_000), ...ids) as Array<{
      minute: number;
      instance: string;
      version: string;
      telemetry: number;
      calls: number;
      errors: number;
      hist_ok: Buffer | null;
      hist_err: Buffer | null;
    }>;
    const m0 = Math.floor(from / 60_000);
    for (const r of minuteRows) {
      const k = key(r.instance, r.version);
      if (r.telemetry > 0) active.set(k, [...(active.get(k) ?? []), r.minute]);
      if (r.minute < m0) continue; // the hour before the window only tells the usual interval
      let acc = red.get(k);
      if (acc === undefined) red.set(k, (acc = newRed()));
      addRollup(acc, r.calls, r.errors, r.hist_ok, r.hist_err);
    }
    const saturation = saturationByInstance(store, ids, from, to);
    const end = Math.min(to, nowMs);
    // Never before the service's own data began in the window (as on the service page).
    const covers = coverageByService(store, from, to, nowMs);
    const serviceCover = widestCoverage(ids.map((id) => covers.get(id)), from, to, nowMs);
    const instances = rows.map((r) => {
      const k = key(r.instance, r.version);
      const lastSeen = Math.floor(r.last_seen_ns / 1e6);
      // Rated over the part of the window the instance lived in (a replaced one, or one started
      // mid-window, is not divided by the whole window).
      const alive = Math.min(end, Math.max(from, serviceCover.fromMs, Math.floor(r.first_seen_ns / 1e6)));
      const cover = { fromMs: alive, toMs: Math.max(alive, Math.min(end, lastSeen)) };
      const usual = usualIntervalMs(active.get(k) ?? []);
      const silentMs = Math.max(0, end - lastSeen);
      const allowed = Math.max(MIN_STALE_MS, STALE_INTERVALS * usual);
      const replacedBy = rows.find((o) => o.instance === r.instance && o.version !== r.version && o.first_seen_ns >= r.last_seen_ns)?.version ?? null;
      return {
        instance: r.instance,
        version: r.version,
        host: r.host,
        firstSeen: Math.floor(r.first_seen_ns / 1e6),
        lastSeen,
        usualIntervalMs: usual,
        silentMs,
        stale: silentMs > allowed,
        replacedBy,
        ...redOf(red.get(k) ?? newRed(), cover),
        saturation: saturation.get(k) ?? { cpu: null, memoryBytes: null, heapBytes: null },
      };
    });
    return { service: input.name, from, to, versions: [...new Set(rows.map((r) => r.version))], instances };
  });
}

/** The median gap between minutes with telemetry (at least a minute). */
export function usualIntervalMs(minutes: number[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < minutes.length; i++) if (minutes[i] > minutes[i - 1]) gaps.push(minutes[i] - minutes[i - 1]);
  if (gaps.length === 0) return 60_000;
  gaps.sort((a, b) => a - b);
  return Math.max(1, gaps[Math.floor(gaps.length / 2)]) * 60_000;
}

function saturationByInstance(store: ReadStore, ids: number[], from: number, to: number) {
  const names = Object.keys(SATURATION);
  const rows = store
    .stmt(
      `SELECT s.name AS name, r.attributes AS attributes, r.service_version AS version,
         (SELECT p.value FROM metric_points p WHERE p.series_id = s.id AND p.time_ns BETWEEN ? AND ? ORDER BY p.time_ns DESC LIMIT 1) AS value
       FROM metric_series s JOIN resources r ON r.id = s.resource_id
       WHERE s.service_id IN (${ids.map(() => '?').join(',')}) AND s.name IN (${names.map(() => '?').join(',')})`,
    )
    .all(msToNs(from), msToNs(to), ...ids, ...names) as Array<{ name: string; attributes: string; version: string; value: number | null }>;
  const out = new Map<string, { cpu: number | null; memoryBytes: number | null; heapBytes: number | null }>();
  for (const r of rows) {
    if (r.value === null) continue;
    const { instance } = instanceOf(JSON.parse(r.attributes || '{}') as Record<string, unknown>);
    const k = `${instance}\u0000${r.version}`;
    const s = out.get(k) ?? { cpu: null, memoryBytes: null, heapBytes: null };
    const field = SATURATION[r.name];
    // Several series of one metric (per state, per cpu) add up.
    s[field] = (s[field] ?? 0) + r.value;
    out.set(k, s);
  }
  return out;
}
