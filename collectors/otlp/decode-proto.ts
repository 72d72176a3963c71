// OTLP protobuf (ExportTrace/Logs/MetricsServiceRequest) → normalized batches, one file per
// signal in proto/ around one attribute transcoder (proto/attributes.ts). Field numbers
// follow opentelemetry-proto v1; tags are written as (field << 3) | wireType.
import type { Signal, TelemetryBatch } from '../../common/model';
import { DEFAULT_LIMITS, type IngestLimits } from './normalize';
import { decodeLogsProto } from './proto/logs';
import { decodeMetricsProto } from './proto/metrics';
import { decodeTracesProto } from './proto/traces';

export { decodeLogsProto, decodeMetricsProto, decodeTracesProto };

/** Decodes an OTLP protobuf export request of the given signal. */
export function decodeOtlpProto(signal: Signal, buf: Buffer, limits: IngestLimits = DEFAULT_LIMITS): TelemetryBatch {
  return signal === 'traces'
    ? decodeTracesProto(buf, limits)
    : signal === 'logs'
      ? decodeLogsProto(buf, limits)
      : decodeMetricsProto(buf, limits);
}
