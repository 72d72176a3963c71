// Service-level objectives: error budgets and multiwindow, multi-burn-rate alerts as in the
// Google SRE Workbook ("Alerting on SLOs", recommendation 6): a burn rate of 1 spends exactly
// the budget over the SLO window; each alert needs both its long and its short window to burn
// faster than its factor, so it fires fast and stops soon after the burn stops.

export interface BurnRateRule {
  severity: 'page' | 'ticket';
  longMs: number;
  shortMs: number;
  /** Burn-rate threshold. */
  factor: number;
  /** Share of a 30-day budget spent when the rule first fires on its long window. */
  budgetSpent: number;
  label: string;
}

const MIN = 60_000;
const HOUR = 60 * MIN;

export const BURN_RATE_RULES: readonly BurnRateRule[] = [
  { severity: 'page', longMs: 1 * HOUR, shortMs: 5 * MIN, factor: 14.4, budgetSpent: 0.02, label: '14.4× over 1h and 5m' },
  { severity: 'page', longMs: 6 * HOUR, shortMs: 30 * MIN, factor: 6, budgetSpent: 0.05, label: '6× over 6h and 30m' },
  { severity: 'ticket', longMs: 24 * HOUR, shortMs: 2 * HOUR, factor: 3, budgetSpent: 0.1, label: '3× over 1d and 2h' },
  { severity: 'ticket', longMs: 72 * HOUR, shortMs: 6 * HOUR, factor: 1, budgetSpent: 0.1, label: '1× over 3d and 6h' },
];

/** Every window the rules look at, for one pass over the data. */
export const BURN_WINDOWS_MS: readonly number[] = [...new Set(BURN_RATE_RULES.flatMap((r) => [r.shortMs, r.longMs]))].sort((a, b) => a - b);

/** Objective as a fraction (99.9 → 0.999). Accepts percentages above 1. */
export function objectiveFraction(objective: number): number {
  return objective > 1 ? objective / 100 : objective;
}

/**
 * Burn rate: the observed error ratio divided by the ratio the objective allows.
 * No traffic burns nothing.
 */
export function burnRate(bad: number, total: number, objective: number): number {
  if (total <= 0) return 0;
  const allowed = 1 - objectiveFraction(objective);
  if (allowed <= 0) return bad > 0 ? Infinity : 0;
  return bad / total / allowed;
}

export interface ErrorBudget {
  /** Bad events the objective allows over the window at the observed traffic. */
  allowed: number;
  consumed: number;
  /** 1 = untouched, 0 = spent, negative = overspent. */
  remaining: number;
}

export function errorBudget(bad: number, total: number, objective: number): ErrorBudget {
  const allowed = total * (1 - objectiveFraction(objective));
  if (allowed <= 0) return { allowed: 0, consumed: bad, remaining: bad > 0 ? -Infinity : 1 };
  return { allowed, consumed: bad, remaining: 1 - bad / allowed };
}

export interface AlertState {
  severity: 'page' | 'ticket';
  label: string;
  factor: number;
  longBurn: number;
  shortBurn: number;
  firing: boolean;
}

/** Evaluates every rule from the burn rate of each window (keyed by window length in ms). */
export function evaluateAlerts(burnByWindow: ReadonlyMap<number, number>): AlertState[] {
  return BURN_RATE_RULES.map((r) => {
    const longBurn = burnByWindow.get(r.longMs) ?? 0;
    const shortBurn = burnByWindow.get(r.shortMs) ?? 0;
    return { severity: r.severity, label: r.label, factor: r.factor, longBurn, shortBurn, firing: longBurn > r.factor && shortBurn > r.factor };
  });
}

/** Parses "30d", "7d", "12h", "90m" into milliseconds. */
export function parseWindow(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(m|h|d|w)\s*$/i.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2].toLowerCase();
  const ms = unit === 'm' ? MIN : unit === 'h' ? HOUR : unit === 'd' ? 24 * HOUR : 7 * 24 * HOUR;
  return n > 0 ? n * ms : null;
}
