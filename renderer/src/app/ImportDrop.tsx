// Import: drop a file anywhere, or "Open file…"; shows upload progress and what was imported.
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { importFile } from '../api/hooks';
import type { OutputOf } from '../api/client';
import { formatBytes, formatCount, shortId } from '../ui/format';
import { desktopBridge } from '../../../common/desktop-bridge';
import { useTimeRange } from './time-range';

type ImportState =
  | { phase: 'uploading'; file: string; size: number; progress: number }
  | { phase: 'done'; result: OutputOf<'importFile'> }
  | { phase: 'failed'; file: string; message: string };

const ImportContext = createContext<{ openFile: () => void }>({ openFile: () => undefined });

export function useImport() {
  return useContext(ImportContext);
}

export function ImportProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<ImportState | null>(null);
  const [dragging, setDragging] = useState(false);
  const depth = useRef(0);
  const input = useRef<HTMLInputElement>(null);
  const client = useQueryClient();

  const start = useCallback(
    async (file: File) => {
      setState({ phase: 'uploading', file: file.name, size: file.size, progress: 0 });
      try {
        const result = await importFile(file, (progress) => setState({ phase: 'uploading', file: file.name, size: file.size, progress }));
        setState({ phase: 'done', result });
        void client.invalidateQueries();
      } catch (e) {
        setState({ phase: 'failed', file: file.name, message: (e as Error).message });
      }
    },
    [client],
  );

  useEffect(() => {
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const onEnter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth.current += 1;
      setDragging(true);
    };
    const onOver = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    const onLeave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setDragging(false);
    };
    const onDrop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth.current = 0;
      setDragging(false);
      const file = e.dataTransfer?.files[0];
      if (file) void start(file);
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, [start]);

  // In the desktop app the native dialog (and File › Import…) reads the file; in a browser, an
  // <input type=file>.
  const openFile = useCallback(() => {
    const desktop = desktopBridge();
    if (!desktop) {
      input.current?.click();
      return;
    }
    void desktop.openFile().then(
      (picked) => {
        if (picked) void start(new File([picked.data as BlobPart], picked.name, { type: 'application/json' }));
      },
      (e: Error) => setState({ phase: 'failed', file: 'file', message: e.message }),
    );
  }, [start]);
  useEffect(() => desktopBridge()?.onMenu((action) => action === 'import' && openFile()), [openFile]);

  return (
    <ImportContext.Provider value={{ openFile }}>
      {children}
      <input
        ref={input}
        type="file"
        hidden
        accept=".json,.jsonl,.ndjson,.zip,application/json,application/zip"
        data-testid="import-input"
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) void start(f);
        }}
      />
      {dragging ? (
        <div className="drop-overlay" aria-hidden>
          <div className="drop-card">
            <div className="drop-title">Drop to import</div>
            <div className="muted">OTLP JSON or JSON lines (traces, logs, metrics)</div>
          </div>
        </div>
      ) : null}
      {state ? <ImportPanel state={state} onClose={() => setState(null)} /> : null}
    </ImportContext.Provider>
  );
}

function ImportPanel({ state, onClose }: { state: ImportState; onClose: () => void }) {
  return (
    <div className="toast import-panel" role="status" aria-live="polite" data-testid="import-panel">
      <div className="toast-head">
        <strong>
          {state.phase === 'uploading' ? 'Importing' : state.phase === 'done' ? 'Imported' : 'Import failed'}{' '}
          <span className="mono">{state.phase === 'done' ? state.result.file : state.file}</span>
        </strong>
        {state.phase !== 'uploading' ? (
          <button type="button" className="icon-btn" aria-label="Dismiss" onClick={onClose}>
            ×
          </button>
        ) : null}
      </div>
      {state.phase === 'uploading' ? (
        <>
          <div className="progress" aria-label="Upload progress">
            <div className="progress-bar" style={{ width: `${Math.round(state.progress * 100)}%` }} />
          </div>
          <div className="muted small">
            {state.progress < 1 ? `${Math.round(state.progress * 100)}% of ${formatBytes(state.size)}` : 'Processing…'}
          </div>
        </>
      ) : null}
      {state.phase === 'failed' ? <div className="form-error">{state.message}</div> : null}
      {state.phase === 'done' ? <ImportSummary result={state.result} onClose={onClose} /> : null}
    </div>
  );
}

function ImportSummary({ result, onClose }: { result: OutputOf<'importFile'>; onClose: () => void }) {
  const { setRange } = useTimeRange();
  const window = result.window;
  const nothing = result.spans + result.logs + result.metricPoints === 0;
  return (
    <div className="import-summary">
      <div className="import-counts">
        <span>
          <b>{formatCount(result.spans)}</b> {result.spans === 1 ? 'span' : 'spans'}
        </span>
        <span>
          <b>{formatCount(result.logs)}</b> {result.logs === 1 ? 'log record' : 'log records'}
        </span>
        <span>
          <b>{formatCount(result.metricPoints)}</b> {result.metricPoints === 1 ? 'metric point' : 'metric points'}
        </span>
        {result.rejected > 0 ? <span className="text-error">{formatCount(result.rejected)} rejected</span> : null}
        <span className="muted">as {result.format}</span>
      </div>
      {nothing && result.errors.length === 0 ? <div className="muted small">The file held no telemetry.</div> : null}
      {window ? (
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => {
            setRange({ from: String(window.from), to: String(window.to) });
            onClose();
          }}
        >
          Show the snapshot's time range
        </button>
      ) : null}
      {result.traceIds.length > 0 ? (
        <div className="import-traces">
          {result.traceIds.slice(0, 5).map((id) => (
            <Link key={id} to={`/traces/${id}`} className="link mono" onClick={onClose}>
              Open trace {shortId(id, 12)}
            </Link>
          ))}
          {result.traceIds.length > 5 ? <span className="muted small">and {result.traceIds.length - 5} more traces</span> : null}
        </div>
      ) : null}
      {result.errors.length > 0 ? (
        <ul className="error-list">
          {result.errors.slice(0, 20).map((e, i) => (
            <li key={i} className="error-message mono">
              {e}
            </li>
          ))}
          {result.errors.length > 20 ? <li className="muted small">{result.errors.length - 20} more errors</li> : null}
        </ul>
      ) : null}
    </div>
  );
}
