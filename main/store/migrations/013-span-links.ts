// Span links by both ends, so a trace's linked traces are found both ways without scanning
// spans: the traces its spans link to (the primary key's prefix) and the traces whose spans
// link to it (by the linked trace). Consumers that start a new trace per message link to the
// producer's span (the messaging conventions' recommended shape); this is how those hops are
// followed. Kept by triggers on spans, so every way spans are written or pruned (the writer,
// retention) keeps it in step; spans without links (stored as NULL) cost one test.
export const sql = /* sql */ `
CREATE TABLE span_links (
  trace_id BLOB NOT NULL,
  span_id BLOB NOT NULL,
  linked_trace_id BLOB NOT NULL,
  linked_span_id BLOB NOT NULL,
  PRIMARY KEY (trace_id, span_id, linked_trace_id, linked_span_id)
) WITHOUT ROWID;
CREATE INDEX span_links_by_linked ON span_links (linked_trace_id, linked_span_id);

CREATE TRIGGER span_links_on_insert AFTER INSERT ON spans WHEN NEW.links IS NOT NULL
BEGIN
  INSERT OR IGNORE INTO span_links (trace_id, span_id, linked_trace_id, linked_span_id)
  SELECT NEW.trace_id, NEW.span_id, unhex(json_extract(l.value, '$.traceId')), unhex(json_extract(l.value, '$.spanId'))
  FROM json_each(NEW.links) l
  WHERE length(json_extract(l.value, '$.traceId')) = 32 AND length(json_extract(l.value, '$.spanId')) = 16
    AND unhex(json_extract(l.value, '$.traceId')) IS NOT NULL AND unhex(json_extract(l.value, '$.spanId')) IS NOT NULL;
END;

CREATE TRIGGER span_links_on_delete AFTER DELETE ON spans WHEN OLD.links IS NOT NULL
BEGIN
  DELETE FROM span_links WHERE trace_id = OLD.trace_id AND span_id = OLD.span_id;
END;

INSERT OR IGNORE INTO span_links (trace_id, span_id, linked_trace_id, linked_span_id)
SELECT s.trace_id, s.span_id, unhex(json_extract(l.value, '$.traceId')), unhex(json_extract(l.value, '$.spanId'))
FROM spans s, json_each(s.links) l
WHERE s.links IS NOT NULL
  AND length(json_extract(l.value, '$.traceId')) = 32 AND length(json_extract(l.value, '$.spanId')) = 16
  AND unhex(json_extract(l.value, '$.traceId')) IS NOT NULL AND unhex(json_extract(l.value, '$.spanId')) IS NOT NULL;
`;
