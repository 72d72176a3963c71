import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFormat } from './detect';

const fixture = (p: string) => readFileSync(`/work/shared/fixtures/${p}`, 'utf8');
const request = JSON.stringify({ resourceLogs: [] });

describe('detectFormat', () => {
  it('recognises the fixtures from their content', () => {
    expect(detectFormat(fixture('zipkin/yelp.json'))).toBe('zipkin');
    expect(detectFormat(fixture('zipkin/skew.json'))).toBe('zipkin');
    expect(detectFormat(fixture('otlp/trace.json'))).toBe('otlp-json');
    expect(detectFormat(fixture('otlp/metrics.json'))).toBe('otlp-json');
    expect(detectFormat(readFileSync(new URL('./testdata/jaeger-hotrod.json', import.meta.url), 'utf8'))).toBe('jaeger');
    expect(detectFormat(readFileSync(new URL('./testdata/collector-file-export.jsonl', import.meta.url), 'utf8'))).toBe('otlp-jsonl');
  });

  it('tells one request from JSON lines', () => {
    expect(detectFormat(request)).toBe('otlp-json');
    expect(detectFormat(request + '\n')).toBe('otlp-json');
    expect(detectFormat(`${request}\n${request}\n`)).toBe('otlp-jsonl');
    // A first line longer than the sample: read line by line.
    expect(detectFormat('{"resourceSpans":[{"resource":{"attributes":[')).toBe('otlp-jsonl');
    // A broken first line of a JSON-lines file.
    expect(detectFormat(`{"resourceSpans":[{"reso\n${request}\n`)).toBe('otlp-jsonl');
    expect(detectFormat('\ufeff{\n  "resourceMetrics": [\n    {\n')).toBe('otlp-json');
  });

  it('recognises Zipkin and Jaeger shapes', () => {
    expect(detectFormat('[[{"traceId":"a","id":"b"}]]')).toBe('zipkin');
    expect(detectFormat('[]')).toBe('zipkin');
    expect(detectFormat('[{"traceID":"a","spans":[],"processes":{}}]')).toBe('jaeger');
    expect(detectFormat('{"data":[{"traceID":"a"')).toBe('jaeger');
    // Keys of nested objects do not count.
    expect(detectFormat('[{"x":{"traceId":"a","id":"b"}}]')).toBe(null);
  });

  it('returns null for anything else', () => {
    expect(detectFormat('')).toBe(null);
    expect(detectFormat('name,value\n')).toBe(null);
    expect(detectFormat('{"hello":"world"}')).toBe(null);
    expect(detectFormat('[1,2,3]')).toBe(null);
  });
});
