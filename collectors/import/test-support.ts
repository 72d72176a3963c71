// Helpers the importer tests share: run an import to the end and flatten what it produced.
import { toHex } from '../../common/ids';
import { SPAN_KIND_NAMES, STATUS_CODE_NAMES, type TelemetryBatch } from '../../common/model';
import type { ImportChunk, ImportProblem, ImportProgress } from './importer';

export interface FlatSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  service: string;
  resource: Record<string, unknown>;
  scope: string;
  name: string;
  kind: string;
  start: bigint;
  end: bigint;
  status: string;
  statusMessage: string;
  attributes: Record<string, unknown>;
  events: Array<{ timeUnixNano: string; name: string; attributes: Record<string, unknown> }>;
  links: Array<{ traceId: string; spanId: string; attributes: Record<string, unknown> }>;
}

export interface Collected {
  batches: TelemetryBatch[];
  spans: FlatSpan[];
  problems: ImportProblem[];
  progress: ImportProgress[];
  formats: Set<string | null>;
  rejected: number;
}

export function flatSpans(batch: TelemetryBatch): FlatSpan[] {
  const out: FlatSpan[] = [];
  for (const r of batch.spans)
    for (const s of r.scopes)
      for (const sp of s.items)
        out.push({
          traceId: toHex(sp.traceId),
          spanId: toHex(sp.spanId),
          parentSpanId: toHex(sp.parentSpanId),
          service: r.resource.serviceName,
          resource: JSON.parse(r.resource.attributes),
          scope: s.scope.name + (s.scope.version ? `@${s.scope.version}` : ''),
          name: sp.name,
          kind: SPAN_KIND_NAMES[sp.kind],
          start: sp.startNs,
          end: sp.endNs,
          status: STATUS_CODE_NAMES[sp.statusCode],
          statusMessage: sp.statusMessage,
          attributes: JSON.parse(sp.attributes),
          events: JSON.parse(sp.events),
          links: JSON.parse(sp.links),
        });
  return out;
}

export async function collect(chunks: AsyncIterable<ImportChunk>): Promise<Collected> {
  const c: Collected = { batches: [], spans: [], problems: [], progress: [], formats: new Set(), rejected: 0 };
  for await (const chunk of chunks) {
    c.batches.push(chunk.batch);
    c.spans.push(...flatSpans(chunk.batch));
    c.problems.push(...chunk.problems);
    c.progress.push(chunk.progress);
    c.formats.add(chunk.format);
    c.rejected += chunk.batch.rejected;
  }
  return c;
}

export function byId(spans: FlatSpan[]): Map<string, FlatSpan> {
  return new Map(spans.map((s) => [s.spanId, s]));
}
