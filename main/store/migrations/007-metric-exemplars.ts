// Exemplars (a measurement with the trace that made it) kept beside metric points, so a chart
// can show them over a window with one index range per series and open their traces.
export const sql = /* sql */ `
CREATE TABLE metric_exemplars (
  id INTEGER PRIMARY KEY,
  series_id INTEGER NOT NULL,
  time_ns INTEGER NOT NULL,
  value REAL,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL
);
CREATE INDEX metric_exemplars_by_series ON metric_exemplars (series_id, time_ns);
`;
