// A canary judgement to read: the verdict and score, group scores, and per metric its verdict,
// why (the interval against the tolerance band, the mean ratio) and both samples side by side.
import type { CanaryMetricResult, CanaryResult } from '../../../../common/api/releases-schemas';
import { formatAbsolute } from '../../ui/format';

export function CanaryResultView({ result }: { result: CanaryResult }) {
  const failing = result.metrics.filter((m) => m.classification !== 'Pass');
  return (
    <div data-testid="canary-result">
      <div className="canary-verdict">
        <span className={`canary-verdict-label canary-${result.classification}`} data-testid="canary-verdict">
          {result.classification}
        </span>
        <span>
          score <b data-testid="canary-score">{result.score}</b>
          <span className="muted"> · pass ≥ {result.config.thresholds.pass}, marginal ≥ {result.config.thresholds.marginal}</span>
        </span>
        <span className="muted small">
          {result.service}: {result.canary} against {result.baseline} · {formatAbsolute(result.from)} – {formatAbsolute(result.to)} · {result.config.source === 'defaults' ? 'default metrics' : result.config.source}
        </span>
      </div>
      <p className="small">{result.reason}</p>
      <div className="canary-groups">
        {result.groups.map((g) => (
          <span key={g.name} className={`chip${g.score < 100 && !g.noData ? ' chip-error' : ''}`} title={Object.entries(g.counts).map(([k, v]) => `${v} ${k}`).join(', ')}>
            {g.name} {g.noData ? 'no data' : Math.round(g.score * 100) / 100}
            {result.config.groupWeights[g.name] !== undefined ? <span className="muted"> · weight {result.config.groupWeights[g.name]}</span> : null}
          </span>
        ))}
      </div>
      {failing.length === 0 ? null : (
        <p className="small muted">
          Not passing: {failing.map((m) => `${m.name} (${m.classification})`).join(', ')}
        </p>
      )}
      <div>
        {result.metrics.map((m) => (
          <MetricRow key={m.name} m={m} />
        ))}
      </div>
    </div>
  );
}

function MetricRow({ m }: { m: CanaryMetricResult }) {
  return (
    <div className="canary-metric" data-testid="canary-metric">
      <div className="canary-metric-head">
        <b>{m.name}</b>
        <span className={`canary-class canary-class-${m.classification}`}>
          {m.classification}
          {m.critical ? ' · critical' : ''}
        </span>
        <div className="canary-reason">{m.reason}</div>
        {m.test ? (
          <div className="canary-reason mono">
            HL {fmt(m.test.estimate)} · 98% [{fmt(m.test.lower)}, {fmt(m.test.upper)}] · ±{fmt(m.test.bound)} · ratio {fmt(m.ratio)}
            {m.test.pValue !== null ? ` · p ${m.test.pValue.toPrecision(2)}` : ''} · {m.test.method}
          </div>
        ) : null}
      </div>
      <Distributions m={m} />
    </div>
  );
}

/** Both samples as dot strips on one axis, medians marked: where they sit and how they spread. */
function Distributions({ m }: { m: CanaryMetricResult }) {
  const all = [...m.baseline.values, ...m.canary.values];
  if (all.length === 0) return <div className="muted small">No values on either side.</div>;
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (lo === hi) {
    lo -= Math.abs(lo) * 0.1 || 1;
    hi += Math.abs(hi) * 0.1 || 1;
  }
  const W = 900;
  const left = 104;
  const right = 12;
  const x = (v: number) => left + ((v - lo) / (hi - lo)) * (W - left - right);
  const rows: Array<{ key: 'baseline' | 'canary'; y: number }> = [
    { key: 'baseline', y: 18 },
    { key: 'canary', y: 44 },
  ];
  return (
    <svg className="canary-dist" viewBox={`0 0 ${W} 74`} role="img" aria-label={`${m.name}: baseline and canary values`}>
      {rows.map(({ key, y }) => {
        const side = m[key];
        return (
          <g key={key}>
            <text x={0} y={y + 3}>
              {key} ({side.stats.count})
            </text>
            <line className="axis" x1={left} x2={W - right} y1={y} y2={y} />
            {side.values.map((v, i) => (
              <circle key={i} className={`dot-${key}`} cx={x(v)} cy={y + (((i * 7919) % 11) - 5)} r={2.6}>
                <title>{fmt(v)}</title>
              </circle>
            ))}
            {side.stats.median !== null ? <line className="median" x1={x(side.stats.median)} x2={x(side.stats.median)} y1={y - 9} y2={y + 9} /> : null}
          </g>
        );
      })}
      <text x={left} y={70}>
        {fmt(lo)}
      </text>
      <text x={W - right} y={70} textAnchor="end">
        {fmt(hi)}
      </text>
    </svg>
  );
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 0.001 || a >= 1e6) ? v.toExponential(2) : String(Number(v.toPrecision(3)));
}
