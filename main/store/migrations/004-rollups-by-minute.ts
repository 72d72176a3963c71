// Rollups read for a time window across every service or edge (the services list, the map,
// the log histogram) are clustered by minute, so a window is one contiguous range of the table
// instead of a lookup per row; per-service and per-edge reads use secondary indexes.
export const sql = /* sql */ `
CREATE TABLE rollup_service_minute_v2 (
  minute INTEGER NOT NULL,
  service_id INTEGER NOT NULL,
  spans INTEGER NOT NULL,
  span_errors INTEGER NOT NULL,
  calls INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  hist_ok BLOB,
  hist_err BLOB,
  http_2xx INTEGER NOT NULL DEFAULT 0,
  http_3xx INTEGER NOT NULL DEFAULT 0,
  http_4xx INTEGER NOT NULL DEFAULT 0,
  http_5xx INTEGER NOT NULL DEFAULT 0,
  other_errors INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (minute, service_id)
) WITHOUT ROWID;
INSERT INTO rollup_service_minute_v2 (minute, service_id, spans, span_errors, calls, errors, hist_ok, hist_err, http_2xx, http_3xx, http_4xx, http_5xx, other_errors)
  SELECT minute, service_id, spans, span_errors, calls, errors, hist_ok, hist_err, http_2xx, http_3xx, http_4xx, http_5xx, other_errors FROM rollup_service_minute;
DROP TABLE rollup_service_minute;
ALTER TABLE rollup_service_minute_v2 RENAME TO rollup_service_minute;
CREATE INDEX rollup_service_by_service ON rollup_service_minute (service_id, minute);

CREATE TABLE rollup_edge_minute_v2 (
  minute INTEGER NOT NULL,
  source TEXT NOT NULL,
  target TEXT NOT NULL,
  connection_type TEXT NOT NULL,
  calls INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  writes INTEGER NOT NULL,
  hist_ok BLOB,
  hist_err BLOB,
  PRIMARY KEY (minute, source, target)
) WITHOUT ROWID;
INSERT INTO rollup_edge_minute_v2 (minute, source, target, connection_type, calls, errors, writes, hist_ok, hist_err)
  SELECT minute, source, target, connection_type, calls, errors, writes, hist_ok, hist_err FROM rollup_edge_minute;
DROP TABLE rollup_edge_minute;
ALTER TABLE rollup_edge_minute_v2 RENAME TO rollup_edge_minute;
CREATE INDEX rollup_edge_by_source ON rollup_edge_minute (source, target, minute);
CREATE INDEX rollup_edge_by_target ON rollup_edge_minute (target, minute);

CREATE TABLE rollup_log_minute_v2 (
  minute INTEGER NOT NULL,
  service_id INTEGER NOT NULL,
  band INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (minute, service_id, band)
) WITHOUT ROWID;
INSERT INTO rollup_log_minute_v2 (minute, service_id, band, count) SELECT minute, service_id, band, count FROM rollup_log_minute;
DROP TABLE rollup_log_minute;
ALTER TABLE rollup_log_minute_v2 RENAME TO rollup_log_minute;
`;
