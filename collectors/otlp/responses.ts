// OTLP export responses and google.rpc.Status bodies, in protobuf and JSON.
import type { Signal } from '../../common/model';

const REJECTED_FIELD: Record<Signal, string> = {
  traces: 'rejectedSpans',
  logs: 'rejectedLogRecords',
  metrics: 'rejectedDataPoints',
};

function varint(out: number[], v: number): void {
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

function lenField(out: number[], field: number, bytes: Uint8Array): void {
  varint(out, (field << 3) | 2);
  varint(out, bytes.length);
  for (const b of bytes) out.push(b);
}

/** Export*ServiceResponse: partial_success is set only when something was rejected. */
export function exportResponse(signal: Signal, encoding: 'protobuf' | 'json', rejected: number, message: string): Buffer {
  if (encoding === 'json') {
    if (rejected === 0 && !message) return Buffer.from('{}');
    return Buffer.from(JSON.stringify({ partialSuccess: { [REJECTED_FIELD[signal]]: String(rejected), errorMessage: message } }));
  }
  if (rejected === 0 && !message) return Buffer.alloc(0);
  const inner: number[] = [];
  if (rejected > 0) {
    varint(inner, (1 << 3) | 0);
    varint(inner, rejected);
  }
  if (message) lenField(inner, 2, Buffer.from(message, 'utf8'));
  const out: number[] = [];
  lenField(out, 1, Uint8Array.from(inner));
  return Buffer.from(out);
}

/** gRPC status codes used in HTTP error bodies (google.rpc.Status.code). */
export const RpcCode = { INVALID_ARGUMENT: 3, RESOURCE_EXHAUSTED: 8, UNAVAILABLE: 14, INTERNAL: 13, UNIMPLEMENTED: 12 } as const;

const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

/**
 * google.rpc.Status. With `retryDelaySeconds`, details carry a google.rpc.RetryInfo: the OTLP
 * specification makes RESOURCE_EXHAUSTED retryable only when the server sends one.
 */
export function statusBody(encoding: 'protobuf' | 'json', code: number, message: string, retryDelaySeconds?: number): Buffer {
  if (encoding === 'json') {
    const details = retryDelaySeconds === undefined ? undefined : [{ '@type': RETRY_INFO_TYPE, retryDelay: `${retryDelaySeconds}s` }];
    return Buffer.from(JSON.stringify({ code, message, details }));
  }
  const out: number[] = [];
  varint(out, (1 << 3) | 0);
  varint(out, code);
  lenField(out, 2, Buffer.from(message, 'utf8'));
  if (retryDelaySeconds !== undefined) {
    const duration: number[] = []; // google.protobuf.Duration { seconds = 1 }
    varint(duration, (1 << 3) | 0);
    varint(duration, Math.max(0, Math.ceil(retryDelaySeconds)));
    const retryInfo: number[] = []; // RetryInfo { retry_delay = 1 }
    lenField(retryInfo, 1, Uint8Array.from(duration));
    const any: number[] = []; // google.protobuf.Any { type_url = 1, value = 2 }
    lenField(any, 1, Buffer.from(RETRY_INFO_TYPE, 'utf8'));
    lenField(any, 2, Uint8Array.from(retryInfo));
    lenField(out, 3, Uint8Array.from(any));
  }
  return Buffer.from(out);
}
