import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TelemetryBatch } from '../../common/model';
import { Backpressure, type SinkOutcome } from '../../common/ingest';
import { IngestPipeline } from '../../main/ingest/pipeline';
import { importFiles } from './import-files';
import type { ImportProgress } from './importer';

const ZIPKIN = '/work/shared/fixtures/zipkin';
const OTLP = '/work/shared/fixtures/otlp';
const testdata = (name: string) => fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));

let dir: string;
let pipeline: IngestPipeline;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loupe-import-store-'));
  pipeline = await IngestPipeline.start({ dataDir: dir, mode: 'inline' });
});

afterEach(async () => {
  await pipeline.close();
  rmSync(dir, { recursive: true, force: true });
});

const submit = (batch: TelemetryBatch, file: string) => pipeline.submitBatch(batch, `import ${file}`);

function query<T>(sql: string, ...params: unknown[]): T[] {
  const db = new Database(join(dir, 'loupe.db'), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

describe('importFiles into the store', () => {
  it('stores every format, with progress per file, and a second import adds nothing', async () => {
    const files = [`${ZIPKIN}/yelp.json`, `${ZIPKIN}/messaging-kafka.json`, testdata('jaeger-hotrod.json'), testdata('collector-file-export.jsonl'), `${OTLP}/metrics.json`];
    const progress: ImportProgress[] = [];
    const summaries = await importFiles(files, submit, (p) => progress.push(p), { chunkItems: 7 });
    expect(summaries.map((s) => [s.format, s.items, s.stored, s.failed])).toEqual([
      ['zipkin', 16, 16, undefined],
      ['zipkin', 28, 28, undefined],
      ['jaeger', 7, 7, undefined],
      ['otlp-jsonl', 4, 4, undefined],
      ['otlp-json', expect.any(Number), expect.any(Number), undefined],
    ]);
    expect(summaries[3].problems.map((p) => p.line)).toEqual([3, 6]);
    expect(summaries[3].rejected).toBe(2);
    for (const f of files) {
      const last = progress.filter((p) => p.file === f).pop()!;
      expect(last.bytesRead).toBe(last.totalBytes);
    }

    const spans = query<{ n: number }>('SELECT count(*) AS n FROM spans')[0].n;
    expect(spans).toBe(16 + 28 + 7 + 2);
    const yelp = query<{ span_id: Buffer; parent: Buffer | null; service: string; kind: number }>(
      `SELECT s.span_id, s.parent_span_id AS parent, v.name AS service, s.kind FROM spans s JOIN services v ON v.id = s.service_id
       WHERE s.trace_id = ?`,
      Buffer.from('0000000000000000a03ee8fff1dcd9b9', 'hex'),
    );
    expect(yelp).toHaveLength(16);
    const shared = yelp.filter((r) => r.parent?.toString('hex') === '7a778764a0d0b594');
    expect(shared.map((r) => [r.service, r.kind])).toEqual([['spectre', 2]]);
    const trace = query<{ root_service: string; span_count: number; has_root: number }>(
      'SELECT root_service, span_count, has_root FROM traces WHERE trace_id = ?',
      Buffer.from('0000000000000000a03ee8fff1dcd9b9', 'hex'),
    )[0];
    expect(trace).toEqual({ root_service: 'routing', span_count: 16, has_root: 1 });
    const services = query<{ name: string }>('SELECT name FROM services ORDER BY name').map((r) => r.name);
    expect(services).toEqual(expect.arrayContaining(['customer', 'frontend', 'mobile_api', 'spectre', 'servicea', 'serviceb', 'checkout', 'payment']));
    const errors = query<{ source: string; message: string }>('SELECT source, message FROM ingest_errors');
    expect(errors.some((e) => e.source.includes('collector-file-export.jsonl') && /line 3: invalid JSON/.test(e.message))).toBe(true);

    const again = await importFiles(files.slice(0, 3), submit);
    expect(again.map((s) => [s.stored, s.duplicates])).toEqual([
      [0, 16],
      [0, 28],
      [0, 7],
    ]);
    expect(query<{ n: number }>('SELECT count(*) AS n FROM spans')[0].n).toBe(spans);
  });

  it('waits out backpressure and reports unreadable files without stopping', async () => {
    let refusals = 2;
    const throttled = (batch: TelemetryBatch, file: string): Promise<SinkOutcome> => {
      if (refusals-- > 0) return Promise.reject(new Backpressure(0));
      return submit(batch, file);
    };
    const summaries = await importFiles(['/nonexistent/trace.json', `${ZIPKIN}/skew.json`], throttled);
    expect(summaries[0].problems[0].message).toMatch(/cannot read the file/);
    expect(summaries[1]).toMatchObject({ format: 'zipkin', items: 4, stored: 4 });
    expect(refusals).toBeLessThan(0);
  });

  it('stops when the store fails and says so', async () => {
    const failing = async (): Promise<SinkOutcome> => ({ accepted: 0, duplicates: 0, rejected: 0, errors: [], failed: 'disk full' });
    const summaries = await importFiles([`${ZIPKIN}/skew.json`, `${ZIPKIN}/yelp.json`], failing);
    expect(summaries[0].failed).toBe('disk full');
    expect(summaries[1].failed).toMatch(/not imported: disk full/);
  });
});
