// An imported chunk goes to the writer as OTLP protobuf jobs, one per signal, and comes back as
// one outcome; what the importer rejected is counted and recorded as a decoder's rejections are.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeOtlpObject } from '../../collectors/otlp/decode-json';
import { emptyBatch, type TelemetryBatch } from '../../common/model';
import { IngestPipeline } from './pipeline';

let dir: string;
let pipeline: IngestPipeline;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loupe-submit-batch-'));
  pipeline = await IngestPipeline.start({ dataDir: dir, mode: 'inline' });
});
afterEach(async () => {
  await pipeline.close();
  rmSync(dir, { recursive: true, force: true });
});

const NOW = `${BigInt(Date.now()) * 1_000_000n}`;
const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'importer' } }] };

/** A chunk as an importer hands it out: every signal, and two items it refused itself. */
function chunk(): TelemetryBatch {
  const t = NOW;
  const traces = decodeOtlpObject('traces', {
    resourceSpans: [{ resource, scopeSpans: [{ spans: [1, 2, 3].map((i) => ({ traceId: '5b8efff798038103d269b633813fc60c', spanId: `000000000000000${i}`, name: `op ${i}`, startTimeUnixNano: t, endTimeUnixNano: t })) }] }],
  });
  const logs = decodeOtlpObject('logs', { resourceLogs: [{ resource, scopeLogs: [{ logRecords: [{ timeUnixNano: t, body: { stringValue: 'imported line' } }] }] }] });
  const metrics = decodeOtlpObject('metrics', {
    resourceMetrics: [{ resource, scopeMetrics: [{ metrics: [{ name: 'queue.depth', gauge: { dataPoints: [{ timeUnixNano: t, asInt: '4' }, { timeUnixNano: t.slice(0, -3) + '001', asInt: '5' }] } }] }] }],
  });
  return {
    spans: traces.spans,
    logs: logs.logs,
    metrics: metrics.metrics,
    rejected: 2,
    errors: ['line 7: invalid JSON', 'line 9: resourceSpans[0].scopeSpans[0].spans[4]: spanId is missing'],
    truncated: 0,
  };
}

const db = () => pipeline.inlineCore!.db;

describe('IngestPipeline.submitBatch', () => {
  it('stores every signal of a chunk and answers once, with the importer’s rejections counted and recorded', async () => {
    const outcome = await pipeline.submitBatch(chunk(), 'import spans.jsonl');
    expect(outcome).toEqual({ accepted: 6, duplicates: 0, rejected: 2, errors: chunk().errors });
    expect(db().prepare('SELECT count(*) FROM spans').pluck().get()).toBe(3);
    expect(db().prepare('SELECT count(*) FROM logs').pluck().get()).toBe(1);
    expect(db().prepare('SELECT count(*) FROM metric_points').pluck().get()).toBe(2);
    expect(db().prepare('SELECT source, message FROM ingest_errors ORDER BY id').all()).toEqual(
      chunk().errors.map((message) => ({ source: 'import spans.jsonl', message })),
    );
    expect(db().prepare("SELECT value FROM ingest_stats WHERE key = 'rejected'").pluck().get()).toBe(2);

    // Imported again: nothing new, everything a duplicate, as a re-sent OTLP request.
    const again = await pipeline.submitBatch(chunk(), 'import spans.jsonl');
    expect(again).toMatchObject({ accepted: 0, duplicates: 6, rejected: 2 });
  });

  it('reports a chunk of nothing but rejected lines, storing nothing', async () => {
    const onlyRejected = { ...emptyBatch(), rejected: 1, errors: ['line 3: invalid JSON'] };
    expect(await pipeline.submitBatch(onlyRejected, 'import bad.json')).toEqual({ accepted: 0, duplicates: 0, rejected: 1, errors: ['line 3: invalid JSON'] });
    expect(db().prepare('SELECT message FROM ingest_errors').pluck().all()).toEqual(['line 3: invalid JSON']);
    expect(await pipeline.submitBatch(emptyBatch(), 'import empty.json')).toEqual({ accepted: 0, duplicates: 0, rejected: 0, errors: [] });
  });
});
