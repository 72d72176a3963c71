// When each source last sent data for each service, its recent arrival times (to learn its
// usual rhythm) and the data it sent late. One row per (service, source); written at ingest by
// store/source-activity.ts, read by query/source-activity.ts.
export const sql = /* sql */ `
CREATE TABLE source_activity (
  service TEXT NOT NULL,
  source TEXT NOT NULL,
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  arrivals INTEGER NOT NULL DEFAULT 0,
  recent TEXT NOT NULL DEFAULT '[]',
  late_items INTEGER NOT NULL DEFAULT 0,
  late_max_lag_ms INTEGER NOT NULL DEFAULT 0,
  late_last_lag_ms INTEGER NOT NULL DEFAULT 0,
  late_last_ms INTEGER,
  PRIMARY KEY (service, source)
) WITHOUT ROWID;
`;
