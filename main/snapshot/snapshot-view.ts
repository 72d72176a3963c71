// `loupe serve --snapshot FILE`: a snapshot opened as it was, read only. The snapshot is
// imported whole (all or nothing, as `loupe import` does) into a data directory of its own,
// so the colleague's own data is never touched and nothing they do in the view can change it;
// the core then serves that directory with its receivers off and every write refused.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { SnapshotView } from '../../common/api/health-schemas';
import { IngestPipeline } from '../ingest/pipeline';
import { importSnapshot, SnapshotRefused, type SnapshotImportProgress } from './read-snapshot';
import { addCatalogSource, adoptSideData } from './side-data';

export interface PreparedSnapshotView {
  /** The temporary data directory the snapshot was imported into. */
  dataDir: string;
  view: SnapshotView;
  spans: number;
  logs: number;
  metricPoints: number;
  /** Removes the temporary data directory (after the core has stopped). */
  remove(): void;
}

/** Imports `file` into a fresh temporary data directory; throws SnapshotRefused (nothing kept) when it is not sound. */
export async function prepareSnapshotView(file: string, onProgress?: (p: SnapshotImportProgress) => void): Promise<PreparedSnapshotView> {
  if (!existsSync(file)) throw new SnapshotRefused(file, 'no such file');
  if (statSync(file).isDirectory()) throw new SnapshotRefused(file, 'is a folder, not a snapshot file');
  const dataDir = mkdtempSync(join(tmpdir(), 'loupe-snapshot-view-'));
  const remove = () => rmSync(dataDir, { recursive: true, force: true });
  try {
    const pipeline = await IngestPipeline.start({ dataDir, log: () => undefined });
    let result;
    try {
      result = await importSnapshot({ path: file }, (batch) => pipeline.submitBatch(batch, `snapshot ${basename(file)}`), onProgress);
    } finally {
      await pipeline.close();
    }
    const side = adoptSideData(dataDir, result);
    if (side.catalogPath) addCatalogSource(dataDir, side.catalogPath);
    const m = result.manifest;
    return {
      dataDir,
      view: { file: basename(file), from: m.window.from, to: m.window.to, services: m.services, createdAt: m.createdAt },
      spans: result.spans,
      logs: result.logs,
      metricPoints: result.metricPoints,
      remove,
    };
  } catch (e) {
    remove();
    throw e;
  }
}

/** What a refused write in a snapshot view says. */
export function readOnlyMessage(view: SnapshotView): string {
  return `this Loupe is a read-only view of the snapshot ${view.file}: nothing can be changed or sent to it; import the file with \`loupe import ${view.file}\` to work with its data`;
}
