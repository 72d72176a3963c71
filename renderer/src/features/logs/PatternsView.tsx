// The Logs explorer's Patterns view: the window's log bodies clustered into templates (the core
// runs Drain over the newest records, up to a cap), each with its count, a sparkline and its
// severity; patterns first seen after the chosen moment (the last deploy by default) are marked
// new and listed first. Clicking a pattern shows its records in the list.
import { useMemo } from 'react';
import type { LogFilter } from '../../api/hooks';
import { useApi } from '../../api/query';
import type { RangeSpec } from '../../app/time-range';
import type { LogPattern, LogPatterns } from '../../../../common/api/incident-schemas';
import { formatClock, formatCount } from '../../ui/format';
import { Sparkline } from '../../ui/Sparkline';
import { EmptyHint, ErrorBanner, SkeletonBlock, Spinner } from '../../ui/states';
import { RelativeTime } from '../../ui/time';
import { SeverityBadge } from './SeverityBadge';

export const DEFAULT_PATTERN_LIMIT = 20_000;
export const MAX_PATTERN_LIMIT = 100_000;

/** `since` as the address keeps it: `deploy`, `none`, or unix ms. */
export function sinceInput(since: string): number | 'deploy' | undefined {
  if (since === 'none') return undefined;
  if (/^\d+$/.test(since)) return Number(since);
  return 'deploy';
}

export function PatternsView({
  range,
  filter,
  since,
  limit,
  onSince,
  onLimit,
  onPick,
}: {
  range: RangeSpec;
  filter: LogFilter;
  since: string;
  limit: number;
  onSince: (since: string) => void;
  onLimit: (limit: number) => void;
  onPick: (template: string) => void;
}) {
  const input = { q: filter.q, service: filter.service, minSeverity: filter.minSeverity, attr: filter.attr, since: sinceInput(since), limit };
  const result = useApi('logPatterns', input, { range, tables: ['logs'], placeholder: 'keep' });
  const data = result.data;
  const patterns = useMemo(() => {
    const list = data?.patterns ?? [];
    // New patterns first, then by count (the order the core answers in).
    return [...list.filter((p) => p.new), ...list.filter((p) => !p.new)];
  }, [data]);
  const fresh = patterns.filter((p) => p.new).length;

  return (
    <div className="patterns" data-testid="patterns-view">
      <div className="patterns-bar">
        <label className="patterns-since">
          <span className="muted small">New since</span>
          <select
            className="input"
            aria-label="New since"
            value={/^\d+$/.test(since) ? 'time' : since}
            onChange={(e) => {
              const v = e.target.value;
              if (v === 'deploy' || v === 'none') onSince(v);
              else onSince(String(Date.now() - Number(v) * 60_000));
            }}
          >
            <option value="deploy">the last deploy</option>
            <option value="5">5 minutes ago</option>
            <option value="15">15 minutes ago</option>
            <option value="60">1 hour ago</option>
            {/^\d+$/.test(since) ? <option value="time">{formatClock(Number(since))}</option> : null}
            <option value="none">— (mark nothing new)</option>
          </select>
        </label>
        <SinceNote data={data} since={since} fresh={fresh} />
        <span className="patterns-stats muted small" data-testid="patterns-stats">
          {result.isFetching ? <Spinner /> : null}
          {data ? `${formatCount(data.clustered)} records clustered into ${formatCount(data.patterns.length)} patterns in ${data.tookMs} ms` : null}
        </span>
      </div>
      {data?.capped ? (
        <div className="patterns-capped small" data-testid="patterns-capped">
          More records match than are clustered at once: these patterns come from the newest {formatCount(data.limit)}
          {data.coveredFrom !== null ? <>, back to {formatClock(data.coveredFrom)}</> : null}.
          {data.limit < MAX_PATTERN_LIMIT ? (
            <button type="button" className="btn btn-small" onClick={() => onLimit(MAX_PATTERN_LIMIT)}>
              Cluster up to {formatCount(MAX_PATTERN_LIMIT)}
            </button>
          ) : (
            <span> Narrow the search or the window to cover all of it.</span>
          )}
        </div>
      ) : null}
      {result.isError ? <ErrorBanner error={result.error} onRetry={() => void result.refetch()} what="Could not cluster the logs" /> : null}
      {result.isPending ? (
        <SkeletonBlock height={300} />
      ) : data && patterns.length === 0 ? (
        <EmptyHint title="No log records to cluster in this window">
          <span>Loosen the search or widen the time range.</span>
        </EmptyHint>
      ) : data ? (
        <div className="table-wrap">
          <table className="table patterns-table" data-testid="patterns-table">
            <thead>
              <tr>
                <th>Pattern</th>
                <th className="num">Count</th>
                <th>Over the window</th>
                <th>Severity</th>
                <th>Services</th>
                <th>First seen</th>
              </tr>
            </thead>
            <tbody>
              {patterns.map((p) => (
                <PatternRow key={p.template} pattern={p} total={data.clustered} onPick={onPick} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

function SinceNote({ data, since, fresh }: { data: LogPatterns | undefined; since: string; fresh: number }) {
  if (!data || since === 'none') return null;
  if (data.since === null)
    return (
      <span className="muted small" data-testid="patterns-since">
        No deploy in this window: pick a time to see what is new.
      </span>
    );
  const what = data.deploy ? `the deploy of ${data.deploy.service} ${data.deploy.version} at ${formatClock(data.deploy.time)}` : formatClock(data.since);
  const undecided = data.patterns.length > 0 && data.patterns.every((p) => p.new === null);
  return (
    <span className="small" data-testid="patterns-since">
      {undecided ? (
        <span className="muted">The records clustered do not reach back before {what}: newness cannot be told.</span>
      ) : (
        <>
          <b className={fresh ? 'patterns-new-count' : ''}>{fresh} new</b> <span className="muted">since {what}</span>
        </>
      )}
    </span>
  );
}

/** The template with its wildcards and masked values set apart. */
function Template({ text }: { text: string }) {
  const parts = text.split(/(<\*>|<[A-Z]+>)/);
  return (
    <span className="pattern-template mono">
      {parts.map((part, i) =>
        part === '<*>' ? (
          <span key={i} className="pattern-wild">
            *
          </span>
        ) : /^<[A-Z]+>$/.test(part) ? (
          <span key={i} className="pattern-mask">
            {part.slice(1, -1).toLowerCase()}
          </span>
        ) : (
          <span key={i}>{part}</span>
        ),
      )}
    </span>
  );
}

function PatternRow({ pattern: p, total, onPick }: { pattern: LogPattern; total: number; onPick: (template: string) => void }) {
  return (
    <tr className={`pattern-row${p.new ? ' pattern-row-new' : ''}`} data-testid="pattern-row" onClick={() => onPick(p.template)}>
      <td className="pattern-main">
        <button type="button" className="pattern-pick" onClick={(e) => (e.stopPropagation(), onPick(p.template))} title={`Show the records of this pattern. Newest: ${p.sample}`}>
          {p.new ? (
            <span className="badge badge-new" data-testid="pattern-new">
              new
            </span>
          ) : null}
          <Template text={p.template} />
        </button>
      </td>
      <td className="num mono">
        {formatCount(p.count)}
        {total ? <span className="muted small pattern-share">{`${((p.count / total) * 100).toFixed(p.count / total < 0.01 ? 2 : 1)}%`}</span> : null}
      </td>
      <td>
        <Sparkline values={p.counts} errors={p.severityNumber >= 17 ? p.counts : undefined} width={110} height={24} label={`${p.count} records over the window`} />
      </td>
      <td>
        <SeverityBadge number={p.severityNumber} text={p.severityText} />
      </td>
      <td className="small pattern-services" title={p.services.join(', ')}>
        {p.services.join(', ')}
      </td>
      <td className="small">
        <RelativeTime ms={p.firstSeen} />
      </td>
    </tr>
  );
}
