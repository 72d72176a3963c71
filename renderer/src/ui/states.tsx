// Loading, empty and error states, shared by every page.
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';

export function ErrorBanner({ error, onRetry, what }: { error: unknown; onRetry?: () => void; what?: string }) {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? error.code : null;
  return (
    <div className="banner banner-error" role="alert">
      <span className="banner-icon" aria-hidden>!</span>
      <div className="banner-text">
        <strong>{what ?? 'Could not load data'}</strong>
        <span className="banner-message">
          {message}
          {code && code !== 'internal' ? <code className="banner-code">{code}</code> : null}
        </span>
      </div>
      {onRetry ? (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

export function EmptyHint({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-hint">
      <div className="empty-hint-title">{title}</div>
      {children ? <div className="empty-hint-body">{children}</div> : null}
    </div>
  );
}

/** Placeholder rows with the shape of the table that is loading. */
export function SkeletonRows({ rows = 8, columns }: { rows?: number; columns: number }) {
  return (
    <>
      {Array.from({ length: rows }, (_, r) => (
        <tr key={r} className="skeleton-row" aria-hidden>
          {Array.from({ length: columns }, (_, c) => (
            <td key={c}>
              <span className="skeleton" style={{ width: `${40 + ((r * 7 + c * 13) % 50)}%` }} />
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}

export function SkeletonBlock({ height = 120 }: { height?: number }) {
  return <div className="skeleton skeleton-block" style={{ height }} aria-hidden />;
}

export function Spinner({ label }: { label?: string }) {
  return (
    <span className="spinner-wrap" role="status">
      <span className="spinner" aria-hidden />
      {label ? <span>{label}</span> : null}
    </span>
  );
}
