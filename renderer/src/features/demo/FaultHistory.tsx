// Every fault started and stopped, newest first: the times to line up with charts.
import type { OutputOf } from '../../api/client';
import { FAULTS } from '../../../../common/demo-faults';
import { formatAbsolute } from '../../ui/format';
import { EmptyHint } from '../../ui/states';

export function FaultHistory({ history }: { history: OutputOf<'demoFaults'>['history'] }) {
  if (history.length === 0) return <EmptyHint title="No faults yet">Faults you start and stop are listed here with their times.</EmptyHint>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="fault-history">
        <thead>
          <tr>
            <th>Time</th>
            <th>Fault</th>
            <th>Event</th>
            <th>Why</th>
          </tr>
        </thead>
        <tbody>
          {history.slice(0, 50).map((e) => (
            <tr key={`${e.at}-${e.fault}-${e.action}`}>
              <td className="mono small">{formatAbsolute(e.at)}</td>
              <td>
                {FAULTS[e.fault].title} <span className="chip chip-muted">{e.fault}</span>
              </td>
              <td>
                <span className={`chip${e.action === 'started' ? ' chip-error' : ''}`}>{e.action}</span>
              </td>
              <td className="muted small">{e.reason ?? 'switched by hand'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
