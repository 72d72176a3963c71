// Instances (one per service.instance.id, else host.name + process.pid) with their version and
// first/last telemetry, requests per instance per minute (RED per instance, throughput per
// instance for canary judgement), and deploys a pipeline announced. Deploys Loupe sees for
// itself are not stored: they are the first telemetry of a version, read off `instances`.
export const sql = /* sql */ `
CREATE TABLE instances (
  service_id INTEGER NOT NULL,
  instance TEXT NOT NULL,
  version TEXT NOT NULL,
  host TEXT NOT NULL,
  first_seen_ns INTEGER NOT NULL,
  last_seen_ns INTEGER NOT NULL,
  resource_id INTEGER NOT NULL,
  PRIMARY KEY (service_id, instance, version)
) WITHOUT ROWID;
CREATE INDEX instances_by_first_seen ON instances (first_seen_ns);

CREATE TABLE rollup_instance_minute (
  minute INTEGER NOT NULL,
  service_id INTEGER NOT NULL,
  instance TEXT NOT NULL,
  version TEXT NOT NULL,
  telemetry INTEGER NOT NULL DEFAULT 0,
  calls INTEGER NOT NULL DEFAULT 0,
  errors INTEGER NOT NULL DEFAULT 0,
  hist_ok BLOB,
  hist_err BLOB,
  PRIMARY KEY (minute, service_id, instance, version)
) WITHOUT ROWID;
CREATE INDEX rollup_instance_by_service ON rollup_instance_minute (service_id, minute);

CREATE TABLE deploys (
  id INTEGER PRIMARY KEY,
  service TEXT NOT NULL,
  version TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  instance TEXT,
  description TEXT,
  received_ms INTEGER NOT NULL
);
CREATE INDEX deploys_by_time ON deploys (time_ms);
`;
