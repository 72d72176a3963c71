import { useEffect, useState } from 'react';
import { formatAbsolute, formatRelative } from './format';

/** The current time, refreshed every `intervalMs` (for live relative times). */
export function useNow(intervalMs = 5000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(t);
  }, [intervalMs]);
  return now;
}

/** "12s ago", with the absolute time on hover; updates itself. */
export function RelativeTime({ ms, className }: { ms: number; className?: string }) {
  const now = useNow(ms > Date.now() - 60_000 ? 1000 : 15_000);
  return (
    <time className={className} dateTime={new Date(ms).toISOString()} title={formatAbsolute(ms)}>
      {formatRelative(ms, now)}
    </time>
  );
}
