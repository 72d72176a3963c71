// The pages in the left navigation. New pages (service map, catalog) add an entry here and a
// route in App.tsx.
import type { ComponentType, ReactNode } from 'react';
import { CatalogNavBadge } from '../features/catalog/CatalogNavBadge';

export interface NavEntry {
  path: string;
  label: string;
  shortcut: string;
  icon: ReactNode;
  /** A count shown next to the label (e.g. catalog errors). */
  badge?: ComponentType;
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
  { path: '/catalog', label: 'Catalog', shortcut: 'g c', icon: icon('M3 2.5h9.5a1 1 0 0 1 1 1v11H4a1 1 0 0 1-1-1zM3 12.5a1 1 0 0 1 1-1h9.5M6 5.5h5M6 8h3'), badge: CatalogNavBadge },
];
