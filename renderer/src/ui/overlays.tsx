// Drawers and dialogs: Esc closes them, focus moves in and comes back.
import { useEffect, useRef, type ReactNode } from 'react';
import { useShortcuts } from '../app/shortcuts';

function useFocusReturn(open: boolean, ref: React.RefObject<HTMLElement | null>) {
  useEffect(() => {
    if (!open) return;
    const previous = document.activeElement as HTMLElement | null;
    ref.current?.focus();
    return () => previous?.focus?.();
  }, [open, ref]);
}

export function Drawer({
  title,
  onClose,
  children,
  actions,
  width = 560,
}: {
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
  actions?: ReactNode;
  width?: number;
}) {
  const ref = useRef<HTMLElement>(null);
  useShortcuts({ Escape: onClose });
  useFocusReturn(true, ref);
  return (
    <aside className="drawer" style={{ width }} ref={ref} tabIndex={-1} aria-label="Details" role="complementary">
      <header className="drawer-head">
        <div className="drawer-title">{title}</div>
        <div className="drawer-actions">
          {actions}
          <button type="button" className="icon-btn" onClick={onClose} aria-label="Close" title="Close (Esc)">
            ×
          </button>
        </div>
      </header>
      <div className="drawer-body">{children}</div>
    </aside>
  );
}

export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useShortcuts({ Escape: onClose });
  useFocusReturn(true, ref);
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-label={title} ref={ref} tabIndex={-1}>
        <header className="dialog-head">
          <h2>{title}</h2>
          <button type="button" className="icon-btn" onClick={onClose} aria-label="Close" title="Close (Esc)">
            ×
          </button>
        </header>
        <div className="dialog-body">{children}</div>
      </div>
    </div>
  );
}

export function Tabs<T extends string>({
  tabs,
  value,
  onChange,
}: {
  tabs: Array<{ id: T; label: ReactNode }>;
  value: T;
  onChange: (id: T) => void;
}) {
  return (
    <div className="tabs" role="tablist">
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          aria-selected={t.id === value}
          className={`tab${t.id === value ? ' tab-active' : ''}`}
          onClick={() => onChange(t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
