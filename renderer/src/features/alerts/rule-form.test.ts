import { describe, expect, it } from 'vitest';
import { checkRuleForm, emptyRuleForm, formOf, suggestedName } from './rule-form';

describe('alert rule form', () => {
  it('turns the fields into the rule the core stores', () => {
    const f = { ...emptyRuleForm('checkout', 'payment'), id: 'co-pay', name: 'Checkout to payment', kind: 'latency' as const, mode: 'change' as const, threshold: '50', window: '15m', for: '2m' };
    const r = checkRuleForm(f);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.rule).toMatchObject({ kind: 'latency', service: 'checkout', target: 'payment', mode: 'change', threshold: 50, percentile: 95, window: '15m', for: '2m' });
    expect(formOf(r.rule)).toMatchObject({ target: 'payment', threshold: '50', for: '2m' });
  });

  it('names the fields that are wrong', () => {
    const r = checkRuleForm({ ...emptyRuleForm(''), id: 'x', name: 'x', threshold: 'lots', window: 'soon' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.threshold).toMatch(/number/);
    expect(r.errors.window).toMatch(/duration/);
    expect(r.errors.service).toMatch(/pick a service/);
    const pct = checkRuleForm({ ...emptyRuleForm('payment'), id: 'x', name: 'x', threshold: '150' });
    expect(!pct.ok && pct.errors.threshold).toMatch(/percentage/);
  });

  it('suggests a name from what the rule watches', () => {
    expect(suggestedName({ ...emptyRuleForm('payment'), kind: 'latency', mode: 'change' })).toBe('payment p95 latency rising');
    expect(suggestedName({ ...emptyRuleForm('payment'), kind: 'new_error_type' })).toBe('payment new error types');
  });
});
