// The demo shop: start or stop it, break it with faults, and see when each fault started and
// stopped.
import { ErrorBanner, SkeletonBlock } from '../../ui/states';
import { FaultHistory } from './FaultHistory';
import { FaultsPanel } from './FaultsPanel';
import { useDemoFaults, useDemoRun } from './hooks';
import './demo.css';

export function DemoPage() {
  const faults = useDemoFaults();
  const run = useDemoRun();
  const running = faults.data?.running ?? false;
  return (
    <div className="page-pad demo-page">
      <div className="page-head">
        <div>
          <h1>Demo shop</h1>
          <div className="page-sub">
            <span data-testid="demo-state">
              {faults.isPending ? '…' : running ? 'Running: twelve instrumented processes sending OTLP to this Loupe' : 'Stopped'}
            </span>
          </div>
        </div>
        <button
          type="button"
          className={`btn${running ? '' : ' btn-primary'}`}
          disabled={faults.isPending || run.isPending}
          onClick={() => run.mutate(!running)}
        >
          {run.isPending ? (running ? 'Stopping…' : 'Starting…') : running ? 'Stop demo' : 'Start demo'}
        </button>
      </div>
      {run.isError ? <ErrorBanner error={run.error} what="The demo" /> : null}
      {faults.isError ? <ErrorBanner error={faults.error} what="Faults" onRetry={() => void faults.refetch()} /> : null}
      {faults.data ? (
        <>
          <FaultsPanel faults={faults.data.faults} running={running} />
          <section className="fault-history" aria-labelledby="fault-history-title">
            <h2 id="fault-history-title">Fault history</h2>
            <FaultHistory history={faults.data.history} />
          </section>
        </>
      ) : faults.isPending ? (
        <SkeletonBlock height={360} />
      ) : null}
    </div>
  );
}
