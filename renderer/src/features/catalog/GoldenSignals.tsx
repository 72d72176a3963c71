// A component's golden signals over the window, compact: traffic, error rate and latency
// (successful and failed requests apart), from the service's rollups.
import { Area, AreaChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { GoldenSignals as Signals } from '../../../../common/api/service-schemas';
import { formatClock, formatDuration, formatPercent, formatRate } from '../../ui/format';
import { timeAxisLabel, timeAxisTicks } from '../../ui/time-axis';

type Row = Signals['series'][number];

interface Series {
  key: keyof Row;
  label: string;
  color: string;
  format: (v: number) => string;
}

function MiniChart({ title, value, rows, series, span, kind, from, to }: { title: string; value: string; rows: Row[]; series: Series[]; span: number; kind: 'area' | 'line'; from: number; to: number }) {
  const axes = (
    <>
      <CartesianGrid className="chart-grid" vertical={false} />
      <XAxis
        dataKey="time"
        type="number"
        domain={[from, to]}
        scale="time"
        ticks={timeAxisTicks(from, to, 4)}
        tickFormatter={(v: number) => timeAxisLabel(v, span)}
        tick={{ className: 'chart-tick' }}
        tickLine={false}
        axisLine={{ className: 'chart-axis' }}
      />
      <YAxis tickFormatter={(v: number) => series[0].format(v)} tick={{ className: 'chart-tick' }} tickLine={false} axisLine={false} width={52} />
      <Tooltip
        cursor={{ className: 'chart-cursor', stroke: 'var(--border-strong)' }}
        isAnimationActive={false}
        content={({ active, payload, label }) => {
          if (!active || !payload?.length) return null;
          return (
            <div className="chart-tooltip">
              <div className="muted">{formatClock(Number(label))}</div>
              {series.map((s) => {
                const v = (payload[0].payload as Row)[s.key];
                return (
                  <div key={String(s.key)} className="tt-row">
                    <span className="tt-swatch" style={{ background: s.color }} />
                    <span>{s.label}</span>
                    <b>{typeof v === 'number' ? s.format(v) : '—'}</b>
                  </div>
                );
              })}
            </div>
          );
        }}
      />
    </>
  );
  return (
    <div className="gs-chart">
      <div className="gs-chart-head">
        <span className="gs-chart-title">{title}</span>
        <span className="gs-chart-value">{value}</span>
      </div>
      <ResponsiveContainer width="100%" height={96}>
        {kind === 'area' ? (
          <AreaChart data={rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
            {axes}
            {series.map((s) => (
              <Area key={String(s.key)} dataKey={s.key} stroke={s.color} fill={s.color} fillOpacity={0.15} strokeWidth={1.4} isAnimationActive={false} dot={false} />
            ))}
          </AreaChart>
        ) : (
          <LineChart data={rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
            {axes}
            {series.map((s) => (
              <Line key={String(s.key)} dataKey={s.key} stroke={s.color} strokeWidth={1.4} isAnimationActive={false} dot={false} connectNulls={false} />
            ))}
          </LineChart>
        )}
      </ResponsiveContainer>
    </div>
  );
}

export function GoldenSignalsCharts({ data }: { data: Signals }) {
  const span = data.to - data.from;
  const t = data.totals;
  return (
    <div className="gs-grid" data-testid="golden-signals">
      <MiniChart
        title="Traffic"
        value={formatRate(t.rps)}
        rows={data.series}
        span={span}
        from={data.from}
        to={data.to}
        kind="area"
        series={[{ key: 'rps', label: 'requests', color: 'var(--accent)', format: (v) => formatRate(v).replace(' req/s', '/s') }]}
      />
      <MiniChart
        title="Errors"
        value={t.calls ? formatPercent(t.errorRate) : '—'}
        rows={data.series}
        span={span}
        from={data.from}
        to={data.to}
        kind="area"
        series={[{ key: 'errorRate', label: 'error rate', color: 'var(--error)', format: (v) => formatPercent(v) }]}
      />
      <MiniChart
        title="Latency p95"
        value={formatDuration(t.p95Ms)}
        rows={data.series}
        span={span}
        from={data.from}
        to={data.to}
        kind="line"
        series={[
          { key: 'okP95Ms', label: 'p95 successful', color: 'var(--accent)', format: (v) => formatDuration(v) },
          { key: 'errP95Ms', label: 'p95 failed', color: 'var(--error)', format: (v) => formatDuration(v) },
        ]}
      />
    </div>
  );
}
