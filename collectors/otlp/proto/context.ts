// The state one protobuf decode carries: the reader, the batch being filled, reusable output
// buffers, limits, and where in the request it is (for messages naming the item).
import type { TelemetryBatch } from '../../../common/model';
import { emptyBatch } from '../../../common/model';
import { AttributeWriter, addError, maxPlausibleNs } from '../normalize';
import type { IngestLimits } from '../normalize';
import { JsonOut } from '../json-out';
import { ProtoReader } from '../proto-reader';

export interface Ctx {
  r: ProtoReader;
  batch: TelemetryBatch;
  limits: IngestLimits;
  /** Item-level attributes (span, log record, data point), transcoded to JSON bytes. */
  out: JsonOut;
  /** A span's events / links arrays, and the attributes of the one being read. */
  events: JsonOut;
  links: JsonOut;
  tmp: JsonOut;
  /** String-based writer for the rare paths: resources, scopes, exemplars, clipped values. */
  attrs: AttributeWriter;
  nested: AttributeWriter;
  maxNs: bigint;
  /** Position in the tree, for error messages. */
  names: [string, string, string];
  ri: number;
  si: number;
  ii: number;
  /** Set when the current item must be rejected, with why. */
  itemError: string;
}

// Decoding is synchronous, so one set of buffers per thread serves every request.
export const OUT = { out: new JsonOut(), events: new JsonOut(), links: new JsonOut(), tmp: new JsonOut() };

export function where(c: Ctx): string {
  return `${c.names[0]}[${c.ri}].${c.names[1]}[${c.si}].${c.names[2]}[${c.ii}]`;
}

export function newCtx(buf: Buffer, limits: IngestLimits, names: [string, string, string]): Ctx {
  const batch = emptyBatch();
  const c: Ctx = {
    r: new ProtoReader(buf),
    batch,
    limits,
    out: OUT.out,
    events: OUT.events,
    links: OUT.links,
    tmp: OUT.tmp,
    attrs: new AttributeWriter(limits, batch),
    nested: new AttributeWriter(limits, batch),
    maxNs: maxPlausibleNs(),
    names,
    ri: -1,
    si: -1,
    ii: -1,
    itemError: '',
  };
  c.r.locate = () => (c.ri < 0 ? '' : c.si < 0 ? `${names[0]}[${c.ri}]` : c.ii < 0 ? `${names[0]}[${c.ri}].${names[1]}[${c.si}]` : where(c));
  return c;
}

export function reject(c: Ctx, message: string): null {
  addError(c.batch, c.limits, `${where(c)}: ${message}`);
  return null;
}
