// A strip naming the demo faults that are on, for pages where their effects show (the map):
// without it a rehearsal's symptoms look like a real incident. Renders nothing otherwise.
import { Link } from 'react-router-dom';
import { formatClock } from '../../ui/format';
import { useDemoFaults } from './hooks';
import './demo.css';

export function ActiveFaultsBanner() {
  const faults = useDemoFaults();
  const active = faults.data?.faults.filter((f) => f.active) ?? [];
  if (active.length === 0) return null;
  return (
    <div className="fault-banner" role="status" data-testid="active-faults">
      <span className="fault-dot" aria-hidden />
      <span>
        Demo fault{active.length > 1 ? 's' : ''} on:{' '}
        {active.map((f, i) => (
          <span key={f.name}>
            {i > 0 ? ', ' : ''}
            <b>{f.title}</b> ({f.target}, since {formatClock(f.since ?? Date.now())})
          </span>
        ))}
      </span>
      <Link to="/demo" className="fault-banner-link">
        Faults panel
      </Link>
    </div>
  );
}
