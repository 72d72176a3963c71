// Above the waterfall: find within the trace (with the match count and next/previous), jump to
// the next or previous error, and the critical-path switch.
import { useEffect, useRef, useState } from 'react';

export function TraceToolbar({
  find,
  onFind,
  matchCount,
  matchPosition,
  onStepMatch,
  errorCount,
  errorPosition,
  onStepError,
  criticalPath,
  onCriticalPath,
}: {
  find: string;
  /** Sets the find text; with `step`, moves to the next (1) or previous (-1) match once found. */
  onFind: (q: string, step?: 1 | -1) => void;
  matchCount: number;
  /** 1-based position of the cursor among the matches, or 0 when the cursor is not on one. */
  matchPosition: number;
  onStepMatch: (dir: 1 | -1) => void;
  errorCount: number;
  errorPosition: number;
  onStepError: (dir: 1 | -1) => void;
  criticalPath: boolean;
  onCriticalPath: (on: boolean) => void;
}) {
  const [draft, setDraft] = useState(find);
  const committed = useRef(find);
  useEffect(() => {
    committed.current = find;
    setDraft(find);
  }, [find]);
  // Matching runs over every span: commit what is typed after a short pause, not per key.
  useEffect(() => {
    if (draft === committed.current) return;
    const t = window.setTimeout(() => {
      committed.current = draft;
      onFind(draft);
    }, 160);
    return () => window.clearTimeout(t);
  }, [draft, onFind]);

  const hasQuery = find.trim() !== '';
  return (
    <div className="trace-toolbar" role="toolbar" aria-label="Trace tools">
      <div className="find-box">
        <input
          className="input find-input"
          type="search"
          value={draft}
          placeholder="Find spans: name, service, attribute, key=value, span id      /"
          aria-label="Find in trace"
          data-search-box
          spellCheck={false}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              const dir = e.shiftKey ? -1 : 1;
              if (draft !== committed.current) {
                // The matches of the new text arrive with the next render: step then.
                committed.current = draft;
                onFind(draft, dir);
              } else onStepMatch(dir);
            }
          }}
        />
        <span className={`find-count small${hasQuery && matchCount === 0 ? ' text-error' : ' muted'}`} data-testid="find-count" aria-live="polite">
          {hasQuery ? (matchCount === 0 ? 'no match' : matchPosition ? `${matchPosition} of ${matchCount}` : `${matchCount} match${matchCount === 1 ? '' : 'es'}`) : ''}
        </span>
        <button type="button" className="btn btn-small btn-icon" onClick={() => onStepMatch(-1)} disabled={matchCount === 0} aria-label="Previous match" title="Previous match (N)">
          ↑
        </button>
        <button type="button" className="btn btn-small btn-icon" onClick={() => onStepMatch(1)} disabled={matchCount === 0} aria-label="Next match" title="Next match (n)">
          ↓
        </button>
      </div>
      <div className="toolbar-group">
        <span className={`small ${errorCount ? 'text-error' : 'muted'}`}>
          {errorCount ? (errorPosition ? `Error ${errorPosition} of ${errorCount}` : `${errorCount} error span${errorCount === 1 ? '' : 's'}`) : 'No errors'}
        </span>
        <button type="button" className="btn btn-small btn-icon" onClick={() => onStepError(-1)} disabled={errorCount === 0} aria-label="Previous error" title="Previous error (E)">
          ↑
        </button>
        <button type="button" className="btn btn-small btn-icon" onClick={() => onStepError(1)} disabled={errorCount === 0} aria-label="Next error" title="Next error (e)">
          ↓
        </button>
      </div>
      <label className="check toolbar-group" title="Highlight the chain of spans that decided the trace's duration (c)">
        <input type="checkbox" checked={criticalPath} onChange={(e) => onCriticalPath(e.target.checked)} />
        Critical path
      </label>
    </div>
  );
}
