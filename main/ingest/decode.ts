// The decode stage: a job's OTLP bytes become a TelemetryBatch with the receivers' own
// decoders (protobuf or JSON), items that break a rule rejected one by one inside it. Anything
// a payload makes a decoder throw is that payload's problem (400), never the writer's.
import { isUtf8 } from 'node:buffer';
import type { TelemetryBatch } from '../../common/model';
import { decodeOtlpProto } from '../../collectors/otlp/decode-proto';
import { decodeOtlpJson } from '../../collectors/otlp/decode-json';
import { DecodeError } from '../../collectors/otlp/proto-reader';
import { DEFAULT_LIMITS, addError } from '../../collectors/otlp/normalize';
import type { IngestJob } from './jobs';

export type Decoded = { batch: TelemetryBatch } | { malformed: string };

export function decodeJob(job: IngestJob): Decoded {
  let batch: TelemetryBatch;
  try {
    const buf = Buffer.isBuffer(job.body) ? job.body : Buffer.from(job.body.buffer, job.body.byteOffset, job.body.byteLength);
    if (job.encoding === 'protobuf') batch = decodeOtlpProto(job.signal, buf);
    else if (!isUtf8(buf)) throw new DecodeError('the JSON body is not valid UTF-8', '');
    else batch = decodeOtlpJson(job.signal, buf.toString('utf8'));
  } catch (e) {
    return { malformed: e instanceof DecodeError ? e.message : `the payload could not be decoded: ${(e as Error).message}` };
  }
  const before = job.rejectedBefore;
  if (before) {
    // The submitter's reasons first: they name the file and line.
    const own = batch.errors;
    batch.errors = [];
    batch.rejected += before.count - before.errors.length - own.length;
    for (const m of before.errors) addError(batch, DEFAULT_LIMITS, m);
    for (const m of own) addError(batch, DEFAULT_LIMITS, m);
  }
  return { batch };
}
