// A log record in full: body (structured bodies pretty-printed), ids, attributes, resource.
import { Link } from 'react-router-dom';
import type { LogRecord } from '../../../../common/api/log-schemas';
import { AttributeTable } from '../../ui/AttributeTable';
import { ServiceChip } from '../../ui/Chip';
import { formatAbsolute, formatRelative } from '../../ui/format';
import { Drawer } from '../../ui/overlays';
import { SeverityBadge } from './SeverityBadge';

export function LogDetail({ log, onClose }: { log: LogRecord; onClose: () => void }) {
  const structured = log.bodyValue !== undefined && log.bodyValue !== null && typeof log.bodyValue === 'object';
  return (
    <Drawer
      title={
        <span className="log-drawer-title">
          <SeverityBadge number={log.severityNumber} text={log.severityText} />
          <span className="mono">{formatAbsolute(log.time)}</span>
          <span className="muted small">{formatRelative(log.time)}</span>
        </span>
      }
      onClose={onClose}
    >
      <div data-testid="log-detail">
        <section className="sd-section">
          <h3>Body</h3>
          <pre className="log-body-full">{structured ? JSON.stringify(log.bodyValue, null, 2) : log.body}</pre>
        </section>
        <dl className="facts">
          <dt>Service</dt>
          <dd>
            <ServiceChip name={log.service} />
          </dd>
          <dt>Severity</dt>
          <dd>
            {log.severityText || '—'} <span className="muted">({log.severityNumber})</span>
          </dd>
          {log.eventName ? (
            <>
              <dt>Event</dt>
              <dd className="mono">{log.eventName}</dd>
            </>
          ) : null}
          <dt>Trace</dt>
          <dd className="mono">
            {log.traceId ? (
              <Link className="link" to={`/traces/${log.traceId}${log.spanId ? `?span=${log.spanId}` : ''}`}>
                {log.traceId}
              </Link>
            ) : (
              <span className="muted">none</span>
            )}
          </dd>
          <dt>Span</dt>
          <dd className="mono">{log.spanId || <span className="muted">none</span>}</dd>
          <dt>Observed</dt>
          <dd className="mono">{log.observedTimeUnixNano && log.observedTimeUnixNano !== '0' ? formatAbsolute(Number(BigInt(log.observedTimeUnixNano) / 1_000_000n)) : '—'}</dd>
          <dt>Record id</dt>
          <dd className="mono">{log.id}</dd>
        </dl>
        <section className="sd-section">
          <h3>
            Attributes<span className="count">{Object.keys(log.attributes).length}</span>
          </h3>
          <AttributeTable attributes={log.attributes} />
        </section>
        {log.resource ? (
          <section className="sd-section">
            <h3>
              Resource<span className="count">{Object.keys(log.resource).length}</span>
            </h3>
            <AttributeTable attributes={log.resource} />
          </section>
        ) : null}
      </div>
    </Drawer>
  );
}
