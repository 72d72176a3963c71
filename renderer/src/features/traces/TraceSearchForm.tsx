// Service, operation, attribute filters, duration bounds, status and limit.
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { useAttributeKeys, useAttributeValues, useOperations, useServices } from '../../api/hooks';
import type { RangeSpec } from '../../app/time-range';
import { Combobox } from '../../ui/Combobox';
import { formatCount } from '../../ui/format';
import { parseDurationMs, type TraceFilter } from './search-params';

export function TraceSearchForm({
  range,
  filter,
  onSearch,
  searching,
}: {
  range: RangeSpec;
  filter: TraceFilter;
  onSearch: (f: TraceFilter) => void;
  searching: boolean;
}) {
  const [draft, setDraft] = useState(filter);
  // Follow the URL (back/forward, links) without clobbering what is being typed on re-renders.
  const filterKey = JSON.stringify(filter);
  useEffect(() => setDraft(JSON.parse(filterKey) as TraceFilter), [filterKey]);
  const services = useServices(range);
  const operations = useOperations(range, draft.service);
  const [attrKey, setAttrKey] = useState('');
  const [attrValue, setAttrValue] = useState('');
  const keys = useAttributeKeys(range, 'traces', draft.service);
  const values = useAttributeValues(range, 'traces', attrKey.trim(), draft.service);
  /** A filter on a span attribute the search index does not keep (it walks every span). */
  const notIndexed = (filter: string) => keys.data?.find((k) => k.key === keyOf(filter))?.indexed === false;

  const opSuggestions = useMemo(
    () =>
      (operations.data ?? [])
        .filter((o) => !draft.service || o.service === draft.service)
        .map((o) => ({ value: o.name, hint: draft.service ? (o.calls ? `${formatCount(o.calls)} calls` : '') : o.service })),
    [operations.data, draft.service],
  );
  const badMin = draft.minMs.trim() !== '' && !Number.isFinite(parseDurationMs(draft.minMs));
  const badMax = draft.maxMs.trim() !== '' && !Number.isFinite(parseDurationMs(draft.maxMs));

  const submit = (next = draft) => {
    if (badMin || badMax) return;
    const pending = attrKey.trim() && attrValue.trim() ? [...next.attrs, `${attrKey.trim()}=${attrValue.trim()}`] : next.attrs;
    if (pending !== next.attrs) {
      setAttrKey('');
      setAttrValue('');
    }
    onSearch({ ...next, attrs: [...new Set(pending)] });
  };
  const addAttr = () => {
    const k = attrKey.trim();
    if (!k) return;
    const next = { ...draft, attrs: [...new Set([...draft.attrs, `${k}=${attrValue.trim()}`])] };
    setAttrKey('');
    setAttrValue('');
    setDraft(next);
    submit(next);
  };

  return (
    <form
      className="search-form"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      aria-label="Search traces"
    >
      <div className="form-row">
        <label className="field field-service">
          <span>Service</span>
          <select
            className="input"
            value={draft.service}
            aria-label="Service"
            onChange={(e) => {
              const next = { ...draft, service: e.target.value, operation: '', peer: '' };
              setDraft(next);
              submit(next);
            }}
          >
            <option value="">All services</option>
            {(services.data ?? []).map((s) => (
              <option key={`${s.namespace}/${s.name}`} value={s.name}>
                {s.name}
              </option>
            ))}
            {draft.service && !(services.data ?? []).some((s) => s.name === draft.service) ? (
              <option value={draft.service}>{draft.service}</option>
            ) : null}
          </select>
        </label>
        <label className="field field-op">
          <span>Operation</span>
          <Combobox
            label="Operation"
            value={draft.operation}
            onChange={(v) => setDraft((d) => ({ ...d, operation: v }))}
            suggestions={opSuggestions}
            loading={operations.isPending}
            placeholder="Any operation"
            searchBox
          />
        </label>
        <label className="field field-dur">
          <span>Min duration</span>
          <input
            className={`input mono${badMin ? ' input-bad' : ''}`}
            value={draft.minMs}
            placeholder="e.g. 100ms"
            aria-label="Minimum duration"
            aria-invalid={badMin}
            onChange={(e) => setDraft((d) => ({ ...d, minMs: e.target.value }))}
          />
        </label>
        <label className="field field-dur">
          <span>Max duration</span>
          <input
            className={`input mono${badMax ? ' input-bad' : ''}`}
            value={draft.maxMs}
            placeholder="e.g. 2s"
            aria-label="Maximum duration"
            aria-invalid={badMax}
            onChange={(e) => setDraft((d) => ({ ...d, maxMs: e.target.value }))}
          />
        </label>
        <label className="field field-status">
          <span>Status</span>
          <select
            className="input"
            value={draft.status}
            aria-label="Status"
            onChange={(e) => {
              const next = { ...draft, status: e.target.value as TraceFilter['status'] };
              setDraft(next);
              submit(next);
            }}
          >
            <option value="">Any</option>
            <option value="ok">OK</option>
            <option value="error">Error</option>
          </select>
        </label>
        <label className="field field-limit">
          <span>Limit</span>
          <select
            className="input"
            value={draft.limit || '100'}
            aria-label="Limit"
            onChange={(e) => {
              const next = { ...draft, limit: e.target.value === '100' ? '' : e.target.value };
              setDraft(next);
              submit(next);
            }}
          >
            {['20', '50', '100', '250', '500', '1000'].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={badMin || badMax}>
            {searching ? 'Searching…' : 'Find traces'}
          </button>
        </div>
      </div>
      <div className="form-row form-row-attrs">
          <div className="field field-attr">
          <span>Attribute</span>
          <div className="attr-input">
            <Combobox
              label="Attribute key"
              value={attrKey}
              onChange={setAttrKey}
              suggestions={(keys.data ?? []).map((k) => ({ value: k.key, hint: formatCount(k.count) + (k.indexed ? ' · indexed' : '') }))}
              placeholder="key"
              mono
            />
            <span className="attr-eq">=</span>
            <Combobox
              label="Attribute value"
              value={attrValue}
              onChange={setAttrValue}
              suggestions={(values.data ?? []).map((v) => ({ value: v.value, hint: formatCount(v.count) }))}
              placeholder="value"
              loading={values.isFetching}
              mono
            />
            <button type="button" className="btn btn-small" onClick={addAttr} disabled={!attrKey.trim()} title="Add this attribute filter">
              Add
            </button>
          </div>
        </div>
        <div className="active-filters">
          {draft.peer && draft.service ? (
            <span className="filter-chip" data-testid="peer-chip">
              {draft.service} calls {draft.peer}
              <button
                type="button"
                aria-label={`Remove the filter: ${draft.service} calls ${draft.peer}`}
                onClick={() => {
                  const next = { ...draft, peer: '' };
                  setDraft(next);
                  submit(next);
                }}
              >
                ×
              </button>
            </span>
          ) : null}
          {draft.attrs.map((a) => (
            <span key={a} className="filter-chip mono">
              {a}
              {notIndexed(a) ? (
                <Link
                  className="filter-chip-hint"
                  to={`/settings?index=${encodeURIComponent(keyOf(a))}#search`}
                  title={`A search by ${keyOf(a)} reads every span of the window; index the key to find its values at once`}
                >
                  not indexed
                </Link>
              ) : null}
              <button
                type="button"
                aria-label={`Remove ${a}`}
                onClick={() => {
                  const next = { ...draft, attrs: draft.attrs.filter((x) => x !== a) };
                  setDraft(next);
                  submit(next);
                }}
              >
                ×
              </button>
            </span>
          ))}
        </div>
      </div>
    </form>
  );
}

const keyOf = (filter: string) => filter.slice(0, Math.max(0, filter.indexOf('=')));
