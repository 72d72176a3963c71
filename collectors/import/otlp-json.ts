// OTLP JSON files: one export request (as `curl` would POST it), several requests one after
// another, or the Collector file exporter's JSON lines (one request per line, signals mixed).
// Decoding is the OTLP/HTTP receiver's own JSON decoder, so a file imports exactly as the
// same request sent to :4318 would.
import type { Signal, TelemetryBatch } from '../../common/model';
import { decodeOtlpObject } from '../otlp/decode-json';
import type { ChunkBuilder } from './chunk-builder';

/** Top-level keys of an export request, and the signal each carries. */
export const OTLP_SIGNAL_KEYS: ReadonlyArray<[string, Signal]> = [
  ['resourceSpans', 'traces'],
  ['resource_spans', 'traces'],
  ['resourceLogs', 'logs'],
  ['resource_logs', 'logs'],
  ['resourceMetrics', 'metrics'],
  ['resource_metrics', 'metrics'],
];
const SIGNAL_OF = new Map(OTLP_SIGNAL_KEYS);

export class OtlpJsonReader {
  /** Elements seen per top-level key in the current document, to name them in messages. */
  private readonly index = new Map<string, number>();
  private doc = 0;

  constructor(
    private readonly out: ChunkBuilder,
    private readonly problem: (line: number, message: string) => void,
  ) {}

  /** A whole export request (one line of a JSON-lines file). */
  addRequest(text: string, line: number): void {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      this.problem(line, `invalid JSON: ${(e as Error).message}`);
      this.out.reject(`line ${line}: invalid JSON`);
      return;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      this.problem(line, 'expected an OTLP export request object');
      return;
    }
    let found = false;
    for (const [key, signal] of OTLP_SIGNAL_KEYS)
      if (key in body) {
        found = true;
        this.decode(signal, { [key]: (body as Record<string, unknown>)[key] }, line, null);
      }
    if (!found) this.problem(line, 'not an OTLP export request: expected "resourceSpans", "resourceLogs" or "resourceMetrics"');
  }

  /** One element of a request's resourceSpans / resourceLogs / resourceMetrics array. */
  addResourceElement(key: string, text: string, line: number, doc: number): void {
    const signal = SIGNAL_OF.get(key);
    if (!signal) return;
    if (doc !== this.doc) {
      this.doc = doc;
      this.index.clear();
    }
    const i = this.index.get(key) ?? 0;
    this.index.set(key, i + 1);
    let element: unknown;
    try {
      element = JSON.parse(text);
    } catch (e) {
      this.problem(line, `${key}[${i}] is not valid JSON: ${(e as Error).message}`);
      this.out.reject(`line ${line}: ${key}[${i}] is not valid JSON`);
      return;
    }
    this.decode(signal, { [key]: [element] }, line, [`${key}[0]`, `${key}[${i}]`]);
  }

  private decode(signal: Signal, body: unknown, line: number, rename: [string, string] | null): void {
    let batch: TelemetryBatch;
    const where = (m: string) => (rename && m.startsWith(rename[0]) ? rename[1] + m.slice(rename[0].length) : m);
    try {
      batch = decodeOtlpObject(signal, body);
    } catch (e) {
      // A structural error (DecodeError) rejects the request as OTLP/HTTP would answer 400.
      const message = where((e as Error).message);
      this.problem(line, message);
      this.out.reject(`line ${line}: ${message}`);
      return;
    }
    if (batch.errors.length > 0) {
      batch.errors = batch.errors.map((m) => `line ${line}: ${where(m)}`);
      for (const m of batch.errors) this.problem(line, m.slice(m.indexOf(': ') + 2));
    }
    this.out.addBatch(batch);
  }
}
