// Deploy events (Spinnaker-like): Loupe sees a deploy when a version sends its first telemetry
// — on a service (the version's first instance) and on each instance that starts running it —
// and a pipeline can announce one (`POST /api/deploys`). A service's very first version is its
// arrival, listed as such (`initial`), not as a change.
import type { DeployEvent, DeployPost } from '../../common/api/releases-schemas';
import { type ReadStore, msToNs, windowOf } from './read-store';
import { QueryError } from './traces';
import type { Db } from '../store/database';

export function listDeploys(store: ReadStore, input: { from?: number; to?: number; service?: string }): DeployEvent[] {
  const { from, to } = windowOf(input, 24 * 3_600_000);
  return store.timed('deploys.list', () => {
    const svc = input.service ? ' AND sv.name = ?' : '';
    const svcArgs = input.service ? [input.service] : [];
    // Every (service, instance, version) start, with the service's earliest start of that version and of any version.
    const rows = store
      .stmt(
        `SELECT sv.name AS service, i.instance AS instance, i.version AS version, i.first_seen_ns AS first_ns,
           (SELECT min(j.first_seen_ns) FROM instances j WHERE j.service_id = i.service_id AND j.version = i.version) AS version_first_ns,
           (SELECT min(j.first_seen_ns) FROM instances j WHERE j.service_id = i.service_id) AS service_first_ns,
           (SELECT j.version FROM instances j WHERE j.service_id = i.service_id AND j.instance = i.instance AND j.first_seen_ns < i.first_seen_ns
              ORDER BY j.first_seen_ns DESC LIMIT 1) AS previous
         FROM instances i JOIN services sv ON sv.id = i.service_id
         WHERE i.first_seen_ns BETWEEN ? AND ?${svc}`,
      )
      .all(msToNs(from), msToNs(to), ...svcArgs) as Array<{
      service: string;
      instance: string;
      version: string;
      first_ns: number;
      version_first_ns: number;
      service_first_ns: number;
      previous: string | null;
    }>;
    const events: DeployEvent[] = [];
    const versionsListed = new Set<string>();
    for (const r of rows) {
      const time = Math.floor(r.first_ns / 1e6);
      const initial = r.version_first_ns === r.service_first_ns;
      const versionKey = `${r.service}\u0000${r.version}`;
      if (r.first_ns === r.version_first_ns && !versionsListed.has(versionKey)) {
        versionsListed.add(versionKey);
        events.push({ service: r.service, version: r.version, time, instance: null, source: 'telemetry', initial, description: initial ? 'first telemetry of the service' : `first telemetry of ${r.version}` });
      }
      // An instance changing version in place, or a new instance of a version already running elsewhere.
      if (r.first_ns !== r.version_first_ns || r.previous)
        events.push({
          service: r.service,
          version: r.version,
          time,
          instance: r.instance,
          source: 'telemetry',
          initial: false,
          description: r.previous ? `${r.instance}: ${r.previous} → ${r.version}` : `${r.instance} starts ${r.version}`,
        });
    }
    const posted = store
      .stmt(`SELECT service, version, time_ms, instance, description FROM deploys WHERE time_ms BETWEEN ? AND ?${input.service ? ' AND service = ?' : ''}`)
      .all(from, to, ...svcArgs) as Array<{ service: string; version: string; time_ms: number; instance: string | null; description: string | null }>;
    for (const p of posted)
      events.push({ service: p.service, version: p.version, time: p.time_ms, instance: p.instance, source: 'api', initial: false, description: p.description ?? 'announced by a pipeline' });
    return events.sort((a, b) => a.time - b.time || a.service.localeCompare(b.service));
  });
}

/** Stores a deploy a pipeline announced (on the writable connection the core owns). */
export function recordDeploy(db: Db, input: DeployPost, nowMs = Date.now()): DeployEvent {
  const time = input.time ?? nowMs;
  if (!Number.isFinite(time) || time <= 0) throw new QueryError('bad_deploy', '`time` must be unix milliseconds or an ISO-8601 time');
  db.prepare('INSERT INTO deploys (service, version, time_ms, instance, description, received_ms) VALUES (?, ?, ?, ?, ?, ?)').run(
    input.service,
    input.version,
    time,
    input.instance ?? null,
    input.description ?? null,
    nowMs,
  );
  return { service: input.service, version: input.version, time, instance: input.instance ?? null, source: 'api', initial: false, description: input.description ?? 'announced by a pipeline' };
}
