// Create or edit an SLO: name, service, SLI (availability or a latency threshold), objective and
// rolling window. The core writes it to slos.yaml.
import { useState } from 'react';
import type { SloDefinition } from '../../../../common/api/slo-schemas';
import { Dialog } from '../../ui/overlays';
import { checkForm, emptyForm, formFrom, sloIdFrom, type SloForm } from './slo-model';
import { useSaveSlo } from './hooks';

const WINDOWS = ['1d', '7d', '28d', '30d'];

export function SloDialog({
  initial,
  service,
  services,
  takenIds,
  onClose,
  onSaved,
}: {
  initial: SloDefinition | null;
  service?: string;
  services: string[];
  takenIds: string[];
  onClose: () => void;
  onSaved: (id: string) => void;
}) {
  const editing = !!initial;
  const [form, setForm] = useState<SloForm>(() => (initial ? formFrom(initial) : emptyForm(service ?? services[0] ?? '')));
  const [idTouched, setIdTouched] = useState(editing);
  // Until the user names it, the name follows the service and the indicator.
  const [nameTouched, setNameTouched] = useState(editing);
  const [errors, setErrors] = useState<Partial<Record<keyof SloForm, string>>>({});
  const save = useSaveSlo();
  const set = <K extends keyof SloForm>(k: K, v: SloForm[K]) =>
    setForm((f) => {
      const next = { ...f, [k]: v };
      if (!nameTouched && (k === 'service' || k === 'sli')) next.name = next.service ? `${next.service} ${next.sli}` : '';
      return next;
    });
  const id = idTouched ? form.id : sloIdFrom(form.name);
  const clash = !editing && takenIds.includes(id);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const checked = checkForm({ ...form, id });
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    if (clash) {
      setErrors({ id: `an SLO with the id “${id}” exists: pick another id or edit that one` });
      return;
    }
    setErrors({});
    save.mutate(checked.slo, { onSuccess: () => onSaved(checked.slo.id) });
  };

  const fieldError = (k: keyof SloForm) => (errors[k] ? <span className="form-error">{errors[k]}</span> : null);
  const serviceOptions = [...new Set([...(form.service ? [form.service] : []), ...services])].sort();

  return (
    <Dialog title={editing ? `Edit ${initial!.name}` : 'New SLO'} onClose={onClose}>
      <form className="slo-form" onSubmit={submit} noValidate>
        <label className="field">
          <span>Name</span>
          <input
            className={`input${errors.name ? ' input-bad' : ''}`}
            value={form.name}
            onChange={(e) => {
              setNameTouched(true);
              set('name', e.target.value);
            }}
            autoFocus
            placeholder="Checkout availability"
          />
          {fieldError('name')}
        </label>
        <label className="field">
          <span>Id</span>
          <input
            className={`input mono${errors.id ? ' input-bad' : ''}`}
            value={id}
            disabled={editing}
            onChange={(e) => {
              setIdTouched(true);
              set('id', e.target.value);
            }}
          />
          {fieldError('id') ?? (editing ? <span className="muted small">The id cannot change; create a new SLO instead.</span> : null)}
        </label>
        <label className="field">
          <span>Service</span>
          <select className={`input${errors.service ? ' input-bad' : ''}`} value={form.service} onChange={(e) => set('service', e.target.value)}>
            {form.service === '' ? <option value="">Pick a service…</option> : null}
            {serviceOptions.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          {fieldError('service')}
        </label>
        <fieldset className="field slo-sli-pick">
          <span>Indicator (SLI)</span>
          <label className="check">
            <input type="radio" name="sli" aria-label="Availability" checked={form.sli === 'availability'} onChange={() => set('sli', 'availability')} />
            Availability — requests that did not fail
          </label>
          <label className="check">
            <input type="radio" name="sli" aria-label="Latency" checked={form.sli === 'latency'} onChange={() => set('sli', 'latency')} />
            Latency — successful requests under
            <input
              className={`input slo-threshold${errors.thresholdMs ? ' input-bad' : ''}`}
              type="number"
              min={1}
              aria-label="Latency threshold in milliseconds"
              value={form.thresholdMs}
              disabled={form.sli !== 'latency'}
              onChange={(e) => set('thresholdMs', e.target.value)}
            />
            ms
          </label>
          {fieldError('thresholdMs')}
        </fieldset>
        <div className="form-row">
          <label className="field slo-objective">
            <span>Objective</span>
            <div className="input-suffix">
              <input className={`input${errors.objective ? ' input-bad' : ''}`} type="number" step="0.01" min={0} max={99.999} value={form.objective} onChange={(e) => set('objective', e.target.value)} aria-label="Objective in percent" />
              <span>%</span>
            </div>
          </label>
          <label className="field slo-window">
            <span>Rolling window</span>
            <input className={`input${errors.window ? ' input-bad' : ''}`} list="slo-windows" value={form.window} onChange={(e) => set('window', e.target.value)} aria-label="Rolling window" />
            <datalist id="slo-windows">
              {WINDOWS.map((w) => (
                <option key={w} value={w} />
              ))}
            </datalist>
          </label>
        </div>
        {fieldError('objective')}
        {fieldError('window')}
        <label className="field">
          <span>Description</span>
          <input className="input" value={form.description} onChange={(e) => set('description', e.target.value)} placeholder="Optional: what the user experiences when it is missed" />
        </label>
        {save.isError ? <div className="form-error">{(save.error as Error).message}</div> : null}
        <div className="slo-form-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : editing ? 'Save' : 'Create SLO'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
