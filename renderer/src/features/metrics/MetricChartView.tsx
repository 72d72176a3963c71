// Every query's series on one time chart: one y-axis per unit (two at most), a legend that
// hides and shows series, exemplars as points that open their trace, and each query's notes.
import { useMemo } from 'react';
import { useNavigate } from 'react-router-dom';
import { CartesianGrid, ComposedChart, Line, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import type { MetricChart } from '../../../../common/api/metric-schemas';
import { formatClock } from '../../ui/format';
import { timeAxisLabel, timeAxisTicks } from '../../ui/time-axis';
import { QUERY_LETTERS } from './QueryEditor';
import { seriesColor } from './palette';
import { ChartMarkers } from '../releases/ChartMarkers';
import { formatAxisTick, formatMetricValue, unitCaption } from './units';

export interface ChartLine {
  key: string;
  label: string;
  color: string;
  axis: 'left' | 'right';
  query: number;
  chart: MetricChart;
}

interface ExemplarDot {
  time: number;
  y: number;
  traceId: string;
  spanId: string;
  label: string;
  color: string;
}

function statLabel(chart: MetricChart, stat: string): string {
  if (stat === 'rate') return 'rate';
  if (stat === 'value') return chart.aggregation === 'sum' ? 'value' : chart.aggregation;
  if (stat.startsWith('q')) return `p${Number(stat.slice(1)) * 100}`;
  return stat;
}

/** The lines of all charts, keyed `A:<series id>`, with axis and colour assigned. */
export function chartLines(charts: Array<MetricChart | undefined>): ChartLine[] {
  const lines: ChartLine[] = [];
  const axisUnit: Array<string> = [];
  charts.forEach((chart, q) => {
    if (!chart) return;
    const unitKey = `${chart.unit}|${chart.display === 'rate'}`;
    if (!axisUnit.includes(unitKey) && axisUnit.length < 2) axisUnit.push(unitKey);
    const axis = axisUnit.indexOf(unitKey) === 1 ? 'right' : 'left';
    for (const s of chart.series) {
      const group = Object.entries(s.group)
        .map(([k, v]) => `${k}=${v || '(none)'}`)
        .join(', ');
      const label = [QUERY_LETTERS[q], chart.name, group ? `{${group}}` : '', statLabel(chart, s.stat)].filter(Boolean).join(' ');
      lines.push({ key: `${QUERY_LETTERS[q]}:${s.id}`, label, color: seriesColor(lines.length), axis, query: q, chart });
    }
  });
  return lines;
}

export function MetricChartView({
  charts,
  hidden,
  onToggle,
  from,
  to,
  height = 320,
}: {
  charts: Array<MetricChart | undefined>;
  hidden: Set<string>;
  onToggle: (key: string) => void;
  from: number;
  to: number;
  height?: number;
}) {
  const navigate = useNavigate();
  const lines = useMemo(() => chartLines(charts), [charts]);
  const rows = useMemo(() => {
    const byTime = new Map<number, Record<string, number | null>>();
    charts.forEach((chart, q) => {
      if (!chart) return;
      // Values sit in the middle of their step, so a line reads as "during this step".
      chart.times.forEach((t, i) => {
        const row = byTime.get(t) ?? { time: t + chart.stepMs / 2 };
        for (const s of chart.series) row[`${QUERY_LETTERS[q]}:${s.id}`] = s.values[i];
        byTime.set(t, row);
      });
    });
    return [...byTime.values()].sort((a, b) => a.time! - b.time!);
  }, [charts]);
  const exemplars = useMemo(() => {
    const dots: ExemplarDot[] = [];
    charts.forEach((chart, q) => {
      if (!chart) return;
      for (const e of chart.exemplars) {
        const series = chart.series.find((s) => JSON.stringify(s.group) === JSON.stringify(e.group)) ?? chart.series[0];
        const line = lines.find((l) => l.key === `${QUERY_LETTERS[q]}:${series?.id}`);
        if (!series || !line || hidden.has(line.key)) continue;
        // Rates are per second, an exemplar is one measurement: it sits on its series' line.
        const step = Math.min(series.values.length - 1, Math.max(0, Math.floor((e.time - chart.times[0]) / chart.stepMs)));
        const y = chart.display === 'rate' || e.value === null ? series.values[step] : e.value;
        if (y === null || y === undefined) continue;
        dots.push({ time: e.time, y, traceId: e.traceId, spanId: e.spanId, label: formatMetricValue(e.value, chart.unit), color: line.color });
      }
    });
    return dots;
  }, [charts, lines, hidden]);
  const left = lines.find((l) => l.axis === 'left');
  const right = lines.find((l) => l.axis === 'right');
  const fmt = (l: ChartLine | undefined) => (v: number) => (l ? formatAxisTick(v, l.chart.unit, { rate: l.chart.display === 'rate', name: l.chart.name }) : String(v));
  const fmtValue = (l: ChartLine) => (v: number) => formatMetricValue(v, l.chart.unit, { rate: l.chart.display === 'rate', name: l.chart.name });
  const caption = (l: ChartLine | undefined) => (l ? unitCaption(l.chart.unit, { rate: l.chart.display === 'rate', name: l.chart.name }) : '');
  const hasData = rows.some((r) => lines.some((l) => r[l.key] !== null && r[l.key] !== undefined));
  const span = to - from;

  return (
    <figure className="metric-chart" data-testid="metric-chart">
      {hasData ? (
        <ResponsiveContainer width="100%" height={height}>
          <ComposedChart data={rows} margin={{ top: 8, right: right ? 4 : 16, bottom: 0, left: 4 }}>
            <CartesianGrid className="chart-grid" vertical={false} />
            <XAxis
              dataKey="time"
              type="number"
              scale="time"
              domain={[from, to]}
              allowDataOverflow
              ticks={timeAxisTicks(from, to, 8)}
              tickFormatter={(v: number) => timeAxisLabel(v, span)}
              tick={{ className: 'chart-tick' }}
              tickLine={false}
              axisLine={{ className: 'chart-axis' }}
            />
            <YAxis
              yAxisId="left"
              tickFormatter={fmt(left)}
              tick={{ className: 'chart-tick' }}
              tickLine={false}
              axisLine={false}
              width={72}
              label={{ value: caption(left), angle: -90, position: 'insideLeft', className: 'chart-axis-label', style: { textAnchor: 'middle' } }}
            />
            {right ? (
              <YAxis
                yAxisId="right"
                orientation="right"
                tickFormatter={fmt(right)}
                tick={{ className: 'chart-tick' }}
                tickLine={false}
                axisLine={false}
                width={72}
                label={{ value: caption(right), angle: 90, position: 'insideRight', className: 'chart-axis-label', style: { textAnchor: 'middle' } }}
              />
            ) : null}
            <Tooltip
              cursor={{ stroke: 'var(--border-strong)' }}
              isAnimationActive={false}
              content={({ active, payload, label }) => {
                if (!active || !payload?.length) return null;
                const t = Number(label);
                return (
                  <div className="chart-tooltip">
                    <div className="muted">{formatClock(t)}</div>
                    {lines
                      .filter((l) => !hidden.has(l.key))
                      .map((l) => {
                        const p = payload.find((x) => x.dataKey === l.key);
                        if (!p || p.value === null || p.value === undefined) return null;
                        return (
                          <div key={l.key} className="tt-row">
                            <span className="tt-swatch" style={{ background: l.color }} />
                            <span className="tt-label">{l.label}</span>
                            <b>{fmtValue(l)(Number(p.value))}</b>
                          </div>
                        );
                      })}
                  </div>
                );
              }}
            />
            {lines.map((l) =>
              hidden.has(l.key) ? null : (
                <Line
                  key={l.key}
                  yAxisId={l.axis}
                  dataKey={l.key}
                  type="linear"
                  stroke={l.color}
                  strokeWidth={1.6}
                  dot={(props: { cx?: number; cy?: number; index?: number }) => {
                    // A value with gaps on both sides has no line to sit on: draw it as a dot.
                    const i = props.index ?? 0;
                    const lonely = rows[i]?.[l.key] != null && rows[i - 1]?.[l.key] == null && rows[i + 1]?.[l.key] == null;
                    return lonely && props.cx !== undefined && props.cy !== undefined ? (
                      <circle key={`${l.key}-${i}`} cx={props.cx} cy={props.cy} r={2.5} fill={l.color} />
                    ) : (
                      <g key={`${l.key}-${i}`} />
                    );
                  }}
                  isAnimationActive={false}
                  connectNulls={false}
                />
              ),
            )}
            {exemplars.length ? (
              <Scatter
                yAxisId="left"
                data={exemplars}
                dataKey="y"
                isAnimationActive={false}
                shape={(props: { cx?: number; cy?: number; payload?: ExemplarDot }) => {
                  const e = props.payload!;
                  return (
                    <g
                      className="exemplar-dot"
                      data-testid="exemplar"
                      role="link"
                      aria-label={`Exemplar ${e.label}: open trace ${e.traceId}`}
                      onClick={() => navigate(`/traces/${e.traceId}${e.spanId ? `?span=${e.spanId}` : ''}`)}
                    >
                      <title>{`${e.label} at ${formatClock(e.time)}: open trace ${e.traceId.slice(0, 8)}…`}</title>
                      <circle cx={props.cx} cy={props.cy} r={9} fill="transparent" />
                      <path
                        d={`M${props.cx} ${(props.cy ?? 0) - 5}l5 5-5 5-5-5z`}
                        fill={e.color}
                        stroke="var(--surface)"
                        strokeWidth={1}
                      />
                    </g>
                  );
                }}
              />
            ) : null}
            <ChartMarkers from={from} to={to} yAxisId="left" />
          </ComposedChart>
        </ResponsiveContainer>
      ) : (
        <div className="signal-chart-empty" style={{ height }}>
          Nothing in this window
        </div>
      )}
      <ul className="metric-legend" aria-label="Series">
        {lines.map((l) => (
          <li key={l.key}>
            <button
              type="button"
              className={`metric-legend-item${hidden.has(l.key) ? ' metric-legend-off' : ''}`}
              aria-pressed={!hidden.has(l.key)}
              onClick={() => onToggle(l.key)}
              title={hidden.has(l.key) ? 'Show this series' : 'Hide this series'}
            >
              <span className="tt-swatch" style={{ background: l.color }} />
              <span className="mono">{l.label}</span>
            </button>
          </li>
        ))}
        {exemplars.length ? (
          <li className="muted small metric-legend-note">
            <span className="exemplar-key" aria-hidden>◆</span> exemplar: click to open its trace
          </li>
        ) : null}
      </ul>
    </figure>
  );
}
