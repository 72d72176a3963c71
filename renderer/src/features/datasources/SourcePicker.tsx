// Which data source a screen reads: `local` (this Loupe's store) or a configured source with
// the capability the screen needs. Kept in the URL as ?source= (absent = local), so a view of
// the team's Prometheus can be linked to; read endpoints get the same name as `source=`.
import { useEffect } from 'react';
import { useSearchParams } from 'react-router-dom';
import { LOCAL_SOURCE } from '../../../../common/api/datasource-schemas';
import type { Capability } from '../../../../common/plugin-protocol';
import { useSetParam } from '../../app/url-state';
import { useDataSources } from './hooks';
import { statusLabel } from './SourceStatus';
import './source-picker.css';

/** The source named in the URL (`local` when none). */
export function useSource(): string {
  const [params] = useSearchParams();
  return params.get('source') || LOCAL_SOURCE;
}

/** The `source` input for an API call: left out for local, so local URLs stay as they were. */
export function sourceInput(source: string): { source?: string } {
  return source === LOCAL_SOURCE ? {} : { source };
}

export function SourcePicker({ capability, onChange }: { capability: Capability; onChange?: (source: string) => void }) {
  const source = useSource();
  const setParam = useSetParam();
  const sources = useDataSources();
  const usable = (sources.data?.datasources ?? []).filter((s) => s.type !== 'local' && s.capabilities.includes(capability));
  const current = sources.data?.datasources.find((s) => s.name === source);
  // A link made before a rename: the URL is moved to the source's new name (the API answers
  // either; the picker and later links should show the current one).
  const renamed = current ? undefined : sources.data?.datasources.find((s) => s.formerNames.includes(source));
  useEffect(() => {
    if (renamed) setParam('source', renamed.name, true);
  }, [renamed, setParam]);
  // Nothing to pick from: stay out of the way (the URL can still name a source).
  if (!usable.length && source === LOCAL_SOURCE) return null;
  const known = source === LOCAL_SOURCE || usable.some((s) => s.name === source);
  return (
    <label className="source-picker" title="Where this screen reads from: this Loupe's store, or a data source from Settings › Data sources">
      <span className="muted small">Source</span>
      <select
        className="input source-picker-select"
        aria-label="Data source"
        value={source}
        onChange={(e) => {
          setParam('source', e.target.value === LOCAL_SOURCE ? null : e.target.value);
          onChange?.(e.target.value);
        }}
      >
        <option value={LOCAL_SOURCE}>local — this Loupe</option>
        {usable.map((s) => (
          <option key={s.name} value={s.name}>
            {s.name} ({s.type}{s.status !== 'ok' ? `, ${statusLabel(s.status)}` : ''})
          </option>
        ))}
        {!known ? <option value={source}>{source} (not configured)</option> : null}
      </select>
      {current && current.type !== 'local' && current.status !== 'ok' && current.status !== 'unknown' ? (
        <span className="badge badge-error" title={current.error ?? undefined}>
          {statusLabel(current.status)}
        </span>
      ) : null}
    </label>
  );
}

/** Said where a screen (or part of one) can only be answered by this Loupe's store. */
export function LocalOnlyNote({ source, what }: { source: string; what: string }) {
  return (
    <div className="local-only-note muted small" data-testid="local-only-note">
      {what}: only this Loupe&apos;s own store has them, and <span className="mono">{source}</span> answers the map, services, golden signals and
      metrics. Switch the source to <span className="mono">local</span> to see them.
    </div>
  );
}
