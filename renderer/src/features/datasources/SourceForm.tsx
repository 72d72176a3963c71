// Adding or editing one data source: its name, its type (an installed plugin) and that
// plugin's settings form, rendered from the JSON Schema of the plugin's settings. Secrets are
// password fields that never show the stored value; leaving one empty keeps it.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { DataSourceInfo, PluginInfo } from '../../../../common/api/datasource-schemas';
import { ErrorBanner, SkeletonBlock, Spinner } from '../../ui/states';
import { usePluginSettings, useSaveDataSource } from './hooks';
import { fieldOfError, fieldsOf, initialValues, isShown, toSettings, type FormValues, type SettingsField } from './settings-form';

const NAME_RULE = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export function SourceForm({
  plugins,
  editing,
  taken,
  onDone,
}: {
  /** Plugins that can be a data source (not ingest-only ones without settings). */
  plugins: PluginInfo[];
  /** The source being edited; null to add one. */
  editing: DataSourceInfo | null;
  /** Names already used. */
  taken: string[];
  onDone: (saved: DataSourceInfo | null) => void;
}) {
  const [name, setName] = useState(editing?.name ?? '');
  const [type, setType] = useState(editing?.type ?? plugins[0]?.id ?? '');
  const schema = usePluginSettings(type);
  const fields = useMemo(() => (schema.data ? fieldsOf(schema.data.schema) : []), [schema.data]);
  const [values, setValues] = useState<FormValues>({});
  const [problem, setProblem] = useState<{ field: string | null; message: string } | null>(null);
  const save = useSaveDataSource();
  // A new schema (another type picked, or loaded): start from the stored settings or defaults.
  // Keyed by the settings' content, not the entry: the list is polled and a source's status,
  // check time or targets' last scrapes change under an open form without resetting what is typed.
  const stored = JSON.stringify(editing && editing.type === type ? editing.settings : null);
  useEffect(() => setValues(initialValues(fields, JSON.parse(stored) as Record<string, unknown> | null)), [fields, stored]);

  const nameProblem = editing
    ? null
    : name && !NAME_RULE.test(name)
      ? 'lower-case letters, digits, ".", "_" and "-"'
      : name === 'local'
        ? '"local" is this Loupe\'s own store'
        : taken.includes(name)
          ? 'a data source has this name'
          : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name || nameProblem) return setProblem({ field: 'name', message: nameProblem ?? 'Name the data source' });
    const out = toSettings(fields, values);
    if ('field' in out) return setProblem(out);
    setProblem(null);
    save.mutate(
      { name, type, settings: out.settings },
      {
        onSuccess: (saved) => onDone(saved),
        onError: (err) => setProblem({ field: fieldOfError(fields, (err as Error).message), message: (err as Error).message }),
      },
    );
  };

  const shown = fields.filter((f) => isShown(f, values));
  return (
    <form className="ds-form" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onDone(null)} data-testid="datasource-form" aria-label={editing ? `Edit ${editing.name}` : 'Add a data source'}>
      <div className="ds-form-grid">
        <label className="field">
          <span>Name</span>
          <input
            className={`input mono${problem?.field === 'name' || nameProblem ? ' input-bad' : ''}`}
            value={name}
            onChange={(e) => setName(e.target.value.trim())}
            disabled={!!editing}
            placeholder="team-prom"
            autoFocus={!editing}
            aria-label="Name"
            aria-invalid={!!nameProblem}
          />
          {nameProblem ? <small className="form-error">{nameProblem}</small> : <small className="muted">Shown in source pickers; used as ?source= in links</small>}
        </label>
        <label className="field">
          <span>Type</span>
          <select className="input" value={type} onChange={(e) => setType(e.target.value)} disabled={!!editing} aria-label="Type">
            {plugins.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          <small className="muted">{plugins.find((p) => p.id === type)?.description ?? ''}</small>
        </label>
      </div>
      {schema.isError ? <ErrorBanner error={schema.error} what={`The ${type} plugin did not give its settings`} onRetry={() => void schema.refetch()} /> : null}
      {schema.isPending && type ? <SkeletonBlock height={90} /> : null}
      {shown.length ? (
        <div className="ds-form-grid" data-testid="datasource-settings">
          {shown.map((f) => (
            <Field
              key={f.key}
              field={f}
              value={values[f.key] ?? ''}
              isSet={editing?.secretsSet.includes(f.key) ?? false}
              bad={problem?.field === f.key}
              onChange={(v) => setValues((old) => ({ ...old, [f.key]: v }))}
            />
          ))}
        </div>
      ) : null}
      {problem && problem.field !== 'name' ? (
        <div className="form-error ds-form-error" role="alert">
          {problem.message}
        </div>
      ) : null}
      <div className="ds-form-actions">
        <button type="submit" className="btn btn-primary" disabled={save.isPending || !schema.data}>
          {save.isPending ? <Spinner label="Saving and checking…" /> : editing ? 'Save' : 'Add and check'}
        </button>
        <button type="button" className="btn" onClick={() => onDone(null)}>
          Cancel
        </button>
        <span className="muted small">Saved to datasources.yaml; secrets go to the secret store, never to the file.</span>
      </div>
    </form>
  );
}

function Field({ field: f, value, isSet, bad, onChange }: { field: SettingsField; value: string | boolean; isSet: boolean; bad: boolean; onChange: (v: string | boolean) => void }) {
  const cls = `input${f.kind === 'url' || f.kind === 'pairs' || f.kind === 'json' || f.kind === 'lines' ? ' mono' : ''}${bad ? ' input-bad' : ''}`;
  const text = typeof value === 'string' ? value : '';
  const wide = f.kind === 'url' || f.kind === 'pairs' || f.kind === 'lines' || f.kind === 'json';
  let input;
  if (f.kind === 'boolean')
    return (
      <label className="check ds-field-wide">
        <input type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} aria-label={f.label} />
        {f.label}
        {f.description ? <span className="muted small"> — {f.description}</span> : null}
      </label>
    );
  if (f.kind === 'choice')
    input = (
      <select className={cls} value={text} onChange={(e) => onChange(e.target.value)} aria-label={f.label}>
        {f.choices.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    );
  else if (f.kind === 'pairs' || f.kind === 'lines' || f.kind === 'json')
    input = (
      <textarea
        className={`${cls} ds-textarea`}
        rows={2}
        value={text}
        onChange={(e) => onChange(e.target.value)}
        aria-label={f.label}
        placeholder={f.example || (f.kind === 'pairs' ? 'Name: value, one per line' : f.kind === 'lines' ? 'one per line' : f.placeholder)}
      />
    );
  else
    input = (
      <input
        className={cls}
        type={f.kind === 'secret' ? 'password' : f.kind === 'number' ? 'number' : 'text'}
        inputMode={f.kind === 'number' ? 'decimal' : undefined}
        autoComplete={f.kind === 'secret' ? 'new-password' : 'off'}
        value={text}
        onChange={(e) => onChange(e.target.value)}
        aria-label={f.label}
        aria-invalid={bad}
        placeholder={f.kind === 'secret' ? (isSet ? 'set — leave empty to keep it' : 'not set') : f.placeholder ? `${f.placeholder} (default)` : f.kind === 'url' ? 'http://127.0.0.1:9090' : ''}
      />
    );
  return (
    <label className={`field${wide ? ' ds-field-wide' : ''}`}>
      <span>
        {f.label}
        {f.required ? <b className="ds-required" title="Required"> *</b> : null}
        {f.kind === 'secret' && isSet ? <em className="ds-secret-set"> · set</em> : null}
      </span>
      {input}
      {f.description ? <small className="muted">{f.description}</small> : null}
    </label>
  );
}
