// The trace's timeline, as Jaeger's TraceTimelineViewer: the find and step toolbar, the
// overview, the waterfall and, beside it, the selected span's details; with the keyboard
// shortcuts that move through it.
import { useState, type CSSProperties, type KeyboardEvent, type PointerEvent } from 'react';
import { useShortcuts } from '../../app/shortcuts';
import { SpanDetailPanel } from './SpanDetail';
import type { TraceModel } from './trace-model';
import type { TraceNavigation } from './trace-navigation';
import { TraceMinimap } from './TraceMinimap';
import { TraceToolbar } from './TraceToolbar';
import { Waterfall } from './Waterfall';

const WIDTH_KEY = 'loupe.spanDetailWidth';
const MIN_WIDTH = 320;
const DEFAULT_WIDTH = 440;

function savedWidth(): number {
  try {
    const n = Number(localStorage.getItem(WIDTH_KEY));
    return n >= MIN_WIDTH ? n : DEFAULT_WIDTH;
  } catch {
    return DEFAULT_WIDTH;
  }
}

/** The span details' width, dragged (or moved with the arrow keys) on its left edge and kept. */
function useDetailWidth() {
  const [width, setWidth] = useState(savedWidth);
  const set = (w: number) => {
    const next = Math.round(Math.max(MIN_WIDTH, Math.min(window.innerWidth * 0.7, w)));
    setWidth(next);
    try {
      localStorage.setItem(WIDTH_KEY, String(next));
    } catch {
      // not kept: fine
    }
  };
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.preventDefault();
    const startX = e.clientX;
    const startWidth = width;
    const move = (ev: globalThis.PointerEvent) => set(startWidth + startX - ev.clientX);
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      e.preventDefault();
      e.stopPropagation();
      set(width + (e.key === 'ArrowLeft' ? 40 : -40));
    }
  };
  return { width, onPointerDown, onKeyDown };
}

export function TraceTimeline({
  model,
  nav,
  spanLogCount,
  onShowSpanLogs,
  onFirstPaint,
}: {
  model: TraceModel;
  nav: TraceNavigation;
  /** Log records of the span under the cursor (null while they load). */
  spanLogCount: number | null;
  onShowSpanLogs: () => void;
  onFirstPaint: () => void;
}) {
  const { cursor, cursorId, critical, find } = nav;
  useShortcuts({
    j: () => nav.stepRow(1),
    k: () => nav.stepRow(-1),
    Enter: () => cursor && nav.setDetailsOpen(true),
    Escape: () => nav.release(),
    n: () => nav.stepMatch(1),
    N: () => nav.stepMatch(-1),
    e: () => nav.stepError(1),
    E: () => nav.stepError(-1),
    c: () => nav.setCritical(!nav.showCritical),
    '[': () => nav.collapseAtCursor(),
    ']': () => nav.expandAtCursor(),
    ArrowLeft: () => nav.collapseAtCursor(),
    ArrowRight: () => nav.expandAtCursor(),
  });
  const showDetails = !!cursor && nav.detailsOpen;
  const detail = useDetailWidth();
  return (
    <>
      <TraceToolbar
        find={find}
        onFind={nav.onFind}
        matchCount={nav.matches.length}
        matchPosition={nav.matchPosition}
        onStepMatch={nav.stepMatch}
        errorCount={model.errorCount}
        errorPosition={nav.errorPosition}
        onStepError={nav.stepError}
        criticalPath={nav.showCritical}
        onCriticalPath={nav.setCritical}
      />
      <div className={`trace-body${showDetails ? ' with-detail' : ''}`} style={{ '--sd-width': `${detail.width}px` } as CSSProperties}>
        <Waterfall
          model={model}
          rows={nav.rows}
          view={nav.view}
          cursorId={cursorId}
          onSelect={nav.onSelect}
          onToggle={nav.toggle}
          onExpandAll={nav.expandAll}
          onCollapseAll={nav.collapseAll}
          matches={nav.matchSet}
          findText={find.includes('=') ? undefined : find.trim().toLowerCase()}
          critical={critical}
          onFirstPaint={onFirstPaint}
          overview={<TraceMinimap model={model} view={nav.view} onView={nav.onView} critical={critical?.segments} />}
        />
        {showDetails && cursor ? (
          <SpanDetailPanel
            resizeHandle={
              <div
                className="sd-resize"
                role="separator"
                aria-orientation="vertical"
                aria-label="Resize the span details"
                aria-valuenow={detail.width}
                tabIndex={0}
                onPointerDown={detail.onPointerDown}
                onKeyDown={detail.onKeyDown}
                data-testid="span-detail-resize"
              />
            }
            model={model}
            node={cursor}
            onClose={() => nav.setDetailsOpen(false)}
            onSelect={(id) => nav.goTo(model.byId.get(id) ?? null)}
            logCount={spanLogCount}
            critical={critical ? (critical.segments.get(cursor.span.spanId) ?? null) : undefined}
            onShowLogs={onShowSpanLogs}
          />
        ) : null}
      </div>
    </>
  );
}
