// Health from an error rate: Kiali's thresholds, read the way the percentage is shown.
import { describe, expect, it } from 'vitest';
import { healthOf } from './service-map';

describe('healthOf', () => {
  it('follows the thresholds: idle without calls, healthy under 0.1 %, degraded to 10 %, failing over', () => {
    expect(healthOf(0, 0)).toBe('idle');
    expect(healthOf(0.0009, 100)).toBe('healthy');
    expect(healthOf(0.001, 100)).toBe('degraded');
    expect(healthOf(0.1, 100)).toBe('degraded');
    expect(healthOf(0.1001, 100)).toBe('failing');
    expect(healthOf(1, 100)).toBe('failing');
  });

  it('does not let floating-point noise cross a threshold', () => {
    const noisyTen = (0.1 * 3) / 3; // 0.10000000000000002, as a backend's ratio of rates can be
    expect(noisyTen).toBeGreaterThan(0.1);
    expect(healthOf(noisyTen, 30)).toBe('degraded');
    const noisyTenth = (11 * 0.001 * 5) / 55; // 0.0009999999999999998: 0.1 %
    expect(noisyTenth).toBeLessThan(0.001);
    expect(healthOf(noisyTenth, 55)).toBe('degraded');
  });
});
