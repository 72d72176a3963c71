// The checkpointer thread copies what the writer commits from the write-ahead log into the
// database file, so the writer's commits only append to the log.
import { afterEach, expect, it } from 'vitest';
import { existsSync, mkdtempSync, openSync, readSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keyValue, span, stringValue, traces } from '../testing/otlp-wire';
import { IngestPipeline } from './pipeline';

const WORKER = fileURLToPath(new URL('../../dist/ingest-writer.js', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Frames in the log and frames already copied into the database file, as the shared-memory
 * index holds them (SQLite's wal-index: mxFrame at byte 16, nBackfill at byte 96; native
 * byte order). Read, not asked for: asking would be a checkpoint of its own. */
function walProgress(dir: string): { frames: number; copied: number } {
  const fd = openSync(join(dir, 'loupe.db-shm'), 'r');
  try {
    const b = Buffer.alloc(100);
    readSync(fd, b, 0, 100, 0);
    const u32 = (at: number) => (b.readUInt32LE(0) === 3007000 ? b.readUInt32LE(at) : b.readUInt32BE(at));
    return { frames: u32(16), copied: u32(96) };
  } finally {
    closeSync(fd);
  }
}

it('copies committed pages into the database file beside the writer, long before the log is full', async () => {
  if (!existsSync(WORKER)) throw new Error('dist/ingest-writer.js is missing: run `npm run build` first (npm test does)');
  const dir = mkdtempSync(join(tmpdir(), 'loupe-checkpoint-'));
  dirs.push(dir);
  const p = await IngestPipeline.start({ dataDir: dir, mode: 'worker', workerFile: WORKER, log: () => undefined });
  try {
    for (let i = 0; i < 20; i++) {
      const spans = Array.from({ length: 50 }, (_, k) =>
        span({ traceId: Buffer.from(`${i.toString(16).padStart(8, '0')}${'c'.repeat(24)}`, 'hex'), spanId: Buffer.from(`${k.toString(16).padStart(8, '0')}dddddddd`, 'hex') }),
      );
      expect(await p.submit({ kind: 'otlp', signal: 'traces', encoding: 'protobuf', body: traces(spans, [keyValue('service.name', stringValue('ck'))]), source: 'test' })).toMatchObject({ accepted: 50 });
    }
    // Far under the writer's own autocheckpoint (thousands of pages): only the checkpointer copies.
    const deadline = Date.now() + 10_000;
    let wal = walProgress(dir);
    while (!(wal.frames > 0 && wal.copied === wal.frames) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      wal = walProgress(dir);
    }
    expect(wal.frames).toBeGreaterThan(0);
    expect(wal.frames).toBeLessThan(4000);
    expect(wal.copied).toBe(wal.frames);
  } finally {
    await p.close();
  }
  // Closing folds the log into the file: nothing is left in a WAL.
  expect(existsSync(join(dir, 'loupe.db-wal'))).toBe(false);
});
