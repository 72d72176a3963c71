// Alert rules beyond SLOs, the pure part: what a rule means, whether a value breaches it (and
// when a firing alert may resolve), and how a rule and a value read in words. Shared by the
// core's evaluator and the UI's form.
import type { AlertRule } from './api/alert-schemas';
import { parseWindow } from './slo';

/** A firing alert resolves only once its value is back past the threshold by this share of it
 * (hysteresis), so a value hovering at the threshold does not fire and resolve every pass. */
export const RESOLVE_MARGIN = 0.1;
/** Default least requests in a window for an error rate or a latency to count. */
export const DEFAULT_MIN_REQUESTS = 10;
export const DEFAULT_PERCENTILE = 95;
/** Longest window a rule may look at: the previous window of a change rule must still be in
 * the rollups (kept 30 days), and one pass must stay cheap. */
export const MAX_WINDOW_MS = 24 * 3_600_000;

export const KIND_LABEL: Record<AlertRule['kind'], string> = {
  error_rate: 'Error rate',
  latency: 'Latency',
  throughput: 'Throughput',
  new_error_type: 'New error type',
};

/** Whole minutes of a duration such as "5m" (rules read per-minute rollups); null when unreadable. */
export function windowMinutes(text: string | undefined, fallback = 0): number | null {
  if (text === undefined) return fallback;
  if (/^\s*0+(\.0+)?\s*[mhdw]\s*$/i.test(text)) return 0;
  const ms = parseWindow(text);
  return ms === null ? null : Math.max(1, Math.round(ms / 60_000));
}

/** What the schema alone cannot check; null when the rule is usable. Messages name the field. */
export function alertRuleProblem(rule: AlertRule): string | null {
  const window = windowMinutes(rule.window);
  if (window === null) return `window: "${rule.window}" is not a duration such as 5m or 1h`;
  if (window * 60_000 > MAX_WINDOW_MS) return `window: ${rule.window} is longer than the 24h a rule may look at`;
  if (windowMinutes(rule.for) === null) return `for: "${rule.for}" is not a duration such as 2m`;
  if (rule.target !== undefined && rule.target === rule.service) return `target: an edge needs a callee other than its caller "${rule.service}"`;
  if (rule.kind === 'new_error_type') {
    if (rule.target !== undefined) return 'target: new error types are watched per service, not per edge';
    return null;
  }
  if (rule.threshold === undefined) return `threshold: a ${KIND_LABEL[rule.kind].toLowerCase()} rule needs a threshold`;
  if (rule.kind === 'error_rate' && rule.mode === 'threshold' && rule.threshold > 100) return 'threshold: an error rate is a percentage (0–100)';
  if (rule.kind !== 'latency' && rule.percentile !== undefined) return 'percentile: only latency rules take a percentile';
  return null;
}

/** The measure's unit as shown after a number. */
export function unitOf(rule: Pick<AlertRule, 'kind'>): string {
  return rule.kind === 'error_rate' ? '%' : rule.kind === 'latency' ? 'ms' : rule.kind === 'throughput' ? 'req/s' : '';
}

/** Three significant digits (12.3, 0.456, 1234). */
export function num(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n === 0) return '0';
  const abs = Math.abs(Number(n.toPrecision(3)));
  if (abs >= 100) return n.toFixed(0);
  if (abs >= 10) return n.toFixed(1);
  if (abs >= 1) return n.toFixed(2);
  return String(Number(n.toPrecision(2)));
}

/** A number the user typed (a threshold) as typed: 5, 0.5, 250. */
export function plain(n: number): string {
  return String(Number(n.toPrecision(6)));
}

export function formatMeasure(rule: Pick<AlertRule, 'kind'>, value: number, typed = false): string {
  return `${typed ? plain(value) : num(value)} ${unitOf(rule)}`;
}

/** "p95 latency", "error rate", "throughput". */
export function measureName(rule: Pick<AlertRule, 'kind' | 'percentile'>): string {
  if (rule.kind === 'latency') return `p${rule.percentile ?? DEFAULT_PERCENTILE} latency`;
  return rule.kind === 'error_rate' ? 'error rate' : rule.kind === 'throughput' ? 'throughput' : 'error types';
}

export function scopeOf(rule: Pick<AlertRule, 'service' | 'target'>): string {
  return rule.target ? `${rule.service} → ${rule.target}` : rule.service;
}

/** The rule's condition in words: "error rate > 5 % over 5m", "p95 latency up > 50 % vs the previous 15m". */
export function describeRule(rule: AlertRule): string {
  if (rule.kind === 'new_error_type') return `an error.type or exception.type not seen before, over ${rule.window}`;
  const t = rule.threshold ?? 0;
  const hold = rule.for && windowMinutes(rule.for) ? ` for ${rule.for}` : '';
  if (rule.mode === 'change')
    return `${measureName(rule)} ${rule.when === 'above' ? 'up' : 'down'} > ${plain(t)} % vs the previous ${rule.window}${hold}`;
  return `${measureName(rule)} ${rule.when === 'above' ? '>' : '<'} ${formatMeasure(rule, t, true)} over ${rule.window}${hold}`;
}

/** Percent change from `previous` to `value`; null when there is nothing to compare with. */
export function changePercent(value: number | null, previous: number | null): number | null {
  if (value === null || previous === null) return null;
  if (previous === 0) return value === 0 ? 0 : null;
  return ((value - previous) / previous) * 100;
}

/**
 * Whether `compared` (the measure, or its change in percent) breaches the rule. A firing alert
 * keeps firing until the value is back past the threshold by RESOLVE_MARGIN of it.
 */
export function breaches(rule: AlertRule, compared: number | null, firing: boolean): boolean {
  if (compared === null || rule.threshold === undefined) return false;
  const t = rule.threshold;
  if (rule.mode === 'change') {
    // up > 50 %: change above +50; down > 50 %: change below −50.
    const signed = rule.when === 'above' ? compared : -compared;
    return firing ? signed > t * (1 - RESOLVE_MARGIN) : signed > t;
  }
  if (rule.when === 'above') return firing ? compared > t * (1 - RESOLVE_MARGIN) : compared > t;
  return firing ? compared < t * (1 + RESOLVE_MARGIN) : compared < t;
}

/** "error rate 12.5 % > 5 % over 5m" for a value that breached. */
export function summarize(rule: AlertRule, compared: number | null, value: number | null, previous: number | null): string {
  if (compared === null) return `${measureName(rule)}: no data over ${rule.window}`;
  if (rule.mode === 'change')
    return `${measureName(rule)} ${compared >= 0 ? 'up' : 'down'} ${num(Math.abs(compared))} % (${value === null ? '—' : formatMeasure(rule, value)} vs ${previous === null ? '—' : formatMeasure(rule, previous)} the previous ${rule.window})`;
  return `${measureName(rule)} ${formatMeasure(rule, compared)} ${rule.when === 'above' ? '>' : '<'} ${formatMeasure(rule, rule.threshold ?? 0, true)} over ${rule.window}`;
}
