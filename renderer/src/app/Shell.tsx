// The frame around every page: navigation, time range, live mode, ingest health, theme.
import { useState, type ReactNode } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router-dom';
import { useHealth } from '../api/hooks';
import type { OutputOf } from '../api/client';
import { ALL_TABLES, useApi } from '../api/query';
import { LiveProvider } from '../api/live';
import { EmptyState } from '../features/onboarding/EmptyState';
import { AlertToasts } from '../features/slo/AlertToasts';
import { ErrorBanner } from '../ui/states';
import { HealthIndicator } from './HealthIndicator';
import { ImportProvider } from './ImportDrop';
import { LiveToggle } from './LiveToggle';
import { NAV } from './nav';
import { ShortcutProvider, focusSearchBox, useShortcuts } from './shortcuts';
import { ShortcutsDialog } from './ShortcutsDialog';
import { SnapshotBanner } from './SnapshotBanner';
import { ThemeSwitch } from './ThemeSwitch';
import { TimeRangePicker } from './TimeRangePicker';
import { useTheme } from './theme';
import { useTimeRange } from './time-range';
import { Logo } from './Unauthorized';

export function Shell() {
  const [help, setHelp] = useState(false);
  const { relative } = useTimeRange();
  return (
    <ShortcutProvider onHelp={() => setHelp((h) => !h)}>
      <LiveProvider allowed={relative}>
        <ImportProvider>
          <Frame onHelp={() => setHelp(true)}>
            <PageOrOnboarding />
          </Frame>
          {help ? <ShortcutsDialog onClose={() => setHelp(false)} /> : null}
          <AlertToasts />
        </ImportProvider>
      </LiveProvider>
    </ShortcutProvider>
  );
}

function Frame({ children, onHelp }: { children: ReactNode; onHelp: () => void }) {
  const { pref, setPref } = useTheme();
  const location = useLocation();
  useShortcuts({ '/': () => focusSearchBox() });
  const keep = new URLSearchParams(location.search);
  const carry = new URLSearchParams();
  for (const k of ['from', 'to']) if (keep.get(k)) carry.set(k, keep.get(k)!);
  const suffix = carry.toString() ? `?${carry}` : '';
  return (
    <div className="app">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <Logo />
          <span>Loupe</span>
        </div>
        <ul className="nav-list">
          {NAV.map((n) => (
            <li key={n.path}>
              <NavLink to={n.path + suffix} className={({ isActive }) => `nav-item${isActive ? ' nav-active' : ''}`} title={`${n.label} (${n.shortcut})`}>
                {n.icon}
                <span>{n.label}</span>
                {n.badge ? <n.badge /> : null}
              </NavLink>
            </li>
          ))}
        </ul>
        <div className="sidebar-foot">
          <button type="button" className="nav-item nav-help" onClick={onHelp} title="Keyboard shortcuts (?)">
            <kbd>?</kbd>
            <span>Shortcuts</span>
          </button>
        </div>
      </nav>
      <div className="main">
        <header className="topbar">
          <div className="topbar-left">
            <HealthIndicator />
          </div>
          <div className="topbar-right">
            <TimeRangePicker />
            <LiveToggle />
            <ThemeSwitch pref={pref} setPref={setPref} />
          </div>
        </header>
        <SnapshotBanner />
        <main className="page">{children}</main>
      </div>
    </div>
  );
}

/** Until anything has been received, pages show how to send data (or start the demo). */
function PageOrOnboarding() {
  const health = useHealth();
  const h = health.data;
  const location = useLocation();
  const empty = h && h.ingest.spans + h.ingest.logs + h.ingest.metricPoints === 0;
  if (health.isError && !h) return <ErrorBanner error={health.error} what="Cannot reach the Loupe core" onRetry={() => void health.refetch()} />;
  // The catalog is read from descriptor files and Settings describe Loupe itself, so both are useful before any telemetry arrives.
  if (empty && !location.pathname.startsWith('/traces/') && !location.pathname.startsWith('/catalog') && !location.pathname.startsWith('/settings')) return <EmptyStateWithPolling health={h} />;
  return <Outlet />;
}

function EmptyStateWithPolling({ health }: { health: OutputOf<'health'> }) {
  // A second observer of the health query with a short interval, so the page fills in even
  // with live mode paused; it goes away with the empty state.
  useApi('health', {}, { tables: ALL_TABLES, refetchInterval: 2000 });
  return <EmptyState health={health} />;
}
