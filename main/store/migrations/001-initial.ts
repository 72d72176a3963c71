// The initial schema. Raw tables (spans, logs, metric_points) are rowid tables so rows sit in
// the order they were received: retention deletes the lowest rowids first, and appends stay
// cheap. Ids are BLOBs (16/8 bytes); timestamps are integer nanoseconds.
export const sql = /* sql */ `
CREATE TABLE services (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  namespace TEXT NOT NULL DEFAULT '',
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  UNIQUE (name, namespace)
);

CREATE TABLE resources (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  service_id INTEGER NOT NULL REFERENCES services(id),
  service_version TEXT NOT NULL DEFAULT '',
  environment TEXT NOT NULL DEFAULT '',
  attributes TEXT NOT NULL,
  dropped_attributes_count INTEGER NOT NULL DEFAULT 0,
  schema_url TEXT NOT NULL DEFAULT '',
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL
);

CREATE TABLE scopes (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  attributes TEXT NOT NULL,
  dropped_attributes_count INTEGER NOT NULL DEFAULT 0,
  schema_url TEXT NOT NULL DEFAULT ''
);

CREATE TABLE spans (
  id INTEGER PRIMARY KEY,
  trace_id BLOB NOT NULL,
  span_id BLOB NOT NULL,
  parent_span_id BLOB,
  service_id INTEGER NOT NULL,
  resource_id INTEGER NOT NULL,
  scope_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  kind INTEGER NOT NULL,
  start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL,
  duration_ns INTEGER NOT NULL,
  status_code INTEGER NOT NULL,
  status_message TEXT,
  is_error INTEGER NOT NULL,
  trace_state TEXT,
  flags INTEGER,
  attributes TEXT NOT NULL,
  events TEXT,
  links TEXT,
  dropped_attributes_count INTEGER,
  dropped_events_count INTEGER,
  dropped_links_count INTEGER,
  received_ms INTEGER NOT NULL
);
CREATE UNIQUE INDEX spans_by_trace ON spans (trace_id, span_id);
CREATE INDEX spans_by_service ON spans (service_id, start_ns);

-- One summary row per trace, kept at ingest so trace lists never scan spans.
CREATE TABLE traces (
  trace_id BLOB PRIMARY KEY,
  start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL,
  root_service TEXT NOT NULL,
  root_name TEXT NOT NULL,
  has_root INTEGER NOT NULL,
  span_count INTEGER NOT NULL,
  error_count INTEGER NOT NULL,
  services TEXT NOT NULL,
  first_received_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX traces_by_start ON traces (start_ns);

CREATE TABLE logs (
  id INTEGER PRIMARY KEY,
  time_ns INTEGER NOT NULL,
  observed_ns INTEGER NOT NULL,
  severity_number INTEGER NOT NULL,
  severity_text TEXT NOT NULL,
  body TEXT NOT NULL,
  body_is_json INTEGER NOT NULL,
  trace_id BLOB,
  span_id BLOB,
  flags INTEGER NOT NULL,
  event_name TEXT NOT NULL,
  service_id INTEGER NOT NULL,
  resource_id INTEGER NOT NULL,
  scope_id INTEGER NOT NULL,
  attributes TEXT NOT NULL,
  dropped_attributes_count INTEGER NOT NULL,
  dedup INTEGER NOT NULL,
  received_ms INTEGER NOT NULL
);
-- (time, content hash) identifies a record: a re-sent batch is ignored, not duplicated.
CREATE UNIQUE INDEX logs_by_time ON logs (time_ns, dedup);
CREATE INDEX logs_by_service ON logs (service_id, time_ns);
CREATE INDEX logs_by_trace ON logs (trace_id) WHERE trace_id IS NOT NULL;
-- Contentless with delete support: retention can drop rowid ranges; matches are highlighted
-- from the logs table's own body.
CREATE VIRTUAL TABLE logs_fts USING fts5 (body, content = '', contentless_delete = 1, tokenize = 'unicode61');

CREATE TABLE metric_series (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  unit TEXT NOT NULL,
  description TEXT NOT NULL,
  temporality INTEGER NOT NULL,
  monotonic INTEGER NOT NULL,
  service_id INTEGER NOT NULL,
  resource_id INTEGER NOT NULL,
  scope_id INTEGER NOT NULL,
  attributes TEXT NOT NULL,
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL
);
CREATE INDEX metric_series_by_service ON metric_series (service_id, name);
CREATE INDEX metric_series_by_name ON metric_series (name);

CREATE TABLE metric_points (
  id INTEGER PRIMARY KEY,
  series_id INTEGER NOT NULL,
  time_ns INTEGER NOT NULL,
  start_ns INTEGER NOT NULL,
  value REAL,
  is_int INTEGER NOT NULL,
  count INTEGER,
  sum REAL,
  min REAL,
  max REAL,
  detail TEXT,
  flags INTEGER NOT NULL,
  received_ms INTEGER NOT NULL
);
CREATE UNIQUE INDEX metric_points_by_series ON metric_points (series_id, time_ns);

-- Rollups kept at ingest, per minute. Service rows count all spans (spans, span_errors) and,
-- separately, the requests that entered the service (calls, errors: server/consumer spans
-- and local roots) with latency histograms split into successful and failed requests.
-- Operation rows count requests per entry-span name.
CREATE TABLE rollup_service_minute (
  service_id INTEGER NOT NULL,
  minute INTEGER NOT NULL,
  spans INTEGER NOT NULL,
  span_errors INTEGER NOT NULL,
  calls INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  hist_ok BLOB,
  hist_err BLOB,
  PRIMARY KEY (service_id, minute)
) WITHOUT ROWID;

CREATE TABLE rollup_operation_minute (
  service_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  minute INTEGER NOT NULL,
  calls INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  hist_ok BLOB,
  hist_err BLOB,
  PRIMARY KEY (service_id, name, minute)
) WITHOUT ROWID;

-- Counters shown by /api/health; survive restarts.
CREATE TABLE ingest_stats (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;

-- The latest rejected inputs, so the UI can say what was wrong and where.
CREATE TABLE ingest_errors (
  id INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  source TEXT NOT NULL,
  message TEXT NOT NULL
);
`;
