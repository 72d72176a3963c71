// The structural diff as a tree table: one row per operation path, with A and B counts and
// summed durations, the change, and a mark for operations on one side only or that regressed.
import { useState } from 'react';
import { ServiceChip } from '../../ui/Chip';
import { formatDuration } from '../../ui/format';
import type { DiffRow, TraceDiff } from './trace-diff';

const ROW_CAP = 2000;

export function DiffTable({ diff, onlyChanges: fromUrl, onOnlyChanges }: { diff: TraceDiff; onlyChanges: boolean; onOnlyChanges: (on: boolean) => void }) {
  // The box answers at once; the address follows (router updates render in a transition).
  const [onlyChanges, setOnlyChanges] = useState(fromUrl);
  const [seen, setSeen] = useState(fromUrl);
  if (seen !== fromUrl) {
    setSeen(fromUrl);
    setOnlyChanges(fromUrl);
  }
  const changed = (r: DiffRow) => r.kind !== 'both' || r.regression || r.improvement || r.countChanged;
  // Keep the ancestors of a changed row, so the tree still reads from the root.
  const shown = onlyChanges ? withAncestors(diff.rows, changed) : diff.rows;
  const maxAbs = Math.max(1e-9, ...shown.map((r) => Math.abs(r.deltaMs)));
  const rows = shown.slice(0, ROW_CAP);
  return (
    <div className="diff-wrap">
      <div className="diff-bar">
        <label className="check small">
          <input
            type="checkbox"
            checked={onlyChanges}
            onChange={(e) => {
              setOnlyChanges(e.target.checked);
              onOnlyChanges(e.target.checked);
            }}
          />
          Only operations that differ (with their parents)
        </label>
        <span className="muted small">
          {shown.length.toLocaleString()} of {diff.rows.length.toLocaleString()} operation paths
        </span>
        <span className="diff-legend small">
          <span className="diff-tag diff-tag-regression">slower / failing</span>
          <span className="diff-tag diff-tag-improvement">faster</span>
          <span className="diff-tag diff-tag-only-a">only in A</span>
          <span className="diff-tag diff-tag-only-b">only in B</span>
        </span>
      </div>
      <div className="table-wrap">
        <table className="table diff-table" data-testid="diff-table">
          <thead>
            <tr>
              <th scope="col">Operation path</th>
              <th scope="col" className="num">
                Spans A
              </th>
              <th scope="col" className="num">
                Spans B
              </th>
              <th scope="col" className="num">
                Time A
              </th>
              <th scope="col" className="num">
                Time B
              </th>
              <th scope="col" className="diff-col-delta">
                Change (B − A)
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr
                key={r.key}
                className={`diff-row diff-${r.kind}${r.regression ? ' diff-regression' : ''}${r.improvement ? ' diff-improvement' : ''}${changed(r) ? '' : ' diff-same'}`}
                data-kind={r.kind}
                data-regression={r.regression ? 'true' : undefined}
                title={r.labels.join('  ›  ')}
              >
                <td className="diff-name">
                  <span className="diff-indent" style={{ width: r.depth * 14 }} />
                  <ServiceChip name={r.service} />
                  <span className="diff-op">{r.name}</span>
                  {r.kind === 'only-a' ? <span className="diff-tag diff-tag-only-a">only in A</span> : null}
                  {r.kind === 'only-b' ? <span className="diff-tag diff-tag-only-b">only in B</span> : null}
                  {r.regression ? (
                    <span className="diff-tag diff-tag-regression">{(r.b?.errors ?? 0) > (r.a?.errors ?? 0) ? 'more errors' : 'slower'}</span>
                  ) : null}
                  {r.improvement ? <span className="diff-tag diff-tag-improvement">faster</span> : null}
                </td>
                <td className={`num${r.countChanged ? ' diff-count-changed' : ' muted'}`}>{r.a?.count ?? '—'}</td>
                <td className={`num${r.countChanged ? ' diff-count-changed' : ' muted'}`}>{r.b?.count ?? '—'}</td>
                <td className="num mono">{r.a ? formatDuration(r.a.totalMs) : '—'}</td>
                <td className="num mono">{r.b ? formatDuration(r.b.totalMs) : '—'}</td>
                <td className="diff-col-delta">
                  <DeltaBar row={r} maxAbs={maxAbs} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {shown.length > ROW_CAP ? (
          <div className="muted small diff-more">
            Showing the first {ROW_CAP.toLocaleString()} of {shown.length.toLocaleString()} paths.
          </div>
        ) : null}
        {shown.length === 0 ? <div className="muted diff-more">The two traces have the same operations with the same timing.</div> : null}
      </div>
    </div>
  );
}

/** A diverging bar: right (red) when B is slower, left (green) when faster. */
function DeltaBar({ row, maxAbs }: { row: DiffRow; maxAbs: number }) {
  const w = (Math.abs(row.deltaMs) / maxAbs) * 50;
  const sign = row.deltaMs > 0 ? '+' : row.deltaMs < 0 ? '−' : '±';
  const tone = row.regression ? 'worse' : row.improvement ? 'better' : 'same';
  return (
    <div className="delta-cell">
      <div className="delta-track">
        <span className="delta-axis" />
        {row.deltaMs !== 0 ? (
          <span className={`delta-fill delta-fill-${tone}`} style={row.deltaMs > 0 ? { left: '50%', width: `${w}%` } : { right: '50%', width: `${w}%` }} />
        ) : null}
      </div>
      <span className={`mono delta delta-${tone === 'same' ? 'same' : tone}`}>
        {sign}
        {formatDuration(Math.abs(row.deltaMs))}
        {row.deltaPct !== null && row.deltaMs !== 0 ? <span className="muted"> ({Math.round(row.deltaPct * 100)}%)</span> : null}
      </span>
    </div>
  );
}

function withAncestors(rows: DiffRow[], keep: (r: DiffRow) => boolean): DiffRow[] {
  const wanted = new Set<string>();
  const SEP = '\u0001';
  for (const r of rows) {
    if (!keep(r)) continue;
    wanted.add(r.key);
    let k = r.key;
    for (let i = k.lastIndexOf(SEP); i > 0; i = k.lastIndexOf(SEP)) {
      k = k.slice(0, i);
      if (wanted.has(k)) break;
      wanted.add(k);
    }
  }
  return rows.filter((r) => wanted.has(r.key));
}
