// Burn-rate maths against the worked examples of the Google SRE Workbook ("Alerting on SLOs").
import { describe, expect, it } from 'vitest';
import { BURN_RATE_RULES, BURN_WINDOWS_MS, burnRate, errorBudget, evaluateAlerts, objectiveFraction, parseWindow } from './slo';

const HOUR = 3_600_000;
const MIN = 60_000;

describe('burn rate', () => {
  it('is the error ratio over the ratio the objective allows', () => {
    // 99.9%: 0.1% allowed. 1.44% errors burn 14.4× (the workbook's fast-burn page threshold).
    expect(burnRate(144, 10_000, 99.9)).toBeCloseTo(14.4, 10);
    expect(burnRate(10, 10_000, 99.9)).toBeCloseTo(1, 10);
    expect(burnRate(0, 10_000, 99.9)).toBe(0);
    expect(burnRate(5, 0, 99.9)).toBe(0); // no traffic burns nothing
    expect(objectiveFraction(99.95)).toBeCloseTo(0.9995, 12);
    expect(objectiveFraction(0.99)).toBe(0.99);
  });

  it('each rule spends the share of a 30-day budget the workbook gives when it fires', () => {
    const budgetHours = 30 * 24;
    for (const r of BURN_RATE_RULES) expect((r.factor * r.longMs) / HOUR / budgetHours).toBeCloseTo(r.budgetSpent, 6);
    expect(BURN_RATE_RULES.map((r) => r.label)).toEqual(['14.4× over 1h and 5m', '6× over 6h and 30m', '3× over 1d and 2h', '1× over 3d and 6h']);
    expect(BURN_WINDOWS_MS).toEqual([5 * MIN, 30 * MIN, HOUR, 2 * HOUR, 6 * HOUR, 24 * HOUR, 72 * HOUR]);
  });
});

describe('error budget', () => {
  it('allows (1 - objective) of the traffic', () => {
    // 1,000,000 requests at 99.9%: 1,000 may fail; 250 failed → 75% of the budget remains.
    const b = errorBudget(250, 1_000_000, 99.9);
    expect(b.allowed).toBeCloseTo(1000, 6);
    expect(b.remaining).toBeCloseTo(0.75, 10);
    expect(errorBudget(1500, 1_000_000, 99.9).remaining).toBeCloseTo(-0.5, 10);
    expect(errorBudget(0, 0, 99.9).remaining).toBe(1);
  });
});

describe('multiwindow alerts', () => {
  const burns = (entries: Array<[number, number]>) => new Map(entries);

  it('pages only when both the long and the short window burn fast', () => {
    const firing = (m: Map<number, number>) => evaluateAlerts(m).filter((a) => a.firing).map((a) => a.label);
    // a fast burn right now: 1h and 5m above 14.4
    expect(firing(burns([[HOUR, 20], [5 * MIN, 30]]))).toEqual(['14.4× over 1h and 5m']);
    // the burn has stopped: the 1h window still remembers it, the 5m window does not → no page
    expect(firing(burns([[HOUR, 20], [5 * MIN, 0.5]]))).toEqual([]);
    // a slow, steady burn of 2×: only the 3-day ticket
    expect(firing(burns([[72 * HOUR, 2], [6 * HOUR, 2], [24 * HOUR, 2], [2 * HOUR, 2], [HOUR, 2], [5 * MIN, 2], [30 * MIN, 2]]))).toEqual(['1× over 3d and 6h']);
    // 7× everywhere: the 6h page, the 1d and 3d tickets
    const all = [5 * MIN, 30 * MIN, HOUR, 2 * HOUR, 6 * HOUR, 24 * HOUR, 72 * HOUR].map((w) => [w, 7] as [number, number]);
    expect(evaluateAlerts(burns(all)).filter((a) => a.firing).map((a) => a.severity)).toEqual(['page', 'ticket', 'ticket']);
  });
});

describe('windows', () => {
  it('parses rolling windows', () => {
    expect(parseWindow('30d')).toBe(30 * 24 * HOUR);
    expect(parseWindow('12h')).toBe(12 * HOUR);
    expect(parseWindow('90m')).toBe(90 * MIN);
    expect(parseWindow('2w')).toBe(14 * 24 * HOUR);
    expect(parseWindow('soon')).toBeNull();
    expect(parseWindow('0d')).toBeNull();
  });
});
