// Trace search through the attribute index (migration 015, main/store/write/attribute-index.ts):
// for an indexed attribute filter, the traces that have a span of the service with that value
// come from postings, newest part first, and each is confirmed by reading that trace's spans
// with every filter of the search; spans after the last part (the tail) are read directly.
// A search the index cannot answer alone — the key not indexed, the window older than the
// key's indexing, a resource carrying the key — returns null and walks the spans instead.
import { searchHash, searchPatternOf, searchTextsOf } from '../../common/search-attributes';
import { decodeRefs, postingKey } from '../store/write/attribute-index';
import { type ReadStore, jsonPath } from './read-store';
import type { SearchAttribute } from '../../common/api/settings-schemas';

export interface IndexedSearch {
  /** The span-level conditions of the search (alias s for spans, r for resources) and their parameters. */
  where: string[];
  params: unknown[];
  /** Service ids the search is limited to (empty: all). */
  serviceIds: number[];
  filters: Array<{ key: string; value: string }>;
  fromNs: bigint;
  toNs: bigint;
}

/**
 * Gives `want` the refs of the traces matching the search, newest first, until it returns false;
 * false when the index cannot answer the search (nothing given).
 */
export function indexedTraceRefs(store: ReadStore, q: IndexedSearch, want: (ref: number) => boolean): boolean {
  const filter = indexedFilter(store, q);
  if (filter === null) return false;
  const ids = q.serviceIds.length ? q.serviceIds : (store.pluck('SELECT id FROM services').all() as number[]);
  const hashes: number[] = [];
  for (const id of ids) for (const text of searchTextsOf(filter.value)) hashes.push(postingKey(id, searchHash(filter.key, text)));
  if (hashes.length === 0) return true;
  const where = q.where.join(' AND ');
  const seen = new Set<number>();

  // The tail: spans stored after the last part, read directly (every condition applies).
  const after = (store.pluck('SELECT indexed_span_id FROM attr_index_state WHERE id = 1').get() as number | undefined) ?? 0;
  const tail = store
    .pluck(`SELECT DISTINCT s.trace_ref FROM spans s NOT INDEXED JOIN resources r ON r.id = s.resource_id WHERE s.id > ? AND ${where}`)
    .all(after, ...q.params) as number[];
  for (const ref of tail.sort((a, b) => b - a)) {
    seen.add(ref);
    if (!want(ref)) return true;
  }

  // The parts whose spans overlap the window, newest first; a posting is confirmed on its
  // trace's spans (the same service, window and filters, on one span).
  const confirm = store.pluck(
    `SELECT 1 FROM spans s INDEXED BY spans_by_trace_ref JOIN resources r ON r.id = s.resource_id WHERE s.trace_ref = ? AND ${where} LIMIT 1`,
  );
  const inPart = store.pluck(`SELECT refs FROM attr_postings WHERE part = ? AND h IN (${hashes.map(() => '?').join(',')})`);
  const parts = store
    .pluck('SELECT part FROM attr_parts WHERE max_ns >= ? AND min_ns <= ? ORDER BY part DESC')
    .iterate(q.fromNs, q.toNs) as IterableIterator<number>;
  for (const part of parts) {
    const blobs = inPart.all(part, ...hashes) as Buffer[];
    const refs = (blobs.length === 1 ? decodeRefs(blobs[0]) : blobs.flatMap(decodeRefs)).sort((a, b) => b - a);
    for (const ref of refs) {
      if (seen.has(ref)) continue;
      seen.add(ref);
      if (confirm.get(ref, ...q.params) === undefined) continue;
      if (!want(ref)) return true;
    }
  }
  return true;
}

/** The first filter the index answers for the whole window, or null. */
function indexedFilter(store: ReadStore, q: IndexedSearch): { key: string; value: string } | null {
  const keys = store.stmt('SELECT pattern, since_ns FROM search_keys').all() as Array<{ pattern: string; since_ns: number | bigint }>;
  const patterns = keys.map((k) => k.pattern);
  for (const f of q.filters) {
    const pattern = searchPatternOf(f.key, patterns);
    if (pattern === undefined) continue;
    const since = keys.find((k) => k.pattern === pattern)!.since_ns;
    if (q.fromNs <= BigInt(since)) continue;
    if (searchTextsOf(f.value).length === 0) continue;
    // The filter matches resource attributes too; postings hold span attributes only.
    if (store.pluck('SELECT 1 FROM resources WHERE json_extract(attributes, ?) IS NOT NULL LIMIT 1').get(jsonPath(f.key)) !== undefined)
      continue;
    return f;
  }
  return null;
}

/** The patterns the index keeps, defaults first, each with the time (ms) it is indexed from. */
export function listSearchKeys(store: ReadStore): SearchAttribute[] {
  const rows = store
    .stmt(`SELECT pattern, since_ns, origin FROM search_keys ORDER BY origin = 'user', pattern`)
    .all() as Array<{ pattern: string; since_ns: number | bigint; origin: string }>;
  return rows.map((r) => ({ key: r.pattern, origin: r.origin === 'user' ? 'user' : 'default', since: Math.floor(Number(r.since_ns) / 1e6) }));
}
