// Settings › Data sources: `local` and the sources in datasources.yaml, each with its status
// and last error, the state of the plugin that reads it (restarts, last error), and add /
// edit / rename / test / remove. A test shows the backend's own answer (401, an HTML login page, a
// timeout) so the cause is on screen, not behind an empty chart.
import { useState } from 'react';
import type { DataSourceInfo, DataSourceTest, PluginInfo } from '../../../../common/api/datasource-schemas';
import { ErrorBanner, SkeletonBlock, Spinner } from '../../ui/states';
import { formatRelative } from '../../ui/format';
import { RelativeTime } from '../../ui/time';
import { StatusBadge } from './SourceStatus';
import { SourceForm } from './SourceForm';
import { useDataSources, useDeleteDataSource, usePlugins, useRenameDataSource, useTestDataSource } from './hooks';
import './datasources.css';

export function DataSourcesSection() {
  const sources = useDataSources({ poll: true });
  const plugins = usePlugins();
  const [editing, setEditing] = useState<DataSourceInfo | 'new' | null>(null);
  const [justSaved, setJustSaved] = useState<string | null>(null);
  const list = sources.data?.datasources ?? [];
  const configurable = (plugins.data?.plugins ?? []).filter((p) => p.capabilities.some((c) => c !== 'health'));
  const pluginOf = (type: string) => plugins.data?.plugins.find((p) => p.id === type);

  if (sources.isError) return <ErrorBanner error={sources.error} what="Could not read the data sources" onRetry={() => void sources.refetch()} />;
  if (!sources.data) return <SkeletonBlock height={96} />;
  const remote = list.filter((s) => s.type !== 'local');
  return (
    <div className="ds-section" data-testid="datasources">
      {sources.data.problems.length ? (
        <div className="banner banner-error" role="alert">
          <span className="banner-icon" aria-hidden>!</span>
          <div className="banner-text">
            <strong>Some entries of {sources.data.file} were left out</strong>
            {sources.data.problems.map((p) => (
              <span key={p} className="banner-message mono small">
                {p}
              </span>
            ))}
          </div>
        </div>
      ) : null}
      <ul className="ds-list">
        {list.map((s) =>
          editing !== 'new' && editing?.name === s.name ? (
            <li key={s.name} className="ds-row ds-row-editing">
              <SourceForm plugins={configurable} editing={s} taken={[]} onDone={(saved) => done(saved)} />
            </li>
          ) : (
            <SourceRow key={s.name} source={s} plugin={pluginOf(s.type)} highlight={justSaved === s.name} onEdit={() => setEditing(s)} />
          ),
        )}
      </ul>
      {remote.length === 0 && editing !== 'new' ? (
        <p className="muted ds-empty">
          No data source besides this Loupe&apos;s own store. Add one to read a team&apos;s Prometheus, VictoriaMetrics, Thanos or Mimir where the data lives: the
          map, the Services list and the metrics explorer can then be switched to it.
        </p>
      ) : null}
      {editing === 'new' ? (
        <div className="ds-row ds-row-editing">
          <SourceForm plugins={configurable} editing={null} taken={list.map((s) => s.name)} onDone={(saved) => done(saved)} />
        </div>
      ) : (
        <div className="settings-row">
          <button type="button" className="btn btn-primary" onClick={() => setEditing('new')} disabled={!configurable.length}>
            Add data source
          </button>
          {plugins.isError ? <span className="form-error">Could not list the plugins: {(plugins.error as Error).message}</span> : null}
          <span className="muted small mono" title="Where data sources are kept">
            {sources.data.file}
          </span>
        </div>
      )}
      {plugins.data?.problems.length ? (
        <details className="ds-plugin-problems">
          <summary className="form-error">{plugins.data.problems.length} plugin folder(s) could not be loaded</summary>
          {plugins.data.problems.map((p) => (
            <div key={p} className="mono small">
              {p}
            </div>
          ))}
        </details>
      ) : null}
    </div>
  );

  function done(saved: DataSourceInfo | null) {
    setEditing(null);
    setJustSaved(saved?.name ?? null);
  }
}

function SourceRow({ source: s, plugin, highlight, onEdit }: { source: DataSourceInfo; plugin: PluginInfo | undefined; highlight: boolean; onEdit: () => void }) {
  const test = useTestDataSource();
  const remove = useDeleteDataSource();
  const rename = useRenameDataSource();
  const [confirming, setConfirming] = useState(false);
  const [renaming, setRenaming] = useState<string | null>(null);
  const local = s.type === 'local';
  const result: DataSourceTest | undefined = test.data;
  return (
    <li className={`ds-row${highlight ? ' ds-row-new' : ''}`} data-testid="datasource-row" data-name={s.name}>
      <div className="ds-row-main">
        <span className={`ds-dot ds-dot-${s.status}`} aria-hidden />
        <span className="ds-name mono">{s.name}</span>
        <span className="badge badge-muted">{local ? "this Loupe's store" : (plugin?.name ?? s.type)}</span>
        <StatusBadge status={s.status} />
        {s.checkedAt ? (
          <span className="muted small">
            checked <RelativeTime ms={s.checkedAt} />
          </span>
        ) : null}
        {!local && typeof s.settings.url === 'string' ? (
          <span className="mono small ds-url" title={s.settings.url}>
            {s.settings.url}
          </span>
        ) : null}
        <span className="ds-actions">
          {!local ? (
            renaming !== null ? (
              <form
                className="ds-rename"
                onSubmit={(e) => {
                  e.preventDefault();
                  rename.mutate({ name: s.name, to: renaming.trim() }, { onSuccess: () => setRenaming(null) });
                }}
              >
                <input className="input mono ds-rename-input" aria-label={`New name for ${s.name}`} value={renaming} autoFocus onChange={(e) => setRenaming(e.target.value)} />
                <button type="submit" className="btn btn-small btn-primary" disabled={!renaming.trim() || renaming.trim() === s.name || rename.isPending}>
                  {rename.isPending ? <Spinner /> : 'Rename'}
                </button>
                <button type="button" className="btn btn-small" onClick={() => (setRenaming(null), rename.reset())}>
                  Cancel
                </button>
              </form>
            ) : confirming ? (
              <>
                <span className="small">Remove {s.name}?</span>
                <button type="button" className="btn btn-small ds-danger" onClick={() => remove.mutate(s.name)} disabled={remove.isPending}>
                  {remove.isPending ? <Spinner /> : 'Remove'}
                </button>
                <button type="button" className="btn btn-small" onClick={() => setConfirming(false)}>
                  Keep
                </button>
              </>
            ) : (
              <>
                <button type="button" className="btn btn-small" onClick={() => test.mutate(s.name)} disabled={test.isPending} aria-label={`Test ${s.name}`}>
                  {test.isPending ? <Spinner label="Testing…" /> : 'Test'}
                </button>
                <button type="button" className="btn btn-small" onClick={onEdit} aria-label={`Edit ${s.name}`}>
                  Edit
                </button>
                <button type="button" className="btn btn-small" onClick={() => setRenaming(s.name)} aria-label={`Rename ${s.name}`}>
                  Rename
                </button>
                <button type="button" className="btn btn-small" onClick={() => setConfirming(true)} aria-label={`Remove ${s.name}`}>
                  Remove
                </button>
              </>
            )
          ) : null}
        </span>
      </div>
      {s.error && !result ? (
        <div className="ds-error" data-testid="datasource-error">
          {s.error}
        </div>
      ) : null}
      {result ? (
        <div className={`ds-test ${result.status === 'ok' ? 'ds-test-ok' : 'ds-test-bad'}`} data-testid="datasource-test" role="status">
          <b>{result.status === 'ok' ? '✓ Works' : '✗ Failed'}</b> {result.message} <span className="muted">· {Math.round(result.durationMs)} ms</span>
        </div>
      ) : null}
      {test.isError ? <div className="ds-test ds-test-bad">Could not test: {(test.error as Error).message}</div> : null}
      {remove.isError ? <div className="ds-test ds-test-bad">Could not remove: {(remove.error as Error).message}</div> : null}
      {rename.isError ? (
        <div className="ds-test ds-test-bad" role="alert">
          Could not rename: {(rename.error as Error).message}
        </div>
      ) : null}
      {s.formerNames.length ? (
        <div className="muted small" data-testid="datasource-former-names">
          Formerly {s.formerNames.map((n, i) => (
            <span key={n}>
              {i ? ', ' : ''}
              <span className="mono">{n}</span>
            </span>
          ))}
          : links naming {s.formerNames.length === 1 ? 'it' : 'them'} still open this source.
        </div>
      ) : null}
      {s.targets.length ? (
        <ul className="ds-targets" aria-label={`Targets of ${s.name}`}>
          {s.targets.map((t) => (
            <li key={t.target}>
              <span className={`ds-dot ds-dot-${t.up ? 'ok' : 'error'}`} aria-hidden />
              <span className="mono small">{t.target}</span>
              <span className="muted small">{t.lastScrape ? `scraped ${formatRelative(t.lastScrape)}` : 'not scraped yet'}</span>
              {t.lastError ? <span className="form-error">{t.lastError}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {!local && plugin ? <PluginState plugin={plugin} /> : null}
      {!local && !plugin ? <div className="ds-error">No installed plugin is called “{s.type}”.</div> : null}
    </li>
  );
}

function PluginState({ plugin }: { plugin: PluginInfo }) {
  const st = plugin.status;
  const troubled = st.state === 'crashed' || st.state === 'degraded' || st.restarts > 0;
  return (
    <div className={`ds-plugin small${troubled ? ' ds-plugin-troubled' : ''}`} data-testid="plugin-state">
      <span className="muted">
        plugin {plugin.id} {plugin.version}:
      </span>{' '}
      <span className={`ds-plugin-state ds-plugin-${st.state}`}>{st.state}</span>
      <span className="muted">
        {' '}
        · {st.restarts} {st.restarts === 1 ? 'restart' : 'restarts'}
        {st.pid ? ` · pid ${st.pid}` : ''}
        {st.nextRestartAt && st.nextRestartAt > Date.now() ? ` · restarting ${formatRelative(st.nextRestartAt)}` : ''}
      </span>
      {st.lastError ? <span className="ds-plugin-error"> · last error: {st.lastError}</span> : null}
    </div>
  );
}
