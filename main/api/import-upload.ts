// Files dropped on (or opened in) the UI arrive here as the request body, in any format the
// importers read (OTLP JSON / JSON lines, Jaeger JSON, Zipkin v2 JSON).
import type { ImportResult } from '../../common/api/ingest-schemas';
import { importBuffer } from '../../collectors/import';
import { toHex } from '../../common/ids';
import type { IngestPipeline } from '../ingest/pipeline';
import { Backpressure } from '../../common/ingest';

const MAX_TRACE_IDS = 1000;

export async function importUpload(pipeline: IngestPipeline, filename: string, body: Buffer): Promise<ImportResult> {
  const result: ImportResult = { file: filename, format: 'unknown', spans: 0, logs: 0, metricPoints: 0, rejected: 0, errors: [], traceIds: [] };
  const traceIds = new Set<string>();
  for await (const chunk of importBuffer(filename, body)) {
    if (chunk.format) result.format = chunk.format;
    for (const p of chunk.problems) result.errors.push(`${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`);
    const b = chunk.batch;
    if (b.spans.length + b.logs.length + b.metrics.length === 0 && b.rejected === 0) continue;
    for (const g of b.spans) for (const s of g.scopes) for (const sp of s.items) if (traceIds.size < MAX_TRACE_IDS) traceIds.add(toHex(sp.traceId));
    let outcome;
    for (;;) {
      try {
        outcome = await pipeline.submitBatch(b, `import ${filename}`);
        break;
      } catch (e) {
        if (!(e instanceof Backpressure)) throw e;
        await new Promise((r) => setTimeout(r, e.retryAfterSeconds * 1000));
      }
    }
    if (outcome.failed) throw new Error(outcome.failed);
    // Items the importer rejected are already among the chunk's problems above.
    result.rejected += outcome.rejected;
    for (const g of b.spans) for (const s of g.scopes) result.spans += s.items.length;
    for (const g of b.logs) for (const s of g.scopes) result.logs += s.items.length;
    for (const g of b.metrics) for (const s of g.scopes) for (const m of s.items) result.metricPoints += m.points.length;
  }
  if (result.format === 'unknown' && result.errors.length === 0) result.errors.push(`${filename}: not a format Loupe can import`);
  result.traceIds = [...traceIds];
  return result;
}
