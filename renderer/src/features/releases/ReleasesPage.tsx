// Releases: a service's instances (Eureka-like), deploys over time (Spinnaker-like) and canary
// judgement (Kayenta-like), on one page with a tab each; the service and versions live in the URL.
import { useMemo, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useServices } from '../../api/hooks';
import { useApi } from '../../api/query';
import { rangeLabel, useTimeRange } from '../../app/time-range';
import { useUpdateParams } from '../../app/url-state';
import { Tabs } from '../../ui/overlays';
import { EmptyHint, ErrorBanner, SkeletonBlock, Spinner } from '../../ui/states';
import { CanaryResultView } from './CanaryResultView';
import { DeployTimeline } from './DeployTimeline';
import { InstancesTable } from './InstancesTable';
import { ChartMarkersProvider, useDeployMarkers } from './ChartMarkers';
import { useGoldenSignals } from '../service-page/hooks';
import { completeBuckets } from '../service-page/series';
import { TrafficChart } from '../service-page/SignalCharts';
import './releases.css';

type Tab = 'instances' | 'deploys' | 'canary';

export function ReleasesPage() {
  const [params] = useSearchParams();
  const update = useUpdateParams();
  const { spec } = useTimeRange();
  const tab = (['instances', 'deploys', 'canary'].includes(params.get('tab') ?? '') ? params.get('tab') : 'instances') as Tab;
  const services = useServices(spec);
  const names = useMemo(() => (services.data ?? []).map((s) => s.name).sort(), [services.data]);
  const service = params.get('service') ?? names[0] ?? '';
  const set = (key: string, value: string | null) => update((p) => (value ? p.set(key, value) : p.delete(key)));

  return (
    <div className="page-pad" data-testid="releases-page">
      <h1>Releases</h1>
      <div className="releases-form">
        <label className="field">
          <span>Service</span>
          <select className="input" value={service} onChange={(e) => set('service', e.target.value)} data-testid="releases-service">
            {names.length === 0 ? <option value="">no services yet</option> : null}
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <Tabs<Tab>
          tabs={[
            { id: 'instances', label: 'Instances' },
            { id: 'deploys', label: 'Deploys' },
            { id: 'canary', label: 'Canary' },
          ]}
          value={tab}
          onChange={(t) => set('tab', t)}
        />
      </div>
      {services.isError ? <ErrorBanner error={services.error} onRetry={() => void services.refetch()} what="Could not load the services" /> : null}
      {!service ? (
        services.isPending ? (
          <SkeletonBlock height={200} />
        ) : (
          <EmptyHint title="No services yet">Send OTLP to Loupe, or start the demo, and their instances and versions appear here.</EmptyHint>
        )
      ) : tab === 'instances' ? (
        <InstancesTab service={service} />
      ) : tab === 'deploys' ? (
        <DeploysTab service={service} />
      ) : (
        <CanaryTab service={service} />
      )}
    </div>
  );
}

function InstancesTab({ service }: { service: string }) {
  const { spec } = useTimeRange();
  const q = useApi('instances', { name: service }, { range: spec, tables: ['rollups', 'metrics'] });
  if (q.isError) return <ErrorBanner error={q.error} onRetry={() => void q.refetch()} what={`Could not load the instances of ${service}`} />;
  if (q.isPending) return <SkeletonBlock height={200} />;
  const stale = q.data.instances.filter((i) => i.stale).length;
  return (
    <section className="svc-section">
      <h2>
        Instances of {service} <span className="count">{q.data.instances.length}</span>
        <span className="muted small svc-section-note">
          {q.data.versions.length} version{q.data.versions.length === 1 ? '' : 's'} · {stale ? `${stale} stale` : 'none stale'} · {rangeLabel(spec).toLowerCase()}
        </span>
      </h2>
      <InstancesTable instances={q.data.instances} />
    </section>
  );
}

function DeploysTab({ service }: { service: string }) {
  const { spec } = useTimeRange();
  const { markers, deploys } = useDeployMarkers(spec, service);
  const gs = useGoldenSignals(spec, service);
  const g = useMemo(() => (gs.data ? completeBuckets(gs.data) : undefined), [gs.data]);
  return (
    <ChartMarkersProvider markers={markers}>
      <section className="svc-section">
        <h2>Traffic of {service} with its deploys</h2>
        {g ? <TrafficChart gs={g} /> : <SkeletonBlock height={150} />}
      </section>
      <section className="svc-section">
        <h2>
          Deploys <span className="count">{deploys.data?.length ?? 0}</span>
        </h2>
        {deploys.isError ? <ErrorBanner error={deploys.error} onRetry={() => void deploys.refetch()} what="Could not load deploys" /> : null}
        {deploys.data ? <DeployTimeline deploys={deploys.data} showService={false} /> : <SkeletonBlock height={120} />}
      </section>
    </ChartMarkersProvider>
  );
}

function CanaryTab({ service }: { service: string }) {
  const { spec } = useTimeRange();
  const [params] = useSearchParams();
  const update = useUpdateParams();
  const instances = useApi('instances', { name: service }, { range: spec, tables: ['rollups'] });
  const versions = instances.data?.versions ?? [];
  const baselineParam = params.get('baseline') ?? '';
  const canaryParam = params.get('canary') ?? '';
  const [baseline, setBaseline] = useState(baselineParam);
  const [canary, setCanary] = useState(canaryParam);
  const b = baseline || versions[0] || '';
  const c = canary || versions[versions.length - 1] || '';
  const run = useApi(
    'canary',
    { service, baseline: baselineParam, canary: canaryParam },
    { range: spec, tables: [], enabled: !!baselineParam && !!canaryParam, extra: { retry: false } },
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update((p) => {
      p.set('baseline', b);
      p.set('canary', c);
    });
  };
  const versionSelect = (label: string, value: string, onChange: (v: string) => void, testId: string) => (
    <label className="field">
      <span>{label}</span>
      <select className="input" value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {versions.map((v) => (
          <option key={v} value={v}>
            {v || '(no version)'}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <section className="svc-section">
      <form className="releases-form" onSubmit={submit}>
        {versionSelect('Baseline version', b, setBaseline, 'canary-baseline')}
        {versionSelect('Canary version', c, setCanary, 'canary-canary')}
        <button className="btn btn-primary" type="submit" disabled={!b || !c} data-testid="canary-run">
          Judge canary
        </button>
        <span className="muted small">
          over the {rangeLabel(spec).toLowerCase()}, per minute, as Kayenta judges (Mann–Whitney U, 98%). Metrics and weights: canary.yaml in the data folder.
        </span>
      </form>
      {versions.length < 2 && instances.data ? <p className="muted small">{service} ran {versions.length} version in this window; a canary needs two (or widen the time range).</p> : null}
      {run.isError ? <ErrorBanner error={run.error} onRetry={() => void run.refetch()} what="Could not judge the canary" /> : null}
      {run.isFetching && !run.data ? <Spinner label="Judging…" /> : null}
      {run.data ? <CanaryResultView result={run.data} /> : null}
    </section>
  );
}
