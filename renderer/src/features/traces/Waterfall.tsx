// The span tree on the trace's timeline. Rows are flattened once per (trace, collapsed set) and
// only the visible window is rendered, so traces with 10,000+ spans scroll smoothly. The time
// axis shows `view` (a zoomed part of the trace, or all of it); find matches, the critical path
// and clock skew are drawn on the rows.
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { serviceColor } from '../../ui/colors';
import { formatDuration } from '../../ui/format';
import type { CriticalPath } from './critical-path';
import { nsToOffsetMs, rangeTicks, type SpanNode, type TraceModel, type WaterfallRow } from './trace-model';
import './trace-explorer.css';

const ROW_HEIGHT = 26;
const INDENT = 14;

export interface TimeView {
  from: number;
  to: number;
}

export interface WaterfallProps {
  model: TraceModel;
  rows: WaterfallRow[];
  view: TimeView;
  /** The span under the keyboard cursor (and in the details panel when it is open). */
  cursorId: string | null;
  onSelect: (spanId: string) => void;
  onToggle: (spanId: string) => void;
  onExpandAll?: () => void;
  onCollapseAll?: () => void;
  /** Spans matching the find box, and the text to mark in their names. */
  matches?: ReadonlySet<string> | null;
  findText?: string;
  critical?: CriticalPath | null;
  /** A mark per span id (compare: `worse`, `better`, `only`, `count`), drawn on the row's edge. */
  rowMarks?: ReadonlyMap<string, string> | null;
  /** Called once after the first rows are on screen. */
  onFirstPaint?: () => void;
  compact?: boolean;
  /** Drawn above the header in the same columns (the trace overview). */
  overview?: ReactNode;
  testId?: string;
  label?: string;
}

export function Waterfall({
  model,
  rows,
  view,
  cursorId,
  onSelect,
  onToggle,
  onExpandAll,
  onCollapseAll,
  matches,
  findText,
  critical,
  rowMarks,
  onFirstPaint,
  compact,
  overview,
  testId = 'waterfall',
  label = 'Spans',
}: WaterfallProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const [nameWidth, setNameWidth] = useNameColumnWidth(compact);
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
    overscan: 16,
  });
  const span = Math.max(1e-9, view.to - view.from);
  const ticks = useMemo(() => rangeTicks(view.from, view.to), [view.from, view.to]);
  const pctOf = (ms: number) => ((ms - view.from) / span) * 100;

  // Bring the cursor into view when it changes: a step to a neighbouring row scrolls just
  // enough (j/k), a jump (find, errors, deep links) centres the row.
  const cursorIndex = useMemo(() => (cursorId ? rows.findIndex((r) => r.node.span.spanId === cursorId) : -1), [rows, cursorId]);
  useEffect(() => {
    if (cursorIndex < 0) return;
    const shown = virtualizer.getVirtualItems();
    const el = scrollRef.current;
    const firstVisible = el ? Math.floor(el.scrollTop / ROW_HEIGHT) : 0;
    const lastVisible = el ? Math.floor((el.scrollTop + el.clientHeight) / ROW_HEIGHT) : 0;
    const near = shown.length > 0 && cursorIndex >= firstVisible - 1 && cursorIndex <= lastVisible + 1;
    virtualizer.scrollToIndex(cursorIndex, { align: near ? 'auto' : 'center' });
  }, [cursorIndex, virtualizer]);

  const painted = useRef(false);
  const items = virtualizer.getVirtualItems();
  useLayoutEffect(() => {
    if (painted.current || items.length === 0 || !onFirstPaint) return;
    painted.current = true;
    // After the browser has painted this frame.
    requestAnimationFrame(() => setTimeout(onFirstPaint, 0));
  }, [items.length, onFirstPaint]);

  const zoomed = view.from > 0 || view.to < model.durationMs;
  return (
    <div
      className={`waterfall${compact ? ' waterfall-compact' : ''}${critical ? ' wf-cp-on' : ''}`}
      data-testid={testId}
      role="tree"
      aria-label={label}
      ref={rootRef}
      style={nameWidth ? ({ '--wf-name-w': `${nameWidth}px` } as React.CSSProperties) : undefined}
    >
      {overview ? <div className="wf-overview">{overview}</div> : null}
      <div className="wf-header">
        <div className="wf-name-col wf-head-name">
          <span>Service · operation</span>
          {onExpandAll || onCollapseAll ? (
            <span className="wf-head-actions">
              {onExpandAll ? (
                <button type="button" className="linklike small" onClick={onExpandAll} title="Expand every span (])">
                  Expand all
                </button>
              ) : null}
              {onCollapseAll ? (
                <button type="button" className="linklike small" onClick={onCollapseAll} title="Collapse below the first level">
                  Collapse
                </button>
              ) : null}
            </span>
          ) : null}
        </div>
        <div
          className="wf-resizer"
          onPointerDown={startResize}
          onDoubleClick={() => setNameWidth(0)}
          title="Drag to resize the names column (double-click to reset)"
          role="separator"
          aria-orientation="vertical"
        />
        <div className={`wf-axis${zoomed ? ' wf-axis-zoomed' : ''}`} data-testid={`${testId}-axis`}>
          {ticks.map((t, i) => (
            <span key={t} className={`wf-tick${i === 0 && pctOf(t) < 2 ? ' wf-tick-first' : ''}`} style={{ left: `${pctOf(t)}%` }}>
              {formatDuration(t)}
            </span>
          ))}
        </div>
      </div>
      <div className="wf-scroll" ref={scrollRef}>
        <div className="wf-inner" style={{ height: virtualizer.getTotalSize() }}>
          <div className="wf-gridlines" aria-hidden>
            {ticks.map((t) => (
              <span key={t} style={{ left: `${pctOf(t)}%` }} />
            ))}
          </div>
          {items.map((item) => {
            const row = rows[item.index];
            const id = row.node.span.spanId;
            return (
              <WaterfallRowView
                key={item.key}
                row={row}
                top={item.start}
                model={model}
                viewFrom={view.from}
                viewSpan={span}
                cursor={id === cursorId}
                match={matches ? matches.has(id) : false}
                findText={matches && matches.has(id) ? findText : undefined}
                critical={critical ? (critical.segments.get(id) ?? null) : undefined}
                mark={rowMarks?.get(id)}
                onSelect={onSelect}
                onToggle={onToggle}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

const WaterfallRowView = memo(function WaterfallRowView({
  row,
  top,
  model,
  viewFrom,
  viewSpan,
  cursor,
  match,
  findText,
  critical,
  mark,
  onSelect,
  onToggle,
}: {
  row: WaterfallRow;
  top: number;
  model: TraceModel;
  viewFrom: number;
  viewSpan: number;
  cursor: boolean;
  match: boolean;
  findText: string | undefined;
  /** Critical-path segments of this span; null when the path is shown but misses this span. */
  critical: Array<[number, number]> | null | undefined;
  mark: string | undefined;
  onSelect: (spanId: string) => void;
  onToggle: (spanId: string) => void;
}) {
  const { node } = row;
  const s = node.span;
  const color = serviceColor(s.service);
  const pct = (ms: number) => ((ms - viewFrom) / viewSpan) * 100;
  const leftPct = pct(node.offsetMs);
  const rightPct = pct(node.endMs);
  const visible = rightPct >= 0 && leftPct <= 100;
  const clipLeft = Math.max(0, leftPct);
  const clipRight = Math.min(100, rightPct);
  // Duration label: after the bar, else before it, else inside its end.
  const labelPlace = clipRight < 80 ? 'after' : clipLeft > 14 ? 'before' : 'inside';
  const className = [
    'wf-row',
    cursor ? 'wf-selected' : '',
    s.isError ? 'wf-error' : '',
    match ? 'wf-match' : '',
    critical === null ? 'wf-off-cp' : '',
    critical ? 'wf-on-cp' : '',
    mark ? `wf-mark wf-mark-${mark}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div
      className={className}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      onClick={() => onSelect(s.spanId)}
      role="treeitem"
      aria-level={row.depth + 1}
      aria-selected={cursor}
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
        <span className="wf-svc">
          <Marked text={s.service} needle={findText} />
        </span>
        <span className="wf-op" title={s.name}>
          <Marked text={s.name} needle={findText} />
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
        {node.skew ? (
          <span className={`wf-skew wf-skew-${node.skew.kind}`} title={skewText(node)} data-testid="skew-marker">
            {node.skew.kind === 'clock' ? 'skew' : 'outlives'}
          </span>
        ) : null}
        {row.collapsed ? <span className="wf-hidden">+{node.descendants}</span> : null}
      </div>
      <div className="wf-track">
        {node.skew && node.parent ? <ParentBounds node={node} pct={pct} /> : null}
        {visible ? (
          <div
            className={`wf-bar${s.isError ? ' wf-bar-error' : ''}`}
            style={{ left: `${clipLeft}%`, width: `max(2px, ${clipRight - clipLeft}%)`, background: color }}
          />
        ) : null}
        {critical
          ? critical.map(([a, b]) => {
              const l = Math.max(0, pct(a));
              const r = Math.min(100, pct(b));
              return r > l ? <span key={a} className="wf-cp-seg" style={{ left: `${l}%`, width: `max(1px, ${r - l}%)` }} /> : null;
            })
          : null}
        {s.events.map((ev, i) => {
          const at = nsToOffsetMs(ev.timeUnixNano, model.startNs);
          const p = pct(at);
          if (p < 0 || p > 100) return null;
          const isException = ev.name === 'exception';
          return (
            <span
              key={i}
              className={`wf-event${isException ? ' wf-event-exception' : ''}`}
              style={{ left: `${p}%` }}
              title={`${ev.name} at +${formatDuration(at)}${isException && ev.attributes['exception.message'] ? `: ${String(ev.attributes['exception.message'])}` : ''}`}
            />
          );
        })}
        {visible ? (
          <span
            className={`wf-dur mono wf-dur-${labelPlace}`}
            style={
              labelPlace === 'after'
                ? { left: `calc(${clipRight}% + 6px)` }
                : labelPlace === 'before'
                  ? { right: `calc(${100 - clipLeft}% + 6px)` }
                  : { right: `calc(${Math.max(0, 100 - clipRight)}% + 6px)` }
            }
          >
            {formatDuration(node.durationMs)}
          </span>
        ) : (
          <span className={`wf-offscreen mono ${rightPct < 0 ? 'wf-offscreen-left' : 'wf-offscreen-right'}`}>
            {rightPct < 0 ? '◂' : ''} {formatDuration(node.durationMs)} {rightPct < 0 ? '' : '▸'}
          </span>
        )}
      </div>
    </div>
  );
});

/** The parent's interval, drawn faintly behind a skewed child so the overhang shows. */
function ParentBounds({ node, pct }: { node: SpanNode; pct: (ms: number) => number }) {
  const p = node.parent!;
  const l = Math.max(0, pct(p.offsetMs));
  const r = Math.min(100, pct(p.endMs));
  if (r <= l) return null;
  return <span className={`wf-parent-bounds wf-parent-bounds-${node.skew?.kind}`} style={{ left: `${l}%`, width: `${r - l}%` }} aria-hidden />;
}

export function skewText(node: SpanNode): string {
  const k = node.skew;
  if (!k) return '';
  const parts: string[] = [];
  if (k.startsBeforeParentMs > 0) parts.push(`starts ${formatDuration(k.startsBeforeParentMs)} before its parent`);
  if (k.endsAfterParentMs > 0) parts.push(`ends ${formatDuration(k.endsAfterParentMs)} after its parent`);
  return `${k.kind === 'clock' ? 'Clock skew: this span' : 'This span'} ${parts.join(' and ')}`;
}

/** Marks the first case-insensitive occurrence of `needle` in `text`. */
function Marked({ text, needle }: { text: string; needle?: string }): ReactNode {
  if (!needle) return text;
  const i = text.toLowerCase().indexOf(needle);
  if (i < 0) return text;
  return (
    <>
      {text.slice(0, i)}
      <mark>{text.slice(i, i + needle.length)}</mark>
      {text.slice(i + needle.length)}
    </>
  );
}

const WIDTH_KEY = 'loupe.waterfall.nameWidth';

/** The names column width in px (0 = default), remembered across traces. */
function useNameColumnWidth(compact?: boolean): [number, (w: number) => void] {
  const [width, setWidth] = useState(() => {
    if (compact) return 0;
    try {
      return Number(localStorage.getItem(WIDTH_KEY)) || 0;
    } catch {
      return 0;
    }
  });
  useEffect(() => {
    if (compact) return;
    try {
      if (width) localStorage.setItem(WIDTH_KEY, String(width));
      else localStorage.removeItem(WIDTH_KEY);
    } catch {
      // storage unavailable
    }
  }, [width, compact]);
  return [width, setWidth];
}
