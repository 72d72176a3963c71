// The trace page's Logs tab: the log records that carry the trace id, or only those of the span
// under the cursor, with one record's details beside them.
import { useState } from 'react';
import { useSetParam } from '../../app/url-state';
import type { useTraceLogs } from '../../api/hooks';
import { EmptyHint, ErrorBanner, SkeletonBlock } from '../../ui/states';
import { LogDetail } from '../logs/LogDetail';
import { LogList } from '../logs/LogList';
import type { SpanNode, TraceModel } from './trace-model';

export function TraceLogs({ model, cursor, logs, spanLogsOnly }: { model: TraceModel; cursor: SpanNode | null; logs: ReturnType<typeof useTraceLogs>; spanLogsOnly: boolean }) {
  const setParam = useSetParam(true);
  const [selectedLog, setSelectedLog] = useState<number | null>(null);
  const traceLogs = logs.data ?? [];
  const shownLogs = spanLogsOnly && cursor ? traceLogs.filter((l) => l.spanId === cursor.span.spanId) : traceLogs;
  const openLog = selectedLog !== null ? traceLogs.find((l) => l.id === selectedLog) : undefined;
  return (
    <div className="trace-logs">
      <div className="trace-logs-bar">
        <label className={`check${cursor ? '' : ' disabled'}`}>
          <input type="checkbox" checked={spanLogsOnly && !!cursor} disabled={!cursor} onChange={(e) => setParam('spanLogs', e.target.checked ? '1' : null)} />
          {cursor ? (
            <>
              Only span <b>{cursor.span.name}</b> <span className="mono muted">{cursor.span.spanId}</span>
            </>
          ) : (
            'Select a span in the timeline to filter its logs'
          )}
        </label>
        <span className="muted small">
          {shownLogs.length} of {traceLogs.length} records
        </span>
      </div>
      {logs.isError ? <ErrorBanner error={logs.error} onRetry={() => void logs.refetch()} what="Could not load the trace's logs" /> : null}
      {logs.isPending ? (
        <SkeletonBlock height={200} />
      ) : shownLogs.length === 0 ? (
        <EmptyHint title={traceLogs.length ? 'No log records for this span' : 'No log records carry this trace id'}>
          Logs are linked to traces when the logging SDK runs inside an active span.
        </EmptyHint>
      ) : (
        <LogList logs={shownLogs} matcher={null} selectedId={selectedLog} onSelect={setSelectedLog} offsetFrom={model.startMs} showTrace={false} testId="trace-logs" />
      )}
      {openLog ? <LogDetail log={openLog} onClose={() => setSelectedLog(null)} /> : null}
    </div>
  );
}
