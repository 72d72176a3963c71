// Service and edge rollups merged over runs of minutes ("parts"), kept in blocks by
// rollup-blocks.ts: the Services list and the map read a window as a handful of cached parts
// plus the still-open minutes, instead of every rollup row of the window. Parts hold their
// latency histogram as sparse buckets; merging and quantiles go through one scratch dense
// histogram per thread, so reading a window allocates no 5 KB histogram per service or edge
// (at a few hundred keys per call that garbage cost more than the SQL).
import * as H from '../../common/latency-histogram';
import type { ConnectionType } from '../../common/service-map';
import type { ReadStore } from './read-store';
import { RollupBlocks } from './rollup-blocks';
import { type Coverage, serviceSignals } from './red';

/** One service's rollups over some minutes. */
export interface ServicePart {
  spans: number;
  spanErrors: number;
  calls: number;
  errors: number;
  hist: H.SparseBuckets;
  /** Minute of index 0 of the per-minute arrays: the first minute with a rollup row. */
  start: number;
  minuteCalls: Float64Array;
  minuteErrors: Float64Array;
  /** 1 for each minute with a rollup row (calls may be 0 in it: a service of client spans only). */
  minuteRows: Uint8Array;
}

/** One edge's rollups over some minutes. */
export interface EdgePart {
  source: string;
  target: string;
  type: ConnectionType;
  calls: number;
  errors: number;
  writes: number;
  hist: H.SparseBuckets;
}

const scratch = new H.DenseHistogram();
const EMPTY: H.SparseBuckets = { index: new Uint16Array(0), count: new Float64Array(0) };

/** Sparse buckets of the encoded histograms in `blobs` (merged in the scratch histogram). */
function sparseOfEncoded(blobs: Array<Buffer | null>): H.SparseBuckets {
  scratch.clear();
  for (const b of blobs) scratch.addEncoded(b);
  return H.sparseOf(scratch);
}

/** `whole` less the histograms of parts of it (their buckets are among its own), as sparse
 * buckets: a walk along the sorted indexes, without the dense scratch (a few dozen buckets
 * each, where the scratch has thousands). A part read after a late write whose news has not
 * reached this thread yet may hold more than the kept whole: nothing goes below zero. */
function sparseLess(whole: H.SparseBuckets, parts: H.SparseBuckets[]): H.SparseBuckets {
  if (parts.length === 0) return whole;
  const count = whole.count.slice();
  for (const p of parts)
    for (let i = 0, j = 0; j < p.index.length; j++) {
      while (i < whole.index.length && whole.index[i] < p.index[j]) i++;
      if (whole.index[i] === p.index[j]) count[i] -= p.count[j];
    }
  let n = 0;
  for (let i = 0; i < count.length; i++) if (count[i] > 0) n++;
  if (n === count.length) return { index: whole.index, count };
  const index = new Uint16Array(n);
  const kept = new Float64Array(n);
  for (let i = 0, k = 0; i < count.length; i++)
    if (count[i] > 0) {
      index[k] = whole.index[i];
      kept[k++] = count[i];
    }
  return { index, count: kept };
}

/** A service part with nothing counted yet, over `minutes` minutes from `start`. */
function emptyServicePart(start: number, minutes: number): ServicePart {
  return {
    spans: 0,
    spanErrors: 0,
    calls: 0,
    errors: 0,
    hist: EMPTY,
    start,
    minuteCalls: new Float64Array(minutes),
    minuteErrors: new Float64Array(minutes),
    minuteRows: new Uint8Array(minutes),
  };
}

/** Appends `value` to the list under `key`. */
function push<K, V>(lists: Map<K, V[]>, key: K, value: V): void {
  const list = lists.get(key);
  if (list) list.push(value);
  else lists.set(key, [value]);
}

/** Service rollups of minutes [m0, m1], by service id. */
export function loadServiceParts(store: ReadStore, m0: number, m1: number): Map<number, ServicePart> {
  // Minute first (the table's key): each service's rows come minutes ascending.
  const rows = store
    .raw(
      `SELECT service_id, minute, spans, span_errors, calls, errors, hist_ok, hist_err
       FROM rollup_service_minute WHERE minute BETWEEN ? AND ?`,
    )
    .all(m0, m1) as Array<[number, number, number, number, number, number, Buffer | null, Buffer | null]>;
  const byService = new Map<number, Array<(typeof rows)[number]>>();
  for (const r of rows) push(byService, r[0], r);
  const out = new Map<number, ServicePart>();
  const blobs: Array<Buffer | null> = [];
  for (const [id, list] of byService) {
    store.check();
    const start = list[0][1];
    const minutes = list[list.length - 1][1] - start + 1;
    const part = emptyServicePart(start, minutes);
    blobs.length = 0;
    for (const r of list) {
      part.spans += r[2];
      part.spanErrors += r[3];
      part.calls += r[4];
      part.errors += r[5];
      part.minuteCalls[r[1] - start] += r[4];
      part.minuteErrors[r[1] - start] += r[5];
      part.minuteRows[r[1] - start] = 1;
      blobs.push(r[6], r[7]);
    }
    part.hist = sparseOfEncoded(blobs);
    out.set(id, part);
  }
  return out;
}

/** Edge rollups of minutes [m0, m1], keyed `source\0target`. */
export function loadEdgeParts(store: ReadStore, m0: number, m1: number): Map<string, EdgePart> {
  const rows = store
    .raw(
      `SELECT source, target, connection_type, calls, errors, writes, hist_ok, hist_err
       FROM rollup_edge_minute WHERE minute BETWEEN ? AND ?`,
    )
    .all(m0, m1) as Array<[string, string, ConnectionType, number, number, number, Buffer | null, Buffer | null]>;
  const byEdge = new Map<string, Array<(typeof rows)[number]>>();
  for (const r of rows) push(byEdge, r[0] + '\u0000' + r[1], r);
  const out = new Map<string, EdgePart>();
  const blobs: Array<Buffer | null> = [];
  for (const [key, list] of byEdge) {
    store.check();
    const [source, target, type] = list[0];
    const part: EdgePart = { source, target, type, calls: 0, errors: 0, writes: 0, hist: EMPTY };
    blobs.length = 0;
    for (const r of list) {
      part.calls += r[3];
      part.errors += r[4];
      part.writes += r[5];
      blobs.push(r[6], r[7]);
    }
    part.hist = sparseOfEncoded(blobs);
    out.set(key, part);
  }
  return out;
}

/** Service parts of consecutive minutes (oldest first) as one, as loadServiceParts gives them for the whole range. */
export function mergeServiceParts(minutes: Array<Map<number, ServicePart>>): Map<number, ServicePart> {
  const byService = new Map<number, ServicePart[]>();
  for (const m of minutes) for (const [id, part] of m) push(byService, id, part);
  const out = new Map<number, ServicePart>();
  for (const [id, list] of byService) {
    const start = list[0].start;
    const last = list[list.length - 1];
    const minutes = last.start + last.minuteCalls.length - start;
    const part = emptyServicePart(start, minutes);
    scratch.clear();
    for (const p of list) {
      part.spans += p.spans;
      part.spanErrors += p.spanErrors;
      part.calls += p.calls;
      part.errors += p.errors;
      part.minuteCalls.set(p.minuteCalls, p.start - start);
      part.minuteErrors.set(p.minuteErrors, p.start - start);
      part.minuteRows.set(p.minuteRows, p.start - start);
      scratch.addSparse(p.hist);
    }
    part.hist = H.sparseOf(scratch);
    out.set(id, part);
  }
  return out;
}

/** Edge parts of consecutive minutes (oldest first) as one, as loadEdgeParts gives them for the whole range. */
export function mergeEdgeParts(minutes: Array<Map<string, EdgePart>>): Map<string, EdgePart> {
  const byEdge = new Map<string, EdgePart[]>();
  for (const m of minutes) for (const [key, part] of m) push(byEdge, key, part);
  const out = new Map<string, EdgePart>();
  for (const [key, list] of byEdge) {
    const { source, target, type } = list[0];
    const part: EdgePart = { source, target, type, calls: 0, errors: 0, writes: 0, hist: EMPTY };
    scratch.clear();
    for (const p of list) {
      part.calls += p.calls;
      part.errors += p.errors;
      part.writes += p.writes;
      scratch.addSparse(p.hist);
    }
    part.hist = H.sparseOf(scratch);
    out.set(key, part);
  }
  return out;
}

/**
 * The service parts of minutes [m0, m1] of a block, from the block's parts and those of its
 * other minutes, as loadServiceParts gives them for [m0, m1]: what a window whose end moved into
 * a kept block needs, for the price of the one minute that just left it.
 */
export function subtractServiceParts(block: Map<number, ServicePart>, others: Array<Map<number, ServicePart>>, m0: number, m1: number): Map<number, ServicePart> {
  const out = new Map<number, ServicePart>();
  for (const [id, b] of block) {
    let first = -1;
    let last = -1;
    for (let m = Math.max(m0, b.start); m <= Math.min(m1, b.start + b.minuteRows.length - 1); m++)
      if (b.minuteRows[m - b.start]) {
        if (first < 0) first = m;
        last = m;
      }
    if (first < 0) continue; // no row in [m0, m1]
    const from = first - b.start;
    const to = last - b.start + 1;
    const part: ServicePart = {
      spans: b.spans,
      spanErrors: b.spanErrors,
      calls: b.calls,
      errors: b.errors,
      hist: EMPTY,
      start: first,
      minuteCalls: b.minuteCalls.slice(from, to),
      minuteErrors: b.minuteErrors.slice(from, to),
      minuteRows: b.minuteRows.slice(from, to),
    };
    const hists: H.SparseBuckets[] = [];
    for (const o of others) {
      const p = o.get(id);
      if (!p) continue;
      part.spans -= p.spans;
      part.spanErrors -= p.spanErrors;
      part.calls -= p.calls;
      part.errors -= p.errors;
      hists.push(p.hist);
    }
    part.hist = sparseLess(b.hist, hists);
    // (Never below zero: see sparseLess.)
    part.spans = Math.max(0, part.spans);
    part.spanErrors = Math.max(0, part.spanErrors);
    part.calls = Math.max(0, part.calls);
    part.errors = Math.max(0, part.errors);
    out.set(id, part);
  }
  return out;
}

/** The edge parts of some minutes of a block, from the block's and those of its other minutes
 * (an edge with no call left in them has no row there). */
export function subtractEdgeParts(block: Map<string, EdgePart>, others: Array<Map<string, EdgePart>>): Map<string, EdgePart> {
  const out = new Map<string, EdgePart>();
  for (const [key, b] of block) {
    const part: EdgePart = { ...b };
    const hists: H.SparseBuckets[] = [];
    for (const o of others) {
      const p = o.get(key);
      if (!p) continue;
      part.calls -= p.calls;
      part.errors -= p.errors;
      part.writes -= p.writes;
      hists.push(p.hist);
    }
    part.hist = sparseLess(b.hist, hists);
    if (hists.length > 0 && part.calls <= 0 && part.writes <= 0 && part.hist.index.length === 0) continue;
    // (Never below zero: see sparseLess.)
    part.calls = Math.max(0, part.calls);
    part.errors = Math.max(0, part.errors);
    part.writes = Math.max(0, part.writes);
    out.set(key, part);
  }
  return out;
}

interface Caches {
  services: RollupBlocks<ServicePart, number>;
  edges: RollupBlocks<EdgePart, string>;
}

const caches = new WeakMap<ReadStore, Caches>();

/** The store's kept blocks of service and edge parts (dropped from a minute on by commits that touch it). */
export function partsOf(store: ReadStore): Caches {
  let c = caches.get(store);
  if (!c) {
    c = {
      services: new RollupBlocks((m0, m1) => loadServiceParts(store, m0, m1), mergeServiceParts, subtractServiceParts),
      edges: new RollupBlocks((m0, m1) => loadEdgeParts(store, m0, m1), mergeEdgeParts, subtractEdgeParts),
    };
    caches.set(store, c);
    store.rollupCaches.add(c.services);
    store.rollupCaches.add(c.edges);
  }
  return c;
}

/** Blocks that ended before this minute are closed (kept); later ones are still receiving data. */
export const openFromNow = (now = Date.now()) => Math.floor(now / 60_000) - 2;

/** Counts and the sparse histograms of several parts, merged only when signals are asked for. */
export interface PartSum {
  calls: number;
  errors: number;
  hists: H.SparseBuckets[];
}

export const newPartSum = (): PartSum => ({ calls: 0, errors: 0, hists: [] });

export function addPart(sum: PartSum, part: { calls: number; errors: number; hist: H.SparseBuckets }): void {
  sum.calls += part.calls;
  sum.errors += part.errors;
  if (part.hist.index.length > 0) sum.hists.push(part.hist);
}

/** The merged latency histogram of a sum (the scratch histogram: read it before the next call). */
export function histOf(sum: PartSum): H.DenseHistogram {
  scratch.clear();
  for (const h of sum.hists) scratch.addSparse(h);
  return scratch;
}

/** Requests, error rate, rate, latency and health of a sum (see serviceSignals). */
export function signalsOfSum(sum: PartSum, cover: Coverage) {
  return serviceSignals({ calls: sum.calls, errors: sum.errors, hist: histOf(sum) }, cover);
}
