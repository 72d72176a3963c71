// Settings › Indexed attributes: the span attribute keys the trace search answers from its index
// (the defaults, and keys added here or with `--search-attribute`), and adding or taking out the
// team's own (a tenant, a feature flag). A key is indexed from when it is added; earlier spans are
// still found, by walking them, so nothing goes missing while the index catches up.
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { searchPatternOf, validSearchKey } from '../../../../common/search-attributes';
import { call } from '../../api/client';
import { useApi } from '../../api/query';
import { formatRelative } from '../../ui/format';
import { ErrorBanner, SkeletonBlock } from '../../ui/states';

function useSearchKeyChange(method: 'searchAttributePut' | 'searchAttributeDelete') {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (key: string) => call(method, { key }),
    // The answer is the new list; after a failure the list is read again.
    onSuccess: (data) => client.setQueryData(['searchAttributes', {}], data),
    onError: () => void client.invalidateQueries({ queryKey: ['searchAttributes'] }),
    // The trace search form marks indexed keys.
    onSettled: () => void client.invalidateQueries({ queryKey: ['attributeKeys'] }),
  });
}

export function SearchAttributesSection() {
  const list = useApi('searchAttributes', {}, { tables: [] });
  const add = useSearchKeyChange('searchAttributePut');
  const remove = useSearchKeyChange('searchAttributeDelete');
  // The trace search links here with the key of a filter that walked the spans (?index=KEY).
  const [params] = useSearchParams();
  const [draft, setDraft] = useState(() => params.get('index') ?? '');
  const [note, setNote] = useState<string | null>(null);

  if (list.isError) return <ErrorBanner error={list.error} what="Could not read the indexed attributes" onRetry={() => void list.refetch()} />;
  if (!list.data) return <SkeletonBlock height={72} />;
  const keys = list.data.keys;
  const patterns = keys.map((k) => k.key);
  const builtIn = keys.filter((k) => k.origin === 'default');
  const added = keys.filter((k) => k.origin === 'user');
  const key = draft.trim();
  const problem = key === '' ? null : !validSearchKey(key) ? 'Letters, digits and _ . - / only (at most 128), no wildcard' : null;
  const coveredBy = key && !problem ? searchPatternOf(key, patterns) : undefined;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!key || problem) return;
    remove.reset();
    if (coveredBy) {
      setNote(coveredBy === key ? `${key} is already indexed.` : `${key} is already indexed, by ${coveredBy}.`);
      return;
    }
    add.mutate(key, {
      onSuccess: () => {
        setDraft('');
        setNote(`${key} is indexed from now on.`);
      },
    });
  };
  const failed = add.error ?? remove.error;

  return (
    <div className="search-keys" data-testid="search-attributes">
      <dl className="facts settings-facts search-key-groups">
        <dt>Built in</dt>
        <dd>
          <ul className="search-key-list" aria-label="Keys indexed by default">
            {builtIn.map((k) => (
              <li key={k.key} className="search-key search-key-default" data-search-key={k.key}>
                <span className="mono">{k.key}</span>
              </li>
            ))}
          </ul>
        </dd>
        <dt>Added</dt>
        <dd>
          {added.length === 0 ? (
            <span className="muted">None yet: add the keys your team searches by, such as a tenant or a feature flag.</span>
          ) : (
            <ul className="search-key-list" aria-label="Keys added">
              {added.map((k) => (
                <li key={k.key} className="search-key" data-search-key={k.key}>
                  <span className="mono">{k.key}</span>
                  <span className="muted small" title={new Date(k.since).toLocaleString(undefined, { hour12: false })}>
                    since {k.since > Date.now() ? 'now' : formatRelative(k.since, Date.now())}
                  </span>
                  <button
                    type="button"
                    className="btn btn-small search-key-remove"
                    onClick={() => {
                      add.reset();
                      remove.mutate(k.key, { onSuccess: () => setNote(`${k.key} is no longer indexed.`) });
                    }}
                    disabled={remove.isPending}
                    aria-label={`Stop indexing ${k.key}`}
                  >
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
      <form className="settings-row search-key-add" onSubmit={submit}>
        <input
          className={`input mono${problem ? ' input-bad' : ''}`}
          value={draft}
          onChange={(e) => {
            setDraft(e.target.value);
            setNote(null);
          }}
          placeholder="app.tenant"
          aria-label="Attribute key to index"
          aria-invalid={problem ? true : undefined}
          spellCheck={false}
          autoFocus={params.has('index')}
        />
        <button type="submit" className="btn btn-primary btn-small" disabled={!key || !!problem || add.isPending}>
          {add.isPending ? 'Adding…' : 'Index key'}
        </button>
        {problem ? <span className="small search-key-problem">{problem}</span> : null}
        {!problem && note ? (
          <span className="muted small" role="status">
            {note}
          </span>
        ) : null}
      </form>
      {failed ? <ErrorBanner error={failed} what="Could not change the indexed attributes" /> : null}
      <p className="muted small settings-flag">
        Searching traces by an indexed key reads the index instead of every span. A key added here is indexed for spans stored from now on; earlier spans are
        still found, by walking them. Values unique to each request (full URLs, query text, headers, sizes, message ids) are left out of the defaults. Also{' '}
        <span className="mono">loupe serve --search-attribute KEY</span>.
      </p>
    </div>
  );
}
