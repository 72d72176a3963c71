import { describe, expect, it } from 'vitest';
import type { GoldenSignals } from '../../../../common/api/service-schemas';
import { completeBuckets } from './series';
import { compareVersionNames, compareVersions, type VersionSignals } from './versions';

const v = (version: string, calls: number, errorRate: number, p95Ms: number | null): VersionSignals => ({
  version,
  calls,
  errors: Math.round(calls * errorRate),
  rps: calls / 3600,
  errorRate,
  p50Ms: p95Ms === null ? null : p95Ms / 3,
  p95Ms,
  p99Ms: p95Ms === null ? null : p95Ms * 2,
  firstSeen: 0,
  lastSeen: 0,
});

describe('version comparison', () => {
  it('flags the canary that is slower and fails more, as in the demo’s payment service', () => {
    const rows = compareVersions([v('1.4.2', 700, 0.004, 90), v('1.5.0', 300, 0.06, 420)]);
    expect(rows.map((r) => r.version)).toEqual(['1.5.0', '1.4.2']);
    const [canary, stable] = rows;
    expect(canary).toMatchObject({ slower: true, failsMore: true, worst: true });
    expect(canary.p95Ratio).toBeCloseTo(420 / 90);
    expect(canary.share).toBeCloseTo(0.3);
    expect(stable).toMatchObject({ slower: false, failsMore: false, worst: false, p95Ratio: 1 });
  });

  it('does not flag small differences or versions with too few requests', () => {
    const rows = compareVersions([v('2.0.0', 500, 0.001, 100), v('2.0.1', 500, 0.002, 110), v('2.1.0-rc', 3, 1, 5000)]);
    expect(rows.some((r) => r.slower || r.failsMore || r.worst)).toBe(false);
    expect(rows.find((r) => r.version === '2.1.0-rc')!.thin).toBe(true);
  });

  it('compares nothing with a single version', () => {
    const [only] = compareVersions([v('1.0.0', 1000, 0.5, 900)]);
    expect(only).toMatchObject({ p95Ratio: null, errorDelta: null, slower: false, worst: false, share: 1 });
  });

  it('orders versions newest first by their numbers', () => {
    expect(['1.9.3', '1.10.0', '1.4.2', '0.8.1'].sort(compareVersionNames)).toEqual(['1.10.0', '1.9.3', '1.4.2', '0.8.1']);
  });
});


describe('the newest bucket of a chart', () => {
  const bucket = (time: number, requests: number) => ({ time, requests, rps: requests / 60, errors: 0, errorRate: 0, okP50Ms: 1, okP95Ms: 2, okP99Ms: 3, errP50Ms: null, errP95Ms: null, errP99Ms: null, http2xx: requests, http3xx: 0, http4xx: 0, http5xx: 0, otherErrors: 0 });
  const signals = (to: number, series: ReturnType<typeof bucket>[]) => ({ service: 's', from: 0, to, stepMs: 60_000, series }) as unknown as GoldenSignals;

  it('is rated over the time it covers, so a full minute does not look like a drop', () => {
    const gs = completeBuckets(signals(150_000, [bucket(0, 60), bucket(60_000, 60), bucket(120_000, 30)]));
    expect(gs.series).toHaveLength(3);
    expect(gs.series[2].rps).toBeCloseTo(1);
  });

  it('is left out while too young, unless it holds the only requests (a service that just started)', () => {
    expect(completeBuckets(signals(125_000, [bucket(0, 60), bucket(60_000, 60), bucket(120_000, 3)])).series).toHaveLength(2);
    expect(completeBuckets(signals(125_000, [bucket(0, 0), bucket(60_000, 0), bucket(120_000, 3)])).series).toHaveLength(3);
  });
});
