// Log records: one row each, deduplicated by time and a hash of their content, with the body
// in the full-text index and a count per service, minute and severity band in the rollups.
import { severityBand, type LogRecordRow, type ResourceGroup } from '../../../common/model';
import type { Db } from '../database';
import { hash53 } from '../hash';
import type { InstanceRollup } from '../instance-rollup';
import type { Identities } from './identities';
import type { Rollups } from './rollups';
import { asBuffer, touch, type WriteState } from './state';

export class LogWriter {
  private readonly stmt;

  constructor(
    db: Db,
    private readonly parts: { identities: Identities; instances: InstanceRollup; rollups: Rollups },
  ) {
    this.stmt = {
      insertLog: db.prepare(
        `INSERT OR IGNORE INTO logs (time_ns, observed_ns, severity_number, severity_text, body, body_is_json, trace_id, span_id,
           flags, event_name, service_id, resource_id, scope_id, attributes, dropped_attributes_count, dedup, received_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertLogFts: db.prepare('INSERT INTO logs_fts (rowid, body) VALUES (?, ?)'),
    };
  }

  write(group: ResourceGroup<LogRecordRow>, st: WriteState): void {
    const { identities, instances, rollups } = this.parts;
    const { receivedMs, result } = st;
    const res = identities.resource(group.resource, receivedMs);
    instances.identify(res, group.resource);
    const s = this.stmt;
    let lastNs = 0n;
    for (const sg of group.scopes) {
      const scopeId = identities.scope(sg.scope);
      for (const l of sg.items) {
        const traceId = asBuffer(l.traceId);
        const spanId = asBuffer(l.spanId);
        const dedup = hash53(
          `${res.id}\u0000${scopeId}\u0000${l.severityNumber}\u0000${l.severityText}\u0000${l.eventName}\u0000${
            traceId ? traceId.toString('hex') : ''
          }${spanId ? spanId.toString('hex') : ''}\u0000${l.body}\u0000${l.attributes}`,
        );
        const info = s.insertLog.run(
          l.timeNs,
          l.observedNs,
          l.severityNumber,
          l.severityText,
          l.body,
          l.bodyJson ? 1 : 0,
          traceId,
          spanId,
          l.flags,
          l.eventName,
          res.serviceId,
          res.id,
          scopeId,
          l.attributes,
          l.droppedAttributesCount,
          dedup,
          receivedMs,
        );
        if (info.changes === 0) {
          result.duplicates++;
          continue;
        }
        s.insertLogFts.run(info.lastInsertRowid, l.body);
        instances.onItem(res.id, l.timeNs);
        result.logs++;
        result.lastLogId = Math.max(result.lastLogId, Number(info.lastInsertRowid));
        rollups.onLog(res.serviceId, l.timeNs, severityBand(l.severityNumber));
        if (l.timeNs > lastNs) lastNs = l.timeNs;
      }
    }
    touch(st, res, lastNs);
  }
}
