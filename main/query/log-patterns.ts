// Log patterns: the window's log bodies clustered into templates with Drain (./drain.ts), at
// query time from the logs table (filters and full text as the log search has them). The work
// is bounded: the newest `limit` records are clustered (20,000 by default, 100,000 at most) and
// the answer says when the window held more. A pattern is new when its first record in what was
// read is at or after `since` (a time, or the newest deploy in the window), provided the records
// read reach back before it.
import type { LogPatterns, LogPattern } from '../../common/api/incident-schemas';
import { Drain, templateOf, type DrainCluster } from './drain';
import { listDeploys } from './deploys';
import { buildWhere, withFts, type LogSearchInput } from './logs';
import { type ReadStore, windowOf } from './read-store';

export interface LogPatternsInput {
  from?: number;
  to?: number;
  q?: string;
  service?: string;
  minSeverity?: number;
  attr: string[];
  since?: number | 'deploy';
  limit: number;
  buckets: number;
}

interface Row {
  time_us: number;
  body: string;
  severity_number: number;
  severity_text: string;
  service: string;
}

interface Tally {
  cluster: DrainCluster;
  counts: number[];
  firstSeen: number;
  lastSeen: number;
  sample: string;
  severityNumber: number;
  severityText: string;
  services: Set<string>;
}

const MAX_PATTERNS = 500;

export function logPatterns(store: ReadStore, input: LogPatternsInput): LogPatterns {
  const t0 = performance.now();
  const { from, to } = windowOf(input);
  const stepMs = Math.max(1, Math.ceil((to - from) / input.buckets));
  const buckets = Math.max(1, Math.ceil((to - from) / stepMs));
  return store.timed('logs.patterns', () => {
    const search: LogSearchInput = { from, to, q: input.q, service: input.service, minSeverity: input.minSeverity, attr: input.attr, limit: input.limit };
    const rows = withFts(input.q, (fts) => {
      const w = buildWhere(store, search, fts, true);
      if (!w) return [] as Row[];
      const source = fts !== null ? 'logs_fts JOIN logs l ON l.id = logs_fts.rowid' : 'logs l';
      // Newest first straight off the time (or service and time) index, logs as the outer loop
      // (CROSS JOIN): otherwise SQLite reads every record of every service in the window and
      // sorts them before taking the first `limit`.
      const order = fts !== null ? 'logs_fts.rowid DESC' : 'l.time_ns DESC';
      return store
        .stmt(
          `SELECT l.time_ns / 1000 AS time_us, l.body, l.severity_number, l.severity_text, sv.name AS service
           FROM ${source} CROSS JOIN services sv ON sv.id = l.service_id WHERE ${w.sql} ORDER BY ${order} LIMIT ?`,
        )
        .all(...w.params, input.limit) as Row[];
    });

    const drain = new Drain();
    const tallies = new Map<DrainCluster, Tally>();
    let oldest = Infinity;
    // Oldest first, so first-seen times and the order clusters form in follow the data.
    for (let i = rows.length - 1; i >= 0; i--) {
      if ((i & 1023) === 0) store.check();
      const row = rows[i];
      const time = row.time_us / 1000;
      if (time < oldest) oldest = time;
      const cluster = drain.add(row.body);
      let t = tallies.get(cluster);
      if (!t) {
        t = { cluster, counts: new Array<number>(buckets).fill(0), firstSeen: time, lastSeen: time, sample: row.body, severityNumber: 0, severityText: '', services: new Set() };
        tallies.set(cluster, t);
      }
      t.counts[Math.min(buckets - 1, Math.max(0, Math.floor((time - from) / stepMs)))]++;
      t.firstSeen = Math.min(t.firstSeen, time);
      if (time >= t.lastSeen) {
        t.lastSeen = time;
        t.sample = row.body;
      }
      if (row.severity_number > t.severityNumber) {
        t.severityNumber = row.severity_number;
        t.severityText = row.severity_text;
      }
      if (t.services.size < 5) t.services.add(row.service);
    }

    const capped = rows.length >= input.limit;
    const coveredFrom = rows.length ? oldest : null;
    const readFrom = capped && coveredFrom !== null ? coveredFrom : from;
    let since: number | null = null;
    let sinceSource: LogPatterns['sinceSource'] = null;
    let deploy: LogPatterns['deploy'] = null;
    if (input.since === 'deploy') {
      const deploys = listDeploys(store, { from, to, service: input.service }).filter((d) => !d.initial);
      const newest = deploys[deploys.length - 1];
      if (newest) {
        since = newest.time;
        sinceSource = 'deploy';
        deploy = { service: newest.service, version: newest.version, time: newest.time };
      }
    } else if (typeof input.since === 'number') {
      since = input.since;
      sinceSource = 'time';
    }
    // Newness needs records from before `since`: a cap that stops after it cannot tell.
    const canTell = since !== null && readFrom < since;

    const patterns: LogPattern[] = [...tallies.values()]
      .sort((x, y) => y.cluster.size - x.cluster.size)
      .slice(0, MAX_PATTERNS)
      .map((t) => ({
        template: templateOf(t.cluster),
        count: t.cluster.size,
        counts: t.counts,
        firstSeen: t.firstSeen,
        lastSeen: t.lastSeen,
        sample: t.sample,
        severityNumber: t.severityNumber,
        severityText: t.severityText,
        services: [...t.services].sort(),
        new: since === null || !canTell ? null : t.firstSeen >= since,
      }));
    return {
      from,
      to,
      stepMs,
      patterns,
      clustered: rows.length,
      limit: input.limit,
      capped,
      coveredFrom,
      since,
      sinceSource,
      deploy,
      tookMs: Math.round(performance.now() - t0),
    };
  });
}
