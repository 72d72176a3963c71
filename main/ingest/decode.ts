// The decode stage: a job's OTLP bytes become a TelemetryBatch with the receivers' own
// decoders (protobuf or JSON), items that break a rule rejected one by one inside it. Anything
// a payload makes a decoder throw is that payload's problem (400), never the writer's.
import { isUtf8 } from 'node:buffer';
import type { TelemetryBatch } from '../../common/model';
import { decodeOtlpProto } from '../../collectors/otlp/decode-proto';
import { decodeOtlpJson } from '../../collectors/otlp/decode-json';
import { DecodeError } from '../../collectors/otlp/proto-reader';
import type { IngestJob } from './jobs';

export type Decoded = { batch: TelemetryBatch } | { malformed: string };

export function decodeJob(job: IngestJob): Decoded {
  if (job.kind === 'batch') return { batch: job.batch };
  try {
    const buf = Buffer.isBuffer(job.body) ? job.body : Buffer.from(job.body.buffer, job.body.byteOffset, job.body.byteLength);
    if (job.encoding === 'protobuf') return { batch: decodeOtlpProto(job.signal, buf) };
    if (!isUtf8(buf)) throw new DecodeError('the JSON body is not valid UTF-8', '');
    return { batch: decodeOtlpJson(job.signal, buf.toString('utf8')) };
  } catch (e) {
    return { malformed: e instanceof DecodeError ? e.message : `the payload could not be decoded: ${(e as Error).message}` };
  }
}
