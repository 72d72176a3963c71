// Log records per service, minute and severity band, kept at ingest: the severity histogram
// and the total a log list needs are sums over minutes, not counts over millions of rows.
// Bands: 0 TRACE, 1 DEBUG, 2 INFO, 3 WARN, 4 ERROR, 5 FATAL, 6 UNSPECIFIED.
export const sql = /* sql */ `
CREATE TABLE rollup_log_minute (
  service_id INTEGER NOT NULL,
  minute INTEGER NOT NULL,
  band INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (service_id, minute, band)
) WITHOUT ROWID;
CREATE INDEX rollup_log_by_minute ON rollup_log_minute (minute);

-- Existing records, so a store written before this version has its histogram too.
INSERT INTO rollup_log_minute (service_id, minute, band, count)
SELECT service_id, time_ns / 60000000000,
  CASE WHEN severity_number = 0 THEN 6 WHEN severity_number < 5 THEN 0 WHEN severity_number < 9 THEN 1
       WHEN severity_number < 13 THEN 2 WHEN severity_number < 17 THEN 3 WHEN severity_number < 21 THEN 4 ELSE 5 END,
  count(*)
FROM logs GROUP BY 1, 2, 3;
`;
