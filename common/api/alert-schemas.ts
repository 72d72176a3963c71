// Shapes of the alert rules API (rules beyond SLOs: error rate, latency, throughput per service
// or edge, as a threshold or a change against the previous window, and new error types),
// declared once with zod. `alertsApi` is shaped like the entries of `api` in ./contract.ts so
// the contract can spread it in; the core's handlers call main/alerts/.
import { z } from 'zod';
import type { Endpoint } from './contract';

function endpoint<I extends z.ZodType, O extends z.ZodType>(e: Endpoint<I, O>): Endpoint<I, O> {
  return e;
}

const Duration = z.string().regex(/^\d+(\.\d+)?\s*[mhdw]$/i, 'a duration such as 5m, 15m or 1h');

export const AlertKind = z.enum(['error_rate', 'latency', 'throughput', 'new_error_type']);
export type AlertKind = z.infer<typeof AlertKind>;

export const AlertRule = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lower-case letters, digits, ".", "_" and "-" (1–63 characters)'),
  name: z.string().min(1).max(200),
  kind: AlertKind,
  /** The service, or the caller of an edge rule. */
  service: z.string().min(1),
  /** The callee: present makes it an edge rule (what the caller saw of its calls to it). */
  target: z.string().min(1).optional(),
  /** threshold: the value itself is compared; change: its change against the previous window, in percent. */
  mode: z.enum(['threshold', 'change']).default('threshold'),
  /** above: fires when the value (or its rise) is over `threshold`; below: under it (or a fall by more than it). */
  when: z.enum(['above', 'below']).default('above'),
  /** Error rate in percent, latency in ms, throughput in req/s; percent of change in change mode. Not used by new_error_type. */
  threshold: z.number().nonnegative().optional(),
  /** Latency percentile. */
  percentile: z.union([z.literal(50), z.literal(90), z.literal(95), z.literal(99)]).optional(),
  /** The window the value is taken over, e.g. 5m (whole minutes: rules read the per-minute rollups). */
  window: Duration.default('5m'),
  /** How long the condition must hold before the alert fires (0m: at once). */
  for: Duration.optional(),
  /** Fewer requests than this in the window is no data, not an alert (error rate and latency). */
  minRequests: z.number().int().nonnegative().optional(),
  severity: z.enum(['page', 'ticket']).default('page'),
  description: z.string().optional(),
});
export type AlertRule = z.infer<typeof AlertRule>;
export type AlertRuleInput = z.input<typeof AlertRule>;

/** One alert: a rule firing (for new_error_type, one per new type), from start to resolution. */
export const AlertInstance = z.object({
  id: z.number(),
  ruleId: z.string(),
  name: z.string(),
  kind: AlertKind,
  severity: z.enum(['page', 'ticket']),
  service: z.string(),
  target: z.string().nullable(),
  /** The new error type (new_error_type rules). */
  errorType: z.string().nullable(),
  state: z.enum(['firing', 'resolved']),
  startedAt: z.number(),
  resolvedAt: z.number().nullable(),
  /** The value when it fired and the threshold it crossed (null for new error types). */
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  /** What fired, in words ("error rate 12.5 % > 5 % over 5m"). */
  summary: z.string(),
  /** The window the firing value was taken over (for links to its traces and logs). */
  windowFrom: z.number(),
  windowTo: z.number(),
  /** Owner and catalog component of the service, when the catalog has one. */
  owner: z.string().nullable(),
  component: z.string().nullable(),
});
export type AlertInstance = z.infer<typeof AlertInstance>;

export const AlertValue = z.object({
  /** The value over the window (null: no data — too few requests, or nothing to compare with). */
  value: z.number().nullable(),
  /** The same measure over the previous window (change mode). */
  previous: z.number().nullable(),
  /** The rule's own value: the measure in threshold mode, the change in percent in change mode. */
  compared: z.number().nullable(),
  requests: z.number(),
  /** New error types in the window (new_error_type). */
  newTypes: z.array(z.object({ type: z.string(), firstSeen: z.number(), count: z.number() })),
  /** Whether the condition holds now. */
  breaching: z.boolean(),
  windowFrom: z.number(),
  windowTo: z.number(),
  summary: z.string(),
});
export type AlertValue = z.infer<typeof AlertValue>;

export const AlertRuleStatus = z.object({
  rule: AlertRule,
  /** ok; pending (breaching, waiting out `for`); firing; no_data. */
  state: z.enum(['ok', 'pending', 'firing', 'no_data']),
  current: AlertValue.nullable(),
  /** Since when the condition has held (pending and firing). */
  since: z.number().nullable(),
  lastEvaluated: z.number().nullable(),
  firing: z.array(AlertInstance),
});
export type AlertRuleStatus = z.infer<typeof AlertRuleStatus>;

export const AlertList = z.object({
  file: z.string(),
  /** Problems in alerts.yaml, as file:line: message (the valid rules still apply). */
  problems: z.array(z.string()),
  rules: z.array(AlertRuleStatus),
  firing: z.array(AlertInstance),
  evaluateEveryMs: z.number(),
});
export type AlertList = z.infer<typeof AlertList>;

export const AlertHistoryQuery = z.object({
  ruleId: z.string().optional(),
  service: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** SSE `ruleAlert` (started firing) and `ruleAlertResolved` events carry an AlertInstance. */
export const RULE_ALERT_EVENT = 'ruleAlert';
export const RULE_ALERT_RESOLVED_EVENT = 'ruleAlertResolved';

export const alertsApi = {
  alerts: endpoint({
    method: 'GET',
    path: '/api/alerts',
    input: z.object({}),
    output: AlertList,
    summary: 'Every alert rule in alerts.yaml with its state (ok, pending, firing, no data), current value and firing alerts; problems in the file as file:line.',
  }),
  alertHistory: endpoint({
    method: 'GET',
    path: '/api/alerts/history',
    input: AlertHistoryQuery,
    output: z.array(AlertInstance),
    summary: 'Alerts that fired, newest first (firing and resolved), optionally of one rule or service.',
  }),
  alertPreview: endpoint({
    method: 'POST',
    path: '/api/alerts/preview',
    input: AlertRule,
    output: AlertValue,
    summary: "A rule's value now, without saving it: what the form's preview shows.",
  }),
  alertRulePut: endpoint({
    method: 'PUT',
    path: '/api/alerts/rules/:id',
    input: AlertRule,
    output: AlertRuleStatus,
    summary: 'Creates or replaces one alert rule (written to alerts.yaml; comments and other entries are kept). 400 naming the field when it is not usable.',
  }),
  alertRuleDelete: endpoint({
    method: 'DELETE',
    path: '/api/alerts/rules/:id',
    input: z.object({ id: z.string() }),
    output: z.object({ deleted: z.boolean() }),
    summary: 'Removes one alert rule from alerts.yaml; its firing alerts are resolved.',
  }),
};
