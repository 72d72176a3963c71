import type { ReactNode } from 'react';
import { serviceColor } from './colors';

export function Chip({ children, title, tone }: { children: ReactNode; title?: string; tone?: 'error' | 'muted' }) {
  return (
    <span className={`chip${tone ? ` chip-${tone}` : ''}`} title={title}>
      {children}
    </span>
  );
}

/** A service name with its colour swatch. */
export function ServiceChip({ name, compact }: { name: string; compact?: boolean }) {
  return (
    <span className={`svc-chip${compact ? ' svc-chip-compact' : ''}`} title={name}>
      <span className="svc-dot" style={{ background: serviceColor(name) }} />
      {compact ? null : <span className="svc-name">{name}</span>}
    </span>
  );
}
