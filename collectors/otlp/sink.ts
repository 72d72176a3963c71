// What a receiver hands its payloads to. The core's ingest queue implements it; receivers
// know nothing else about the store.
import type { Signal } from '../../common/model';

export interface SinkOutcome {
  /** Items stored now, items that were already stored (re-sent), items rejected as invalid. */
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Why items were rejected (capped), each naming where in the payload. */
  errors: string[];
  /** The whole payload was malformed: nothing was stored. */
  malformed?: string;
  /** The store failed: nothing was stored; the sender should retry. */
  failed?: string;
}

export interface OtlpPayload {
  signal: Signal;
  encoding: 'protobuf' | 'json';
  body: Buffer;
  /** Where it came from, for error reports (e.g. "otlp/http 127.0.0.1:50123"). */
  source: string;
}

export type OtlpSink = ((payload: OtlpPayload) => Promise<SinkOutcome>) & {
  /** Backpressure to answer before reading a body of `bytes` (0 when unknown), or null. */
  refusal?: (bytes: number) => Backpressure | null;
};

/** Thrown by a sink that cannot take more now (queue full): HTTP 429 / gRPC RESOURCE_EXHAUSTED. */
export class Backpressure extends Error {
  constructor(
    readonly retryAfterSeconds: number,
    message = 'the ingest queue is full; retry later',
  ) {
    super(message);
    this.name = 'Backpressure';
  }
}

/** Counters a receiver keeps for self-telemetry and /api/health. */
export interface ReceiverStats {
  requests: number;
  malformed: number;
  throttled: number;
}
