// The search index of span attributes: which trace has a span of which service with which
// attribute value, for the keys people search by (common/search-attributes.ts), so a search such
// as `service=checkout, http.route=/cart` reads postings instead of every span of the service.
//
// Postings are written in parts, an LSM-like run each: the writer keeps the postings of the
// spans it stores in memory and writes them sorted, as one part, every few hundred traces — so
// every insert lands at the end of the tree instead of on a random page — with one row per
// value holding the part's traces that have it. A part knows the last
// span it covers and the time its spans span; spans after the last part (the tail) are read
// directly by a search. `h` is the service id × 2^32 + a 32-bit hash of `key=value`.
//
// `search_keys` holds the patterns indexed (the defaults below, and keys the user adds) and from
// when on: spans stored before a pattern was indexed have no postings for it, so a search whose
// window starts before `since_ns` walks the spans instead. Spans stored before this migration are
// not indexed: their window is before `since_ns` (the newest span end, at most an hour ahead).
export const sql = /* sql */ `
CREATE TABLE search_keys (
  pattern TEXT PRIMARY KEY,
  since_ns INTEGER NOT NULL,
  origin TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO search_keys (pattern, since_ns, origin)
  SELECT p.column1, min(coalesce((SELECT max(end_ns) FROM traces), 0), CAST(unixepoch('subsec') * 1e9 AS INTEGER) + 3600000000000), 'default'
  FROM (VALUES ('http.*'), ('rpc.*'), ('db.*'), ('messaging.*'), ('url.path'), ('error.type')) AS p;

CREATE TABLE attr_parts (
  part INTEGER PRIMARY KEY,
  last_span_id INTEGER NOT NULL,
  min_ns INTEGER NOT NULL,
  max_ns INTEGER NOT NULL
);
-- refs: the part's trace refs with that value, ascending, as 32-bit little-endian integers.
CREATE TABLE attr_postings (
  part INTEGER NOT NULL,
  h INTEGER NOT NULL,
  refs BLOB NOT NULL,
  PRIMARY KEY (part, h)
) WITHOUT ROWID;
-- The last span whose postings are in a part (spans after it are the tail).
CREATE TABLE attr_index_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  indexed_span_id INTEGER NOT NULL
);
INSERT INTO attr_index_state (id, indexed_span_id) VALUES (1, coalesce((SELECT max(id) FROM spans), 0));
`;
