// The value of an alert rule now: error rate, latency percentile or throughput of a service (its
// per-minute service rollups) or an edge (the caller's edge rollups), over the rule's window and,
// for change rules, over the window before it; or the error types new in the window. The same
// RED accumulation as the Services list and the map (query/red.ts), so an alert's numbers agree
// with what those screens show for the same minutes.
import type { AlertRule, AlertValue } from '../../common/api/alert-schemas';
import { DEFAULT_MIN_REQUESTS, DEFAULT_PERCENTILE, breaches, changePercent, num, summarize, windowMinutes } from '../../common/alert-rules';
import { type RedAcc, addRollup, newRed } from '../query/red';
import { type ReadStore, serviceIds } from '../query/read-store';
import { type RollupRow, edgeMinuteRows, serviceMinuteRows } from '../query/rollup-rows';
import type { ErrorTypeTracker } from './error-types';

/** Rollup rows of the rule's service or edge in minutes [m0, m1]. */
function rowsOf(store: ReadStore, rule: AlertRule, m0: number, m1: number): RollupRow[] {
  if (rule.target) return edgeMinuteRows(store, rule.service, rule.target, m0, m1);
  return serviceMinuteRows(store, serviceIds(store, rule.service), m0, m1, 'both');
}

/** The rule's measure over accumulated rollups; null when there is too little to say. */
function measure(rule: AlertRule, acc: RedAcc, seconds: number): number | null {
  const min = rule.minRequests ?? DEFAULT_MIN_REQUESTS;
  if (rule.kind === 'throughput') return seconds > 0 ? acc.calls / seconds : null;
  if (acc.calls === 0 || acc.calls < min) return null;
  if (rule.kind === 'error_rate') return (acc.errors / acc.calls) * 100;
  return acc.hist.quantileMs((rule.percentile ?? DEFAULT_PERCENTILE) / 100);
}

/**
 * The rule's value at `now`. The window is whole minutes ending with the current one (rules
 * read per-minute rollups): a 5m window is the four minutes before this one and this one so
 * far; the previous window is the five whole minutes before it. `firing` applies the
 * hysteresis of a firing alert to `breaching`.
 */
export function alertValue(store: ReadStore, types: ErrorTypeTracker, rule: AlertRule, now: number, firing = false): AlertValue {
  const k = windowMinutes(rule.window) ?? 5;
  const m1 = Math.floor(now / 60_000);
  const m0 = m1 - k + 1;
  const windowFrom = m0 * 60_000;
  const windowTo = now;
  if (rule.kind === 'new_error_type') {
    const newTypes = types.newSince(rule.service, windowFrom);
    const summary = newTypes.length
      ? `new error type${newTypes.length === 1 ? '' : 's'} on ${rule.service}: ${newTypes.map((t) => `${t.type} (×${num(t.count)})`).join(', ')}`
      : `no new error type on ${rule.service} over ${rule.window}`;
    return { value: newTypes.length, previous: null, compared: newTypes.length, requests: 0, newTypes, breaching: newTypes.length > 0, windowFrom, windowTo, summary };
  }
  return store.timed('alerts.value', () => {
    const current = newRed();
    const previous = newRed();
    const from = rule.mode === 'change' ? m0 - k : m0;
    for (const r of rowsOf(store, rule, from, m1)) addRollup(r.minute >= m0 ? current : previous, r.calls, r.errors, r.hist_ok, r.hist_err);
    const value = measure(rule, current, Math.max(1, (windowTo - windowFrom) / 1000));
    const before = rule.mode === 'change' ? measure(rule, previous, k * 60) : null;
    const compared = rule.mode === 'change' ? changePercent(value, before) : value;
    return {
      value,
      previous: before,
      compared,
      requests: current.calls,
      newTypes: [],
      breaching: breaches(rule, compared, firing),
      windowFrom,
      windowTo,
      summary: summarize(rule, compared, value, before),
    };
  });
}
