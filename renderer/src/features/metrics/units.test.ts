import { describe, expect, it } from 'vitest';
import { formatMetricValue, unitCaption } from './units';

describe('metric units', () => {
  it('formats durations, bytes, dimensionless values and annotations', () => {
    expect(formatMetricValue(0.25, 's')).toBe('250ms');
    expect(formatMetricValue(1.5, 's')).toBe('1.5s');
    expect(formatMetricValue(12.34, 'ms')).toBe('12.3ms');
    expect(formatMetricValue(0.5, 'ms')).toBe('500µs');
    expect(formatMetricValue(3 * 1024 * 1024, 'By')).toBe('3 MiB');
    expect(formatMetricValue(0.42, '1', { name: 'process.cpu.utilization' })).toBe('42%');
    expect(formatMetricValue(12345, '1')).toBe('12.3k');
    expect(formatMetricValue(4.2, '{request}', { rate: true })).toBe('4.2 req/s');
    expect(formatMetricValue(7, '{order}')).toBe('7 orders');
    expect(formatMetricValue(null, 's')).toBe('—');
    expect(formatMetricValue(Number.NaN, 's')).toBe('—');
  });

  it('names the axis', () => {
    expect(unitCaption('{request}', { rate: true })).toBe('requests per second');
    expect(unitCaption('By')).toBe('bytes');
    expect(unitCaption('s')).toBe('duration');
  });
});
