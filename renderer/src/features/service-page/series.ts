// Golden-signal series as charts should show them.
import type { GoldenSignals } from '../../../../common/api/service-schemas';

/**
 * The newest bucket is still filling when the window ends now: its rate over the whole step would
 * look like a drop, so it is rated over the time it covers — or left out while it is too young
 * to say much, unless it is all there is (a service that just started).
 */
export function completeBuckets(gs: GoldenSignals): GoldenSignals {
  const last = gs.series[gs.series.length - 1];
  if (!last || last.time + gs.stepMs <= gs.to) return gs;
  const elapsed = gs.to - last.time;
  const earlier = gs.series.slice(0, -1).some((r) => r.requests > 0);
  if (elapsed < gs.stepMs / 4 && earlier) return { ...gs, series: gs.series.slice(0, -1) };
  return { ...gs, series: [...gs.series.slice(0, -1), { ...last, rps: last.requests / Math.max(1, elapsed / 1000) }] };
}
