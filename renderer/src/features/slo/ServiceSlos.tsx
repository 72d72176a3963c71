// The SLOs of one service, compact, for its page: state, budget left, burn rates and alerts,
// computed from this store or from the data source the page reads (`source`).
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { SloDefinition } from '../../../../common/api/slo-schemas';
import { rangeParams } from '../../app/time-range';
import { ErrorBanner, SkeletonBlock } from '../../ui/states';
import { useSlos } from './hooks';
import { AlertRules, BudgetBar, BurnDown, BurnRates, SloError, StateBadge } from './SloCard';
import { SloDialog } from './SloDialog';
import { sliText } from './slo-model';
import './slo.css';

export function ServiceSlos({ service, services, source = 'local' }: { service: string; services: string[]; source?: string }) {
  const slos = useSlos(source, service);
  const remote = source !== 'local';
  const [params] = useSearchParams();
  const [editing, setEditing] = useState<SloDefinition | 'new' | null>(null);
  // Ids are unique across slos.yaml: the dialog checks a new one against every SLO (read from
  // this store, which needs no source) only while it is open.
  const all = useSlos('local', undefined, editing !== null);
  const mine = slos.data?.slos ?? [];
  const carry = [...rangeParams(params), ...(remote ? [['source', source]] : [])];
  return (
    <section className="svc-section" data-testid="service-slos">
      <h2>
        SLOs <span className="count">{mine.length}</span>
        {remote ? (
          <span className="muted small svc-section-note" data-testid="slo-source">
            from <span className="mono">{source}</span>&apos;s span metrics
          </span>
        ) : null}
        <button type="button" className="btn btn-small svc-section-action" onClick={() => setEditing('new')}>
          Add an SLO
        </button>
      </h2>
      {slos.isPending ? <SkeletonBlock height={90} /> : null}
      {slos.isError ? <ErrorBanner error={slos.error} what={`Could not compute the SLOs${remote ? ` from ${source}` : ''}`} onRetry={() => void slos.refetch()} /> : null}
      {slos.data && mine.length === 0 ? <div className="muted small">No SLO for {service} yet. One sets how many of its requests must succeed over a window, and alerts when the error budget burns too fast.</div> : null}
      <div className="svc-slos">
        {mine.map((s) => (
          <article key={s.slo.id} className={`svc-slo slo-card-${s.state}`} data-slo-id={s.slo.id}>
            <header className="svc-slo-head">
              <StateBadge state={s.state} failed={!!s.error} />
              <Link to={`/slos?${new URLSearchParams([...carry, ['slo', s.slo.id]])}`} className="svc-slo-name">
                {s.slo.name}
              </Link>
              <span className="muted small">
                {s.slo.objective}% {sliText(s.slo)} over {s.slo.window}
              </span>
              <button type="button" className="btn btn-small" onClick={() => setEditing(s.slo)}>
                Edit
              </button>
            </header>
            {s.notice ? (
              <div className="muted small svc-slo-notice" data-testid="slo-notice">
                {s.notice}
              </div>
            ) : null}
            <SloError status={s} />
            {s.error ? null : (
              <div className="svc-slo-body">
                <div>
                  <BudgetBar status={s} />
                  <BurnRates status={s} />
                </div>
                <BurnDown status={s} height={96} />
                <AlertRules status={s} />
              </div>
            )}
          </article>
        ))}
      </div>
      {editing ? (
        <SloDialog
          initial={editing === 'new' ? null : editing}
          service={service}
          services={services}
          takenIds={(all.data?.slos ?? slos.data?.slos ?? []).map((s) => s.slo.id)}
          onClose={() => setEditing(null)}
          onSaved={() => setEditing(null)}
        />
      ) : null}
    </section>
  );
}
