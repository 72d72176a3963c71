import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { countItems } from '../../common/model';
import { importBuffer, importFile } from './importer';
import { collect } from './test-support';

const OTLP = '/work/shared/fixtures/otlp';
const JSONL = fileURLToPath(new URL('./testdata/collector-file-export.jsonl', import.meta.url));

function totals(c: Awaited<ReturnType<typeof collect>>) {
  const t = { spans: 0, logs: 0, metricPoints: 0 };
  for (const b of c.batches) {
    const n = countItems(b);
    t.spans += n.spans;
    t.logs += n.logs;
    t.metricPoints += n.metricPoints;
  }
  return t;
}

describe('OTLP JSON import', () => {
  it('imports each example request, detecting the signal from its top-level key', async () => {
    const trace = await collect(importFile(`${OTLP}/trace.json`));
    expect([...trace.formats]).toEqual(['otlp-json']);
    expect(trace.problems).toEqual([]);
    expect(trace.spans).toHaveLength(1);
    expect(trace.spans[0]).toMatchObject({
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      parentSpanId: 'eee19b7ec3c1b173',
      service: 'my.service',
      scope: 'my.library@1.0.0',
      kind: 'SERVER',
      attributes: { 'my.span.attr': 'some value' },
    });

    const logs = await collect(importFile(`${OTLP}/logs.json`));
    expect(logs.problems).toEqual([]);
    expect(totals(logs).logs).toBeGreaterThan(0);
    const events = await collect(importFile(`${OTLP}/events.json`));
    expect(events.problems).toEqual([]);
    expect(totals(events).logs).toBe(1);
    expect(events.batches.flatMap((b) => b.logs.flatMap((r) => r.scopes.flatMap((s) => s.items)))[0].eventName).toBe('browser.page_view');
    const metrics = await collect(importFile(`${OTLP}/metrics.json`));
    expect(metrics.problems).toEqual([]);
    const kinds = new Set(metrics.batches.flatMap((b) => b.metrics.flatMap((r) => r.scopes.flatMap((s) => s.items.map((m) => m.kind)))));
    expect(kinds).toEqual(new Set(['sum', 'gauge', 'histogram', 'exponential_histogram']));
  });

  it('imports the same request identically whether pretty-printed or on one line', async () => {
    const text = readFileSync(`${OTLP}/metrics.json`, 'utf8');
    const pretty = await collect(importBuffer('pretty.json', Buffer.from(text)));
    const compact = await collect(importBuffer('compact.json', Buffer.from(JSON.stringify(JSON.parse(text)))));
    expect([...compact.formats]).toEqual(['otlp-json']);
    expect(totals(compact)).toEqual(totals(pretty));
    expect(JSON.stringify(compact.batches[0].metrics, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).toEqual(
      JSON.stringify(pretty.batches[0].metrics, (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
    );
  });

  it('reads the Collector file exporter JSON lines: mixed signals, a bad line named by file and line', async () => {
    const c = await collect(importFile(JSONL));
    expect([...c.formats]).toEqual(['otlp-jsonl']);
    expect(totals(c)).toEqual({ spans: 2, logs: 1, metricPoints: 1 });
    expect(c.spans.map((s) => s.name).sort()).toEqual(['POST /checkout', 'charge card']);
    expect(c.spans.find((s) => s.name === 'POST /checkout')!).toMatchObject({ status: 'ERROR', statusMessage: 'payment declined' });
    const bad = c.problems.find((p) => p.line === 3)!;
    expect(bad).toMatchObject({ file: JSONL, line: 3 });
    expect(bad.message).toMatch(/invalid JSON/);
    // The zero span id on line 6 is rejected on its own; its neighbour is kept.
    const item = c.problems.find((p) => p.line === 6)!;
    expect(item.message).toMatch(/resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[1\]: spanId is all zeroes/);
    expect(c.problems).toHaveLength(2);
    expect(c.rejected).toBe(2);
  });

  it('names the element of a single request that failed, with its line', async () => {
    const doc = {
      resourceSpans: [
        { resource: {}, scopeSpans: [{ spans: [{ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name: 'ok', startTimeUnixNano: '1714557600000000000', endTimeUnixNano: '1714557600000000001' }] }] },
        { resource: { attributes: 'nope' }, scopeSpans: [] },
      ],
    };
    const text = JSON.stringify(doc, null, 2);
    const c = await collect(importBuffer('two.json', Buffer.from(text)));
    expect(c.spans).toHaveLength(1);
    expect(c.problems).toHaveLength(1);
    expect(c.problems[0].message).toMatch(/^resourceSpans\[1\]: resource.attributes must be an array/);
    // The element's "{" is two lines above its attributes.
    expect(c.problems[0].line).toBe(text.split('\n').findIndex((l) => l.includes('"nope"')) + 1 - 2);
  });

  it('reports progress up to the total and hands out chunks of the requested size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loupe-import-'));
    try {
      const lines: string[] = [];
      for (let i = 0; i < 300; i++) {
        const spans = Array.from({ length: 10 }, (_, j) => ({
          traceId: (i + 1).toString(16).padStart(32, '0'),
          spanId: (j + 1).toString(16).padStart(16, '0'),
          name: `op ${j}`,
          startTimeUnixNano: String(1714557600000000000n + BigInt(i * 1000 + j)),
          endTimeUnixNano: String(1714557600000000000n + BigInt(i * 1000 + j + 500)),
          attributes: [{ key: 'pad', value: { stringValue: 'x'.repeat(400) } }],
        }));
        lines.push(JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bulk' } }] }, scopeSpans: [{ spans }] }] }));
      }
      const path = join(dir, 'big.jsonl');
      writeFileSync(path, lines.join('\n') + '\n');
      const c = await collect(importFile(path, { chunkItems: 500 }));
      expect(c.problems).toEqual([]);
      expect(totals(c).spans).toBe(3000);
      const last = c.progress[c.progress.length - 1];
      expect(last.bytesRead).toBe(last.totalBytes);
      expect(last.totalBytes).toBeGreaterThan(1024 * 1024); // more than one read slice
      expect(last.items).toBe(3000);
      for (let i = 1; i < c.progress.length; i++) expect(c.progress[i].bytesRead).toBeGreaterThanOrEqual(c.progress[i - 1].bytesRead);
      expect(c.progress.some((p) => p.bytesRead > 0 && p.bytesRead < p.totalBytes)).toBe(true);
      const sizes = c.batches.map((b) => countItems(b).spans).filter((n) => n > 0);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(500);
      expect(sizes.length).toBe(6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('streams a single large request element by element', async () => {
    const resourceSpans = Array.from({ length: 400 }, (_, i) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: `svc-${i % 4}` } }] },
      scopeSpans: [
        {
          spans: Array.from({ length: 5 }, (_, j) => ({
            traceId: (i + 1).toString(16).padStart(32, '0'),
            spanId: (j + 1).toString(16).padStart(16, '0'),
            name: 'work',
            startTimeUnixNano: '1714557600000000000',
            endTimeUnixNano: '1714557600000001000',
            attributes: [{ key: 'pad', value: { stringValue: 'y'.repeat(1000) } }],
          })),
        },
      ],
    }));
    const data = Buffer.from(JSON.stringify({ resourceSpans }, null, 1));
    expect(data.length).toBeGreaterThan(2 * 1024 * 1024);
    const c = await collect(importBuffer('large.json', data, { chunkItems: 250 }));
    expect([...c.formats]).toEqual(['otlp-json']);
    expect(c.problems).toEqual([]);
    expect(totals(c).spans).toBe(2000);
    // Batches were handed out while the document was still being read.
    const early = c.batches.findIndex((b, i) => countItems(b).spans > 0 && c.progress[i].bytesRead < data.length);
    expect(early).toBeGreaterThanOrEqual(0);
    expect(c.progress[c.progress.length - 1]).toMatchObject({ bytesRead: data.length, totalBytes: data.length, items: 2000 });
  });

  it('reports files it cannot use instead of throwing', async () => {
    const missing = await collect(importFile('/nonexistent/loupe/file.json'));
    expect(missing.problems[0]).toMatchObject({ file: '/nonexistent/loupe/file.json', line: null });
    expect(missing.problems[0].message).toMatch(/cannot read the file/);
    const csv = await collect(importBuffer('data.csv', Buffer.from('a,b,c\n1,2,3\n')));
    expect(csv.problems[0].message).toMatch(/not a recognised telemetry file/);
    const empty = await collect(importBuffer('empty.json', Buffer.alloc(0)));
    expect(empty.problems[0].message).toMatch(/empty/);
    const truncated = await collect(importBuffer('cut.json', readFileSync(`${OTLP}/trace.json`).subarray(0, 600)));
    expect(truncated.problems[0].message).toMatch(/ends inside a JSON value/);
  });
});
