// `loupe import SNAPSHOT.zip`: checks the whole snapshot, then stores it; SLOs and catalog
// descriptors it carries are added next to the data (see snapshot/side-data.ts).
import { closeSync, openSync, readSync } from 'node:fs';
import type { IngestPipeline } from '../ingest/pipeline';
import { SnapshotRefused, importSnapshot, looksLikeZip } from '../snapshot/read-snapshot';
import { addCatalogSource, adoptSideData } from '../snapshot/side-data';

/** True when the file starts like a zip (snapshots are zips; other imports are JSON). */
export function isSnapshotFile(path: string): boolean {
  try {
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.alloc(4);
      return looksLikeZip(head.subarray(0, readSync(fd, head, 0, 4, 0)));
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** Imports one snapshot and reports it; false when it was refused or storing failed. */
export async function importSnapshotFile(file: string, dataDir: string, pipeline: IngestPipeline): Promise<boolean> {
  const tty = process.stderr.isTTY;
  let last = 0;
  try {
    const result = await importSnapshot(
      { path: file },
      (batch) => pipeline.submitBatch(batch, `snapshot ${file}`),
      (p) => {
        const now = Date.now();
        if (!tty && now - last < 2000) return;
        last = now;
        const line = `${file}: ${p.phase} ${((100 * p.bytesRead) / Math.max(1, p.totalBytes)).toFixed(0)}%`;
        process.stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
      },
    );
    if (tty) process.stderr.write('\r\x1b[K');
    const side = adoptSideData(dataDir, result);
    if (side.catalogPath) addCatalogSource(dataDir, side.catalogPath);
    const w = result.manifest.window;
    console.log(
      `${file}: Loupe snapshot of ${new Date(w.from).toISOString()} → ${new Date(w.to).toISOString()} — ${result.spans} spans, ${result.logs} log records, ` +
        `${result.metricPoints} metric points (${result.duplicates} already stored); ${side.slosAdded.length} SLOs and ${side.deploysAdded} deploys added` +
        (side.catalogPath ? `; catalog saved to ${side.catalogPath}` : ''),
    );
    return true;
  } catch (e) {
    if (tty) process.stderr.write('\r\x1b[K');
    console.error(e instanceof SnapshotRefused ? e.message : `${file}: ${(e as Error).message}`);
    return false;
  }
}
