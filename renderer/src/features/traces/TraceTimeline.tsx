// The trace's timeline, as Jaeger's TraceTimelineViewer: the find and step toolbar, the
// overview, the waterfall and, beside it, the selected span's details; with the keyboard
// shortcuts that move through it.
import { useShortcuts } from '../../app/shortcuts';
import { SpanDetailPanel } from './SpanDetail';
import type { TraceModel } from './trace-model';
import type { TraceNavigation } from './trace-navigation';
import { TraceMinimap } from './TraceMinimap';
import { TraceToolbar } from './TraceToolbar';
import { Waterfall } from './Waterfall';

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
      <div className={`trace-body${showDetails ? ' with-detail' : ''}`}>
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
