// Exemplars from metric points, stored at ingest in their own table (see migration 007) so the
// explorer reads a window's exemplars without parsing every point's detail. Only exemplars that
// name a trace are kept (the others cannot be opened), and the table is capped by count: the
// oldest go first, as with the points they came with.
import type { Db } from './database';

const MAX_ROWS = 200_000;
const PRUNE_EVERY = 2_000;

interface StoredExemplar {
  timeUnixNano?: string;
  value?: number;
  traceId?: string;
  spanId?: string;
}

export class ExemplarWriter {
  private readonly insert;
  private readonly prune;
  private sincePrune = 0;

  constructor(db: Db) {
    this.insert = db.prepare('INSERT INTO metric_exemplars (series_id, time_ns, value, trace_id, span_id) VALUES (?, ?, ?, ?, ?)');
    this.prune = db.prepare('DELETE FROM metric_exemplars WHERE id <= (SELECT max(id) FROM metric_exemplars) - ?');
  }

  /** Stores the exemplars of one newly stored point (its detail JSON as the decoders wrote it). */
  record(seriesId: number, pointTimeNs: bigint, detail: string): void {
    if (!detail.includes('"exemplars"')) return;
    let exemplars: StoredExemplar[] | undefined;
    try {
      exemplars = (JSON.parse(detail) as { exemplars?: StoredExemplar[] }).exemplars;
    } catch {
      return;
    }
    if (!Array.isArray(exemplars)) return;
    for (const e of exemplars) {
      if (!e.traceId || /^0+$/.test(e.traceId)) continue;
      let time = pointTimeNs;
      try {
        if (e.timeUnixNano && e.timeUnixNano !== '0') time = BigInt(e.timeUnixNano);
      } catch {
        // an unreadable time: the point's own time stands in
      }
      const value = typeof e.value === 'number' && Number.isFinite(e.value) ? e.value : null;
      this.insert.run(seriesId, time, value, e.traceId, e.spanId ?? '');
      if (++this.sincePrune >= PRUNE_EVERY) {
        this.sincePrune = 0;
        this.prune.run(MAX_ROWS);
      }
    }
  }
}
