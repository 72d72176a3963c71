// A histogram's buckets over time: one column per step, one row per bucket (by upper bound),
// shaded by how many measurements fell in it (log scale, so rare slow buckets stay visible).
import type { MetricChart } from '../../../../common/api/metric-schemas';
import { formatClock } from '../../ui/format';
import { formatMetricValue } from './units';

export function BucketHeatmap({ chart, height = 160 }: { chart: MetricChart; height?: number }) {
  const heat = chart.heatmap;
  if (!heat) return null;
  // Only the bucket rows that ever hold a measurement.
  const used = heat.bounds.map((_, b) => heat.counts.some((row) => (row[b] ?? 0) > 0));
  const first = used.indexOf(true);
  const last = used.lastIndexOf(true);
  if (first < 0) return null;
  const rows = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  const max = Math.max(...heat.counts.flat());
  const cols = heat.counts.length;
  const label = (b: number) => {
    const upper = heat.bounds[b];
    return upper >= Number.MAX_VALUE / 2 ? `> ${formatMetricValue(heat.bounds[b - 1] ?? 0, chart.unit)}` : `≤ ${formatMetricValue(upper, chart.unit)}`;
  };
  const rowH = height / rows.length;
  const labelEvery = Math.max(1, Math.ceil(rows.length / 6));
  return (
    <figure className="bucket-heatmap" data-testid="bucket-heatmap">
      <figcaption className="muted small">
        Buckets of <span className="mono">{chart.name}</span> over time (darker: more measurements)
      </figcaption>
      <div className="heatmap-body">
        <div className="heatmap-labels" style={{ height }}>
          {rows.map((b, i) =>
            (rows.length - 1 - i) % labelEvery === 0 ? (
              <span key={b} style={{ bottom: i * rowH + rowH / 2 - 7 }}>
                {label(b)}
              </span>
            ) : null,
          )}
        </div>
        <svg className="heatmap-grid" viewBox={`0 0 ${cols} ${rows.length}`} preserveAspectRatio="none" style={{ height }} role="img" aria-label="Bucket heatmap">
          {heat.counts.map((row, c) =>
            rows.map((b, i) => {
              const n = row[b] ?? 0;
              if (n === 0) return null;
              const shade = 0.15 + 0.85 * (Math.log1p(n) / Math.log1p(max));
              return (
                <rect key={`${c}-${b}`} x={c} y={rows.length - 1 - i} width={1.02} height={1.02} fill="var(--accent)" fillOpacity={shade}>
                  <title>{`${formatClock(chart.times[c])} · ${label(b)}: ${n}`}</title>
                </rect>
              );
            }),
          )}
        </svg>
      </div>
    </figure>
  );
}
