// Request rate over the window as an area, with errors drawn over it in red.
export function Sparkline({
  values,
  errors,
  width = 120,
  height = 26,
  label,
}: {
  values: number[];
  errors?: number[];
  width?: number;
  height?: number;
  label?: string;
}) {
  if (values.length === 0) return <span className="muted">—</span>;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const y = (v: number) => height - 1 - (v / max) * (height - 3);
  const line = values.map((v, i) => `${i === 0 ? 'M' : 'L'}${(i * step).toFixed(1)},${y(v).toFixed(1)}`).join('');
  const area = `${line}L${((values.length - 1) * step).toFixed(1)},${height}L0,${height}Z`;
  const barW = Math.max(1.5, width / values.length - 0.5);
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <path d={area} className="spark-area" />
      <path d={line} className="spark-line" />
      {errors?.map((e, i) =>
        e > 0 ? (
          <rect
            key={i}
            className="spark-err"
            x={Math.max(0, i * step - barW / 2)}
            y={y(e)}
            width={barW}
            height={height - y(e)}
          />
        ) : null,
      )}
    </svg>
  );
}
