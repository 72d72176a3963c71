// Importing telemetry files: OTLP JSON (one request, or the Collector file exporter's JSON
// lines), Jaeger JSON and Zipkin v2 JSON, detected from their content. Files are read as a
// stream and handed out as batches of about `chunkItems` items with progress, so a file of
// any size imports in bounded memory (Zipkin traces are the exception: see zipkin.ts).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { TelemetryBatch } from '../../common/model';
import { emptyBatch } from '../../common/model';
import { ChunkBuilder, batchItems } from './chunk-builder';
import { type ImportFormat, OTLP_KEYS, SAMPLE_BYTES, detectFormat } from './detect';
import { JaegerReader } from './jaeger';
import { JsonArraySplitter, LineSplitter, type Piece } from './json-stream';
import { OtlpJsonReader } from './otlp-json';
import { SpanConverter } from './span-draft';
import { ZipkinReader } from './zipkin';

export type { ImportFormat } from './detect';
export { detectFormat } from './detect';

export interface ImportProgress {
  file: string;
  bytesRead: number;
  totalBytes: number;
  /** Items (spans, log records, metric points) handed out so far. */
  items: number;
}

export interface ImportProblem {
  file: string;
  /** 1-based line where the offending item starts, when known. */
  line: number | null;
  message: string;
}

/** A batch to store, with progress and the problems found since the previous chunk. The batch
 * is empty when a chunk only reports progress or problems. */
export interface ImportChunk {
  batch: TelemetryBatch;
  progress: ImportProgress;
  problems: ImportProblem[];
  format: ImportFormat | null;
}

export interface ImportOptions {
  /** Items per batch (default 5000). */
  chunkItems?: number;
  /** Skip detection. */
  format?: ImportFormat;
  /** Problems reported one by one per file before they are only counted (default 100). */
  maxProblems?: number;
}

export const DEFAULT_CHUNK_ITEMS = 5000;
const READ_BYTES = 1024 * 1024;
/** A progress-only chunk is handed out at least this often while nothing else is. */
const PROGRESS_BYTES = 4 * 1024 * 1024;

function problemChunk(file: string, totalBytes: number, message: string): ImportChunk {
  return {
    batch: emptyBatch(),
    progress: { file, bytesRead: totalBytes, totalBytes, items: 0 },
    problems: [{ file, line: null, message }],
    format: null,
  };
}

/** Imports a file from disk. Read errors end the import with a problem, never a throw. */
export async function* importFile(path: string, opts: ImportOptions = {}): AsyncGenerator<ImportChunk> {
  let totalBytes: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) {
      yield problemChunk(path, 0, 'not a regular file');
      return;
    }
    totalBytes = st.size;
  } catch (e) {
    yield problemChunk(path, 0, `cannot read the file: ${(e as Error).message}`);
    return;
  }
  const stream = createReadStream(path, { highWaterMark: READ_BYTES });
  let progress: ImportProgress = { file: path, bytesRead: 0, totalBytes, items: 0 };
  try {
    for await (const chunk of importStream(path, stream, totalBytes, opts)) {
      progress = chunk.progress;
      yield chunk;
    }
  } catch (e) {
    yield { batch: emptyBatch(), progress: { ...progress, bytesRead: totalBytes }, problems: [{ file: path, line: null, message: `reading stopped: ${(e as Error).message}` }], format: null };
  } finally {
    stream.destroy();
  }
}

/** Imports an uploaded file held in memory (read in slices; never copied). */
export async function* importBuffer(name: string, data: Buffer, opts: ImportOptions = {}): AsyncGenerator<ImportChunk> {
  async function* slices(): AsyncGenerator<Buffer> {
    for (let i = 0; i < data.length; i += READ_BYTES) yield data.subarray(i, Math.min(data.length, i + READ_BYTES));
  }
  yield* importStream(name, slices(), data.length, opts);
}

/** Imports any byte stream (a file, an upload, an entry of a snapshot zip). */
export async function* importStream(file: string, source: AsyncIterable<Buffer>, totalBytes: number, opts: ImportOptions): AsyncGenerator<ImportChunk> {
  const it = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  let exhausted = false;
  while (headBytes < SAMPLE_BYTES) {
    const r = await it.next();
    if (r.done) {
      exhausted = true;
      break;
    }
    const b = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array);
    head.push(b);
    headBytes += b.length;
  }
  if (headBytes === 0) {
    yield problemChunk(file, totalBytes, 'the file is empty');
    return;
  }
  const sample = (head.length === 1 ? head[0] : Buffer.concat(head)).subarray(0, SAMPLE_BYTES).toString('utf8');
  const format = opts.format ?? detectFormat(sample);
  if (!format) {
    yield problemChunk(
      file,
      totalBytes,
      'not a recognised telemetry file: expected OTLP JSON (an export request, or JSON lines as the Collector file exporter writes), Jaeger JSON ({"data": [...]}) or Zipkin v2 JSON ([spans])',
    );
    return;
  }

  const maxProblems = opts.maxProblems ?? 100;
  const out = new ChunkBuilder(Math.max(1, opts.chunkItems ?? DEFAULT_CHUNK_ITEMS));
  let pending: ImportProblem[] = [];
  let problemCount = 0;
  const problem = (line: number, message: string) => {
    if (problemCount++ < maxProblems) pending.push({ file, line: line > 0 ? line : null, message });
  };

  const conv = new SpanConverter();
  let splitter: { push(b: Buffer): Piece[]; end(): Piece[] };
  let handle: (text: string, line: number, key: string, doc: number) => void;
  /** Work left at the end of the input; pauses whenever batches are ready to hand out. */
  let finish: () => Iterable<void> = () => [];
  const parsed = (text: string, line: number): unknown => {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      problem(line, `invalid JSON: ${(e as Error).message}`);
      out.reject(`line ${line}: invalid JSON`);
      return undefined;
    }
  };
  switch (format) {
    case 'otlp-jsonl': {
      const reader = new OtlpJsonReader(out, problem);
      splitter = new LineSplitter();
      handle = (text, line) => reader.addRequest(text, line);
      break;
    }
    case 'otlp-json': {
      const reader = new OtlpJsonReader(out, problem);
      const json = new JsonArraySplitter(new Set(OTLP_KEYS));
      splitter = json;
      handle = (text, line, key, doc) => reader.addResourceElement(key, text, line, doc);
      finish = () => {
        if (!OTLP_KEYS.some((k) => json.keysSeen.has(k)) && json.documents > 0)
          problem(0, 'no "resourceSpans", "resourceLogs" or "resourceMetrics" in the document: nothing to import');
        return [];
      };
      break;
    }
    case 'jaeger': {
      const reader = new JaegerReader(conv, out, problem);
      splitter = new JsonArraySplitter(new Set(['data']));
      handle = (text, line) => {
        const v = parsed(text, line);
        if (v !== undefined) reader.addTrace(v, line);
      };
      finish = () => {
        if (reader.collisions > 0)
          problem(0, `${reader.collisions} spans reused a span id of their trace; they were given new ids so none is lost`);
        return [];
      };
      break;
    }
    case 'zipkin': {
      const reader = new ZipkinReader(conv, out, problem);
      splitter = new JsonArraySplitter(new Set());
      handle = (text, line) => {
        const v = parsed(text, line);
        if (v !== undefined) reader.addElement(v, line);
      };
      finish = function* () {
        yield* reader.flushSteps();
        const c = reader.counts;
        if (c.noTimestamp > 0)
          problem(c.firstNoTimestampLine, `${c.noTimestamp} spans have neither a timestamp nor annotations; nothing places them in time (the Zipkin UI cannot either), so they were skipped`);
        if (c.startFromAnnotation > 0) problem(0, `${c.startFromAnnotation} spans have no timestamp; they start at their earliest annotation`);
        if (c.noDuration > 0)
          problem(c.firstNoDurationLine, `${c.noDuration} spans have no duration; imported with zero length, as the Zipkin UI draws them`);
        if (c.collisions > 0)
          problem(0, `${c.collisions} spans reused a span id of their trace without being the server half of a shared span; they were given new ids so none is lost`);
      };
      break;
    }
  }

  let bytesRead = 0;
  // A UTF-8 byte order mark (Windows editors write one) is not JSON: skip it.
  if (head[0].length >= 3 && head[0][0] === 0xef && head[0][1] === 0xbb && head[0][2] === 0xbf) {
    head[0] = head[0].subarray(3);
    bytesRead = 3;
  }
  let items = 0;
  let bytesAtLastYield = 0;
  const feed = (pieces: Piece[]) => {
    for (const p of pieces) {
      if ('problem' in p) {
        problem(p.line, p.problem);
        continue;
      }
      handle(p.text, p.line, p.key, p.doc);
    }
  };
  function* drain(final: boolean): Generator<ImportChunk> {
    // The size can change while a file is read; at the end, what was read is the total.
    const total = final ? bytesRead : Math.max(totalBytes, bytesRead);
    let yielded = false;
    while (out.ready.length > 0) {
      const batch = out.ready.shift()!;
      items += batchItems(batch);
      const problems = pending;
      pending = [];
      yielded = true;
      yield { batch, progress: { file, bytesRead, totalBytes: total, items }, problems, format };
    }
    if (yielded) bytesAtLastYield = bytesRead;
    else if (final || pending.length > 0 || bytesRead - bytesAtLastYield >= PROGRESS_BYTES) {
      const problems = pending;
      pending = [];
      bytesAtLastYield = bytesRead;
      yield { batch: emptyBatch(), progress: { file, bytesRead, totalBytes: total, items }, problems, format };
    }
  }

  for (const b of head) {
    feed(splitter.push(b));
    bytesRead += b.length;
    yield* drain(false);
  }
  while (!exhausted) {
    const r = await it.next();
    if (r.done) break;
    const b = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array);
    feed(splitter.push(b));
    bytesRead += b.length;
    yield* drain(false);
  }
  feed(splitter.end());
  for (const _ of finish()) yield* drain(false);
  out.seal();
  if (problemCount > maxProblems) pending.push({ file, line: null, message: `${problemCount - maxProblems} more problems were not listed` });
  yield* drain(true);
}
