// SLO status from the per-minute rollups: SLI and error budget over the rolling window, burn
// rates over the alerting windows, and the multiwindow alerts; plus the loop that notices
// when an alert starts firing.
import type { SloAlertEvent, SloDefinition, SloList, SloStatus } from '../../common/api/slo-schemas';
import { BURN_WINDOWS_MS, burnRate, errorBudget, evaluateAlerts, parseWindow } from '../../common/slo';
import * as H from '../../common/latency-histogram';
import type { ReadStore } from '../query/read-store';
import { serviceIds } from '../query/read-store';
import { serviceMinuteRows } from '../query/rollup-rows';
import type { SloFile } from './slo-file';
import type { SliCounts } from '../../common/plugin-protocol';
import type { SloSummary } from '../query/services';

const HISTORY_POINTS = 60;
const CACHE_MS = 10_000;
const EVALUATE_EVERY_MS = 30_000;

/** Good events among a minute's requests for this SLO. */
function goodOf(slo: SloDefinition, calls: number, errors: number, histOk: Buffer | null): number {
  if (slo.sli === 'availability') return calls - errors;
  return H.countAtMostEncoded(histOk, (slo.thresholdMs ?? 0) * 1000);
}

export class SloEvaluator {
  private readonly cache = new Map<string, { at: number; status: SloStatus }>();
  private firing = new Map<string, SloAlertEvent>();
  private timer: NodeJS.Timeout | null = null;
  private pending: NodeJS.Timeout | null = null;
  private handlers: { onAlert: (e: SloAlertEvent) => void; onResolved: (e: SloAlertEvent) => void } | null = null;

  constructor(
    private readonly store: ReadStore,
    private readonly file: SloFile,
  ) {}

  status(slo: SloDefinition, now = Date.now()): SloStatus {
    const key = JSON.stringify(slo);
    const hit = this.cache.get(slo.id);
    if (hit && hit.at > now - CACHE_MS && JSON.stringify(hit.status.slo) === key) return hit.status;
    const status = this.store.timed('slo.status', () => this.compute(slo, now));
    this.cache.set(slo.id, { at: now, status });
    return status;
  }

  private compute(slo: SloDefinition, now: number): SloStatus {
    const windowMs = parseWindow(slo.window)!;
    const endMinute = Math.floor(now / 60_000);
    const startMinute = endMinute - Math.ceil(windowMs / 60_000) + 1;
    const n = endMinute - startMinute + 1;
    const good = new Float64Array(n);
    const total = new Float64Array(n);
    const ids = serviceIds(this.store, slo.service);
    if (ids.length) {
      const rows = serviceMinuteRows(this.store, ids, startMinute, endMinute, slo.sli === 'latency' ? 'ok' : 'none');
      for (const r of rows) {
        const i = r.minute - startMinute;
        total[i] += r.calls;
        good[i] += goodOf(slo, r.calls, r.errors, r.hist_ok);
      }
    }
    // Sums over the trailing minutes ending now.
    const trailing = (minutes: number) => {
      let g = 0;
      let t = 0;
      for (let i = Math.max(0, n - minutes); i < n; i++) {
        g += good[i];
        t += total[i];
      }
      return { good: g, total: t };
    };
    const steps = Array.from({ length: n }, (_, i) => ({ time: (startMinute + i) * 60_000, total: total[i], good: good[i] }));
    return statusOf(slo, windowMs, trailing(n), new Map(BURN_WINDOWS_MS.map((w) => [w, trailing(Math.ceil(w / 60_000))])), steps);
  }

  list(now = Date.now()): SloList {
    return { file: this.file.path, problems: this.file.problems, slos: this.file.slos.map((s) => this.status(s, now)) };
  }

  /** Per service: the highest 1h burn rate among its SLOs and the most severe firing alert. */
  summaryByService(now = Date.now()): Map<string, SloSummary> {
    const out = new Map<string, SloSummary>();
    for (const s of this.file.slos) {
      const st = this.status(s, now);
      const burn = st.burnRates.find((b) => b.windowMs === 3_600_000)?.burnRate ?? 0;
      const alert = st.state === 'page' ? 'page' : st.state === 'ticket' ? 'ticket' : null;
      const prev = out.get(s.service);
      out.set(s.service, {
        burn: Math.max(prev?.burn ?? 0, burn),
        alert: prev?.alert === 'page' || alert === 'page' ? 'page' : (prev?.alert ?? alert),
      });
    }
    return out;
  }

  /** Reports each alert when it starts firing (not again while it keeps firing), and when
   * it stops. */
  evaluate(onAlert: (e: SloAlertEvent) => void, onResolved: (e: SloAlertEvent) => void = () => undefined, now = Date.now()): void {
    const next = new Map<string, SloAlertEvent>();
    for (const slo of this.file.slos) {
      const st = this.status(slo, now);
      for (const a of st.alerts) {
        if (!a.firing) continue;
        const key = `${slo.id}\u0000${a.label}`;
        const previous = this.firing.get(key);
        const event = previous ?? { sloId: slo.id, name: slo.name, service: slo.service, severity: a.severity, label: a.label, burnRate: a.longBurn, startedAt: now };
        next.set(key, event);
        if (!previous) onAlert(event);
      }
    }
    for (const [key, event] of this.firing) if (!next.has(key)) onResolved(event);
    this.firing = next;
  }

  start(onAlert: (e: SloAlertEvent) => void, onResolved: (e: SloAlertEvent) => void = () => undefined): void {
    this.handlers = { onAlert, onResolved };
    this.evaluate(onAlert, onResolved);
    this.timer = setInterval(() => this.evaluate(onAlert, onResolved), EVALUATE_EVERY_MS);
    this.timer.unref();
  }

  /** After slos.yaml changed: drop cached statuses and re-evaluate soon, so an SLO deleted and
   * created again announces its alerts again. */
  invalidate(): void {
    this.cache.clear();
    const ids = new Set(this.file.slos.map((s) => s.id));
    for (const [key, event] of this.firing) if (!ids.has(event.sloId)) this.firing.delete(key);
    if (this.handlers && !this.pending) {
      this.pending = setTimeout(() => {
        this.pending = null;
        if (this.handlers) this.evaluate(this.handlers.onAlert, this.handlers.onResolved);
      }, 500);
      this.pending.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.pending) clearTimeout(this.pending);
    this.handlers = null;
  }
}

function finite(n: number): number {
  return Number.isFinite(n) ? n : 1e9;
}

/** The status of an SLO from its counts: over the whole window, over each burn-rate window, and
 * per step (oldest first) for the burn-down. Local rollups and remote sources both end here. */
export function statusOf(
  slo: SloDefinition,
  windowMs: number,
  all: { good: number; total: number },
  burnWindows: ReadonlyMap<number, { good: number; total: number }>,
  steps: ReadonlyArray<{ time: number; total: number; good: number }>,
  notice?: string,
): SloStatus {
  const burnByWindow = new Map<number, number>();
  for (const w of BURN_WINDOWS_MS) {
    const s = burnWindows.get(w) ?? { good: 0, total: 0 };
    burnByWindow.set(w, burnRate(s.total - s.good, s.total, slo.objective));
  }
  const alerts = evaluateAlerts(burnByWindow);
  const history: SloStatus['history'] = [];
  let g = 0;
  let t = 0;
  const every = Math.max(1, Math.floor(steps.length / HISTORY_POINTS));
  steps.forEach((step, i) => {
    g += step.good;
    t += step.total;
    if ((i + 1) % every === 0 || i === steps.length - 1) {
      const b = errorBudget(t - g, t, slo.objective);
      history.push({ time: step.time, remaining: Number.isFinite(b.remaining) ? b.remaining : -1 });
    }
  });
  const budget = errorBudget(all.total - all.good, all.total, slo.objective);
  const state: SloStatus['state'] =
    all.total === 0 ? 'no_data' : alerts.some((a) => a.firing && a.severity === 'page') ? 'page' : alerts.some((a) => a.firing) ? 'ticket' : 'ok';
  return {
    slo,
    state,
    windowMs,
    total: all.total,
    good: all.good,
    sli: all.total > 0 ? all.good / all.total : null,
    budget: { allowed: budget.allowed, consumed: budget.consumed, remaining: Number.isFinite(budget.remaining) ? budget.remaining : -1 },
    burnRates: [...burnByWindow].map(([windowMs, rate]) => ({ windowMs, burnRate: Number.isFinite(rate) ? rate : 1e9 })),
    alerts: alerts.map((a) => ({ ...a, longBurn: finite(a.longBurn), shortBurn: finite(a.shortBurn) })),
    history,
    ...(notice ? { notice } : {}),
  };
}

/** An SLO's status from a remote source's counts (`serviceGraph.sli`). */
export function statusFromCounts(slo: SloDefinition, counts: SliCounts): SloStatus {
  const windowMs = parseWindow(slo.window)!;
  // A source's counters are its own: good can never be more than total, whatever it answers.
  const fit = (c: { good: number; total: number }) => ({ good: Math.max(0, Math.min(c.good, c.total)), total: Math.max(0, c.total) });
  const byWindow = new Map(counts.windows.map((w) => [w.windowMs, fit(w)]));
  const steps = counts.steps.map((s) => ({ time: s.time, ...fit(s) }));
  return statusOf(slo, windowMs, byWindow.get(windowMs) ?? { good: 0, total: 0 }, byWindow, steps, counts.notice);
}

/** The windows a remote source is asked for: the SLO's own and every burn-rate window. */
export function sliWindows(slo: SloDefinition): number[] {
  return [...new Set([parseWindow(slo.window)!, ...BURN_WINDOWS_MS])];
}
