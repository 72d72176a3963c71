// What a scrape sends: the exposition formats it reads, unless the source's headers name their
// own Accept (a target whose OpenMetrics output is broken is read in the text format).
import { createServer } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { scrape } from './index';

const seen: Array<string | undefined> = [];
const target = createServer((req, res) => {
  seen.push(req.headers.accept);
  res.setHeader('content-type', 'text/plain; version=0.0.4');
  res.end('# TYPE up gauge\nup 1\n');
});
let url = '';

beforeAll(async () => {
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(target.address() as { port: number }).port}/metrics`;
});
afterAll(() => new Promise<void>((r) => target.close(() => r())));

it('asks for OpenMetrics or text by default, and sends the Accept the headers set instead', async () => {
  const signal = new AbortController().signal;
  expect((await scrape(url, 5, signal)).samples).toBe(1);
  expect(seen.at(-1)).toMatch(/^application\/openmetrics-text/);
  await scrape(url, 5, signal, { auth: 'none', headers: { accept: 'text/plain;version=0.0.4' } });
  expect(seen.at(-1)).toBe('text/plain;version=0.0.4');
});
