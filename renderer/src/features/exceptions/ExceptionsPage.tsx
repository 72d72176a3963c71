// Exceptions across services: grouped by type and message fingerprint, the new ones first when
// asked; the address keeps the service and the "new only" choice.
import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useServices } from '../../api/hooks';
import { useSetParam } from '../../app/url-state';
import { rangeLabel, rangeParams, useTimeRange } from '../../app/time-range';
import { formatCount } from '../../ui/format';
import { EmptyHint, ErrorBanner, SkeletonRows } from '../../ui/states';
import { ExceptionGroups, lookbackText } from './ExceptionGroups';
import { useExceptions } from './use-exceptions';
import './exceptions.css';

export function ExceptionsPage() {
  const { spec, setRange } = useTimeRange();
  const [params] = useSearchParams();
  const set = useSetParam();
  const service = params.get('service') ?? '';
  const onlyNew = params.get('new') === '1';
  const services = useServices(spec);
  const list = useExceptions(spec, service);
  const carry = rangeParams(params);
  const groups = useMemo(() => {
    const all = list.data?.groups ?? [];
    return onlyNew ? all.filter((g) => g.new) : all;
  }, [list.data, onlyNew]);
  const total = (list.data?.groups ?? []).reduce((n, g) => n + g.count, 0);
  const fresh = (list.data?.groups ?? []).filter((g) => g.new).length;

  return (
    <div className="page-pad page-exceptions">
      <div className="page-head">
        <div>
          <h1>Exceptions</h1>
          <div className="page-sub" data-testid="exceptions-summary">
            {list.data ? (
              <span>
                <b>{formatCount(list.data.groups.length)}</b> group{list.data.groups.length === 1 ? '' : 's'}, {formatCount(total)} occurrence{total === 1 ? '' : 's'} in the{' '}
                {rangeLabel(spec).toLowerCase()}
                {fresh ? (
                  <>
                    {' '}
                    · <b className="exc-new-count">{fresh} new</b>
                  </>
                ) : null}
              </span>
            ) : (
              <span>&nbsp;</span>
            )}
          </div>
        </div>
      </div>
      <div className="exc-filters">
        <label className="field">
          <span>Service</span>
          <select className="input" value={service} onChange={(e) => set('service', e.target.value || null)} aria-label="Service">
            <option value="">All services</option>
            {(services.data ?? []).map((s) => (
              <option key={`${s.namespace}/${s.name}`} value={s.name}>
                {s.name}
              </option>
            ))}
            {service && !(services.data ?? []).some((s) => s.name === service) ? <option value={service}>{service}</option> : null}
          </select>
        </label>
        <label className="exc-only-new">
          <input type="checkbox" checked={onlyNew} onChange={(e) => set('new', e.target.checked ? '1' : null)} /> Only new
        </label>
        {list.data ? (
          <span className="muted small">
            From span events named <span className="mono">exception</span> and log records with <span className="mono">exception.*</span> attributes. New: not seen in
            the {lookbackText(list.data.lookbackMs)} before this window.
          </span>
        ) : null}
      </div>
      {list.data?.capped ? (
        <div className="exc-capped small" data-testid="exceptions-capped">
          Only the newest {formatCount(list.data.cap)} occurrences per source were read; counts of older ones are left out. Choose a shorter window for exact counts.
        </div>
      ) : null}
      {list.isError ? <ErrorBanner error={list.error} onRetry={() => void list.refetch()} what="Could not load exceptions" /> : null}
      {list.isPending ? (
        <div className="table-wrap">
          <table className="table">
            <tbody>
              <SkeletonRows rows={6} columns={6} />
            </tbody>
          </table>
        </div>
      ) : list.data && groups.length === 0 ? (
        <EmptyHint title={onlyNew ? `No new exceptions in the ${rangeLabel(spec).toLowerCase()}` : `No exceptions in the ${rangeLabel(spec).toLowerCase()}`}>
          <span>Exceptions come from spans that record them (recordException) and from logs with exception attributes.</span>
          <button type="button" className="btn btn-small" onClick={() => setRange({ from: 'now-24h', to: 'now' })}>
            Look at the last 24 hours
          </button>
        </EmptyHint>
      ) : list.data ? (
        <ExceptionGroups groups={groups} carry={carry} lookbackMs={list.data.lookbackMs} showService={!service} />
      ) : null}
    </div>
  );
}
