// The warm-up keeps the map's last hour merged in memory: at start, and again after commits
// that touched closed minutes have stopped; commits to the open minutes leave it alone.
import { afterEach, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBatch, makeSpan, spanIdOf, traceIdOf } from '../testing/telemetry';
import { migrate, openDatabase } from '../store/database';
import { StoreWriter } from '../store/writer';
import { ReadStore } from './read-store';
import { partsOf } from './rollup-parts';
import { serviceMap } from './service-map';
import { keepWarm } from './warm-up';

const dirs: string[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function until(what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!ok()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

it('loads the map\'s closed blocks before anyone asks, and again after a backfill settles', async () => {
  // The clock stands still in the middle of a minute: which minutes are closed (and so kept)
  // moves with the clock, and a minute turning during the test would change the count.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Math.floor(Date.now() / 600_000) * 600_000 + 5 * 60_000 + 30_000);
  const dir = mkdtempSync(join(tmpdir(), 'loupe-warm-'));
  dirs.push(dir);
  const db = openDatabase(dir);
  migrate(db);
  const at = (minutesAgo: number, i: number) => BigInt(Date.now() - minutesAgo * 60_000) * 1_000_000n + BigInt(i);
  // A call from web to api half an hour ago: closed minutes with a service and an edge.
  const call = (minutesAgo: number, n: number) => {
    const client = makeSpan({ traceId: traceIdOf(`a${n}`), spanId: spanIdOf(`c${n}`), startNs: at(minutesAgo, 0), kind: 3 });
    const server = makeSpan({ traceId: traceIdOf(`a${n}`), spanId: spanIdOf(`d${n}`), parentSpanId: spanIdOf(`c${n}`), startNs: at(minutesAgo, 1), kind: 2 });
    return [makeBatch('web', [client]), makeBatch('api', [server])];
  };
  const writer = new StoreWriter(db);
  writer.write(call(30, 1));
  const store = new ReadStore(dir, () => undefined);
  const parts = partsOf(store);
  const stop = keepWarm(store, () => serviceMap(store, {}), 20);
  try {
    await until('the warm-up at start', () => parts.edges.keptCount > 0 && parts.services.keptCount > 0);
    const kept = parts.edges.keptCount;

    // A backfill touching closed minutes drops the blocks from there on; once it settles they
    // are loaded again, and hold what it added.
    const result = writer.write(call(40, 2));
    store.invalidateRollups(result.oldestMinute!);
    expect(parts.edges.keptCount).toBeLessThan(kept);
    await until('the warm-up after the backfill', () => parts.edges.keptCount >= kept);
    expect(serviceMap(store, {}).edges.find((e) => e.source === 'web' && e.target === 'api')?.calls).toBe(2);

    // Live data touches the open minutes only: nothing kept is dropped.
    store.invalidateRollups(Math.floor(Date.now() / 60_000));
    expect(parts.edges.keptCount).toBe(kept);
  } finally {
    stop();
    store.close();
    db.close();
  }
});
