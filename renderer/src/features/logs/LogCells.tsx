// The cells of one log row, shared by the Logs page's list and the trace view's logs: time (or
// offset into a trace), severity, service, body with query terms marked, and the trace link.
import { Link } from 'react-router-dom';
import type { LogRecord } from '../../../../common/api/log-schemas';
import { serviceColor } from '../../ui/colors';
import { formatAbsolute, formatClock, formatOffset, formatRelative, shortId } from '../../ui/format';
import { Highlight } from './highlight';
import { SeverityBadge } from './SeverityBadge';

/** The row's severity band class: error (≥ 17), warn (≥ 13) or normal. */
export const logBand = (severityNumber: number) => `log-band-${severityNumber >= 17 ? 'error' : severityNumber >= 13 ? 'warn' : 'normal'}`;

export function LogCells({
  log: l,
  matcher,
  offsetFrom,
  showTrace = true,
}: {
  log: LogRecord;
  matcher: RegExp | null;
  /** Show the time as an offset from this unix ms (inside a trace). */
  offsetFrom?: number;
  showTrace?: boolean;
}) {
  return (
    <>
      <span className="mono log-time" title={`${formatAbsolute(l.time)} (${formatRelative(l.time)})`}>
        {offsetFrom !== undefined ? formatOffset(l.time - offsetFrom) : formatClock(l.time)}
      </span>
      <span>
        <SeverityBadge number={l.severityNumber} text={l.severityText} />
      </span>
      <span className="log-svc" title={l.service}>
        <span className="svc-dot" style={{ background: serviceColor(l.service) }} />
        {l.service}
      </span>
      <span className="log-body mono" title={l.body.length > 120 ? l.body.slice(0, 2000) : undefined}>
        <Highlight text={l.body} matcher={matcher} />
      </span>
      {showTrace ? (
        <span className="log-trace mono">
          {l.traceId ? (
            <Link
              to={`/traces/${l.traceId}${l.spanId ? `?span=${l.spanId}` : ''}`}
              onClick={(e) => e.stopPropagation()}
              className="link"
              title={`Open trace ${l.traceId}${l.spanId ? ` at span ${l.spanId}` : ''}`}
            >
              {shortId(l.traceId, 8)}
            </Link>
          ) : (
            <span className="muted">—</span>
          )}
        </span>
      ) : null}
    </>
  );
}
