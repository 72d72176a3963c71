// alerts.yaml (problems with file and line, UI edits that keep comments) and the rule logic
// (thresholds, changes, hysteresis) on hand-built values.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertRule } from '../../common/api/alert-schemas';
import { alertRuleProblem, breaches, changePercent, describeRule, summarize } from '../../common/alert-rules';
import { AlertFile, readAlertFile } from './alert-file';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'loupe-alerts-'));
  dirs.push(d);
  return d;
}

const rule = (r: Record<string, unknown>) => AlertRule.parse({ id: 'r', name: 'R', service: 'payment', ...r });

describe('alerts.yaml', () => {
  it('names file, line and rule for each unusable rule and keeps the valid ones', () => {
    const path = join(temp(), 'alerts.yaml');
    writeFileSync(
      path,
      `# on-call rules
rules:
  - id: pay-errors
    name: Payment errors
    kind: error_rate
    service: payment
    threshold: 5
    window: 5m
  - id: pay-slow
    name: Payment slow
    kind: latency
    service: payment
    window: 5m
  - id: Bad Id
    name: x
    kind: qps
    service: payment
  - id: pay-edge
    name: Checkout to payment
    kind: latency
    service: checkout
    target: checkout
    threshold: 300
  - id: pay-errors
    name: again
    kind: throughput
    service: payment
    threshold: 1
`,
    );
    const state = readAlertFile(path);
    expect(state.rules.map((r) => r.id)).toEqual(['pay-errors']);
    expect(state.problems).toHaveLength(4);
    expect(state.problems[0]).toMatch(/alerts\.yaml:9: rule "pay-slow" threshold: a latency rule needs a threshold/);
    expect(state.problems[1]).toMatch(/alerts\.yaml:14: rule "Bad Id" id: lower-case.*kind:/);
    expect(state.problems[2]).toMatch(/alerts\.yaml:18: rule "pay-edge" target: an edge needs a callee other than its caller/);
    expect(state.problems[3]).toMatch(/alerts\.yaml:24: rule "pay-errors" duplicate rule id/);
  });

  it('reports a file that cannot be parsed with its line, and never throws', () => {
    const path = join(temp(), 'alerts.yaml');
    writeFileSync(path, 'rules:\n  - id: a\n    name: [unclosed\n');
    const state = readAlertFile(path);
    expect(state.rules).toEqual([]);
    expect(state.problems[0]).toMatch(/alerts\.yaml:\d+: /);
    writeFileSync(path, 'rules: 12\n');
    expect(readAlertFile(path).problems).toEqual([`${path}:1: expected a top-level "rules:" list`]);
  });

  it('UI edits keep comments, other entries and entries it cannot read', () => {
    const dir = temp();
    const path = join(dir, 'alerts.yaml');
    writeFileSync(
      path,
      `# owned by team payments
rules:
  # pages the payments on-call
  - id: pay-errors
    name: Payment errors
    kind: error_rate
    service: payment
    # agreed in the incident review of March
    threshold: 5
  - id: broken
    kind: "sometimes"
`,
    );
    const file = new AlertFile(dir);
    try {
      file.upsert(rule({ id: 'pay-errors', name: 'Payment errors', kind: 'error_rate', threshold: 8 }));
      file.upsert(rule({ id: 'pay-p95', name: 'Payment p95 up', kind: 'latency', mode: 'change', threshold: 50, window: '15m', percentile: 95 }));
      const text = readFileSync(path, 'utf8');
      expect(text).toMatch(/# owned by team payments/);
      expect(text).toMatch(/# pages the payments on-call/);
      expect(text).toMatch(/# agreed in the incident review of March\n\s+threshold: 8/);
      expect(text).toMatch(/id: broken/);
      expect(file.rules.map((r) => [r.id, r.threshold])).toEqual([
        ['pay-errors', 8],
        ['pay-p95', 50],
      ]);
      expect(file.problems).toHaveLength(1);
      expect(file.remove('pay-p95')).toBe(true);
      expect(readFileSync(path, 'utf8')).not.toMatch(/pay-p95/);
      expect(readFileSync(path, 'utf8')).toMatch(/# agreed in the incident review of March/);
      // An unusable rule is refused and nothing is written.
      expect(() => file.upsert(rule({ id: 'x', kind: 'throughput' }))).toThrow(/threshold/);
      expect(readFileSync(path, 'utf8')).not.toMatch(/id: x/);
    } finally {
      file.close();
    }
  });

  it('starts a new file with a header explaining the fields', () => {
    const dir = temp();
    const file = new AlertFile(dir);
    try {
      file.upsert(rule({ kind: 'new_error_type', window: '10m' }));
      const text = readFileSync(join(dir, 'alerts.yaml'), 'utf8');
      expect(text).toMatch(/^# Loupe alert rules/);
      expect(readAlertFile(join(dir, 'alerts.yaml')).rules).toHaveLength(1);
    } finally {
      file.close();
    }
  });
});

describe('rule conditions', () => {
  it('fires over a threshold and resolves only once back past it by the margin', () => {
    const r = rule({ kind: 'error_rate', threshold: 5 });
    expect(breaches(r, 5.5, false)).toBe(true);
    expect(breaches(r, 5, false)).toBe(false);
    // Firing: 4.8 % is not yet 10 % under the threshold, 4.4 % is.
    expect(breaches(r, 4.8, true)).toBe(true);
    expect(breaches(r, 4.4, true)).toBe(false);
    expect(breaches(r, null, true)).toBe(false);
    const low = rule({ kind: 'throughput', when: 'below', threshold: 10 });
    expect(breaches(low, 9, false)).toBe(true);
    expect(breaches(low, 10.5, true)).toBe(true);
    expect(breaches(low, 11.5, true)).toBe(false);
  });

  it('compares a change against the previous window, up or down', () => {
    const up = rule({ kind: 'latency', mode: 'change', threshold: 50, window: '15m' });
    expect(changePercent(180, 100)).toBeCloseTo(80);
    expect(breaches(up, changePercent(180, 100), false)).toBe(true);
    expect(breaches(up, changePercent(140, 100), false)).toBe(false);
    expect(changePercent(5, 0)).toBeNull();
    expect(changePercent(null, 3)).toBeNull();
    const down = rule({ kind: 'throughput', mode: 'change', when: 'below', threshold: 50 });
    expect(breaches(down, changePercent(40, 100), false)).toBe(true);
    expect(breaches(down, changePercent(140, 100), false)).toBe(false);
    expect(describeRule(up)).toBe('p95 latency up > 50 % vs the previous 15m');
    expect(summarize(up, 80, 180, 100)).toBe('p95 latency up 80.0 % (180 ms vs 100 ms the previous 15m)');
  });

  it('explains what makes a rule unusable', () => {
    expect(alertRuleProblem(rule({ kind: 'error_rate', threshold: 120 }))).toMatch(/percentage/);
    expect(alertRuleProblem(rule({ kind: 'latency', threshold: 100, window: '2d' }))).toMatch(/longer than the 24h/);
    expect(alertRuleProblem(rule({ kind: 'new_error_type', target: 'db' }))).toMatch(/per service/);
    expect(alertRuleProblem(rule({ kind: 'throughput', threshold: 1, percentile: 99 }))).toMatch(/percentile/);
    expect(alertRuleProblem(rule({ kind: 'latency', threshold: 100, for: '2m' }))).toBeNull();
    expect(describeRule(rule({ kind: 'error_rate', threshold: 5, for: '2m' }))).toBe('error rate > 5 % over 5m for 2m');
  });
});
