// The alert rule form's model: text fields in, a rule out, checked by the contract's own schema
// and the same extra checks the core makes (common/alert-rules), so the form and the server
// agree on what is valid and the messages name the same fields.
import { AlertRule } from '../../../../common/api/alert-schemas';
import { alertRuleProblem } from '../../../../common/alert-rules';
import { sloIdFrom } from '../slo/slo-model';

export interface RuleForm {
  id: string;
  name: string;
  kind: AlertRule['kind'];
  service: string;
  /** '' for the service itself, else the callee of the edge. */
  target: string;
  mode: AlertRule['mode'];
  when: AlertRule['when'];
  threshold: string;
  percentile: string;
  window: string;
  for: string;
  severity: AlertRule['severity'];
  description: string;
}

export type FormErrors = Partial<Record<keyof RuleForm, string>>;

export function emptyRuleForm(service: string, target = ''): RuleForm {
  return { id: '', name: '', kind: 'error_rate', service, target, mode: 'threshold', when: 'above', threshold: '5', percentile: '95', window: '5m', for: '0m', severity: 'page', description: '' };
}

export function formOf(rule: AlertRule): RuleForm {
  return {
    id: rule.id,
    name: rule.name,
    kind: rule.kind,
    service: rule.service,
    target: rule.target ?? '',
    mode: rule.mode,
    when: rule.when,
    threshold: rule.threshold === undefined ? '' : String(rule.threshold),
    percentile: String(rule.percentile ?? 95),
    window: rule.window,
    for: rule.for ?? '0m',
    severity: rule.severity,
    description: rule.description ?? '',
  };
}

/** A name that says what the rule watches, until the user names it. */
export function suggestedName(f: RuleForm): string {
  if (!f.service) return '';
  const scope = f.target ? `${f.service} → ${f.target}` : f.service;
  const what = f.kind === 'latency' ? `p${f.percentile} latency` : f.kind === 'error_rate' ? 'error rate' : f.kind === 'throughput' ? 'throughput' : 'new error types';
  if (f.kind === 'new_error_type') return `${scope} ${what}`;
  const dir = f.mode === 'change' ? (f.when === 'above' ? 'rising' : 'falling') : f.when === 'above' ? 'high' : 'low';
  return `${scope} ${what} ${dir}`;
}

export function ruleIdFrom(name: string): string {
  return sloIdFrom(name) === 'slo' ? 'rule' : sloIdFrom(name);
}

/** The rule the form describes, or the problems, by field. */
export function checkRuleForm(f: RuleForm): { ok: true; rule: AlertRule } | { ok: false; errors: FormErrors } {
  const errors: FormErrors = {};
  const threshold = f.threshold.trim() === '' ? undefined : Number(f.threshold);
  if (f.kind !== 'new_error_type' && (threshold === undefined || !Number.isFinite(threshold))) errors.threshold = 'a number is needed';
  const candidate = {
    id: f.id,
    name: f.name.trim(),
    kind: f.kind,
    service: f.service,
    ...(f.target ? { target: f.target } : {}),
    ...(f.kind === 'new_error_type' ? {} : { mode: f.mode, when: f.when, threshold }),
    ...(f.kind === 'latency' ? { percentile: Number(f.percentile) } : {}),
    window: f.window.trim(),
    ...(f.for.trim() && f.for.trim() !== '0m' ? { for: f.for.trim() } : {}),
    severity: f.severity,
    ...(f.description.trim() ? { description: f.description.trim() } : {}),
  };
  const parsed = AlertRule.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? 'name') as keyof RuleForm;
      errors[field] ??= field === 'service' ? 'pick a service' : issue.message;
    }
    return { ok: false, errors };
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  const problem = alertRuleProblem(parsed.data);
  if (problem) {
    const [field, ...rest] = problem.split(': ');
    return { ok: false, errors: { [field as keyof RuleForm]: rest.join(': ') || problem } };
  }
  return { ok: true, rule: parsed.data };
}
