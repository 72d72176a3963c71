import { describe, expect, it } from 'vitest';
import type { SloAlertEvent } from '../../../../common/api/slo-schemas';
import { mergeAlert } from './alerts';

const alert = (sloId: string, severity: 'page' | 'ticket', label: string, burnRate = 20): SloAlertEvent => ({ sloId, name: sloId, service: 'payment', severity, label, burnRate, startedAt: 0 });

describe('SLO alert toasts', () => {
  it('gathers the rules of one SLO on one toast, the page first', () => {
    let list = mergeAlert([], alert('pay', 'ticket', '3× over 1d and 2h', 21));
    list = mergeAlert(list, alert('pay', 'page', '14.4× over 1h and 5m', 20));
    list = mergeAlert(list, alert('pay', 'page', '6× over 6h and 30m', 22));
    expect(list).toHaveLength(1);
    expect(list[0].alert.severity).toBe('page');
    expect(list[0].alert.burnRate).toBe(22);
    expect(list[0].rules).toEqual(['14.4× over 1h and 5m', '3× over 1d and 2h', '6× over 6h and 30m']);
  });

  it('keeps SLOs apart, newest on top, and ignores a rule it already shows', () => {
    let list = mergeAlert([], alert('a', 'page', 'r1'));
    list = mergeAlert(list, alert('b', 'ticket', 'r2'));
    list = mergeAlert(list, alert('b', 'ticket', 'r2'));
    expect(list.map((t) => t.key)).toEqual(['b', 'a']);
    expect(list[0].rules).toEqual(['r2']);
  });
});
