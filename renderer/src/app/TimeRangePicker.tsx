// Presets and a custom absolute range; a refresh button re-runs queries (moving relative ranges).
import { useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { PRESETS, rangeLabel, resolveRange, useTimeRange } from './time-range';

function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 19);
}

export function TimeRangePicker() {
  const { spec, setRange } = useTimeRange();
  const [open, setOpen] = useState(false);
  const client = useQueryClient();
  const ref = useRef<HTMLDivElement>(null);
  const resolved = resolveRange(spec);
  const [customFrom, setCustomFrom] = useState(toLocalInput(resolved.from));
  const [customTo, setCustomTo] = useState(toLocalInput(resolved.to));
  const [customError, setCustomError] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return;
    const r = resolveRange(spec);
    setCustomFrom(toLocalInput(r.from));
    setCustomTo(toLocalInput(r.to));
    setCustomError(null);
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('mousedown', onDown);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('mousedown', onDown);
      window.removeEventListener('keydown', onKey);
    };
  }, [open, spec]);

  const applyCustom = () => {
    const from = new Date(customFrom).getTime();
    const to = new Date(customTo).getTime();
    if (!Number.isFinite(from) || !Number.isFinite(to)) return setCustomError('Enter both times.');
    if (from >= to) return setCustomError('The start must be before the end.');
    setRange({ from: String(from), to: String(to) });
    setOpen(false);
  };

  return (
    <div className="timepicker" ref={ref}>
      <button
        type="button"
        className="btn timepicker-btn"
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        title="Time range"
      >
        <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden>
          <circle cx="8" cy="8" r="6.2" fill="none" stroke="currentColor" strokeWidth="1.5" />
          <path d="M8 4.5V8l2.5 1.6" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
        </svg>
        <span>{rangeLabel(spec)}</span>
        <span className="caret" aria-hidden>▾</span>
      </button>
      <button
        type="button"
        className="btn btn-icon"
        title="Refresh"
        aria-label="Refresh"
        onClick={() => void client.invalidateQueries()}
      >
        <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden>
          <path d="M13 8a5 5 0 1 1-1.5-3.6M13 2.5v3h-3" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </button>
      <button
        type="button"
        className="btn btn-icon"
        title="Snapshot this time range (a zip a colleague can open)"
        aria-label="Snapshot this time range"
        onClick={() => downloadSnapshot(resolveRange(spec))}
      >
        <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden>
          <path d="M2.5 5.5h2l1.2-2h4.6l1.2 2h2v7.5h-11z" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinejoin="round" />
          <circle cx="8" cy="9" r="2.2" fill="none" stroke="currentColor" strokeWidth="1.4" />
        </svg>
      </button>
      {open ? (
        <div className="popover timepicker-pop" role="dialog" aria-label="Choose a time range">
          <div className="timepicker-presets">
            <div className="pop-title">Relative</div>
            {PRESETS.map((p) => (
              <button
                key={p.key}
                type="button"
                className={`preset${spec.from === p.from && spec.to === 'now' ? ' preset-active' : ''}`}
                onClick={() => {
                  setRange({ from: p.from, to: 'now' });
                  setOpen(false);
                }}
              >
                <span>{p.label}</span>
                <kbd>{p.key}</kbd>
              </button>
            ))}
          </div>
          <form
            className="timepicker-custom"
            onSubmit={(e) => {
              e.preventDefault();
              applyCustom();
            }}
          >
            <div className="pop-title">Absolute</div>
            <label className="field">
              <span>From</span>
              <input className="input" type="datetime-local" step="1" value={customFrom} onChange={(e) => setCustomFrom(e.target.value)} />
            </label>
            <label className="field">
              <span>To</span>
              <input className="input" type="datetime-local" step="1" value={customTo} onChange={(e) => setCustomTo(e.target.value)} />
            </label>
            {customError ? <div className="form-error">{customError}</div> : null}
            <button type="submit" className="btn btn-primary">
              Apply range
            </button>
          </form>
        </div>
      ) : null}
    </div>
  );
}

/** Downloads the snapshot of a range; the server streams it, the browser shows its progress. */
function downloadSnapshot(range: { from: number; to: number }): void {
  const a = document.createElement('a');
  a.href = `/api/snapshot?from=${range.from}&to=${range.to}`;
  a.download = '';
  document.body.appendChild(a);
  a.click();
  a.remove();
}
