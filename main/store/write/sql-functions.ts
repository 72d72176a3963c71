// SQL functions the upserts (and some reads) use; registered on every connection.
import type { Db } from '../database';
import * as H from '../../../common/latency-histogram';

export function registerFunctions(db: Db): void {
  db.function('loupe_merge_services', { deterministic: true }, (a: unknown, b: unknown) => {
    if (typeof a !== 'string' || a === b) return b ?? a;
    if (typeof b !== 'string') return a;
    const set = new Set<string>(JSON.parse(a) as string[]);
    const before = set.size;
    for (const s of JSON.parse(b) as string[]) set.add(s);
    return set.size === before ? a : JSON.stringify([...set].sort());
  });
  db.function('loupe_hist_merge', { deterministic: true }, (a: unknown, b: unknown) => {
    if (!(a instanceof Uint8Array)) return b ?? null;
    if (!(b instanceof Uint8Array)) return a;
    const merged = H.mergeEncoded(a, b);
    return Buffer.from(merged.buffer, merged.byteOffset, merged.byteLength);
  });
}

/** A latency histogram as the rollup tables keep it (NULL when empty). */
export function histBlob(h: H.Histogram): Buffer | null {
  if (h.size === 0) return null;
  const bytes = H.encode(h);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
