// Spans: one row each, keyed by (trace_ref, span_id) — the trace's summary row and the span id —
// so a re-sent batch stores nothing twice; each newly stored span then feeds its trace's
// summary and the rollups.
import type { ResourceGroup, SpanRecord } from '../../../common/model';
import { isErrorSpan } from '../../../common/semconv';
import type { Db } from '../database';
import type { InstanceRollup } from '../instance-rollup';
import type { AttributeIndex } from './attribute-index';
import type { Identities } from './identities';
import type { Rollups, StoredSpan } from './rollups';
import type { TraceSummaries } from './trace-summaries';
import { asBuffer, MINUTE_NS, touch, type WriteState } from './state';

const SPAN_COLUMNS = [
  'trace_id', 'span_id', 'parent_span_id', 'service_id', 'resource_id', 'scope_id', 'name', 'kind',
  'start_ns', 'end_ns', 'duration_ns', 'status_code', 'status_message', 'is_error', 'trace_state', 'flags',
  'attributes', 'events', 'links', 'dropped_attributes_count', 'dropped_events_count', 'dropped_links_count', 'received_ms', 'trace_ref',
].join(',');

export class SpanWriter {
  private readonly insert;

  constructor(
    db: Db,
    private readonly parts: {
      identities: Identities;
      instances: InstanceRollup;
      summaries: TraceSummaries;
      search: AttributeIndex;
      /** null: spans and trace summaries only (the benchmark's baseline for what rollups cost). */
      rollups: Rollups | null;
    },
  ) {
    this.insert = db.prepare(`INSERT OR IGNORE INTO spans (${SPAN_COLUMNS}) VALUES (${SPAN_COLUMNS.split(',').map(() => '?').join(',')})`);
  }

  write(group: ResourceGroup<SpanRecord>, st: WriteState): void {
    const { identities, instances, summaries, rollups, search } = this.parts;
    const res = identities.resource(group.resource, st.receivedMs);
    instances.identify(res, group.resource);
    let lastNs = 0n;
    // Spans of one trace mostly come one after another: their key and reference are the
    // previous span's, found without a string or a lookup.
    let lastTrace: Buffer | null = null;
    let lastKey = '';
    let lastRef = 0;
    for (const sg of group.scopes) {
      const scopeId = identities.scope(sg.scope);
      for (const sp of sg.items) {
        const traceId = asBuffer(sp.traceId);
        if (lastTrace === null || !traceId.equals(lastTrace)) {
          lastTrace = traceId;
          lastKey = traceId.toString('latin1');
          lastRef = summaries.refOf(traceId, lastKey);
        }
        const durationNs = Number(sp.endNs - sp.startNs);
        const row: StoredSpan = {
          sp,
          traceId,
          traceKey: lastKey,
          spanId: asBuffer(sp.spanId),
          parentId: asBuffer(sp.parentSpanId),
          durationNs,
          micros: durationNs / 1000,
          minute: Number(sp.startNs / MINUTE_NS),
          isError: isErrorSpan(sp.kind, sp.statusCode, sp.hints),
        };
        const info =
          this.insert.run(
            row.traceId,
            row.spanId,
            row.parentId,
            res.serviceId,
            res.id,
            scopeId,
            sp.name,
            sp.kind,
            sp.startNs,
            sp.endNs,
            row.durationNs,
            sp.statusCode,
            sp.statusMessage || null,
            row.isError ? 1 : 0,
            sp.traceState || null,
            sp.flags || null,
            sp.attributes,
            sp.events === '[]' ? null : sp.events,
            sp.links === '[]' ? null : sp.links,
            sp.droppedAttributesCount || null,
            sp.droppedEventsCount || null,
            sp.droppedLinksCount || null,
            st.receivedMs,
            lastRef,
          );
        if (info.changes === 0) {
          st.result.duplicates++;
          continue;
        }
        st.result.spans++;
        if (sp.endNs > lastNs) lastNs = sp.endNs;
        summaries.add(sp, row.traceId, lastKey, lastRef, row.isError, res);
        search.add(res.serviceId, lastRef, Number(info.lastInsertRowid), sp.startNs, sp.hints.search);
        rollups?.onSpan(row, res, st.receivedMs);
      }
    }
    touch(st, res, lastNs);
  }
}
