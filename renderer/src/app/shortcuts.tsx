// Keyboard shortcuts: one window listener; pages register handlers for as long as they are
// mounted (the newest registration wins, so a drawer's Esc beats the page's).
import { createContext, useContext, useEffect, useMemo, useRef, type ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';
import { NAV } from './nav';

type Handler = (e: KeyboardEvent) => void;
type Registry = Map<string, Handler[]>;

const ShortcutContext = createContext<Registry | null>(null);

export const SHORTCUTS: Array<{ keys: string[]; what: string }> = [
  { keys: ['/'], what: 'Focus the search box' },
  { keys: ['j'], what: 'Next row' },
  { keys: ['k'], what: 'Previous row' },
  { keys: ['Enter'], what: 'Open the selected row' },
  { keys: ['Esc'], what: 'Close the drawer or dialog' },
  { keys: ['+'], what: 'Map: zoom in' },
  { keys: ['-'], what: 'Map: zoom out' },
  { keys: ['0'], what: 'Map: fit to screen' },
  { keys: ['n'], what: 'Trace: next find match' },
  { keys: ['N'], what: 'Trace: previous find match' },
  { keys: ['e'], what: 'Trace: next error span' },
  { keys: ['E'], what: 'Trace: previous error span' },
  { keys: ['c'], what: 'Trace: show or hide the critical path' },
  { keys: ['['], what: 'Trace: collapse the span (on a leaf, its parent)' },
  { keys: [']'], what: 'Trace: expand the span' },
  { keys: ['?'], what: 'Show shortcuts' },
  // `g` then a letter goes to a page: taken from the navigation, so a page is listed once.
  ...NAV.map((n) => ({ keys: n.shortcut.split(' '), what: `Go to ${n.label}` })),
];

const GO_TO = new Map(NAV.map((n) => [n.shortcut.replace(/^g /, ''), n.path]));

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

export function ShortcutProvider({ children, onHelp }: { children: ReactNode; onHelp: () => void }) {
  const registry = useMemo<Registry>(() => new Map(), []);
  const navigate = useNavigate();
  const pendingG = useRef<number | null>(null);
  const help = useRef(onHelp);
  help.current = onHelp;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.metaKey || e.ctrlKey || e.altKey) return;
      const key = e.key === 'Escape' ? 'Escape' : e.key;
      if (isTyping(e.target)) {
        if (key === 'Escape') (e.target as HTMLElement).blur();
        if (key !== 'Escape') return;
      }
      if (pendingG.current !== null) {
        window.clearTimeout(pendingG.current);
        pendingG.current = null;
        const dest = GO_TO.get(key);
        if (dest) {
          e.preventDefault();
          const params = new URLSearchParams(window.location.search);
          const keep = new URLSearchParams();
          for (const k of ['from', 'to']) if (params.get(k)) keep.set(k, params.get(k)!);
          const q = keep.toString();
          navigate(dest + (q ? `?${q}` : ''));
          return;
        }
      }
      if (key === 'g' && !isTyping(e.target)) {
        pendingG.current = window.setTimeout(() => (pendingG.current = null), 1200);
        return;
      }
      if (key === '?') {
        e.preventDefault();
        help.current();
        return;
      }
      const handlers = registry.get(key);
      const top = handlers?.[handlers.length - 1];
      if (top) {
        e.preventDefault();
        top(e);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [registry, navigate]);

  return <ShortcutContext.Provider value={registry}>{children}</ShortcutContext.Provider>;
}

/** Registers key handlers while the component is mounted (and `enabled`). */
export function useShortcuts(map: Record<string, Handler>, enabled = true): void {
  const registry = useContext(ShortcutContext);
  const latest = useRef(map);
  latest.current = map;
  const keys = Object.keys(map).sort().join('|');
  useEffect(() => {
    if (!registry || !enabled) return;
    const installed: Array<[string, Handler]> = keys.split('|').filter(Boolean).map((k) => [k, (e: KeyboardEvent) => latest.current[k]?.(e)]);
    for (const [k, h] of installed) registry.set(k, [...(registry.get(k) ?? []), h]);
    return () => {
      for (const [k, h] of installed) registry.set(k, (registry.get(k) ?? []).filter((x) => x !== h));
    };
  }, [registry, keys, enabled]);
}

/** `/` focuses the page's search box (the element marked `data-search-box`). */
export function focusSearchBox(): void {
  const el = document.querySelector<HTMLInputElement>('[data-search-box]');
  el?.focus();
  el?.select?.();
}
