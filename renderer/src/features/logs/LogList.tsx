// Log rows, virtualized: time, severity, service, body (query terms marked), trace link.
import { useEffect, useRef, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { LogRecord } from '../../../../common/api/log-schemas';
import { LogCells, logBand } from './LogCells';

const ROW = 26;

export function LogList({
  logs,
  matcher,
  selectedId,
  onSelect,
  offsetFrom,
  showTrace = true,
  footer,
  onNearEnd,
  testId,
}: {
  logs: LogRecord[];
  matcher: RegExp | null;
  selectedId: number | null;
  onSelect: (id: number) => void;
  /** Show times as offsets from this unix ms (inside a trace). */
  offsetFrom?: number;
  showTrace?: boolean;
  footer?: ReactNode;
  onNearEnd?: () => void;
  testId?: string;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: logs.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    overscan: 30,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1].index : -1;
  useEffect(() => {
    if (onNearEnd && lastIndex >= logs.length - 5 && logs.length > 0) onNearEnd();
  }, [lastIndex, logs.length, onNearEnd]);
  const selectedIndex = logs.findIndex((l) => l.id === selectedId);
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  return (
    <div className={`log-list${showTrace ? '' : ' log-list-notrace'}`} data-testid={testId}>
      <div className="log-head" role="row">
        <span>{offsetFrom !== undefined ? 'Offset' : 'Time'}</span>
        <span>Severity</span>
        <span>Service</span>
        <span>Body</span>
        {showTrace ? <span>Trace</span> : null}
      </div>
      <div className="log-scroll" ref={scrollRef} role="table">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const l = logs[item.index];
            const selected = l.id === selectedId;
            return (
              <div
                key={l.id}
                className={`log-row${selected ? ' log-selected' : ''} ${logBand(l.severityNumber)}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW }}
                onClick={() => onSelect(l.id)}
                role="row"
                aria-selected={selected}
                data-log-id={l.id}
              >
                <LogCells log={l} matcher={matcher} offsetFrom={offsetFrom} showTrace={showTrace} />
              </div>
            );
          })}
        </div>
        {footer}
      </div>
    </div>
  );
}
