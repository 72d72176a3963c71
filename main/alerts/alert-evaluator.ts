// Evaluates the alert rules of alerts.yaml every few seconds in the core: each rule's value from
// the rollups (./alert-values), `for` before firing, hysteresis before resolving (common/
// alert-rules), every alert kept in alert_history from start to resolution, and each start and
// resolution announced (SSE, desktop notification). Firing alerts are read back from the
// history at start, so a restart neither repeats nor forgets them.
import type { AlertInstance, AlertList, AlertRule, AlertRuleStatus, AlertValue } from '../../common/api/alert-schemas';
import { windowMinutes } from '../../common/alert-rules';
import type { ReadStore } from '../query/read-store';
import { alertHistoryRows, firingAlertRows } from '../query/alert-history';
import { type AlertHistoryRow, insertAlert, pruneAlertHistory, resolveAlert } from '../store/alert-history';
import type { AlertFile } from './alert-file';
import { alertValue } from './alert-values';
import { ErrorTypeTracker } from './error-types';

export const EVALUATE_EVERY_MS = 15_000;
/** Rules evaluated per pass at most, so one pass stays cheap whatever the file holds. */
export const MAX_RULES = 200;
/** Alerts kept in the history (oldest resolved ones go first). */
export const HISTORY_KEPT = 2_000;
/** Time a pass may spend catching up on error types before it evaluates the rules. */
const ERROR_TYPE_BUDGET_MS = 250;

type Owner = { owner: string | null; component: string | null };

export interface AlertHandlers {
  onFire(alert: AlertInstance): void;
  onResolved(alert: AlertInstance): void;
}

interface RuleState {
  since: number | null;
  lastEvaluated: number | null;
  current: AlertValue | null;
}

type HistoryRow = AlertHistoryRow & { kind: AlertInstance['kind']; severity: AlertInstance['severity'] };

const keyOf = (ruleId: string, errorType: string | null) => `${ruleId}\u0000${errorType ?? ''}`;

export class AlertEvaluator {
  readonly types: ErrorTypeTracker;
  private readonly states = new Map<string, RuleState>();
  /** Firing alerts by rule id and error type. */
  private firing = new Map<string, AlertInstance>();
  private timer: NodeJS.Timeout | null = null;
  private pending: NodeJS.Timeout | null = null;
  private handlers: AlertHandlers | null = null;
  private evaluating = false;

  constructor(
    private readonly store: ReadStore,
    private readonly file: AlertFile,
    private readonly ownerOf: (service: string) => Owner = () => ({ owner: null, component: null }),
    readonly everyMs = EVALUATE_EVERY_MS,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.types = new ErrorTypeTracker(store);
    for (const row of firingAlertRows(this.store) as HistoryRow[]) {
      const alert = this.instanceOf(row);
      this.firing.set(keyOf(alert.ruleId, alert.errorType), alert);
    }
  }

  private instanceOf(r: HistoryRow): AlertInstance {
    return {
      id: r.id,
      ruleId: r.rule_id,
      name: r.name,
      kind: r.kind,
      severity: r.severity,
      service: r.service,
      target: r.target,
      errorType: r.error_type,
      state: r.resolved_ms === null ? 'firing' : 'resolved',
      startedAt: r.started_ms,
      resolvedAt: r.resolved_ms,
      value: r.value,
      threshold: r.threshold,
      summary: r.summary,
      windowFrom: r.window_from_ms,
      windowTo: r.window_to_ms,
      ...this.ownerOf(r.service),
    };
  }

  /** The rule's value now, without saving or remembering anything (the form's preview). */
  preview(rule: AlertRule, now = Date.now()): AlertValue {
    this.catchUpErrorTypes();
    return alertValue(this.store, this.types, rule, now);
  }

  private catchUpErrorTypes(): void {
    const deadline = performance.now() + ERROR_TYPE_BUDGET_MS;
    while (!this.types.advance() && performance.now() < deadline);
  }

  /** One pass: every rule's value, firing and resolving. */
  evaluate(now = Date.now()): void {
    if (this.evaluating) return;
    this.evaluating = true;
    try {
      this.catchUpErrorTypes();
      const rules = this.file.rules.slice(0, MAX_RULES);
      const live = new Set<string>();
      for (const rule of rules) {
        const state = this.states.get(rule.id) ?? { since: null, lastEvaluated: null, current: null };
        this.states.set(rule.id, state);
        if (rule.kind === 'new_error_type') this.evaluateNewTypes(rule, state, now, live);
        else this.evaluateMeasure(rule, state, now, live);
        state.lastEvaluated = now;
      }
      // Rules removed (or edited into another kind) resolve what they had firing.
      for (const [key, alert] of this.firing) if (!live.has(key)) this.resolve(key, alert, now);
      const ids = new Set(rules.map((r) => r.id));
      for (const id of this.states.keys()) if (!ids.has(id)) this.states.delete(id);
      pruneAlertHistory(this.store, HISTORY_KEPT);
    } finally {
      this.evaluating = false;
    }
  }

  private evaluateMeasure(rule: AlertRule, state: RuleState, now: number, live: Set<string>): void {
    const key = keyOf(rule.id, null);
    const firing = this.firing.get(key);
    const v = alertValue(this.store, this.types, rule, now, !!firing);
    state.current = v;
    if (!v.breaching) {
      state.since = null;
      if (firing) this.resolve(key, firing, now);
      return;
    }
    state.since ??= now;
    live.add(key);
    const holdMs = (windowMinutes(rule.for) ?? 0) * 60_000;
    if (!firing && now - state.since >= holdMs) this.fire(rule, null, v, now);
  }

  private evaluateNewTypes(rule: AlertRule, state: RuleState, now: number, live: Set<string>): void {
    const v = alertValue(this.store, this.types, rule, now);
    state.current = v;
    state.since = v.breaching ? (state.since ?? now) : null;
    for (const t of v.newTypes) {
      const key = keyOf(rule.id, t.type);
      live.add(key);
      if (!this.firing.has(key)) this.fire(rule, t.type, { ...v, summary: `new error type on ${rule.service}: ${t.type} (first seen ${new Date(t.firstSeen).toISOString()}, ×${t.count})` }, now);
    }
  }

  private fire(rule: AlertRule, errorType: string | null, v: AlertValue, now: number): void {
    const row: Omit<HistoryRow, 'id'> = {
      rule_id: rule.id,
      name: rule.name,
      kind: rule.kind,
      severity: rule.severity,
      service: rule.service,
      target: rule.target ?? null,
      error_type: errorType,
      started_ms: now,
      resolved_ms: null,
      value: errorType ? null : v.compared,
      threshold: errorType ? null : (rule.threshold ?? null),
      summary: v.summary,
      window_from_ms: v.windowFrom,
      window_to_ms: v.windowTo,
    };
    const alert = this.instanceOf({ id: insertAlert(this.store, row), ...row });
    this.firing.set(keyOf(rule.id, errorType), alert);
    this.handlers?.onFire(alert);
  }

  private resolve(key: string, alert: AlertInstance, now: number): void {
    resolveAlert(this.store, alert.id, now);
    this.firing.delete(key);
    this.handlers?.onResolved({ ...alert, state: 'resolved', resolvedAt: now });
  }

  status(rule: AlertRule): AlertRuleStatus {
    const state = this.states.get(rule.id);
    const firing = [...this.firing.values()].filter((a) => a.ruleId === rule.id).map((a) => ({ ...a, ...this.ownerOf(a.service) }));
    const current = state?.current ?? null;
    return {
      rule,
      state: firing.length ? 'firing' : current?.breaching ? 'pending' : current && current.compared === null && rule.kind !== 'new_error_type' ? 'no_data' : 'ok',
      current,
      since: state?.since ?? null,
      lastEvaluated: state?.lastEvaluated ?? null,
      firing,
    };
  }

  list(): AlertList {
    const rules = this.file.rules.map((r) => this.status(r));
    return {
      file: this.file.path,
      problems: this.file.problems,
      rules,
      firing: rules.flatMap((r) => r.firing).sort((a, b) => b.startedAt - a.startedAt),
      evaluateEveryMs: this.everyMs,
    };
  }

  history(input: { ruleId?: string; service?: string; limit: number }): AlertInstance[] {
    const rows = alertHistoryRows(this.store, input) as HistoryRow[];
    return rows.map((r) => this.instanceOf(r));
  }

  start(handlers: AlertHandlers): void {
    this.handlers = handlers;
    this.evaluateSafely();
    this.timer = setInterval(() => this.evaluateSafely(), this.everyMs);
    this.timer.unref();
  }

  /** After alerts.yaml changed: evaluate soon, so a new rule does not wait a whole period. */
  invalidate(): void {
    if (this.handlers && !this.pending) {
      this.pending = setTimeout(() => {
        this.pending = null;
        this.evaluateSafely();
      }, 300);
      this.pending.unref();
    }
  }

  /** A pass that cannot fail the core: a busy or slow store is logged and retried next pass. */
  private evaluateSafely(): void {
    if (!this.handlers) return;
    try {
      this.evaluate();
    } catch (e) {
      this.log(`loupe: alert rules were not evaluated: ${(e as Error).message}`);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.pending) clearTimeout(this.pending);
    this.handlers = null;
  }
}
