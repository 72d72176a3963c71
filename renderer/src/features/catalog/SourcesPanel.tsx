// The folders and files the catalog reads: those given with --catalog (fixed for this run) and
// those added here (kept with the data, read again on every start).
import { useState, type FormEvent } from 'react';
import type { CatalogSources } from '../../../../common/api/catalog-schemas';
import { ErrorBanner, Spinner } from '../../ui/states';
import { useCatalogSources, useSetCatalogSources } from './hooks';
import './sources-panel.css';

type Source = CatalogSources['sources'][number];
type PluginFed = NonNullable<Source['plugin']>;

/** A source fed by a catalog-provider plugin: which data source, and how its last answer went. */
function PluginState({ plugin }: { plugin: PluginFed }) {
  const entities = `${plugin.entities} ${plugin.entities === 1 ? 'entity' : 'entities'}`;
  return (
    <>
      <span className="badge badge-muted" title={`Entities from data source "${plugin.source}" (plugin ${plugin.type}); change it in Settings › Data sources`}>
        data source {plugin.source}
      </span>
      {plugin.state === 'ok' ? (
        <span className="badge badge-ok">{entities}</span>
      ) : plugin.state === 'pending' ? (
        <span className="badge badge-muted">waiting for the plugin</span>
      ) : (
        <span className="badge badge-error" title={plugin.error ?? ''}>
          {plugin.refreshedAt ? `failing · kept ${entities}` : 'failing'}
        </span>
      )}
      {plugin.state === 'error' && plugin.error ? <span className="source-error small">{plugin.error}</span> : null}
    </>
  );
}

export function SourcesPanel({ compact = false }: { compact?: boolean }) {
  const sources = useCatalogSources();
  const save = useSetCatalogSources();
  const [path, setPath] = useState('');
  const list = sources.data?.sources ?? [];
  const uiPaths = list.filter((s) => s.origin === 'ui').map((s) => s.path);

  const add = (e: FormEvent) => {
    e.preventDefault();
    const p = path.trim();
    if (!p) return;
    save.mutate([...uiPaths, p], { onSuccess: () => setPath('') });
  };
  const remove = (s: Source) => save.mutate(uiPaths.filter((p) => p !== s.path));

  return (
    <div className={`sources-panel${compact ? ' sources-compact' : ''}`} data-testid="catalog-sources">
      {sources.isError ? <ErrorBanner error={sources.error} what="Could not read the catalog sources" onRetry={() => void sources.refetch()} /> : null}
      {list.length > 0 ? (
        <ul className="source-list">
          {list.map((s) => (
            <li key={s.path} className="source-row" data-path={s.path}>
              <span className={`source-state ${s.exists ? 'source-ok' : 'source-missing'}`} title={s.exists ? 'Found on disk' : 'Not found on disk'} aria-hidden>
                {s.exists ? '✓' : '!'}
              </span>
              <span className="source-path mono" title={s.path}>
                {s.path}
              </span>
              {!s.exists ? <span className="badge badge-error">missing</span> : null}
              {s.origin === 'plugin' && s.plugin ? (
                <PluginState plugin={s.plugin} />
              ) : s.origin === 'demo' ? (
                <span className="badge badge-muted" title="Brought by the demo shop for this run; a folder of your own replaces it">
                  demo
                </span>
              ) : s.origin === 'command-line' ? (
                <span className="badge badge-muted" title="Given with --catalog when Loupe started; change it on the command line">
                  command line
                </span>
              ) : (
                <>
                  <span className="badge badge-muted" title="Added here; remembered with Loupe's data">
                    added here
                  </span>
                  <button type="button" className="btn btn-small" onClick={() => remove(s)} disabled={save.isPending} aria-label={`Remove ${s.path}`}>
                    Remove
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      ) : sources.isSuccess ? (
        <p className="muted">No folder or file yet.</p>
      ) : null}
      <form className="source-add" onSubmit={add}>
        <input
          className="input mono"
          placeholder="/path/to/repos   (a folder is searched for catalog-info.yaml files)"
          aria-label="Folder or file to add"
          value={path}
          onChange={(e) => setPath(e.target.value)}
        />
        <button type="submit" className="btn btn-primary" disabled={!path.trim() || save.isPending}>
          {save.isPending ? <Spinner label="Reading…" /> : 'Add'}
        </button>
      </form>
      {save.isError ? <div className="form-error">Could not change the sources: {(save.error as Error).message}</div> : null}
      {!compact ? (
        <p className="muted small">
          Loupe reads every <span className="mono">catalog-info.yaml</span> (and <span className="mono">*.yaml</span> files a Location points at) under
          these paths, and reloads when they change on disk.
        </p>
      ) : null}
    </div>
  );
}
