import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { until } from '../testing/prom-backends';
import { collectWhenIdle, fullCollection } from './idle-collect';

const MB = 1024 * 1024;

/** What a burst of work leaves: objects that lived long enough to leave the young generation. */
function burst(): object[] {
  const held: object[] = [];
  for (let i = 0; i < 300_000; i++) held.push({ i, text: `item ${i}` });
  return held;
}

/** Keeps this thread's event loop busy for `ms`, letting timers run in between. */
function spin(ms: number): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((done) => {
    const step = () => {
      const stepEnd = Math.min(until, Date.now() + 20);
      while (Date.now() < stepEnd) {
        // busy
      }
      if (Date.now() < until) setImmediate(step);
      else done();
    };
    step();
  });
}

describe('collectWhenIdle', () => {
  it('gets V8’s full collection without --expose-gc on the command line', () => {
    expect(typeof fullCollection()).toBe('function');
  });

  it('collects the garbage of a burst once the thread is idle, not while it works, and once', async () => {
    const gc = fullCollection()!;
    let collections = 0;
    let usedBefore = 0;
    let usedAfter = 0;
    gc();
    const stop = collectWhenIdle({ everyMs: 40, minGrowthMb: 8 }, () => {
      collections++;
      usedBefore = getHeapStatistics().used_heap_size;
      gc();
      usedAfter = getHeapStatistics().used_heap_size;
    });
    try {
      // Busy with the burst's objects still in use (a collection V8 may finish meanwhile
      // finds them live): none of ours.
      let held: object[] | null = burst();
      await spin(400);
      expect(held.length).toBe(300_000);
      expect(collections).toBe(0);
      // The burst is over and the thread idle: its objects are garbage, and the collection
      // comes and gives their memory back to the heap.
      held = null;
      await until('a collection', () => collections > 0, 10_000);
      expect(usedBefore - usedAfter).toBeGreaterThan(8 * MB);
      // Nothing new to collect: idle intervals go by without another one.
      const intervalsLater = Date.now() + 400;
      await until('ten idle intervals', () => Date.now() > intervalsLater, 10_000);
      expect(collections).toBe(1);
    } finally {
      stop();
    }
  });
});
