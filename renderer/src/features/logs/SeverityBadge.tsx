import { severityBand } from '../../ui/colors';

export function SeverityBadge({ number, text }: { number: number; text?: string }) {
  const band = severityBand(number);
  const label = band === 'UNSPECIFIED' ? text || '—' : band;
  return (
    <span className={`sev sev-${band.toLowerCase()}`} title={`${text || band} (severity ${number})`}>
      {label}
    </span>
  );
}
