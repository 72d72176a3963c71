// Words and numbers of the SLO views, and the form's checks (the contract's own schema, so the
// form and the server agree on what is valid).
import { SloDefinition, type SloStatus } from '../../../../common/api/slo-schemas';
import { BURN_RATE_RULES } from '../../../../common/slo';

/** "Checkout availability" → "checkout-availability" (the id slos.yaml keys the SLO by). */
export function sloIdFrom(name: string): string {
  const id = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/-+$/, '')
    .slice(0, 63);
  return id || 'slo';
}

/** 300000 → "5m", 3600000 → "1h", 259200000 → "3d". */
export function windowLabel(ms: number): string {
  const min = ms / 60_000;
  if (min < 60) return `${Math.round(min)}m`;
  const h = min / 60;
  if (h < 24 || h % 24 !== 0) return `${Math.round(h * 10) / 10}h`;
  return `${h / 24}d`;
}

export function sliText(slo: Pick<SloDefinition, 'sli' | 'thresholdMs'>): string {
  return slo.sli === 'latency' ? `successful requests faster than ${slo.thresholdMs ?? '?'} ms` : 'requests that did not fail';
}

export type Tone = 'ok' | 'warn' | 'error' | 'muted';

/** Remaining budget: spent or overspent is an error, under a quarter left a warning. */
export function budgetTone(remaining: number, total: number): Tone {
  if (total === 0) return 'muted';
  if (remaining <= 0) return 'error';
  if (remaining < 0.25) return 'warn';
  return 'ok';
}

/** A burn rate against the page and ticket thresholds of the multiwindow rules. */
export function burnTone(burn: number): Tone {
  const page = Math.min(...BURN_RATE_RULES.filter((r) => r.severity === 'page').map((r) => r.factor));
  if (burn >= page) return 'error';
  if (burn > 1) return 'warn';
  return burn > 0 ? 'ok' : 'muted';
}

export function formatBurn(burn: number): string {
  if (burn >= 1e8) return '∞';
  if (burn === 0) return '0×';
  if (burn < 0.1) return '<0.1×';
  return `${burn >= 10 ? burn.toFixed(0) : burn.toFixed(1)}×`;
}

export const STATE_TEXT: Record<SloStatus['state'], string> = {
  ok: 'OK',
  ticket: 'Ticket',
  page: 'Page',
  no_data: 'No data',
};

export interface SloForm {
  id: string;
  name: string;
  service: string;
  sli: 'availability' | 'latency';
  objective: string;
  window: string;
  thresholdMs: string;
  description: string;
}

export function emptyForm(service = ''): SloForm {
  return { id: '', name: service ? `${service} availability` : '', service, sli: 'availability', objective: '99.9', window: '30d', thresholdMs: '300', description: '' };
}

export function formFrom(slo: SloDefinition): SloForm {
  return {
    id: slo.id,
    name: slo.name,
    service: slo.service,
    sli: slo.sli,
    objective: String(slo.objective),
    window: slo.window,
    thresholdMs: slo.thresholdMs !== undefined ? String(slo.thresholdMs) : '300',
    description: slo.description ?? '',
  };
}

/** The definition to send, or the problem with each field. */
export function checkForm(form: SloForm): { ok: true; slo: SloDefinition } | { ok: false; errors: Partial<Record<keyof SloForm, string>> } {
  const candidate = {
    id: form.id.trim() || sloIdFrom(form.name),
    name: form.name.trim(),
    service: form.service.trim(),
    sli: form.sli,
    objective: form.objective.trim() === '' ? NaN : Number(form.objective),
    window: form.window.trim(),
    thresholdMs: form.sli === 'latency' ? (form.thresholdMs.trim() === '' ? NaN : Number(form.thresholdMs)) : undefined,
    description: form.description.trim() || undefined,
  };
  const parsed = SloDefinition.safeParse(candidate);
  const errors: Partial<Record<keyof SloForm, string>> = {};
  if (form.sli === 'latency' && !(Number(form.thresholdMs) > 0)) errors.thresholdMs = 'a threshold in milliseconds above 0';
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]) as keyof SloForm;
      if (!errors[field]) errors[field] = field === 'objective' ? 'a percentage between 0 and 100, such as 99.9' : field === 'name' ? 'a name' : field === 'service' ? 'a service' : issue.message;
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, slo: parsed.data };
}
