// Service-map edges and error breakdowns, kept at ingest like the other rollups.
//  - rollup_edge_minute: calls between two nodes per minute (client→server pairs per the
//    Tempo/OTel servicegraph rules, and edges to databases, queues and external peers).
//    `writes` counts database calls whose operation modifies data (shared-datastore rule).
//  - status-class columns on the service and operation rollups: "errors by status class".
//  - rollup_version_minute: requests per service version.
export const sql = /* sql */ `
CREATE TABLE rollup_edge_minute (
  source TEXT NOT NULL,
  target TEXT NOT NULL,
  minute INTEGER NOT NULL,
  connection_type TEXT NOT NULL,
  calls INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  writes INTEGER NOT NULL,
  hist_ok BLOB,
  hist_err BLOB,
  PRIMARY KEY (source, target, minute)
) WITHOUT ROWID;
CREATE INDEX rollup_edge_by_minute ON rollup_edge_minute (minute);

ALTER TABLE rollup_service_minute ADD COLUMN http_2xx INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollup_service_minute ADD COLUMN http_3xx INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollup_service_minute ADD COLUMN http_4xx INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollup_service_minute ADD COLUMN http_5xx INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollup_service_minute ADD COLUMN other_errors INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollup_operation_minute ADD COLUMN http_4xx INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollup_operation_minute ADD COLUMN http_5xx INTEGER NOT NULL DEFAULT 0;

-- Requests per service version per minute: versions compared side by side (canary, "the
-- slow version").
CREATE TABLE rollup_version_minute (
  service_id INTEGER NOT NULL,
  version TEXT NOT NULL,
  minute INTEGER NOT NULL,
  calls INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  hist_ok BLOB,
  hist_err BLOB,
  PRIMARY KEY (service_id, version, minute)
) WITHOUT ROWID;

-- Minute-range scans of service rollups (the map and "what's broken now" read every service).
CREATE INDEX rollup_service_by_minute ON rollup_service_minute (minute);
`;
