// Alert rules' memory (migration 012): every alert that fired, from start to resolution (the
// in-app history, and what keeps a firing alert from being announced twice across restarts);
// the error types seen per service with when each was first seen (what "new error type" rules
// compare against, kept after retention deletes the spans); and the span rowid up to which
// spans have been read for error types. Written by main/alerts/ only.
export const sql = /* sql */ `
CREATE TABLE alert_history (
  id INTEGER PRIMARY KEY,
  rule_id TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  severity TEXT NOT NULL,
  service TEXT NOT NULL,
  target TEXT,
  error_type TEXT,
  started_ms INTEGER NOT NULL,
  resolved_ms INTEGER,
  value REAL,
  threshold REAL,
  summary TEXT NOT NULL,
  window_from_ms INTEGER NOT NULL,
  window_to_ms INTEGER NOT NULL
);
CREATE INDEX alert_history_open ON alert_history (resolved_ms) WHERE resolved_ms IS NULL;
CREATE INDEX alert_history_rule ON alert_history (rule_id, started_ms);

CREATE TABLE service_error_types (
  service TEXT NOT NULL,
  type TEXT NOT NULL,
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (service, type)
) WITHOUT ROWID;

CREATE TABLE alert_cursors (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
`;
