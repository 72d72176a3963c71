// Duration over time, one dot per trace (errors in red); clicking a dot opens the trace.
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { TraceSummary } from '../../../../common/api/trace-schemas';
import { formatClock, formatDuration } from '../../ui/format';
import { timeAxisLabel, timeAxisTicks } from '../../ui/time-axis';

export function TraceScatter({
  traces,
  window,
  onOpen,
  height = 150,
}: {
  traces: TraceSummary[];
  window: { from: number; to: number };
  onOpen: (traceId: string) => void;
  height?: number;
}) {
  const span = window.to - window.from;
  return (
    <div className="scatter" data-testid="trace-scatter">
      <ResponsiveContainer width="100%" height={height}>
        <ScatterChart margin={{ top: 8, right: 16, bottom: 0, left: 4 }}>
          <CartesianGrid className="chart-grid" vertical={false} />
          <XAxis
            type="number"
            dataKey="start"
            domain={[window.from, window.to]}
            scale="time"
            ticks={timeAxisTicks(window.from, window.to)}
            tickFormatter={(v: number) => timeAxisLabel(v, span)}
            tick={{ className: 'chart-tick' }}
            tickLine={false}
            axisLine={{ className: 'chart-axis' }}
            allowDataOverflow
          />
          <YAxis
            type="number"
            dataKey="durationMs"
            tickFormatter={(v: number) => formatDuration(v)}
            tick={{ className: 'chart-tick' }}
            tickLine={false}
            axisLine={false}
            width={56}
          />
          <Tooltip
            cursor={false}
            isAnimationActive={false}
            content={({ active, payload }) => {
              const t = active ? (payload?.[0]?.payload as TraceSummary | undefined) : undefined;
              if (!t) return null;
              return (
                <div className="chart-tooltip">
                  <div>
                    <b>{t.rootService}</b> {t.rootName}
                  </div>
                  <div className="mono">
                    {formatDuration(t.durationMs)} · {t.spanCount} spans{t.errorCount ? ` · ${t.errorCount} errors` : ''}
                  </div>
                  <div className="muted">{formatClock(t.start)}</div>
                </div>
              );
            }}
          />
          <Scatter
            data={traces}
            isAnimationActive={false}
            shape={(props: { cx?: number; cy?: number; payload?: TraceSummary }) => {
              const t = props.payload;
              if (props.cx === undefined || props.cy === undefined || !t) return <g />;
              const r = Math.min(7, 3 + Math.log2(1 + t.spanCount) / 2);
              return (
                <circle
                  cx={props.cx}
                  cy={props.cy}
                  r={r}
                  className={`dot${t.errorCount > 0 ? ' dot-error' : ''}`}
                  onClick={() => onOpen(t.traceId)}
                  data-trace-id={t.traceId}
                />
              );
            }}
          />
        </ScatterChart>
      </ResponsiveContainer>
    </div>
  );
}
