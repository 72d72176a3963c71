// OpenTelemetry semantic-convention rules the derivations share.
import { SpanKind, StatusCode, type SpanHints } from './model';

/** gRPC codes a server reports as errors (semconv rpc: UNKNOWN, DEADLINE_EXCEEDED,
 * UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS). Clients treat every non-OK code as one. */
const GRPC_SERVER_ERROR_CODES = new Set([2, 4, 12, 13, 14, 15]);

/**
 * Whether a span counts as failed: status ERROR; or, per the HTTP semantic conventions,
 * a 5xx response on a server span and a 4xx/5xx response on a client span; or a gRPC status
 * code that the RPC conventions treat as an error for that side.
 */
export function isErrorSpan(kind: number, statusCode: number, hints: SpanHints): boolean {
  if (statusCode === StatusCode.ERROR) return true;
  if (statusCode === StatusCode.OK) return false; // explicitly set by the application: it wins
  const http = hints.httpStatusCode;
  if (http !== undefined) {
    if (http >= 500) return true;
    if (http >= 400 && (kind === SpanKind.CLIENT || kind === SpanKind.PRODUCER)) return true;
  }
  const grpc = hints.rpcGrpcStatusCode;
  if (grpc !== undefined && grpc !== 0) {
    if (kind === SpanKind.SERVER) return GRPC_SERVER_ERROR_CODES.has(grpc);
    return true;
  }
  return false;
}

/** A span where a request enters a service: server or consumer side, or a local root. */
export function isEntrySpan(kind: number, hasParent: boolean): boolean {
  return kind === SpanKind.SERVER || kind === SpanKind.CONSUMER || !hasParent;
}

/** HTTP status class for golden-signal breakdowns ('2xx' ... '5xx'), or '' when not HTTP. */
export function httpStatusClass(status: number | undefined): string {
  if (status === undefined || status < 100 || status > 599) return '';
  return `${Math.floor(status / 100)}xx`;
}
