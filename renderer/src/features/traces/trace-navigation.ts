// Where the reader is in a trace: the span under the cursor, collapsed subtrees, find and its
// matches, errors to step through, the critical path and the zoom. The address is the state
// (span, find, cp and zoom are query parameters); the header, the timeline and the logs tab all
// read it from here.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useSetParam } from '../../app/url-state';
import { criticalPath } from './critical-path';
import { findSpans, stepThrough } from './trace-find';
import { ancestorIds, flattenRows, type SpanNode, type TraceModel } from './trace-model';
import type { TimeView } from './Waterfall';

function parseZoom(raw: string | null, total: number): TimeView | null {
  if (!raw) return null;
  const m = /^(-?[\d.]+)-([\d.]+)$/.exec(raw);
  if (!m) return null;
  const from = Math.max(0, Number(m[1]));
  const to = Math.min(total, Number(m[2]));
  return Number.isFinite(from) && Number.isFinite(to) && to > from ? { from, to } : null;
}

const round = (ms: number) => String(Math.round(ms * 1000) / 1000);

export function useTraceNavigation(model: TraceModel) {
  const [params] = useSearchParams();
  const setParam = useSetParam(true);
  const cursorId = params.get('span');
  const find = params.get('find') ?? '';
  // The switch answers at once; the address follows (router updates render in a transition).
  const cpParam = params.get('cp') === '1';
  const [showCritical, setShowCritical] = useState(cpParam);
  const [seenCp, setSeenCp] = useState(cpParam);
  if (seenCp !== cpParam) {
    setSeenCp(cpParam);
    setShowCritical(cpParam);
  }
  const zoom = parseZoom(params.get('zoom'), model.durationMs);
  const view: TimeView = zoom ?? { from: 0, to: model.durationMs };
  const cursor = cursorId ? (model.byId.get(cursorId) ?? null) : null;
  // The address follows a cursor move in a transition, so keys pressed quickly one after another
  // (k then [) would act on the previous render's cursor; they read the span last moved to.
  const movedTo = useRef<string | null>(null);
  useEffect(() => {
    if (movedTo.current === cursorId) movedTo.current = null;
  }, [cursorId]);
  const [detailsOpen, setDetailsOpen] = useState(true);
  const [collapsed, setCollapsed] = useState<Set<string>>(() => new Set());
  const rows = useMemo(() => flattenRows(model, collapsed), [model, collapsed]);
  const matches = useMemo(() => findSpans(model, find), [model, find]);
  const matchSet = useMemo(() => (find.trim() ? new Set(matches.map((n) => n.span.spanId)) : null), [matches, find]);
  const critical = useMemo(() => (showCritical ? criticalPath(model) : null), [model, showCritical]);

  /** Moves the cursor to a span, expanding collapsed ancestors so it is on screen. */
  const goTo = useCallback(
    (node: SpanNode | null) => {
      if (!node) return;
      const hidden = ancestorIds(node).filter((id) => collapsed.has(id));
      if (hidden.length) {
        setCollapsed((c) => {
          const n = new Set(c);
          for (const id of hidden) n.delete(id);
          return n;
        });
      }
      movedTo.current = node.span.spanId;
      setParam('span', node.span.spanId);
    },
    [collapsed, setParam],
  );
  const onSelect = useCallback(
    (spanId: string) => {
      setDetailsOpen(true);
      setParam('span', spanId);
    },
    [setParam],
  );
  const toggle = useCallback(
    (spanId: string) =>
      setCollapsed((c) => {
        const n = new Set(c);
        if (n.has(spanId)) n.delete(spanId);
        else n.add(spanId);
        return n;
      }),
    [],
  );
  const setCollapsedOf = (node: SpanNode, on: boolean) => {
    if (!node.children.length || collapsed.has(node.span.spanId) === on) return false;
    toggle(node.span.spanId);
    return true;
  };
  const expandAll = useCallback(() => setCollapsed(new Set()), []);
  const collapseAll = useCallback(
    () => setCollapsed(new Set(model.roots.flatMap((r) => r.children).filter((n) => n.children.length).map((n) => n.span.spanId))),
    [model],
  );

  const position = cursor ? cursor.index : -1;
  const stepMatch = useCallback((dir: 1 | -1) => goTo(stepThrough(matches, position, dir)), [goTo, matches, position]);
  const stepError = (dir: 1 | -1) => goTo(stepThrough(model.errors, position, dir));
  // A step asked for with new find text waits until the address (and so the matches) has it.
  const [pendingStep, setPendingStep] = useState<{ query: string; dir: 1 | -1 } | null>(null);
  const onFind = useCallback(
    (q: string, step?: 1 | -1) => {
      setParam('find', q.trim() ? q : null);
      if (step) setPendingStep({ query: q.trim() ? q : '', dir: step });
    },
    [setParam],
  );
  useEffect(() => {
    if (pendingStep === null || pendingStep.query !== find) return;
    setPendingStep(null);
    stepMatch(pendingStep.dir);
  }, [pendingStep, find, stepMatch]);
  const setCritical = (on: boolean) => {
    setShowCritical(on);
    setParam('cp', on ? '1' : null);
  };
  const onView = useCallback((v: TimeView | null) => setParam('zoom', v ? `${round(v.from)}-${round(v.to)}` : null), [setParam]);

  function moveCursor(node: SpanNode) {
    movedTo.current = node.span.spanId;
    setParam('span', node.span.spanId);
  }
  const liveCursor = () => (movedTo.current ? (model.byId.get(movedTo.current) ?? cursor) : cursor);
  const liveRowIndex = () => {
    const id = movedTo.current ?? cursorId;
    return id ? rows.findIndex((r) => r.node.span.spanId === id) : -1;
  };
  /** Collapses the span under the cursor; on a leaf or a collapsed span, its parent. */
  function collapseAtCursor() {
    const at = liveCursor();
    if (!at) return;
    if (setCollapsedOf(at, true)) return;
    if (at.parent) {
      setCollapsedOf(at.parent, true);
      moveCursor(at.parent);
    }
  }
  function expandAtCursor() {
    const at = liveCursor();
    if (at) setCollapsedOf(at, false);
  }
  /** Moves the cursor one row down (1) or up (-1). */
  function stepRow(dir: 1 | -1) {
    if (!rows.length) return;
    const i = liveRowIndex();
    moveCursor(rows[dir === 1 ? Math.min(rows.length - 1, i + 1) : Math.max(0, i - 1)].node);
  }
  /** Escape: closes the details, then lets go of the span. */
  function release() {
    if (cursor && detailsOpen) setDetailsOpen(false);
    else if (cursorId) setParam('span', null);
  }

  return {
    cursorId,
    cursor,
    find,
    view,
    rows,
    matches,
    matchSet,
    matchPosition: cursor && matchSet?.has(cursor.span.spanId) ? matches.indexOf(cursor) + 1 : 0,
    errorPosition: cursor && cursor.span.isError ? model.errors.indexOf(cursor) + 1 : 0,
    showCritical,
    critical,
    detailsOpen,
    setDetailsOpen,
    goTo,
    onSelect,
    toggle,
    expandAll,
    collapseAll,
    stepMatch,
    stepError,
    stepRow,
    collapseAtCursor,
    expandAtCursor,
    release,
    onFind,
    setCritical,
    onView,
  };
}

export type TraceNavigation = ReturnType<typeof useTraceNavigation>;
