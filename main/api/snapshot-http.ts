// Snapshots over the API: the UI's "Snapshot" action downloads one (streamed straight into the
// response, nothing buffered), and a snapshot dropped on the UI or opened with File › Open is
// imported all or nothing, its SLOs, deploys and catalog entities adopted like `loupe import` does.
import type { ImportResult, SnapshotQuery } from '../../common/api/ingest-schemas';
import type { z } from 'zod';
import { FileDownload } from './http-server';
import type { HandlerDeps } from './handlers';
import { QueryError } from '../query/traces';
import { SnapshotError, writeSnapshot } from '../snapshot/write-snapshot';
import { SnapshotRefused, importSnapshot } from '../snapshot/read-snapshot';
import { adoptSideData, snapshotExtras } from '../snapshot/side-data';

const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');

export function snapshotDownload(d: HandlerDeps, input: z.output<typeof SnapshotQuery>): FileDownload {
  if (!(input.from < input.to)) throw new QueryError('bad_window', '`from` must be before `to` (unix ms)');
  const involved = input.service.length ? input.service : d.catalog.observe({ from: input.from, to: input.to }).services;
  const extras = snapshotExtras(d.dataDir, input.service, d.catalog.descriptorsFor(involved));
  return new FileDownload(`loupe-snapshot-${stamp(input.from)}-${stamp(input.to)}.zip`, 'application/zip', async (out) => {
    try {
      await writeSnapshot(d.store, { from: input.from, to: input.to, services: input.service }, extras, out);
    } catch (e) {
      console.error(`loupe: snapshot download failed: ${(e as Error).stack ?? e}`);
      // Headers are gone already: end the download broken rather than as a valid-looking zip.
      out.destroy(e instanceof SnapshotError ? e : new Error(`snapshot failed: ${(e as Error).message}`));
    }
  });
}

export async function importSnapshotUpload(d: HandlerDeps, filename: string, body: Buffer): Promise<ImportResult> {
  const result: ImportResult = { file: filename, format: 'loupe-snapshot', spans: 0, logs: 0, metricPoints: 0, rejected: 0, errors: [], traceIds: [] };
  try {
    const imported = await importSnapshot({ name: filename, buffer: body }, (batch) => d.pipeline.submitBatch(batch, `snapshot ${filename}`));
    const side = adoptSideData(d.dataDir, imported);
    if (side.catalogPath) {
      const ui = d.catalog.sources().filter((s) => s.origin === 'ui').map((s) => s.path);
      if (!ui.includes(side.catalogPath)) await d.catalog.setUiSources([...ui, side.catalogPath]);
    }
    d.sloFile.reload();
    d.slos.invalidate();
    Object.assign(result, { spans: imported.spans, logs: imported.logs, metricPoints: imported.metricPoints, window: imported.manifest.window });
  } catch (e) {
    if (!(e instanceof SnapshotRefused)) throw e;
    result.errors.push(e.message);
  }
  return result;
}
