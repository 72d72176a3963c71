// Log records per time bucket, stacked by severity band.
import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { LogHistogram } from '../../../../common/api/log-schemas';
import { severityVar } from '../../ui/colors';
import { formatClock, formatCount } from '../../ui/format';
import { timeAxisLabel } from '../../ui/time-axis';

export function LogHistogramChart({
  data,
  height = 110,
  onPickBucket,
}: {
  data: LogHistogram;
  height?: number;
  onPickBucket?: (from: number, to: number) => void;
}) {
  const rows = useMemo(() => {
    const n = data.counts[0]?.length ?? 0;
    return Array.from({ length: n }, (_, i) => {
      const row: Record<string, number> = { t: data.start + i * data.stepMs };
      data.bands.forEach((b, bi) => (row[b] = data.counts[bi][i]));
      return row;
    });
  }, [data]);
  const span = rows.length * data.stepMs;
  const bands = data.bands.filter((_, bi) => data.counts[bi].some((c) => c > 0));
  return (
    <div className="histogram" data-testid="log-histogram">
      <ResponsiveContainer width="100%" height={height}>
        <BarChart
          data={rows}
          margin={{ top: 6, right: 12, bottom: 0, left: 0 }}
          barCategoryGap={1}
          onClick={(state) => {
            const i = state?.activeTooltipIndex;
            if (onPickBucket && i !== undefined && i !== null && rows[Number(i)]) {
              const from = rows[Number(i)].t;
              onPickBucket(from, from + data.stepMs);
            }
          }}
        >
          <CartesianGrid className="chart-grid" vertical={false} />
          <XAxis
            dataKey="t"
            tickFormatter={(v: number) => timeAxisLabel(v, span)}
            tick={{ className: 'chart-tick' }}
            tickLine={false}
            axisLine={{ className: 'chart-axis' }}
            minTickGap={48}
          />
          <YAxis tickFormatter={(v: number) => formatCount(v)} tick={{ className: 'chart-tick' }} tickLine={false} axisLine={false} width={40} allowDecimals={false} />
          <Tooltip
            cursor={{ className: 'chart-cursor' }}
            isAnimationActive={false}
            content={({ active, payload, label }) => {
              if (!active || !payload?.length) return null;
              return (
                <div className="chart-tooltip">
                  <div className="muted">
                    {formatClock(Number(label))} – {formatClock(Number(label) + data.stepMs)}
                  </div>
                  {[...payload].reverse().map((p) =>
                    Number(p.value) > 0 ? (
                      <div key={String(p.dataKey)} className="tt-row">
                        <span className="tt-swatch" style={{ background: severityVar(String(p.dataKey)) }} />
                        <span>{String(p.dataKey)}</span>
                        <b>{formatCount(Number(p.value))}</b>
                      </div>
                    ) : null,
                  )}
                </div>
              );
            }}
          />
          {bands.map((b) => (
            <Bar key={b} dataKey={b} stackId="sev" fill={severityVar(b)} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
