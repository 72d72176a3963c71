// The one interface between whatever brings telemetry in (the OTLP receivers, file imports,
// plugins that push) and the core's ingest stage (main/ingest/), as the Collector's consumer
// interface joins its receivers to what follows them: a sink takes a payload and settles once
// it is committed, or refuses it with Backpressure, which each protocol turns into its own
// retryable status. Receivers know nothing else about the store.
import type { Signal } from './model';

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
  body: Uint8Array;
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
