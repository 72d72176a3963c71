// Files dropped on (or opened in) the UI arrive here as the request body.
import type { ImportResult } from '../../common/api/schemas';
import { decodeOtlpObject, detectSignal } from '../../collectors/otlp/decode-json';
import type { IngestPipeline } from '../store/ingest-pipeline';
import { toHex } from '../../common/ids';

export async function importUpload(pipeline: IngestPipeline, filename: string, body: Buffer): Promise<ImportResult> {
  const result: ImportResult = { file: filename, format: 'otlp-json', spans: 0, logs: 0, metricPoints: 0, rejected: 0, errors: [], traceIds: [] };
  const text = body.toString('utf8');
  const docs: Array<{ line: number | null; text: string }> = [];
  const trimmed = text.trim();
  if (trimmed.startsWith('{') && trimmed.includes('\n{')) {
    result.format = 'otlp-jsonl';
    text.split('\n').forEach((l, i) => l.trim() && docs.push({ line: i + 1, text: l }));
  } else docs.push({ line: null, text });
  const traceIds = new Set<string>();
  for (const d of docs) {
    const where = d.line === null ? filename : `${filename}:${d.line}`;
    let obj: unknown;
    try {
      obj = JSON.parse(d.text);
    } catch (e) {
      result.errors.push(`${where}: invalid JSON: ${(e as Error).message}`);
      continue;
    }
    const signal = detectSignal(obj);
    if (!signal) {
      result.errors.push(`${where}: not an OTLP JSON request (expected resourceSpans, resourceLogs or resourceMetrics)`);
      continue;
    }
    let batch;
    try {
      batch = decodeOtlpObject(signal, obj);
    } catch (e) {
      result.errors.push(`${where}: ${(e as Error).message}`);
      continue;
    }
    for (const g of batch.spans) for (const s of g.scopes) for (const sp of s.items) traceIds.add(toHex(sp.traceId));
    const outcome = await pipeline.submit({ kind: 'batch', batch, source: `import ${where}` });
    if (outcome.failed) throw new Error(outcome.failed);
    result.rejected += outcome.rejected;
    for (const e of outcome.errors) result.errors.push(`${where}: ${e}`);
    if (signal === 'traces') result.spans += outcome.accepted + outcome.duplicates;
    else if (signal === 'logs') result.logs += outcome.accepted + outcome.duplicates;
    else result.metricPoints += outcome.accepted + outcome.duplicates;
  }
  result.traceIds = [...traceIds].slice(0, 1000);
  return result;
}
