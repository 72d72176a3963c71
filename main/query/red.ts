// Rate, errors and duration accumulated from rollup rows (RED), shared by the map, the golden
// signals and the lists built on them.
import * as H from '../../common/latency-histogram';
import { healthOf } from '../../common/service-map';

export interface RedAcc {
  calls: number;
  errors: number;
  hist: H.DenseHistogram;
}

export const newRed = (): RedAcc => ({ calls: 0, errors: 0, hist: new H.DenseHistogram() });

/** Adds one rollup row: its counts and both latency histograms (successful and failed). */
export function addRollup(a: RedAcc, calls: number, errors: number, histOk: Uint8Array | null, histErr: Uint8Array | null): void {
  a.calls += calls;
  a.errors += errors;
  a.hist.addEncoded(histOk);
  a.hist.addEncoded(histErr);
}

export function redOf(a: RedAcc, seconds: number) {
  return {
    calls: a.calls,
    errors: a.errors,
    rps: a.calls / seconds,
    errorRate: a.calls > 0 ? a.errors / a.calls : 0,
    p50Ms: a.hist.quantileMs(0.5),
    p95Ms: a.hist.quantileMs(0.95),
    p99Ms: a.hist.quantileMs(0.99),
  };
}

/** Health from the accumulated calls and errors (thresholds in common/service-map). */
export const healthOfRed = (a: Pick<RedAcc, 'calls' | 'errors'>) => healthOf(a.calls ? a.errors / a.calls : 0, a.calls);
