// Metric points: a series per resource, scope, name, kind, unit, temporality and point
// attributes (cached by identity), and one point per series and time so a re-sent batch
// stores nothing twice; histogram exemplars are kept beside their points.
import { createHash } from 'node:crypto';
import type { MetricRecord, ResourceGroup } from '../../../common/model';
import type { Db } from '../database';
import { ExemplarWriter } from '../exemplars';
import type { InstanceRollup } from '../instance-rollup';
import type { Identities } from './identities';
import { touch, type WriteState } from './state';

export class MetricWriter {
  private readonly series = new Map<string, number>();
  /** Series that received points in this transaction, with when. */
  private seriesSeen = new Map<number, number>();
  private readonly exemplars: ExemplarWriter;
  private readonly stmt;

  constructor(
    db: Db,
    private readonly parts: { identities: Identities; instances: InstanceRollup },
  ) {
    this.exemplars = new ExemplarWriter(db);
    this.stmt = {
      insertSeries: db.prepare(
        `INSERT INTO metric_series (hash, name, kind, unit, description, temporality, monotonic, service_id, resource_id, scope_id,
           attributes, first_seen_ms, last_seen_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO UPDATE SET last_seen_ms = excluded.last_seen_ms RETURNING id`,
      ).pluck(),
      touchSeries: db.prepare('UPDATE metric_series SET last_seen_ms = max(last_seen_ms, ?) WHERE id = ?'),
      insertPoint: db.prepare(
        `INSERT OR IGNORE INTO metric_points (series_id, time_ns, start_ns, value, is_int, count, sum, min, max, detail, flags, received_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
  }

  begin(): void {
    this.seriesSeen = new Map();
  }

  /** The cache may name series a rolled-back transaction had inserted: forget it. */
  clear(): void {
    this.series.clear();
  }

  write(group: ResourceGroup<MetricRecord>, st: WriteState): void {
    const { identities, instances } = this.parts;
    const { receivedMs, result } = st;
    const res = identities.resource(group.resource, receivedMs);
    instances.identify(res, group.resource);
    const s = this.stmt;
    let lastNs = 0n;
    for (const sg of group.scopes) {
      const scopeId = identities.scope(sg.scope);
      for (const m of sg.items) {
        for (const p of m.points) {
          const key = `${res.id}\u0000${scopeId}\u0000${m.name}\u0000${m.kind}\u0000${m.unit}\u0000${m.temporality}\u0000${p.attributes}`;
          let seriesId = this.series.get(key);
          if (seriesId === undefined) {
            const hash = createHash('sha1').update(key).digest('hex');
            seriesId = s.insertSeries.get(
              hash,
              m.name,
              m.kind,
              m.unit,
              m.description,
              m.temporality,
              m.monotonic ? 1 : 0,
              res.serviceId,
              res.id,
              scopeId,
              p.attributes,
              receivedMs,
              receivedMs,
            ) as number;
            if (this.series.size > 200_000) this.series.clear();
            this.series.set(key, seriesId);
          }
          const info = s.insertPoint.run(
            seriesId,
            p.timeNs,
            p.startNs,
            p.value !== null && Number.isFinite(p.value) ? p.value : null,
            p.isInt ? 1 : 0,
            p.count,
            p.sum,
            p.min,
            p.max,
            p.detail || null,
            p.flags,
            receivedMs,
          );
          if (info.changes === 0) {
            result.duplicates++;
            continue;
          }
          result.metricPoints++;
          instances.onItem(res.id, p.timeNs);
          if (p.detail) this.exemplars.record(seriesId, p.timeNs, p.detail);
          this.seriesSeen.set(seriesId, receivedMs);
          if (p.timeNs > lastNs) lastNs = p.timeNs;
        }
      }
    }
    touch(st, res, lastNs);
  }

  /** Moves the series that received points to when they did. */
  flush(): void {
    for (const [id, ms] of this.seriesSeen) this.stmt.touchSeries.run(ms, id);
  }
}
