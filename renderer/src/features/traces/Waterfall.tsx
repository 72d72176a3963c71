// The span tree on the trace's timeline. Rows are flattened once per (trace, collapsed set) and
// only the visible window is rendered, so traces with thousands of spans scroll smoothly.
import { useEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { serviceColor } from '../../ui/colors';
import { formatDuration } from '../../ui/format';
import { nsToOffsetMs, timeTicks, type TraceModel, type WaterfallRow } from './trace-model';

const ROW_HEIGHT = 26;
const INDENT = 14;

export function Waterfall({
  model,
  rows,
  selectedId,
  onSelect,
  onToggle,
  onExpandAll,
  onCollapseAll,
}: {
  model: TraceModel;
  rows: WaterfallRow[];
  selectedId: string | null;
  onSelect: (spanId: string) => void;
  onToggle: (spanId: string) => void;
  onExpandAll: () => void;
  onCollapseAll: () => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const [nameWidth, setNameWidth] = useNameColumnWidth();
  const startResize = (e: ReactPointerEvent<HTMLDivElement>) => {
    const root = rootRef.current;
    if (!root) return;
    e.preventDefault();
    const left = root.getBoundingClientRect().left;
    const max = root.clientWidth - 200;
    const onMove = (ev: PointerEvent) => setNameWidth(Math.round(Math.max(180, Math.min(max, ev.clientX - left))));
    const onUp = () => {
      window.removeEventListener('pointermove', onMove);
      window.removeEventListener('pointerup', onUp);
    };
    window.addEventListener('pointermove', onMove);
    window.addEventListener('pointerup', onUp);
  };
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 24,
  });
  const total = model.durationMs || 1;
  const ticks = useMemo(() => timeTicks(model.durationMs), [model.durationMs]);
  const pct = (ms: number) => `${Math.min(100, Math.max(0, (ms / total) * 100))}%`;

  // Bring the selected span into view when it changes (j/k, deep links).
  const selectedIndex = useMemo(() => rows.findIndex((r) => r.node.span.spanId === selectedId), [rows, selectedId]);
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  return (
    <div
      className="waterfall"
      data-testid="waterfall"
      role="tree"
      aria-label="Spans"
      ref={rootRef}
      style={nameWidth ? ({ '--wf-name-w': `${nameWidth}px` } as React.CSSProperties) : undefined}
    >
      <div className="wf-header">
        <div className="wf-name-col wf-head-name">
          <span>Service · operation</span>
          <span className="wf-head-actions">
            <button type="button" className="linklike small" onClick={onExpandAll}>
              Expand all
            </button>
            <button type="button" className="linklike small" onClick={onCollapseAll}>
              Collapse
            </button>
          </span>
        </div>
        <div
          className="wf-resizer"
          onPointerDown={startResize}
          onDoubleClick={() => setNameWidth(0)}
          title="Drag to resize the names column (double-click to reset)"
          role="separator"
          aria-orientation="vertical"
        />
        <div className="wf-axis">
          {ticks.map((t) => (
            <span key={t} className="wf-tick" style={{ left: pct(t) }}>
              {formatDuration(t)}
            </span>
          ))}
        </div>
      </div>
      <div className="wf-scroll" ref={scrollRef}>
        <div className="wf-inner" style={{ height: virtualizer.getTotalSize() }}>
          <div className="wf-gridlines" aria-hidden>
            {ticks.map((t) => (
              <span key={t} style={{ left: pct(t) }} />
            ))}
          </div>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            const { node } = row;
            const s = node.span;
            const color = serviceColor(s.service);
            const selected = s.spanId === selectedId;
            const leftPct = (node.offsetMs / total) * 100;
            const widthPct = (node.durationMs / total) * 100;
            // Duration label: after the bar, else before it, else inside its end.
            const labelPlace = leftPct + widthPct < 80 ? 'after' : leftPct > 14 ? 'before' : 'inside';
            return (
              <div
                key={item.key}
                className={`wf-row${selected ? ' wf-selected' : ''}${s.isError ? ' wf-error' : ''}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={() => onSelect(s.spanId)}
                role="treeitem"
                aria-level={row.depth + 1}
                aria-selected={selected}
                aria-expanded={node.children.length ? !row.collapsed : undefined}
                data-span-id={s.spanId}
              >
                <div className="wf-name-col wf-name">
                  <span className="wf-indent" style={{ width: row.depth * INDENT }} />
                  {node.children.length ? (
                    <button
                      type="button"
                      className="wf-toggle"
                      aria-label={row.collapsed ? 'Expand' : 'Collapse'}
                      onClick={(e) => {
                        e.stopPropagation();
                        onToggle(s.spanId);
                      }}
                    >
                      {row.collapsed ? '▸' : '▾'}
                    </button>
                  ) : (
                    <span className="wf-toggle-space" />
                  )}
                  <span className="wf-svc-bar" style={{ background: color }} />
                  <span className="wf-svc">{s.service}</span>
                  <span className="wf-op" title={s.name}>
                    {s.name}
                  </span>
                  {s.isError ? (
                    <span className="wf-err-icon" title={s.status.message || 'Error'} aria-label="error">
                      !
                    </span>
                  ) : null}
                  {node.orphan ? (
                    <span className="wf-orphan" title={`Parent span ${s.parentSpanId} is not in this trace`}>
                      orphan
                    </span>
                  ) : null}
                  {row.collapsed ? <span className="wf-hidden">+{node.descendants}</span> : null}
                </div>
                <div className="wf-track">
                  <div
                    className={`wf-bar${s.isError ? ' wf-bar-error' : ''}`}
                    style={{ left: `${leftPct}%`, width: `max(2px, ${widthPct}%)`, background: color }}
                  />
                  {s.events.map((ev, i) => {
                    const at = nsToOffsetMs(ev.timeUnixNano, model.startNs);
                    const isException = ev.name === 'exception';
                    return (
                      <span
                        key={i}
                        className={`wf-event${isException ? ' wf-event-exception' : ''}`}
                        style={{ left: pct(at) }}
                        title={`${ev.name} at +${formatDuration(at)}`}
                      />
                    );
                  })}
                  <span
                    className={`wf-dur mono wf-dur-${labelPlace}`}
                    style={
                      labelPlace === 'after'
                        ? { left: `calc(${leftPct + widthPct}% + 6px)` }
                        : labelPlace === 'before'
                          ? { right: `calc(${100 - leftPct}% + 6px)` }
                          : { right: `calc(${Math.max(0, 100 - leftPct - widthPct)}% + 6px)` }
                    }
                  >
                    {formatDuration(node.durationMs)}
                  </span>
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

const WIDTH_KEY = 'loupe.waterfall.nameWidth';

/** The names column width in px (0 = default), remembered across traces. */
function useNameColumnWidth(): [number, (w: number) => void] {
  const [width, setWidth] = useState(() => {
    try {
      return Number(localStorage.getItem(WIDTH_KEY)) || 0;
    } catch {
      return 0;
    }
  });
  useEffect(() => {
    try {
      if (width) localStorage.setItem(WIDTH_KEY, String(width));
      else localStorage.removeItem(WIDTH_KEY);
    } catch {
      // storage unavailable
    }
  }, [width]);
  return [width, setWidth];
}
