// Alert rules live in `alerts.yaml` next to the data, like slos.yaml: edited in the UI, by hand,
// or kept in a repository. The file is re-read when it changes; an unusable rule is reported
// as `file:line: rule "id": field: message` and does not stop the valid ones; a file that cannot
// be parsed at all is reported, never thrown.
import { unwatchFile, watchFile } from 'node:fs';
import { join } from 'node:path';
import { AlertRule } from '../../common/api/alert-schemas';
import { alertRuleProblem } from '../../common/alert-rules';
import { editYamlList, readYamlList } from '../config/yaml-list';

export const ALERT_FILE = 'alerts.yaml';

const HEADER = `# Loupe alert rules. Edit here or in the UI (Alerts).
#   kind: error_rate (percent), latency (ms, at percentile 50/90/95/99), throughput (req/s),
#         or new_error_type (an error.type or exception.type the service never had before)
#   service: the service; with target: the edge service → target, as the caller saw it
#   mode: threshold (the value) or change (percent against the previous window)
#   when: above or below; threshold: the number; window: e.g. 5m; for: how long before firing
#   severity: page or ticket
`;

export interface AlertFileState {
  rules: AlertRule[];
  problems: string[];
}

export function readAlertFile(path: string): AlertFileState {
  const { entries, problems } = readYamlList(path, 'rules');
  const rules: AlertRule[] = [];
  const ids = new Set<string>();
  for (const { line, value } of entries) {
    const name = value && typeof value === 'object' && 'id' in value ? ` rule "${String((value as { id: unknown }).id)}"` : '';
    const parsed = AlertRule.safeParse(value);
    if (!parsed.success) {
      problems.push(`${path}:${line}:${name} ${parsed.error.issues.map((i) => `${i.path.join('.') || 'entry'}: ${i.message}`).join('; ')}`);
      continue;
    }
    const rule = parsed.data;
    if (ids.has(rule.id)) {
      problems.push(`${path}:${line}:${name} duplicate rule id`);
      continue;
    }
    const problem = alertRuleProblem(rule);
    if (problem) {
      problems.push(`${path}:${line}:${name} ${problem}`);
      continue;
    }
    ids.add(rule.id);
    rules.push(rule);
  }
  return { rules, problems };
}

/** The rule as written to the file: defaults the user did not change are left out. */
function asWritten(rule: AlertRule): Record<string, unknown> {
  const out: Record<string, unknown> = { ...rule };
  if (rule.kind === 'new_error_type') {
    delete out.mode;
    delete out.when;
  }
  return out;
}

/** Keeps the parsed file current; `onChange` runs after every reload. */
export class AlertFile {
  readonly path: string;
  private state: AlertFileState;

  constructor(dataDir: string, private readonly onChange: () => void = () => undefined) {
    this.path = join(dataDir, ALERT_FILE);
    this.state = readAlertFile(this.path);
    watchFile(this.path, { interval: 1000 }, () => this.reload());
  }

  get rules(): AlertRule[] {
    return this.state.rules;
  }

  get problems(): string[] {
    return this.state.problems;
  }

  reload(): void {
    this.state = readAlertFile(this.path);
    this.onChange();
  }

  /** Saves one rule; throws (writing nothing) when it is not usable. */
  upsert(rule: AlertRule): void {
    const problem = alertRuleProblem(rule);
    if (problem) throw new Error(problem);
    editYamlList(this.path, 'rules', HEADER, rule.id, asWritten(rule));
    this.reload();
  }

  remove(id: string): boolean {
    const removed = editYamlList(this.path, 'rules', HEADER, id, null);
    this.reload();
    return removed;
  }

  close(): void {
    unwatchFile(this.path);
  }
}
