// What one write transaction reports, and the bookkeeping every table family shares while it
// runs: the result being counted, when the data arrived, and which services received data.
export type TableName = 'spans' | 'traces' | 'logs' | 'metrics' | 'services' | 'rollups';

export interface WriteResult {
  spans: number;
  logs: number;
  metricPoints: number;
  /** Items that were already stored (re-sent). */
  duplicates: number;
  rejected: number;
  traces: number;
  /** Services that received data in this write. */
  services: string[];
  tables: TableName[];
  /** New and duplicate item counts per input batch, in order. */
  perBatch: Array<{ stored: number; duplicates: number }>;
  /** Traces that gained spans (hex, at most MAX_EVENT_TRACE_IDS), and the newest log id. */
  traceIds: string[];
  lastLogId: number;
  /** The oldest minute whose rollups this commit changed (null when none): readers drop
   * merged rollups from there on. */
  oldestMinute: number | null;
}

/** Trace ids a live-update event names at most (a view can tell whether its trace changed). */
export const MAX_EVENT_TRACE_IDS = 200;

export const MINUTE_NS = 60_000_000_000n;

/** A stored resource as the families need it. */
export interface ResourceRef {
  id: number;
  serviceId: number;
  serviceName: string;
  version: string;
}

export interface WriteState {
  result: WriteResult;
  receivedMs: number;
  /** Services that received data, with the newest item time seen for each. */
  touched: Map<number, { name: string; lastNs: bigint }>;
}

export function newWriteState(receivedMs: number): WriteState {
  return {
    receivedMs,
    touched: new Map(),
    result: {
      spans: 0,
      logs: 0,
      metricPoints: 0,
      duplicates: 0,
      rejected: 0,
      traces: 0,
      services: [],
      tables: [],
      perBatch: [],
      traceIds: [],
      lastLogId: 0,
      oldestMinute: null,
    },
  };
}

export function touch(st: WriteState, res: ResourceRef, ns: bigint): void {
  if (ns <= 0n) return;
  const t = st.touched.get(res.serviceId);
  if (t === undefined) st.touched.set(res.serviceId, { name: res.serviceName, lastNs: ns });
  else if (ns > t.lastNs) t.lastNs = ns;
}

export function asBuffer(u8: Uint8Array): Buffer;
export function asBuffer(u8: Uint8Array | null): Buffer | null;
export function asBuffer(u8: Uint8Array | null): Buffer | null {
  if (u8 === null) return null;
  return Buffer.isBuffer(u8) ? u8 : Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}
