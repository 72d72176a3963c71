// The pages in the left navigation. New pages (service map, catalog) add an entry here and a
// route in App.tsx.
import type { ReactNode } from 'react';

export interface NavEntry {
  path: string;
  label: string;
  shortcut: string;
  icon: ReactNode;
}

const icon = (d: string) => (
  <svg width="18" height="18" viewBox="0 0 18 18" aria-hidden>
    <path d={d} fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
  </svg>
);

export const NAV: NavEntry[] = [
  { path: '/services', label: 'Services', shortcut: 'g s', icon: icon('M2.5 3.5h5v4h-5zM10.5 3.5h5v4h-5zM2.5 10.5h5v4h-5zM10.5 10.5h5v4h-5z') },
  { path: '/traces', label: 'Traces', shortcut: 'g t', icon: icon('M2.5 4h9M5 8h8.5M7.5 12h5M2.5 4v0M5 8v0M7.5 12v0M2.5 2.5v13') },
  { path: '/logs', label: 'Logs', shortcut: 'g l', icon: icon('M3 4h12M3 7.5h12M3 11h8M3 14.5h10') },
];
