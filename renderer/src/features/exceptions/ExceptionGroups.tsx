// Exception groups as a table: type and fingerprint, counts over the window as a sparkline,
// first and last seen, "new" when the group was not seen in the look-back before the window.
// A row opens to the newest message, a stack trace and the newest occurrences, each linking to
// its trace at the span that recorded it (or to the log record).
import { Fragment, useState } from 'react';
import { Link } from 'react-router-dom';
import type { ExceptionGroup } from '../../../../common/api/incident-schemas';
import { formatClock } from '../../ui/format';
import { Sparkline } from '../../ui/Sparkline';
import { RelativeTime } from '../../ui/time';
import { ServiceChip } from '../../ui/Chip';
import './exceptions.css';

export function ExceptionGroups({
  groups,
  carry,
  showService = true,
  lookbackMs,
  limit,
  testId = 'exception-groups',
}: {
  groups: ExceptionGroup[];
  /** Query parameters (the time range) kept on links. */
  carry: URLSearchParams;
  showService?: boolean;
  lookbackMs: number;
  limit?: number;
  testId?: string;
}) {
  const [open, setOpen] = useState<string | null>(null);
  const shown = limit ? groups.slice(0, limit) : groups;
  const link = (path: string, extra: Array<[string, string]> = []) => `${path}?${new URLSearchParams([...carry, ...extra])}`;
  const columns = showService ? 7 : 6;
  return (
    <div className="table-wrap">
      <table className="table exc-table" data-testid={testId}>
        <thead>
          <tr>
            <th>Exception</th>
            {showService ? <th>Service</th> : null}
            <th className="num">Count</th>
            <th>Over the window</th>
            <th>First seen</th>
            <th>Last seen</th>
            <th aria-label="Open" />
          </tr>
        </thead>
        <tbody>
          {shown.map((g) => {
            const isOpen = open === g.id;
            return (
              <Fragment key={g.id}>
                <tr className={`exc-row${isOpen ? ' exc-row-open' : ''}`} data-group={g.id} data-testid="exception-group" onClick={() => setOpen(isOpen ? null : g.id)}>
                  <td className="exc-main">
                    <div className="exc-type">
                      {g.new ? (
                        <span className="badge badge-new" title={`Not seen in the ${lookbackText(lookbackMs)} before this window`} data-testid="exception-new">
                          new
                        </span>
                      ) : null}
                      <span className="mono">{g.type || '(no type)'}</span>
                    </div>
                    <div className="exc-fingerprint mono" title={g.message}>
                      {g.fingerprint || <span className="muted">no message</span>}
                    </div>
                  </td>
                  {showService ? (
                    <td>
                      <ServiceChip name={g.service} />
                    </td>
                  ) : null}
                  <td className="num mono">{g.count.toLocaleString()}</td>
                  <td>
                    <Sparkline values={g.counts} errors={g.counts} width={110} height={24} label={`${g.count} occurrences over the window`} />
                  </td>
                  <td className="small">
                    <RelativeTime ms={g.firstSeen} />
                  </td>
                  <td className="small">
                    <RelativeTime ms={g.lastSeen} />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="btn btn-small"
                      aria-expanded={isOpen}
                      aria-label={`${isOpen ? 'Close' : 'Open'} ${g.type || 'exception'} ${g.fingerprint}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        setOpen(isOpen ? null : g.id);
                      }}
                    >
                      {isOpen ? 'Close' : 'Open'}
                    </button>
                  </td>
                </tr>
                {isOpen ? (
                  <tr className="exc-detail-row">
                    <td colSpan={columns}>
                      <div className="exc-detail" data-testid="exception-detail">
                        <div className="exc-message">
                          <span className="muted small">Newest message</span>
                          <div className="mono">{g.message || '—'}</div>
                        </div>
                        <div className="exc-stack">
                          <span className="muted small">Stack trace</span>
                          {g.stacktrace ? <pre className="mono" data-testid="exception-stack">{g.stacktrace}</pre> : <div className="muted small">No stack trace was recorded.</div>}
                        </div>
                        <div className="exc-samples">
                          <span className="muted small">Newest occurrences</span>
                          <ul>
                            {g.samples.map((s, i) => (
                              <li key={i}>
                                <span className="mono muted small">{formatClock(s.time)}</span>
                                {s.traceId ? (
                                  <Link className="link mono small" to={link(`/traces/${s.traceId}`, s.spanId ? [['span', s.spanId]] : [])} data-testid="exception-trace-link">
                                    trace {s.traceId.slice(0, 8)}
                                    {s.spanId ? ` · span ${s.spanId.slice(0, 8)}` : ''}
                                  </Link>
                                ) : (
                                  <span className="muted small">no trace</span>
                                )}
                                {s.logId ? (
                                  <Link className="link small" to={link('/logs', [['service', g.service], ['log', String(s.logId)]])}>
                                    log record
                                  </Link>
                                ) : null}
                                <span className="muted small">{s.source === 'span' ? 'span event' : 'log'}</span>
                              </li>
                            ))}
                          </ul>
                        </div>
                      </div>
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The look-back as words: "5 minutes", "1 hour", "24 hours". */
export function lookbackText(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  return `${hours} hours`;
}
