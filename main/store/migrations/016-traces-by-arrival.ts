// Trace summary rows stored in order of arrival: `ref` (given in order of first arrival, see
// migration 014) becomes the table's rowid, and the trace id a unique index beside it. Keyed by
// the trace id itself (WITHOUT ROWID), every new trace took its whole row to a random page and
// every update of a trace went back to one, so a commit of a few requests dirtied — and wrote
// to the WAL — a page per trace it touched. Now new rows land at the table's end and updates
// find the recent traces' rows in its last pages; only the narrow id index is written at random.
// A lookup by id goes through that index; `WHERE ref = ?` (the search index, retention) reads
// the row directly.
export const sql = /* sql */ `
CREATE TABLE traces_by_arrival (
  trace_id BLOB NOT NULL UNIQUE,
  start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL,
  root_service TEXT NOT NULL,
  root_name TEXT NOT NULL,
  has_root INTEGER NOT NULL,
  span_count INTEGER NOT NULL,
  error_count INTEGER NOT NULL,
  services TEXT NOT NULL,
  first_received_ms INTEGER NOT NULL,
  ref INTEGER PRIMARY KEY
);
INSERT INTO traces_by_arrival (trace_id, start_ns, end_ns, root_service, root_name, has_root, span_count, error_count, services, first_received_ms, ref)
  SELECT trace_id, start_ns, end_ns, root_service, root_name, has_root, span_count, error_count, services, first_received_ms, ref FROM traces ORDER BY ref;
DROP TABLE traces;
ALTER TABLE traces_by_arrival RENAME TO traces;
CREATE INDEX traces_by_start ON traces (start_ns);
`;
