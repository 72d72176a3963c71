// The search index of span attributes (migration 015): a posting per (service, attribute value,
// trace), written in sorted parts so every insert appends. The postings of a transaction are
// staged and kept only when it commits; once enough traces are kept (or they are old enough)
// they are written as one part in a transaction of their own, with the last span they cover.
// Spans after that span are the tail a search reads directly; after a restart the tail's
// postings are rebuilt from the spans themselves.
import { isSearchedKey, searchHash, searchPatternOf, searchText } from '../../../common/search-attributes';
import type { Db } from '../database';

/** A part is written once this many traces have postings waiting… */
const PART_TRACES = 512;
/** …or this many spans were stored since the last part (with postings or not: the tail a
 * search reads, and a restart rebuilds, stays this small)… */
const PART_SPANS = 8192;
/** …or the oldest of them is this old. */
const PART_MAX_AGE_MS = 10_000;
/** Bounds of a part's span start times are widened by this much (ns kept as doubles). */
const NS_SLACK = 1_000_000;
/** Parts of one level merged into one of the next (migration 017)… */
const MERGE_FANOUT = 16;
/** …up to this level: a level-2 part covers 256 written parts (~130k traces), which keeps its
 * largest postings (a value every trace of a service has) a few hundred KB. */
const MAX_LEVEL = 2;

/** The posting key of one attribute value (its searchHash) of one service's spans. */
export function postingKey(serviceId: number, valueHash: number): number {
  return serviceId * 4_294_967_296 + valueHash;
}

/** Trace refs as stored in a posting: 32-bit little-endian integers. */
function encodeRefs(refs: Uint32Array, count: number): Buffer {
  const out = Buffer.allocUnsafe(count * 4);
  for (let i = 0; i < count; i++) out.writeUInt32LE(refs[i], i * 4);
  return out;
}

/** The traces of several postings of one value, ascending and each once, as a posting. */
function unionOfRefs(blobs: Buffer[]): Buffer {
  if (blobs.length === 1) return blobs[0];
  let n = 0;
  for (const b of blobs) n += b.byteLength >>> 2;
  const all = new Uint32Array(n);
  let k = 0;
  for (const b of blobs) for (let i = 0; i < b.byteLength; i += 4) all[k++] = b.readUInt32LE(i);
  all.sort();
  let m = 0;
  for (let i = 0; i < n; i++) if (m === 0 || all[m - 1] !== all[i]) all[m++] = all[i];
  return encodeRefs(all, m);
}

export function decodeRefs(blob: Uint8Array): number[] {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const out: number[] = new Array(blob.byteLength >>> 2);
  for (let i = 0; i < out.length; i++) out[i] = view.getUint32(i * 4, true);
  return out;
}

interface Pending {
  /** h, trace_ref pairs. */
  pairs: number[];
  traces: Set<number>;
  /** Spans stored (with postings or not). */
  spans: number;
  lastSpanId: number;
  minNs: number;
  maxNs: number;
}

const emptyPending = (): Pending => ({ pairs: [], traces: new Set(), spans: 0, lastSpanId: 0, minNs: Infinity, maxNs: -Infinity });

export class AttributeIndex {
  private staged = emptyPending();
  private waiting = emptyPending();
  private waitingSinceMs = 0;
  private nextPart: number;
  private readonly stmt;

  constructor(private readonly db: Db) {
    this.stmt = {
      posting: db.prepare('INSERT INTO attr_postings (part, h, refs) VALUES (?, ?, ?)'),
      part: db.prepare('INSERT INTO attr_parts (part, last_span_id, min_ns, max_ns, level) VALUES (?, ?, ?, ?, ?)'),
      oldestOfLevel: db.prepare(`SELECT part, last_span_id, min_ns, max_ns FROM attr_parts WHERE level = ? ORDER BY part LIMIT ${MERGE_FANOUT}`).raw(),
      postingsOf: db.prepare('SELECT h, refs FROM attr_postings WHERE part = ?').raw(),
      dropPostings: db.prepare('DELETE FROM attr_postings WHERE part = ?'),
      dropPart: db.prepare('DELETE FROM attr_parts WHERE part = ?'),
      state: db.prepare('UPDATE attr_index_state SET indexed_span_id = ? WHERE id = 1'),
    };
    this.nextPart = ((db.prepare('SELECT max(part) FROM attr_parts').pluck().get() as number | null) ?? 0) + 1;
    this.rebuildTail();
  }

  /** Notes the postings of a span stored in the current transaction. */
  add(serviceId: number, traceRef: number, spanId: number, startNs: bigint, search: number[] | undefined): void {
    const p = this.staged;
    p.lastSpanId = spanId;
    p.spans++;
    if (search === undefined || search.length === 0) return;
    for (const value of search) p.pairs.push(postingKey(serviceId, value), traceRef);
    p.traces.add(traceRef);
    const ns = Number(startNs);
    if (ns < p.minNs) p.minNs = ns;
    if (ns > p.maxNs) p.maxNs = ns;
  }

  begin(): void {
    if (this.staged.lastSpanId !== 0) this.staged = emptyPending();
  }

  /** The transaction committed: its postings wait for the next part, written when due. */
  committed(nowMs = Date.now()): void {
    const s = this.staged;
    if (s.lastSpanId === 0) return;
    this.staged = emptyPending();
    const w = this.waiting;
    if (w.spans === 0) this.waitingSinceMs = nowMs;
    for (let i = 0; i < s.pairs.length; i++) w.pairs.push(s.pairs[i]);
    for (const t of s.traces) w.traces.add(t);
    w.spans += s.spans;
    w.lastSpanId = s.lastSpanId;
    if (s.minNs < w.minNs) w.minNs = s.minNs;
    if (s.maxNs > w.maxNs) w.maxNs = s.maxNs;
    if (w.traces.size < PART_TRACES && w.spans < PART_SPANS && nowMs - this.waitingSinceMs < PART_MAX_AGE_MS) return;
    try {
      this.writePart();
      for (let level = 0; level < MAX_LEVEL; level++) this.mergeParts(level);
    } catch {
      // The spans are committed; their postings wait (and a search reads them as the tail)
      // until a part can be written, e.g. once a full disk has room again.
    }
  }

  /**
   * Merges parts that are due, for up to `budgetMs`, between writes (the writer's periodic
   * tick): a store written before parts were merged catches up even when little data arrives.
   * Returns how many merges it made.
   */
  mergeDue(budgetMs = 50): number {
    const until = performance.now() + budgetMs;
    let merges = 0;
    for (let merged = true; merged && performance.now() < until; ) {
      merged = false;
      for (let level = 0; level < MAX_LEVEL; level++)
        if (this.mergeParts(level)) {
          merged = true;
          merges++;
        }
    }
    return merges;
  }

  /** The transaction rolled back: its postings go with it. */
  rolledBack(): void {
    this.staged = emptyPending();
  }

  /** Writes the waiting postings as one part (sorted, so they append) in a transaction, and
   * moves the tail's start past the spans they cover (a part without postings is not written). */
  private writePart(): void {
    const w = this.waiting;
    if (w.lastSpanId === 0) return;
    const n = w.pairs.length / 2;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const pairs = w.pairs;
    order.sort((a, b) => pairs[2 * a] - pairs[2 * b] || pairs[2 * a + 1] - pairs[2 * b + 1]);
    const part = this.nextPart;
    const refs = new Uint32Array(n);
    this.db.transaction(() => {
      // One row per value: its traces, ascending and each once.
      let k = 0;
      while (k < n) {
        const h = pairs[2 * order[k]];
        let m = 0;
        for (; k < n && pairs[2 * order[k]] === h; k++) {
          const ref = pairs[2 * order[k] + 1];
          if (m === 0 || refs[m - 1] !== ref) refs[m++] = ref;
        }
        this.stmt.posting.run(part, h, encodeRefs(refs, m));
      }
      if (n > 0) this.stmt.part.run(part, w.lastSpanId, Math.floor(w.minNs - NS_SLACK), Math.ceil(w.maxNs + NS_SLACK), 0);
      this.stmt.state.run(w.lastSpanId);
    })();
    if (n > 0) this.nextPart++;
    this.waiting = emptyPending();
  }

  /**
   * Merges the oldest 16 parts of `level`, when there are as many, into one part of the next
   * level, in a transaction of its own: each value's traces are the union of theirs. The merged
   * part takes the newest one's number, so parts stay in order of the spans they cover (levels
   * only fall as part numbers rise: a level's parts are consecutive), a search still reads the
   * newest first, and retention drops it once all of its spans are gone.
   */
  private mergeParts(level: number): boolean {
    const parts = this.stmt.oldestOfLevel.all(level) as Array<[number, number, number, number]>;
    if (parts.length < MERGE_FANOUT) return false;
    this.db.transaction(() => {
      const byValue = new Map<number, Buffer[]>();
      for (const [part] of parts) {
        for (const [h, refs] of this.stmt.postingsOf.all(part) as Array<[number, Buffer]>) {
          const list = byValue.get(h);
          if (list) list.push(refs);
          else byValue.set(h, [refs]);
        }
        this.stmt.dropPostings.run(part);
        this.stmt.dropPart.run(part);
      }
      const merged = parts[parts.length - 1][0];
      for (const h of [...byValue.keys()].sort((a, b) => a - b)) this.stmt.posting.run(merged, h, unionOfRefs(byValue.get(h)!));
      const lastSpanId = Math.max(...parts.map((p) => p[1]));
      const minNs = Math.min(...parts.map((p) => p[2]));
      const maxNs = Math.max(...parts.map((p) => p[3]));
      this.stmt.part.run(merged, lastSpanId, minNs, maxNs, level + 1);
    })();
    return true;
  }

  /** Postings of spans stored after the last part (lost from memory with a restart). */
  private rebuildTail(): void {
    const after = this.db.prepare('SELECT indexed_span_id FROM attr_index_state WHERE id = 1').pluck().get() as number | undefined;
    if (after === undefined) return;
    const patterns = this.db.prepare('SELECT pattern FROM search_keys').pluck().all() as string[];
    const rows = this.db
      .prepare('SELECT id, service_id, trace_ref, start_ns, attributes FROM spans WHERE id > ? ORDER BY id')
      .raw()
      .iterate(after) as IterableIterator<[number, number, number, bigint | number, string]>;
    for (const [id, serviceId, traceRef, startNs, attributes] of rows) {
      const search: number[] = [];
      let attrs: Record<string, unknown> = {};
      try {
        attrs = JSON.parse(attributes || '{}') as Record<string, unknown>;
      } catch {
        // Stored attribute JSON is written by the decoders; a row that does not parse has no postings.
      }
      for (const [k, v] of Object.entries(attrs)) {
        if (!isSearchedKey(k, patterns)) continue;
        const text = searchText(v);
        if (text !== undefined) search.push(searchHash(k, text));
      }
      this.add(serviceId, traceRef, id, BigInt(startNs), search);
    }
    this.committed();
  }
}

/**
 * Adds the user's own keys to the index (from now on: spans stored before have no postings for
 * them) and returns every pattern indexed, for the decoders.
 */
export function addSearchKeys(db: Db, keys: readonly string[], nowMs = Date.now()): string[] {
  const insert = db.prepare(`INSERT OR IGNORE INTO search_keys (pattern, since_ns, origin) VALUES (?, ?, 'user')`);
  // A minute's slack: spans stored before now whose clocks ran a little ahead.
  const sinceNs = BigInt(nowMs + 60_000) * 1_000_000n;
  db.transaction(() => {
    // A key already covered (http.route by http.*) keeps its pattern, and the time it was indexed from.
    const known = searchPatterns(db);
    for (const k of keys) if (searchPatternOf(k, known) === undefined) insert.run(k, sinceNs);
  })();
  return searchPatterns(db);
}

/**
 * Takes the user's own keys out of the index (the defaults stay) and returns every pattern
 * still indexed. Postings already written stay until retention drops their parts; a search on
 * a key no longer listed walks the spans, and a key added again is indexed from then on.
 */
export function removeSearchKeys(db: Db, keys: readonly string[]): string[] {
  const remove = db.prepare(`DELETE FROM search_keys WHERE pattern = ? AND origin = 'user'`);
  db.transaction(() => {
    for (const k of keys) remove.run(k);
  })();
  return searchPatterns(db);
}

function searchPatterns(db: Db): string[] {
  return db.prepare('SELECT pattern FROM search_keys ORDER BY pattern').pluck().all() as string[];
}
