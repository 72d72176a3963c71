// Golden-signal charts (Google SRE's latency, traffic, errors, saturation) over a service's
// rollup series: one time axis for all, gaps where a bucket had no requests.
import { Area, Bar, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { GoldenSignals } from '../../../../common/api/service-schemas';
import { formatAxisTicks, formatBytes, formatClock, formatCount, formatDuration, formatPercent, formatRate, niceTicks } from '../../ui/format';
import { timeAxisLabel, timeAxisTicks } from '../../ui/time-axis';
import { ChartMarkers } from '../releases/ChartMarkers';
import './service.css';

type Row = GoldenSignals['series'][number];

export interface ChartSeries {
  key: string;
  label: string;
  color: string;
  kind?: 'line' | 'area' | 'bar';
  dashed?: boolean;
  stack?: string;
}

interface ChartProps {
  title: string;
  /** The headline figure next to the title. */
  value?: React.ReactNode;
  rows: Array<Record<string, number | null>>;
  series: ChartSeries[];
  from: number;
  to: number;
  stepMs: number;
  format: (v: number) => string;
  /** Tick labels; rounder than `format` (default: `format`). */
  axisFormat?: (v: number) => string;
  /** What the y-axis counts, written along it ("req/s", "requests", "latency"). */
  yUnit: string;
  /** Round ticks from zero, labelled with the same decimals each (for plain numbers: rates, counts). */
  niceAxis?: boolean;
  /** A series that stays at 0 is still data (a gauge at rest), not an empty chart. */
  zeroIsData?: boolean;
  height?: number;
  testId?: string;
  note?: React.ReactNode;
}

export function TimeChart({ title, value, rows, series, from, to, stepMs, format, axisFormat = format, yUnit, niceAxis, zeroIsData, height = 150, testId, note }: ChartProps) {
  const span = to - from;
  const hasData = rows.some((r) => series.some((s) => r[s.key] !== null && r[s.key] !== undefined && (zeroIsData || r[s.key] !== 0)));
  const yTicks = niceAxis ? niceTicks(axisMax(rows, series)) : undefined;
  const yTickFormat = yTicks ? formatAxisTicks(yTicks) : axisFormat;
  // A line through one or two buckets is too short to see (a new service, a rare failure): dots.
  const sparse = new Set(series.filter((s) => rows.filter((r) => r[s.key] !== null && r[s.key] !== undefined).length <= 2).map((s) => s.key));
  return (
    <figure className="signal-chart" data-testid={testId}>
      <figcaption className="signal-chart-head">
        <span className="signal-chart-title">{title}</span>
        {value !== undefined && hasData ? <span className="signal-chart-value">{value}</span> : null}
        <span className="signal-legend">
          {series.map((s) => (
            <span key={s.key} className="signal-legend-item">
              <span className={`signal-swatch${s.dashed ? ' dashed' : ''}`} style={{ background: s.dashed ? undefined : s.color, borderColor: s.color }} />
              {s.label}
            </span>
          ))}
        </span>
      </figcaption>
      {hasData ? (
        <ResponsiveContainer width="100%" height={height}>
          <ComposedChart data={rows} margin={{ top: 6, right: 10, bottom: 0, left: 0 }} barCategoryGap={1}>
            <CartesianGrid className="chart-grid" vertical={false} />
            <XAxis
              dataKey="time"
              type="number"
              scale="time"
              domain={[from, to]}
              ticks={timeAxisTicks(from, to, 6)}
              tickFormatter={(v: number) => timeAxisLabel(v, span)}
              tick={{ className: 'chart-tick' }}
              tickLine={false}
              axisLine={{ className: 'chart-axis' }}
            />
            <YAxis
              tickFormatter={(v: number) => yTickFormat(v)}
              ticks={yTicks}
              domain={yTicks ? [0, yTicks[yTicks.length - 1]] : undefined}
              tick={{ className: 'chart-tick' }}
              tickLine={false}
              axisLine={false}
              width={66}
              label={{ value: yUnit, angle: -90, position: 'insideLeft', offset: 6, className: 'chart-axis-unit' }}
            />
            <Tooltip
              cursor={{ stroke: 'var(--border-strong)', fill: 'var(--hover)' }}
              isAnimationActive={false}
              content={({ active, payload, label }) => {
                if (!active || !payload?.length) return null;
                return (
                  <div className="chart-tooltip">
                    <div className="muted">
                      {formatClock(Number(label))} – {formatClock(Number(label) + stepMs)}
                    </div>
                    {series.map((s) => {
                      const p = payload.find((x) => x.dataKey === s.key);
                      if (!p || p.value === null || p.value === undefined) return null;
                      return (
                        <div key={s.key} className="tt-row">
                          <span className="tt-swatch" style={{ background: s.color }} />
                          <span>{s.label}</span>
                          <b>{format(Number(p.value))}</b>
                        </div>
                      );
                    })}
                  </div>
                );
              }}
            />
            {series.map((s) =>
              s.kind === 'bar' ? (
                <Bar key={s.key} dataKey={s.key} stackId={s.stack} fill={s.color} isAnimationActive={false} />
              ) : s.kind === 'area' ? (
                <Area
                  key={s.key}
                  dataKey={s.key}
                  type="monotone"
                  stroke={s.color}
                  fill={s.color}
                  fillOpacity={0.16}
                  strokeWidth={1.5}
                  dot={sparse.has(s.key) ? { r: 2.5, fill: s.color, strokeWidth: 0 } : false}
                  isAnimationActive={false}
                  connectNulls={false}
                />
              ) : (
                <Line
                  key={s.key}
                  dataKey={s.key}
                  type="monotone"
                  stroke={s.color}
                  strokeWidth={s.dashed ? 1.3 : 1.6}
                  strokeDasharray={s.dashed ? '4 3' : undefined}
                  dot={sparse.has(s.key) ? { r: 2.5, fill: s.color, strokeWidth: 0 } : false}
                  isAnimationActive={false}
                  connectNulls={false}
                />
              ),
            )}
            <ChartMarkers from={from} to={to} />
          </ComposedChart>
        </ResponsiveContainer>
      ) : (
        <div className="signal-chart-empty" style={{ height }}>
          {note ?? `No ${title.toLowerCase()} in this window`}
        </div>
      )}
    </figure>
  );
}

/** The highest point drawn: stacked bars add up. */
function axisMax(rows: ReadonlyArray<Record<string, number | null>>, series: readonly ChartSeries[]): number {
  let max = 0;
  for (const r of rows) {
    const stacks = new Map<string, number>();
    for (const s of series) {
      const v = r[s.key];
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      if (s.stack) stacks.set(s.stack, (stacks.get(s.stack) ?? 0) + v);
      else max = Math.max(max, v);
    }
    for (const v of stacks.values()) max = Math.max(max, v);
  }
  return max;
}

const PCT = { p50: 'var(--pct-50)', p95: 'var(--pct-95)', p99: 'var(--pct-99)' };

/** Axis ticks for durations: whole milliseconds above 10 ms ("65ms", not "65.0ms"). */
export function axisDuration(ms: number): string {
  if (ms === 0) return '0';
  if (ms >= 1000) return `${Math.round(ms / 100) / 10}s`;
  if (ms >= 10) return `${Math.round(ms)}ms`;
  return formatDuration(ms);
}

/** Latency of successful and of failed requests, apart: a slow error path and a slow success
 * path are different problems. */
export function LatencyCharts({ gs, height }: { gs: GoldenSignals; height?: number }) {
  const rows = gs.series as unknown as Array<Record<string, number | null>>;
  const common = { rows, from: gs.from, to: gs.to, stepMs: gs.stepMs, format: formatDuration, axisFormat: axisDuration, height };
  return (
    <>
      <TimeChart
        {...common}
        testId="chart-latency-ok"
        yUnit="latency"
        title="Latency · successful requests"
        series={[
          { key: 'okP50Ms', label: 'p50', color: PCT.p50 },
          { key: 'okP95Ms', label: 'p95', color: PCT.p95 },
          { key: 'okP99Ms', label: 'p99', color: PCT.p99, dashed: true },
        ]}
      />
      <TimeChart
        {...common}
        testId="chart-latency-err"
        yUnit="latency"
        title="Latency · failed requests"
        note="No failed requests in this window"
        series={[
          { key: 'errP50Ms', label: 'p50', color: PCT.p50 },
          { key: 'errP95Ms', label: 'p95', color: PCT.p95 },
          { key: 'errP99Ms', label: 'p99', color: PCT.p99, dashed: true },
        ]}
      />
    </>
  );
}

export function TrafficChart({ gs, height }: { gs: GoldenSignals; height?: number }) {
  return (
    <TimeChart
      testId="chart-traffic"
      yUnit="req/s"
      niceAxis
      title="Traffic"
      value={formatRate(gs.totals.rps)}
      rows={gs.series as unknown as Array<Record<string, number | null>>}
      from={gs.from}
      to={gs.to}
      stepMs={gs.stepMs}
      height={height}
      format={(v) => formatRate(v).replace(' req/', '/')}
      series={[{ key: 'rps', label: 'requests/s', color: 'var(--accent)', kind: 'area' }]}
    />
  );
}

/** Requests per bucket by outcome: HTTP status class, and failures without an HTTP status. */
export function StatusChart({ gs, height }: { gs: GoldenSignals; height?: number }) {
  return (
    <TimeChart
      testId="chart-errors"
      yUnit="requests"
      niceAxis
      title="Errors by status class"
      value={<span className={gs.totals.errors > 0 ? 'text-error' : 'muted'}>{formatPercent(gs.totals.errorRate)} failed</span>}
      rows={gs.series as unknown as Array<Record<string, number | null>>}
      from={gs.from}
      to={gs.to}
      stepMs={gs.stepMs}
      height={height}
      format={formatCount}
      series={[
        { key: 'http2xx', label: '2xx', color: 'var(--status-2xx)', kind: 'bar', stack: 's' },
        { key: 'http3xx', label: '3xx', color: 'var(--status-3xx)', kind: 'bar', stack: 's' },
        { key: 'http4xx', label: '4xx', color: 'var(--status-4xx)', kind: 'bar', stack: 's' },
        { key: 'http5xx', label: '5xx', color: 'var(--status-5xx)', kind: 'bar', stack: 's' },
        { key: 'otherErrors', label: 'other errors', color: 'var(--status-other)', kind: 'bar', stack: 's' },
      ]}
    />
  );
}

/** A metric's unit in words, for its axis: "{connection}" → "connections", "By" → "bytes". */
export function unitName(unit: string): string {
  if (unit === '1') return 'ratio';
  if (unit === 'By') return 'bytes';
  if (unit === 's' || unit === 'ms') return 'duration';
  const name = unit.replace(/[{}]/g, '');
  if (!name) return 'value';
  return /^[a-z]+$/.test(name) && !name.endsWith('s') ? `${name}s` : name;
}

/** A formatter for a metric's unit (UCUM, as OpenTelemetry sends it). */
export function unitFormat(unit: string): (v: number) => string {
  if (unit === '1') return (v) => formatPercent(v);
  if (unit === 'By') return (v) => formatBytes(Math.max(0, v));
  if (unit === 's') return (v) => formatDuration(v * 1000);
  if (unit === 'ms') return (v) => formatDuration(v);
  return (v) => (Math.abs(v) >= 1000 ? formatCount(v) : String(Math.round(v * 100) / 100)) + (unit && unit !== '1' ? ` ${unit.replace(/[{}]/g, '')}` : '');
}

export function SaturationCharts({ gs, height = 96 }: { gs: GoldenSignals; height?: number }) {
  return (
    <>
      {gs.saturation.map((m) => {
        const rows = m.points.map((p) => ({ time: p.time, value: p.value }));
        const last = m.points[m.points.length - 1]?.value;
        const format = unitFormat(m.unit);
        return (
          <TimeChart
            key={m.metric}
            testId={`chart-saturation-${m.metric}`}
            yUnit={unitName(m.unit)}
            zeroIsData
            title={m.label}
            value={last !== undefined ? format(last) : undefined}
            rows={rows}
            from={gs.from}
            to={gs.to}
            stepMs={gs.stepMs}
            height={height}
            format={format}
            series={[{ key: 'value', label: m.metric, color: 'var(--pct-50)', kind: 'area' }]}
          />
        );
      })}
    </>
  );
}

/** The drawer's small pair: traffic with errors, and p95 of successful vs failed requests. */
export function MiniSignals({ gs }: { gs: GoldenSignals }) {
  const rows = gs.series as unknown as Array<Record<string, number | null>>;
  const common = { rows, from: gs.from, to: gs.to, stepMs: gs.stepMs, height: 90 };
  return (
    <div className="mini-signals">
      <TimeChart
        {...common}
        testId="mini-traffic"
        yUnit="requests"
        niceAxis
        title="Requests and errors"
        format={formatCount}
        series={[
          { key: 'requests', label: 'requests', color: 'var(--accent)', kind: 'area' },
          { key: 'errors', label: 'errors', color: 'var(--error)', kind: 'bar' },
        ]}
      />
      <TimeChart
        {...common}
        testId="mini-latency"
        yUnit="p95"
        title="p95 latency"
        format={formatDuration}
        axisFormat={axisDuration}
        series={[
          { key: 'okP95Ms', label: 'successful', color: PCT.p95 },
          { key: 'errP95Ms', label: 'failed', color: 'var(--error)', dashed: true },
        ]}
      />
    </div>
  );
}

/** Calls as their callers saw them (a map edge, or a database, queue or peer that sends nothing
 * itself): rate, error rate and latency percentiles, one chart each. */
export function CallSignals({
  signals,
  testId,
  latencyOf = 'successful',
}: {
  signals: Pick<GoldenSignals, 'from' | 'to' | 'stepMs' | 'series'> & { totals: Pick<GoldenSignals['totals'], 'rps' | 'errors' | 'errorRate'> };
  testId?: string;
  /** Whose latency the `ok*` percentiles are: successful calls (this store's rollups), or all
   * calls (a service graph's server-side histogram, which does not split them). */
  latencyOf?: 'successful' | 'all';
}) {
  // A bucket without calls has no error rate: a gap, not 0%.
  const rows = signals.series.map((r) => ({ ...r, errorRate: r.requests > 0 ? r.errorRate : null })) as unknown as Array<Record<string, number | null>>;
  const common = { rows, from: signals.from, to: signals.to, stepMs: signals.stepMs, height: 80 };
  const { totals } = signals;
  return (
    <div className="mini-signals" data-testid={testId}>
      <TimeChart
        {...common}
        testId="calls-rate"
        yUnit="calls/s"
        niceAxis
        title="Calls"
        value={formatRate(totals.rps).replace(' req/', '/')}
        format={(v) => formatRate(v).replace(' req/', '/')}
        series={[{ key: 'rps', label: 'calls', color: 'var(--accent)', kind: 'area' }]}
      />
      <TimeChart
        {...common}
        testId="calls-errors"
        yUnit="% failed"
        title="Error rate"
        value={<span className={totals.errors > 0 ? 'text-error' : 'muted'}>{formatPercent(totals.errorRate)}</span>}
        note="No failed calls in this window"
        format={formatPercent}
        series={[{ key: 'errorRate', label: 'failed', color: 'var(--error)', kind: 'area' }]}
      />
      <TimeChart
        {...common}
        testId="calls-latency"
        yUnit="latency"
        title={latencyOf === 'all' ? 'Latency · all calls' : 'Latency · successful calls'}
        note={latencyOf === 'all' ? 'No calls in this window' : 'No successful calls in this window'}
        format={formatDuration}
        axisFormat={axisDuration}
        series={[
          { key: 'okP50Ms', label: 'p50', color: PCT.p50 },
          { key: 'okP95Ms', label: 'p95', color: PCT.p95 },
          { key: 'okP99Ms', label: 'p99', color: PCT.p99, dashed: true },
        ]}
      />
    </div>
  );
}

export type { Row as SignalRow };
