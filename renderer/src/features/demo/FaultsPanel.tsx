// The Faults panel: each way the demo can be broken, what it does, what to look for in Loupe,
// and a switch. Switching takes a moment (an instance is killed or redeployed), so the card
// says so while it happens.
import type { OutputOf } from '../../api/client';
import { useShortcuts } from '../../app/shortcuts';
import { formatDuration } from '../../ui/format';
import { useNow } from '../../ui/time';
import { useSetFault } from './hooks';

type Fault = OutputOf<'demoFaults'>['faults'][number];

export function FaultsPanel({ faults, running }: { faults: Fault[]; running: boolean }) {
  const set = useSetFault();
  const now = useNow(1000);
  const switching = set.isPending ? set.variables?.fault : undefined;
  // 1–6 switch the faults in the order shown.
  useShortcuts(
    Object.fromEntries(faults.map((f, i) => [String(i + 1), () => !set.isPending && set.mutate({ fault: f.name, active: !f.active })])),
    running,
  );
  return (
    <section className="faults-panel" aria-labelledby="faults-title" data-testid="faults-panel">
      <header className="faults-head">
        <h2 id="faults-title">Faults</h2>
        <p className="muted small">
          Break the demo shop on purpose and find the cause in Loupe. Each fault changes what the shop&apos;s processes really do; their
          OpenTelemetry SDKs report what happens. See <code>docs/drills.md</code> for the path to each cause.
        </p>
      </header>
      {set.isError ? (
        <div className="form-error" role="alert">
          Could not switch {set.variables?.fault}: {(set.error as Error).message}
        </div>
      ) : null}
      {!running ? <p className="faults-stopped muted">The demo is not running: start it to switch faults on.</p> : null}
      <div className="faults-grid">
        {faults.map((f, i) => {
          const busy = switching === f.name;
          return (
            <article key={f.name} className={`fault-card${f.active ? ' fault-on' : ''}`} data-fault={f.name} data-active={f.active}>
              <div className="fault-title">
                <span className="fault-dot" aria-hidden />
                <h3>{f.title}</h3>
                <kbd className="fault-key" title={`press ${i + 1} to switch`}>
                  {i + 1}
                </kbd>
                <span className="chip chip-muted" title="the part of the shop it acts on">
                  {f.target}
                </span>
              </div>
              <p className="fault-does">{f.does}</p>
              <p className="fault-look">
                <span className="fault-label">Look for</span> {f.lookFor}
              </p>
              <div className="fault-foot">
                <span className="small muted" aria-live="polite">
                  {busy ? (f.active ? 'switching off…' : 'switching on…') : f.active && f.since ? `on for ${formatDuration(now - f.since)}` : `Off: ${f.whenOff}`}
                </span>
                <button
                  type="button"
                  className={`btn btn-small${f.active ? '' : ' btn-danger'}`}
                  disabled={!running || set.isPending}
                  aria-pressed={f.active}
                  aria-label={`${f.active ? 'Stop' : 'Start'} fault ${f.name}`}
                  onClick={() => set.mutate({ fault: f.name, active: !f.active })}
                >
                  {f.active ? 'Stop' : 'Start'}
                </button>
              </div>
            </article>
          );
        })}
      </div>
    </section>
  );
}
