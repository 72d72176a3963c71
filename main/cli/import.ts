// `loupe import FILE… [--data-dir DIR]`: OTLP JSON / JSON lines, Jaeger JSON, Zipkin v2 JSON.
import { parseArgs } from 'node:util';
import { basename } from 'node:path';
import { importFiles } from '../../collectors/import';
import { FORMAT_NAMES } from '../../collectors/import/detect';
import { defaultDataDir } from '../config/paths';
import { IngestPipeline } from '../ingest/pipeline';
import { importSnapshotFile, isSnapshotFile } from './import-snapshot';

function bar(done: number, total: number, width = 24): string {
  const f = total > 0 ? Math.min(1, done / total) : 1;
  const n = Math.round(f * width);
  return `[${'#'.repeat(n)}${'.'.repeat(width - n)}] ${(f * 100).toFixed(0).padStart(3)}%`;
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;

export async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { 'data-dir': { type: 'string' } },
  });
  if (positionals.length === 0) {
    console.error('loupe import: name at least one file (OTLP JSON or JSON lines, Jaeger JSON, Zipkin v2 JSON)');
    return 2;
  }
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const snapshots = positionals.filter(isSnapshotFile);
  const files = positionals.filter((f) => !snapshots.includes(f));
  const pipeline = await IngestPipeline.start({ dataDir });
  const tty = process.stderr.isTTY;
  let lastLine = 0;
  try {
    let snapshotFailed = false;
    for (const file of snapshots) if (!(await importSnapshotFile(file, dataDir, pipeline))) snapshotFailed = true;
    if (files.length === 0) {
      console.log(`data in ${dataDir}`);
      return snapshotFailed ? 1 : 0;
    }
    const summaries = await importFiles(
      files,
      (batch, file) => pipeline.submitBatch(batch, `import ${file}`),
      (p, problems) => {
        for (const pr of problems) process.stderr.write(`${tty ? '\r\x1b[K' : ''}${pr.file}${pr.line ? `:${pr.line}` : ''}: ${pr.message}\n`);
        const now = Date.now();
        if (tty) process.stderr.write(`\r\x1b[K${basename(p.file)} ${bar(p.bytesRead, p.totalBytes)} ${mb(p.bytesRead)}/${mb(p.totalBytes)} · ${p.items} items`);
        else if (now - lastLine > 2000 || p.bytesRead === p.totalBytes) {
          lastLine = now;
          process.stderr.write(`${p.file}: ${mb(p.bytesRead)}/${mb(p.totalBytes)} read, ${p.items} items\n`);
        }
      },
    );
    if (tty) process.stderr.write('\r\x1b[K');
    let failed = snapshotFailed;
    for (const s of summaries) {
      const format = s.format ? FORMAT_NAMES[s.format] : 'unrecognised';
      console.log(
        `${s.file}: ${format} — ${s.stored} stored, ${s.duplicates} already stored, ${s.rejected} rejected, ${s.problems.length} problem(s)`,
      );
      if (s.failed) {
        console.error(`  ${s.failed}`);
        failed = true;
      }
      if (!s.format) failed = true;
    }
    console.log(`data in ${dataDir}`);
    return failed ? 1 : 0;
  } finally {
    await pipeline.close();
  }
}
