// A block merged from its minutes' parts is the block read from the rollups: the same counts,
// per-minute sparklines, histograms and edge types, with minutes that have no data in between.
import { afterEach, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBatch, makeSpan, spanIdOf, traceIdOf } from '../testing/telemetry';
import { migrate, openDatabase } from '../store/database';
import { StoreWriter } from '../store/writer';
import { ReadStore } from './read-store';
import { loadEdgeParts, loadServiceParts, mergeEdgeParts, mergeServiceParts, subtractEdgeParts, subtractServiceParts } from './rollup-parts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

it('merges minutes into the parts a read of the whole range gives', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loupe-parts-'));
  dirs.push(dir);
  const db = openDatabase(dir);
  migrate(db);
  const writer = new StoreWriter(db);
  const first = Math.floor(Date.now() / 60_000) - 30;
  const at = (minute: number, i: number) => BigInt(minute) * 60_000_000_000n + BigInt(i) * 1_000_000_000n;
  let n = 0;
  // web calls api (and api calls db-less billing) in most minutes of ten; billing is silent in
  // minutes 3 and 4, errors and slow calls here and there.
  for (let m = 0; m < 10; m++)
    for (let i = 0; i < 5 + m; i++) {
      n++;
      const slow = (i * 7 + m) % 5 === 0;
      const failed = (i + m) % 4 === 0;
      const client = makeSpan({ traceId: traceIdOf(`t${n}`), spanId: spanIdOf(`c${n}`), startNs: at(first + m, i), kind: 3, endNs: at(first + m, i) + (slow ? 900_000_000n : 20_000_000n) });
      const server = makeSpan({
        traceId: traceIdOf(`t${n}`),
        spanId: spanIdOf(`s${n}`),
        parentSpanId: spanIdOf(`c${n}`),
        startNs: at(first + m, i) + 1_000_000n,
        endNs: at(first + m, i) + (slow ? 880_000_000n : 15_000_000n),
        kind: 2,
        statusCode: failed ? 2 : 0,
      });
      const batches = [makeBatch('web', [client]), makeBatch('api', [server])];
      if (m !== 3 && m !== 4) {
        const call = makeSpan({ traceId: traceIdOf(`t${n}`), spanId: spanIdOf(`b${n}`), parentSpanId: spanIdOf(`s${n}`), startNs: at(first + m, i) + 2_000_000n, kind: 3 });
        const billing = makeSpan({ traceId: traceIdOf(`t${n}`), spanId: spanIdOf(`d${n}`), parentSpanId: spanIdOf(`b${n}`), startNs: at(first + m, i) + 3_000_000n, kind: 2 });
        batches.push(makeBatch('api', [call]), makeBatch('billing', [billing]));
      }
      writer.write(batches);
    }
  writer.tick(Date.now() + 3_600_000);
  const store = new ReadStore(dir, () => undefined);
  try {
    const m0 = first;
    const m1 = first + 9;
    const minutes = Array.from({ length: 10 }, (_, k) => m0 + k);
    const services = loadServiceParts(store, m0, m1);
    expect(services.size).toBe(3);
    expect(mergeServiceParts(minutes.map((m) => loadServiceParts(store, m, m)))).toEqual(services);
    const edges = loadEdgeParts(store, m0, m1);
    expect([...edges.keys()].sort()).toEqual(['api\u0000billing', 'web\u0000api']);
    expect(mergeEdgeParts(minutes.map((m) => loadEdgeParts(store, m, m)))).toEqual(edges);
    // Runs of minutes merge as single minutes do.
    expect(mergeServiceParts([loadServiceParts(store, m0, m0 + 3), loadServiceParts(store, m0 + 4, m0 + 4), loadServiceParts(store, m0 + 5, m1)])).toEqual(services);
    // Any run of the block is the block less its other minutes: the same counts, sparklines and
    // histograms; a service or edge with no row in the run (billing in minutes 3–4) is absent.
    for (const [a, b] of [[0, 8], [1, 9], [3, 4], [2, 5], [0, 0], [9, 9], [4, 9]]) {
      const others = minutes.filter((m) => m < m0 + a || m > m0 + b);
      const wantServices = loadServiceParts(store, m0 + a, m0 + b);
      expect(subtractServiceParts(services, others.map((m) => loadServiceParts(store, m, m)), m0 + a, m0 + b), `services ${a}–${b}`).toEqual(wantServices);
      expect(subtractEdgeParts(edges, others.map((m) => loadEdgeParts(store, m, m))), `edges ${a}–${b}`).toEqual(loadEdgeParts(store, m0 + a, m0 + b));
    }
    // (Not vacuous: billing has no row in minutes 3–4, nor its edge.)
    const billing = db.prepare("SELECT id FROM services WHERE name = 'billing'").pluck().get() as number;
    expect(services.has(billing) && !loadServiceParts(store, m0 + 3, m0 + 4).has(billing)).toBe(true);
    expect(edges.has('api\u0000billing') && !loadEdgeParts(store, m0 + 3, m0 + 4).has('api\u0000billing')).toBe(true);
  } finally {
    store.close();
    db.close();
  }
});

it('never goes below zero when a minute read after a late write holds more than the kept block', () => {
  const sparse = (index: number[], count: number[]) => ({ index: Uint16Array.from(index), count: Float64Array.from(count) });
  const block = new Map([['a\u0000b', { source: 'a', target: 'b', type: 'sync' as const, calls: 5, errors: 1, writes: 0, hist: sparse([3, 7], [4, 1]) }]]);
  // The minute that left the window, read after a late call was written to it (bucket 9 is new).
  const late = new Map([['a\u0000b', { source: 'a', target: 'b', type: 'sync' as const, calls: 6, errors: 2, writes: 0, hist: sparse([3, 7, 9], [4, 1, 1]) }]]);
  expect(subtractEdgeParts(block, [late]).size).toBe(0);
  const partly = new Map([['a\u0000b', { source: 'a', target: 'b', type: 'sync' as const, calls: 2, errors: 2, writes: 0, hist: sparse([3, 5, 9], [2, 1, 1]) }]]);
  const rest = subtractEdgeParts(block, [partly]).get('a\u0000b')!;
  expect({ calls: rest.calls, errors: rest.errors, index: [...rest.hist.index], count: [...rest.hist.count] }).toEqual({ calls: 3, errors: 0, index: [3, 7], count: [2, 1] });
});
