// Every SLO with its error budget, burn rates and alerts; create, edit and delete them (the core
// keeps them in slos.yaml next to the data), and turn on desktop notifications for pages.
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { SloDefinition, SloStatus } from '../../../../common/api/slo-schemas';
import { useServices } from '../../api/hooks';
import { useTimeRange } from '../../app/time-range';
import { useUpdateParams } from '../../app/url-state';
import { Dialog } from '../../ui/overlays';
import { EmptyHint, ErrorBanner, SkeletonBlock } from '../../ui/states';
import { useDeleteSlo, useSlos } from './hooks';
import { SourcePicker, useSource } from '../datasources/SourcePicker';
import { useNotificationPermission } from './notify';
import { SloCard } from './SloCard';
import { SloDialog } from './SloDialog';
import './slo.css';

const STATE_ORDER: Record<SloStatus['state'], number> = { page: 0, ticket: 1, ok: 2, no_data: 3 };

export function SloPage() {
  // SLO definitions live in slos.yaml whatever the source; their status is computed from this
  // store or from the picked data source's series.
  const source = useSource();
  const slos = useSlos(source);
  const { spec } = useTimeRange();
  const services = useServices(spec, 0, source);
  const [params] = useSearchParams();
  const update = useUpdateParams();
  const highlight = params.get('slo');
  const filter = params.get('q') ?? '';
  const [editing, setEditing] = useState<SloDefinition | 'new' | null>(null);
  const [deleting, setDeleting] = useState<SloDefinition | null>(null);

  const list = useMemo(() => {
    const q = filter.trim().toLowerCase();
    return [...(slos.data?.slos ?? [])]
      .filter((s) => !q || `${s.slo.name} ${s.slo.service} ${s.slo.id}`.toLowerCase().includes(q))
      .sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.budget.remaining - b.budget.remaining || a.slo.name.localeCompare(b.slo.name));
  }, [slos.data, filter]);

  useEffect(() => {
    if (highlight && slos.data) document.getElementById(`slo-${highlight}`)?.scrollIntoView({ block: 'center' });
  }, [highlight, slos.data]);

  const counts = useMemo(() => {
    const all = slos.data?.slos ?? [];
    return { total: all.length, page: all.filter((s) => s.state === 'page').length, ticket: all.filter((s) => s.state === 'ticket').length };
  }, [slos.data]);

  return (
    <div className="page-pad page-slos">
      <div className="page-head">
        <div>
          <h1>SLOs</h1>
          <div className="page-sub">
            {slos.data ? (
              <>
                <span>
                  <b>{counts.total}</b> objective{counts.total === 1 ? '' : 's'}
                </span>
                {counts.page > 0 ? (
                  <span className="text-error">
                    <b>{counts.page}</b> paging
                  </span>
                ) : null}
                {counts.ticket > 0 ? (
                  <span className="text-warn">
                    <b>{counts.ticket}</b> ticket{counts.ticket === 1 ? '' : 's'}
                  </span>
                ) : null}
                <span title="Loupe keeps SLOs in this file; edit it by hand or here" data-testid="slo-file">
                  in <code>{slos.data.file}</code>
                </span>
              </>
            ) : (
              <span>&nbsp;</span>
            )}
          </div>
        </div>
        <div className="slo-head-actions">
          <input
            className="input filter-input"
            type="search"
            placeholder="Filter SLOs…   /"
            aria-label="Filter SLOs"
            data-search-box
            value={filter}
            onChange={(e) => update((p) => (e.target.value ? p.set('q', e.target.value) : p.delete('q')), { replace: true })}
          />
          <SourcePicker capability="serviceGraph" />
          <NotificationControl />
          <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
            New SLO
          </button>
        </div>
      </div>

      {slos.isError ? <ErrorBanner error={slos.error} onRetry={() => void slos.refetch()} what="Could not load the SLOs" /> : null}
      {slos.data && slos.data.problems.length > 0 ? (
        <div className="banner banner-error" role="alert" data-testid="slo-problems">
          <span className="banner-icon" aria-hidden>
            !
          </span>
          <div className="banner-text">
            <strong>
              Problems in <code>{slos.data.file}</code> (the valid SLOs still apply)
            </strong>
            <ul className="slo-problems">
              {slos.data.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </div>
        </div>
      ) : null}

      {slos.isPending ? <SkeletonBlock height={260} /> : null}
      {slos.data && counts.total === 0 ? (
        <EmptyHint title="No SLOs yet">
          <span>An SLO sets how many requests of a service must succeed (or be fast enough) over a window, and alerts when the error budget burns too fast.</span>
          <button type="button" className="btn btn-primary btn-small" onClick={() => setEditing('new')}>
            Create the first SLO
          </button>
        </EmptyHint>
      ) : null}
      {slos.data && counts.total > 0 && list.length === 0 ? <EmptyHint title={`No SLO matches “${filter}”`} /> : null}
      <div className="slo-list">
        {list.map((s) => (
          <SloCard key={s.slo.id} status={s} highlight={s.slo.id === highlight} onEdit={() => setEditing(s.slo)} onDelete={() => setDeleting(s.slo)} />
        ))}
      </div>

      {editing ? (
        <SloDialog
          initial={editing === 'new' ? null : editing}
          services={(services.data ?? []).map((s) => s.name)}
          takenIds={(slos.data?.slos ?? []).map((s) => s.slo.id)}
          onClose={() => setEditing(null)}
          onSaved={(id) => {
            setEditing(null);
            update((p) => p.set('slo', id), { replace: true });
          }}
        />
      ) : null}
      {deleting ? <DeleteSlo slo={deleting} file={slos.data?.file ?? 'slos.yaml'} onClose={() => setDeleting(null)} /> : null}
    </div>
  );
}

export function DeleteSlo({ slo, file, onClose }: { slo: SloDefinition; file: string; onClose: () => void }) {
  const remove = useDeleteSlo();
  return (
    <Dialog title={`Delete ${slo.name}?`} onClose={onClose}>
      <p>
        This removes <b>{slo.id}</b> from <code>{file}</code>. Its alerts stop.
      </p>
      {remove.isError ? <div className="form-error">{(remove.error as Error).message}</div> : null}
      <div className="slo-form-actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" disabled={remove.isPending} onClick={() => remove.mutate(slo.id, { onSuccess: onClose })}>
          Delete
        </button>
      </div>
    </Dialog>
  );
}

/** Desktop notifications for paging SLO alerts and alert rules: always on in the desktop app; a browser asks once, from a click. */
export function NotificationControl() {
  const { state, request } = useNotificationPermission();
  if (state === 'desktop') return <span className="muted small" title="Paging SLO alerts and firing alert rules show as desktop notifications">Notifications on</span>;
  if (state === 'granted')
    return (
      <span className="muted small" data-testid="notifications-state" title="Paging SLO alerts and firing alert rules show as desktop notifications">
        ● Notifications on
      </span>
    );
  if (state === 'denied') return <span className="muted small" title="The browser blocks notifications for this site; allow them in its site settings">Notifications blocked</span>;
  if (state === 'unsupported') return null;
  return (
    <button type="button" className="btn" onClick={() => void request()} title="Show a desktop notification when an SLO starts paging or an alert rule fires">
      Enable notifications
    </button>
  );
}
