import { describe, expect, it } from 'vitest';
import { budgetTone, burnTone, checkForm, emptyForm, formatBurn, formFrom, sloIdFrom, windowLabel } from './slo-model';

describe('SLO form', () => {
  it('derives the id from the name', () => {
    expect(sloIdFrom('Checkout availability')).toBe('checkout-availability');
    expect(sloIdFrom('  Payment p95 < 300 ms! ')).toBe('payment-p95-300-ms');
    expect(sloIdFrom('Über café')).toBe('uber-cafe');
    expect(sloIdFrom('***')).toBe('slo');
  });

  it('accepts a valid availability SLO and leaves out the threshold', () => {
    const r = checkForm({ ...emptyForm('payment'), objective: '99.5', window: '7d' });
    expect(r).toEqual({ ok: true, slo: { id: 'payment-availability', name: 'payment availability', service: 'payment', sli: 'availability', objective: 99.5, window: '7d' } });
  });

  it('reports each bad field in words a user can act on', () => {
    const r = checkForm({ ...emptyForm(''), name: '', objective: '100', window: 'a month', sli: 'latency', thresholdMs: '0' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.objective).toMatch(/between 0 and 100/);
    expect(r.errors.window).toMatch(/30d/);
    expect(r.errors.service).toBeDefined();
    expect(r.errors.thresholdMs).toMatch(/milliseconds/);
  });

  it('round-trips an existing latency SLO', () => {
    const slo = { id: 'pay-lat', name: 'Payment latency', service: 'payment', sli: 'latency' as const, objective: 99, window: '30d', thresholdMs: 250 };
    expect(checkForm(formFrom(slo))).toEqual({ ok: true, slo });
  });
});

describe('SLO numbers', () => {
  it('labels burn windows', () => {
    expect([300_000, 1_800_000, 3_600_000, 7_200_000, 86_400_000, 259_200_000].map(windowLabel)).toEqual(['5m', '30m', '1h', '2h', '1d', '3d']);
  });

  it('colours budgets and burn rates', () => {
    expect(budgetTone(0.8, 100)).toBe('ok');
    expect(budgetTone(0.1, 100)).toBe('warn');
    expect(budgetTone(-0.5, 100)).toBe('error');
    expect(budgetTone(1, 0)).toBe('muted');
    expect(burnTone(20)).toBe('error');
    expect(burnTone(2)).toBe('warn');
    expect(burnTone(0.5)).toBe('ok');
    expect(formatBurn(14.4)).toBe('14×');
    expect(formatBurn(2.345)).toBe('2.3×');
    expect(formatBurn(1e9)).toBe('∞');
  });
});
