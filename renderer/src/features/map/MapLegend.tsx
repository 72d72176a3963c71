// What the shapes, colours and line styles of the map mean; folds away.
import { useState } from 'react';
import { NodeGlyph } from './shapes';

function Line({ className, head }: { className: string; head: 'sync' | 'async' | 'db' }) {
  return (
    <svg width="34" height="10" aria-hidden className={`legend-line map-edge ${className}`}>
      <path className="edge-line" d="M1,5 L27,5" strokeWidth={1.8} />
      {head === 'sync' ? <path className="legend-head" d="M26,1.5 L33,5 L26,8.5 z" /> : null}
      {head === 'async' ? <path className="legend-head-open" d="M27,1.5 L33,5 L27,8.5" /> : null}
      {head === 'db' ? <circle className="legend-head" cx={30} cy={5} r={3} /> : null}
    </svg>
  );
}

/** `folded` folds it for now (a drawer is open) without changing the remembered choice. */
export function MapLegend({ compare, folded }: { compare: boolean; folded?: boolean }) {
  const [remembered, setOpen] = useState(() => localStorage.getItem('loupe.map.legend') !== 'closed');
  const open = remembered && !folded;
  const toggle = () => {
    setOpen(!open);
    try {
      localStorage.setItem('loupe.map.legend', open ? 'closed' : 'open');
    } catch {
      // storage unavailable
    }
  };
  return (
    <div className={`map-legend${open ? '' : ' map-legend-closed'}`} data-testid="map-legend">
      <button type="button" className="map-legend-toggle" onClick={toggle} aria-expanded={open}>
        Legend
      </button>
      {open ? (
        <div className="map-legend-body">
          <div className="legend-group">
            {(['service', 'database', 'queue', 'external'] as const).map((t) => (
              <span key={t} className="legend-item">
                <svg width="16" height="16" viewBox="0 0 30 30" className="map-node health-healthy" aria-hidden>
                  <NodeGlyph type={t} />
                </svg>
                {t === 'external' ? 'external' : t}
              </span>
            ))}
          </div>
          <div className="legend-group">
            <span className="legend-item">
              <span className="health-mark health-healthy" /> healthy
            </span>
            <span className="legend-item">
              <span className="health-mark health-degraded" /> ≥ 0.1% errors
            </span>
            <span className="legend-item">
              <span className="health-mark health-failing" /> &gt; 10% errors
            </span>
            <span className="legend-item">
              <span className="health-mark health-idle" /> idle
            </span>
          </div>
          <div className="legend-group">
            {compare ? (
              <>
                <span className="legend-item">
                  <Line className="tone-confirmed" head="sync" /> declared &amp; seen
                </span>
                <span className="legend-item">
                  <Line className="tone-undeclared" head="sync" /> not declared
                </span>
                <span className="legend-item">
                  <Line className="edge-stale tone-stale" head="sync" /> declared, not seen
                </span>
              </>
            ) : (
              <>
                <span className="legend-item">
                  <Line className="edge-sync tone-healthy" head="sync" /> request
                </span>
                <span className="legend-item">
                  <Line className="edge-messaging tone-healthy" head="async" /> async message
                </span>
                <span className="legend-item">
                  <Line className="edge-database tone-healthy" head="db" /> database call
                </span>
              </>
            )}
            <span className="legend-item muted">width = req/s</span>
          </div>
        </div>
      ) : null}
    </div>
  );
}
