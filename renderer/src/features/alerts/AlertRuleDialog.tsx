// Create or edit an alert rule: what to watch (error rate, latency, throughput, new error types),
// where (a service, or an edge to one of its callees), the condition (a threshold or a change
// against the previous window), window, `for` and severity — with the rule's value now as a
// preview. The core writes it to alerts.yaml.
import { useEffect, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { AlertRule } from '../../../../common/api/alert-schemas';
import { describeRule, formatMeasure, num, unitOf } from '../../../../common/alert-rules';
import { call } from '../../api/client';
import { useApi } from '../../api/query';
import { useTimeRange } from '../../app/time-range';
import { Dialog } from '../../ui/overlays';
import { checkRuleForm, emptyRuleForm, formOf, ruleIdFrom, suggestedName, type FormErrors, type RuleForm } from './rule-form';
import { useSaveAlertRule } from './hooks';

const KINDS: Array<{ kind: AlertRule['kind']; label: string }> = [
  { kind: 'error_rate', label: 'Error rate' },
  { kind: 'latency', label: 'Latency' },
  { kind: 'throughput', label: 'Throughput' },
  { kind: 'new_error_type', label: 'New error type' },
];

export function AlertRuleDialog({
  initial,
  service,
  target,
  services,
  takenIds,
  onClose,
  onSaved,
}: {
  initial: AlertRule | null;
  service?: string;
  target?: string;
  services: string[];
  takenIds: string[];
  onClose: () => void;
  onSaved: (id: string) => void;
}) {
  const editing = !!initial;
  const [form, setForm] = useState<RuleForm>(() => (initial ? formOf(initial) : emptyRuleForm(service ?? services[0] ?? '', target)));
  const [nameTouched, setNameTouched] = useState(editing);
  const [idTouched, setIdTouched] = useState(editing);
  const [errors, setErrors] = useState<FormErrors>({});
  const save = useSaveAlertRule();
  const name = nameTouched ? form.name : suggestedName(form);
  const id = idTouched ? form.id : ruleIdFrom(name);
  const full = { ...form, name, id };
  const set = <K extends keyof RuleForm>(k: K, v: RuleForm[K]) => {
    setForm((f) => ({ ...f, [k]: v, ...(k === 'service' ? { target: '' } : {}) }));
    // A field's complaint goes once it is edited; the next submit checks again.
    if (errors[k]) setErrors(({ [k]: _gone, ...rest }) => rest);
  };

  // Callees of the chosen service, from the map of the page's time range.
  const { spec } = useTimeRange();
  const map = useApi('serviceMap', {}, { tables: ['rollups'], range: spec });
  const callees = useMemo(
    () => [...new Set([...(form.target ? [form.target] : []), ...(map.data?.edges ?? []).filter((e) => e.source === form.service).map((e) => e.target)])].sort(),
    [map.data, form.service, form.target],
  );
  const serviceOptions = [...new Set([...(form.service ? [form.service] : []), ...services])].sort();

  const checked = checkRuleForm(full);
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    if (!editing && takenIds.includes(checked.rule.id)) {
      setErrors({ id: `a rule with the id “${checked.rule.id}” exists: pick another id or edit that one` });
      return;
    }
    setErrors({});
    save.mutate(checked.rule, { onSuccess: () => onSaved(checked.rule.id) });
  };
  const fieldError = (k: keyof RuleForm) => (errors[k] ? <span className="form-error">{errors[k]}</span> : null);
  const bad = (k: keyof RuleForm) => (errors[k] ? ' input-bad' : '');
  const measure = form.kind !== 'new_error_type';
  const unit = form.mode === 'change' ? '%' : unitOf({ kind: form.kind });

  return (
    <Dialog title={editing ? `Edit ${initial!.name}` : 'New alert rule'} onClose={onClose}>
      <form className="slo-form alert-form" onSubmit={submit} noValidate>
        <fieldset className="field">
          <span>Watch</span>
          <div className="alert-kinds" role="radiogroup" aria-label="What the rule watches">
            {KINDS.map((k) => (
              <label key={k.kind} className={`alert-kind${form.kind === k.kind ? ' alert-kind-on' : ''}`}>
                <input type="radio" name="kind" checked={form.kind === k.kind} onChange={() => setForm((f) => ({ ...f, kind: k.kind, target: k.kind === 'new_error_type' ? '' : f.target, threshold: k.kind === 'latency' && f.kind !== 'latency' ? '500' : k.kind === 'throughput' && f.kind !== 'throughput' ? '1' : f.threshold }))} />
                {k.label}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="form-row">
          <label className="field">
            <span>Service {measure ? '(caller of an edge)' : ''}</span>
            <select className={`input${bad('service')}`} value={form.service} onChange={(e) => set('service', e.target.value)} aria-label="Service">
              {form.service === '' ? <option value="">Pick a service…</option> : null}
              {serviceOptions.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
            {fieldError('service')}
          </label>
          {measure ? (
            <label className="field">
              <span>Edge to</span>
              <select className={`input${bad('target')}`} value={form.target} onChange={(e) => set('target', e.target.value)} aria-label="Edge to">
                <option value="">— the service itself —</option>
                {callees.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
              {fieldError('target')}
            </label>
          ) : null}
        </div>
        {measure ? (
          <fieldset className="field">
            <span>Condition</span>
            <div className="alert-condition">
              {form.kind === 'latency' ? (
                <select className="input alert-pct" value={form.percentile} onChange={(e) => set('percentile', e.target.value)} aria-label="Percentile">
                  {['50', '90', '95', '99'].map((p) => (
                    <option key={p} value={p}>
                      p{p}
                    </option>
                  ))}
                </select>
              ) : null}
              <select className="input" value={form.mode} onChange={(e) => set('mode', e.target.value as RuleForm['mode'])} aria-label="Mode">
                <option value="threshold">is</option>
                <option value="change">changes vs the previous window</option>
              </select>
              <select className="input" value={form.when} onChange={(e) => set('when', e.target.value as RuleForm['when'])} aria-label="Direction">
                <option value="above">{form.mode === 'change' ? 'up by more than' : 'above'}</option>
                <option value="below">{form.mode === 'change' ? 'down by more than' : 'below'}</option>
              </select>
              <div className="input-suffix">
                <input className={`input alert-threshold${bad('threshold')}`} type="number" min={0} step="any" value={form.threshold} onChange={(e) => set('threshold', e.target.value)} aria-label="Threshold" />
                <span>{unit}</span>
              </div>
            </div>
            {fieldError('threshold')}
            {fieldError('percentile')}
          </fieldset>
        ) : (
          <p className="muted small">
            Fires when <code>{form.service || 'the service'}</code> records an <code>error.type</code> or <code>exception.type</code> (on spans, span exceptions or log records) it never had before the window.
          </p>
        )}
        <div className="form-row">
          <label className="field">
            <span>Window</span>
            <input className={`input${bad('window')}`} list="alert-windows" value={form.window} onChange={(e) => set('window', e.target.value)} aria-label="Window" />
            <datalist id="alert-windows">
              {['1m', '5m', '15m', '30m', '1h'].map((w) => (
                <option key={w} value={w} />
              ))}
            </datalist>
            {fieldError('window')}
          </label>
          {measure ? (
            <label className="field">
              <span>For (before it fires)</span>
              <input className={`input${bad('for')}`} value={form.for} onChange={(e) => set('for', e.target.value)} aria-label="For" />
              {fieldError('for')}
            </label>
          ) : null}
          <label className="field">
            <span>Severity</span>
            <select className="input" value={form.severity} onChange={(e) => set('severity', e.target.value as RuleForm['severity'])} aria-label="Severity">
              <option value="page">Page</option>
              <option value="ticket">Ticket</option>
            </select>
          </label>
        </div>
        <Preview rule={checked.ok ? checked.rule : null} />
        <div className="form-row">
          <label className="field">
            <span>Name</span>
            <input
              className={`input${bad('name')}`}
              value={name}
              onChange={(e) => {
                setNameTouched(true);
                set('name', e.target.value);
              }}
              aria-label="Name"
            />
            {fieldError('name')}
          </label>
          <label className="field">
            <span>Id</span>
            <input
              className={`input mono${bad('id')}`}
              value={id}
              disabled={editing}
              onChange={(e) => {
                setIdTouched(true);
                set('id', e.target.value);
              }}
              aria-label="Id"
            />
            {fieldError('id')}
          </label>
        </div>
        <label className="field">
          <span>Description</span>
          <input className="input" value={form.description} onChange={(e) => set('description', e.target.value)} placeholder="Optional: what to check first" />
        </label>
        {save.isError ? <div className="form-error">{(save.error as Error).message}</div> : null}
        <div className="slo-form-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : editing ? 'Save' : 'Create rule'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** The rule's value now (asked of the core a moment after the form stops changing). */
function Preview({ rule }: { rule: AlertRule | null }) {
  const key = rule ? JSON.stringify(rule) : '';
  const [debounced, setDebounced] = useState(key);
  useEffect(() => {
    const t = window.setTimeout(() => setDebounced(key), 300);
    return () => window.clearTimeout(t);
  }, [key]);
  const preview = useQuery({
    queryKey: ['alertPreview', debounced],
    queryFn: ({ signal }) => call('alertPreview', JSON.parse(debounced) as AlertRule, signal),
    enabled: debounced !== '',
    refetchInterval: 10_000,
  });
  if (!rule) return <div className="alert-preview muted small">The preview shows once the rule is complete.</div>;
  const v = preview.data;
  return (
    <div className={`alert-preview${v?.breaching ? ' alert-preview-firing' : ''}`} data-testid="alert-preview" aria-live="polite">
      <div className="small muted">Now: {describeRule(rule)}</div>
      {preview.isError ? <div className="form-error">{(preview.error as Error).message}</div> : null}
      {v ? (
        <div className="alert-preview-value">
          {rule.kind === 'new_error_type' ? (
            <b>{v.newTypes.length ? `${v.newTypes.length} new: ${v.newTypes.map((t) => t.type).join(', ')}` : 'no new error type'}</b>
          ) : (
            <b>{v.value === null ? 'no data' : formatMeasure(rule, v.value)}</b>
          )}
          {rule.mode === 'change' && rule.kind !== 'new_error_type' ? (
            <span className="muted small">
              previous {rule.window}: {v.previous === null ? 'no data' : formatMeasure(rule, v.previous)}
              {v.compared !== null ? ` (${v.compared >= 0 ? '+' : ''}${num(v.compared)} %)` : ''}
            </span>
          ) : null}
          {rule.kind !== 'throughput' && rule.kind !== 'new_error_type' ? <span className="muted small">{v.requests.toLocaleString('en-US')} requests</span> : null}
          <span className={`slo-state ${v.breaching ? 'slo-state-page' : 'slo-state-ok'}`}>{v.breaching ? 'would fire' : 'would not fire'}</span>
        </div>
      ) : (
        <div className="small muted">…</div>
      )}
    </div>
  );
}
