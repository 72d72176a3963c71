// Rate, errors and duration accumulated from rollup rows (RED), shared by the map, the golden
// signals and the Services list: every rate, error rate and health those screens show is
// computed here, so the same window gives the same numbers on each of them.
import * as H from '../../common/latency-histogram';
import { windowRate } from '../../common/metrics/rates';
import { healthOf } from '../../common/service-map';
import type { Coverage } from './coverage';

export type { Coverage } from './coverage';

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

/**
 * Per-second rate of `count` events over the part of the window the data covers (at least one
 * second, so a service seen for an instant does not read as thousands per second).
 */
export function rateOver(count: number, cover: Coverage): number {
  const toMs = Math.max(cover.toMs, cover.fromMs + 1000);
  return windowRate([{ fromMs: cover.fromMs, toMs, amount: count }], cover.fromMs, toMs) ?? 0;
}

const QUANTILES = [0.5, 0.95, 0.99];

export function redOf(a: RedAcc, cover: Coverage) {
  const [p50Ms, p95Ms, p99Ms] = a.hist.quantilesMs(QUANTILES);
  return {
    calls: a.calls,
    errors: a.errors,
    rps: rateOver(a.calls, cover),
    errorRate: a.calls > 0 ? a.errors / a.calls : 0,
    p50Ms,
    p95Ms,
    p99Ms,
  };
}

/** Health from the accumulated calls and errors (thresholds in common/service-map). */
export const healthOfRed = (a: Pick<RedAcc, 'calls' | 'errors'>) => healthOf(a.calls ? a.errors / a.calls : 0, a.calls);

/** A service's headline numbers: the Services list row and the service page's header both. */
export function serviceSignals(a: RedAcc, cover: Coverage) {
  return { ...redOf(a, cover), health: healthOfRed(a) };
}
