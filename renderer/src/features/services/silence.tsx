// Silent and late sources, as the Services list, the map and Settings show them. Silence is a
// matter of time passing with nothing arriving, so it is polled rather than waited for (no
// ingest event announces that nothing came).
import type { OutputOf } from '../../api/client';
import { ALL_TABLES, useApi } from '../../api/query';
import { formatDuration, formatRelative } from '../../ui/format';

export type ServiceActivity = OutputOf<'sourceActivity'>['services'][number];

/** Silent services stop being called out once they have been quiet this long: gone, not silent. */
const CALL_OUT_FOR_MS = 24 * 3_600_000;

export function useSourceActivity() {
  return useApi('sourceActivity', {}, { tables: ALL_TABLES, refetchInterval: 10_000 });
}

/** Activity by service name. */
export function useActivityByService(): Map<string, ServiceActivity> {
  const q = useSourceActivity();
  return new Map((q.data?.services ?? []).map((s) => [s.service, s]));
}

/** Services silent now, most recently silent first (those quiet for over a day left out). */
export function silentServices(list: readonly ServiceActivity[], now: number): ServiceActivity[] {
  return list.filter((s) => s.silent && now - s.lastSeen < CALL_OUT_FOR_MS).sort((a, b) => b.lastSeen - a.lastSeen);
}

export function silenceText(a: ServiceActivity): string {
  const usual = a.usualIntervalMs !== null ? `; usually every ${formatDuration(a.usualIntervalMs)}` : '';
  return `No data since ${new Date(a.lastSeen).toLocaleTimeString(undefined, { hour12: false })}${usual}`;
}

/** The row badge: "silent · last seen 3m ago". */
export function SilentBadge({ activity }: { activity: ServiceActivity }) {
  return (
    <span className="reason reason-error" title={silenceText(activity)} data-testid="silent-badge">
      silent · last seen {formatRelative(activity.lastSeen)}
    </span>
  );
}

/** Late data for a row: "late ×12 (up to 31m)". */
export function LateBadge({ activity }: { activity: ServiceActivity }) {
  const l = activity.late;
  if (l.items === 0) return null;
  return (
    <span className="reason reason-warn" title={`${l.items} items arrived more than 2 minutes after their own time; the latest ${formatDuration(l.lastLagMs)} behind`} data-testid="late-badge">
      late ×{l.items} (up to {formatDuration(l.maxLagMs)})
    </span>
  );
}

/** The call-out above the Services list: which services stopped sending. */
export function SilentCallout({ onOpen }: { onOpen: (service: string) => void }) {
  const q = useSourceActivity();
  const silent = silentServices(q.data?.services ?? [], q.data?.now ?? Date.now());
  if (silent.length === 0) return null;
  return (
    <div className="silent-callout" role="alert" data-testid="silent-callout">
      <span className="banner-icon" aria-hidden>
        !
      </span>
      <span>
        <b>
          {silent.length === 1 ? '1 service went silent' : `${silent.length} services went silent`}
        </b>
        {' — '}
        {silent.map((s, i) => (
          <span key={s.service}>
            {i > 0 ? ', ' : ''}
            <button type="button" className="link-button" onClick={() => onOpen(s.service)} title={silenceText(s)}>
              {s.service}
            </button>{' '}
            <span className="muted">last seen {formatRelative(s.lastSeen)}{s.usualIntervalMs !== null ? `, usually every ${formatDuration(s.usualIntervalMs)}` : ''}</span>
          </span>
        ))}
      </span>
    </div>
  );
}
