import { describe, expect, it } from 'vitest';
import type { ServiceSummary } from '../../../../common/api/service-schemas';
import { problemReasons, problemScore, RANKING_VALUE } from './problems';

const svc = (name: string, extra: Partial<ServiceSummary> = {}): ServiceSummary => ({
  name,
  namespace: 'shop',
  spanCount: 100,
  errorCount: 0,
  requests: 100,
  requestErrors: 0,
  errorRate: 0,
  rps: 1,
  p50Ms: 10,
  p95Ms: 40,
  p99Ms: 80,
  lastSeen: 0,
  versions: ['1.0.0'],
  health: 'healthy',
  p95BaselineMs: 40,
  latencyRatio: 1,
  sloBurn: null,
  sloAlert: null,
  component: null,
  owner: null,
  ...extra,
});

const rank = (list: ServiceSummary[], by: keyof typeof RANKING_VALUE = 'problems') => [...list].sort((a, b) => RANKING_VALUE[by](b) - RANKING_VALUE[by](a)).map((s) => s.name);

describe('what is broken now', () => {
  const busyHealthy = svc('frontend', { rps: 900 });
  const failing = svc('payment', { health: 'failing', errorRate: 0.23, requestErrors: 23 });
  const degraded = svc('checkout', { health: 'degraded', errorRate: 0.01 });
  const regressed = svc('search', { latencyRatio: 3.2, p95BaselineMs: 20, p95Ms: 64 });
  const paging = svc('cart', { health: 'degraded', errorRate: 0.02, sloAlert: 'page', sloBurn: 16 });
  const idle = svc('batch', { health: 'idle', requests: 0, rps: 0 });

  it('puts a paging SLO alert first, then the failing service, regressions and degraded ones; busy healthy services after', () => {
    expect(rank([busyHealthy, idle, degraded, regressed, failing, paging])).toEqual(['cart', 'payment', 'search', 'checkout', 'frontend', 'batch']);
  });

  it('orders by error rate within the failing tier', () => {
    const worse = svc('billing', { health: 'failing', errorRate: 0.5 });
    expect(rank([failing, worse])).toEqual(['billing', 'payment']);
    expect(problemScore(worse)).toBeGreaterThan(problemScore(failing));
  });

  it('ignores a latency ratio without a baseline (too little traffic)', () => {
    const noBaseline = svc('new', { latencyRatio: null, p95BaselineMs: null });
    expect(rank([noBaseline, regressed], 'regression')).toEqual(['search', 'new']);
    expect(problemReasons(noBaseline)).toEqual([]);
  });

  it('ranks by SLO burn with firing alerts first', () => {
    const burning = svc('a', { sloBurn: 5 });
    const ticket = svc('b', { sloBurn: 3.5, sloAlert: 'ticket' });
    expect(rank([burning, ticket, busyHealthy], 'slo')).toEqual(['b', 'a', 'frontend']);
  });

  it('explains the rank with chips', () => {
    expect(problemReasons(paging).map((r) => r.text)).toEqual(['SLO page · 16× burn']);
    expect(problemReasons(regressed)[0]).toMatchObject({ tone: 'error', text: 'p95 ↑3.2×' });
  });
});
