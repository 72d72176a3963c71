// The pages in the left navigation. New pages (service map, catalog) add an entry here and a
// route in App.tsx.
import type { ComponentType, ReactNode } from 'react';
import { AlertsNavBadge } from '../features/alerts/AlertsNavBadge';
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
  { path: '/map', label: 'Map', shortcut: 'g a', icon: icon('M4 4.5a1.5 1.5 0 1 0 0 .01M14 4.5a1.5 1.5 0 1 0 0 .01M9 13.5a1.5 1.5 0 1 0 0 .01M5.4 5.3l2.4 6.9M12.6 5.3l-2.4 6.9M5.5 4.5h7') },
  { path: '/traces', label: 'Traces', shortcut: 'g t', icon: icon('M2.5 4h9M5 8h8.5M7.5 12h5M2.5 4v0M5 8v0M7.5 12v0M2.5 2.5v13') },
  // Two bars of different length side by side: two traces compared.
  { path: '/compare', label: 'Compare', shortcut: 'g p', icon: icon('M2.5 4.5h8M2.5 7.5h5M2.5 10.5h10M2.5 13.5h6M15.5 2.5v13') },
  { path: '/logs', label: 'Logs', shortcut: 'g l', icon: icon('M3 4h12M3 7.5h12M3 11h8M3 14.5h10') },
  // A lightning bolt: what broke, grouped.
  { path: '/exceptions', label: 'Exceptions', shortcut: 'g x', icon: icon('M10 1.8 4 10h4.5L7.5 16.2 14 8H9.5z') },
  { path: '/metrics', label: 'Metrics', shortcut: 'g m', icon: icon('M2.5 15.5h13M3.5 12l3.5-4.5 3 2.5 4.5-6.5M14.5 3.5v2h-2') },
  { path: '/releases', label: 'Releases', shortcut: 'g r', icon: icon('M3 14.5h12M5 14.5V9M9 14.5V4M13 14.5V7M7 6.5 9 4l2 2.5') },
  // A bell, with the number of alerts firing.
  {
    path: '/alerts',
    label: 'Alerts',
    shortcut: 'g e',
    icon: icon('M9 2.5a4.5 4.5 0 0 0-4.5 4.5v3L3 12.5h12L13.5 10V7A4.5 4.5 0 0 0 9 2.5zM7.3 14.5a1.8 1.8 0 0 0 3.4 0'),
    badge: AlertsNavBadge,
  },
  { path: '/slos', label: 'SLOs', shortcut: 'g o', icon: icon('M9 2.5a6.5 6.5 0 1 0 6.5 6.5M9 5.5a3.5 3.5 0 1 0 3.5 3.5M9 9l5-5M12 4h2v2') },
  { path: '/catalog', label: 'Catalog', shortcut: 'g c', icon: icon('M3 2.5h9.5a1 1 0 0 1 1 1v11H4a1 1 0 0 1-1-1zM3 12.5a1 1 0 0 1 1-1h9.5M6 5.5h5M6 8h3'), badge: CatalogNavBadge },
  // A flask: where the demo shop is run and broken on purpose.
  { path: '/demo', label: 'Demo', shortcut: 'g d', icon: icon('M7 2.5h4M7.5 2.5v4.5L3.2 14a1 1 0 0 0 .9 1.5h9.8a1 1 0 0 0 .9-1.5L10.5 7V2.5M5 11h8') },
  {
    path: '/settings',
    label: 'Settings',
    shortcut: 'g ,',
    icon: icon('M9 6.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5zM9 1.8v2M9 14.2v2M1.8 9h2M14.2 9h2M3.9 3.9l1.4 1.4M12.7 12.7l1.4 1.4M3.9 14.1l1.4-1.4M12.7 5.3l1.4-1.4'),
  },
];
