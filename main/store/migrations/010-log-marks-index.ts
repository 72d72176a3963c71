// The severity histogram of a full-text log search counts every match by time and severity.
// FTS5 hands out matching rowids cheaply; looking each one up in `logs` (rows with bodies and
// attributes, far larger than the page cache) was most of the cost. This index holds the few
// columns the histogram needs beside the rowid, so each match is a seek into a small, cached
// b-tree (at 1M records: ~25 MB, against ~220 MB of log rows). Kept by SQLite itself: ingest
// appends at its right edge, retention's deletes remove entries with their rows.
export const sql = /* sql */ `
CREATE INDEX logs_marks ON logs (id, time_ns, severity_number, service_id);
`;
