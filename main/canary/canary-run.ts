// One canary run: the baseline's and the canary's per-minute samples of each configured
// metric over the window (from the per-instance request rollups, or stored metric points),
// judged as Kayenta judges them. Scopes are two versions of a service, or two sets of its
// instances. Samples cover the minutes each side was alive in the window; a minute in between
// without a value is NaN, which the metric's NaN strategy removes or replaces.
import type { CanaryResult } from '../../common/api/releases-schemas';
import * as H from '../../common/latency-histogram';
import { type ReadStore, serviceIds, windowOf } from '../query/read-store';
import { instanceMinuteRows, instancesOf, metricPointsByMinute } from '../query/canary-samples';
import { QueryError } from '../query/traces';
import { instanceOf } from '../store/instance-rollup';
import { classifyMetric, score } from './judge';
import { CanaryConfigError, type CanaryConfig, type CanaryMetric, loadCanaryConfig } from './canary-file';

export interface CanaryInput {
  service: string;
  baseline: string;
  canary: string;
  by?: 'version' | 'instance';
  from?: number;
  to?: number;
}

interface Scope {
  label: string;
  /** Version name, or instance ids. */
  matches: (row: { version: string; instance: string }) => boolean;
}

interface MinuteAgg {
  calls: number;
  errors: number;
  ok: H.DenseHistogram;
  instances: Set<string>;
}

export function runCanary(store: ReadStore, dataDir: string, input: CanaryInput): CanaryResult {
  let config: CanaryConfig;
  try {
    config = loadCanaryConfig(dataDir);
  } catch (e) {
    if (e instanceof CanaryConfigError) throw new QueryError('bad_canary_config', e.message);
    throw e;
  }
  const ids = serviceIds(store, input.service);
  const seen = instancesOf(store, ids);
  if (ids.length === 0) throw new QueryError('not_found', `no service "${input.service}" has sent telemetry`, 404);
  const versions = [...new Set(seen.map((r) => r.version))];
  const by = input.by ?? 'version';
  const scopeOf = (spec: string, label: string): Scope => {
    if (by === 'version') {
      if (!versions.includes(spec))
        throw new QueryError('not_found', `${input.service} has no version "${spec}" (${label}); versions seen: ${versions.map((v) => v || '(none)').join(', ') || 'none'}`, 404);
      return { label, matches: (r) => r.version === spec };
    }
    const wanted = new Set(spec.split(',').map((s) => s.trim()).filter(Boolean));
    const known = new Set(seen.map((r) => r.instance));
    const unknown = [...wanted].filter((w) => !known.has(w));
    if (wanted.size === 0 || unknown.length)
      throw new QueryError('not_found', `${input.service} has no instance ${unknown.map((u) => `"${u}"`).join(', ') || '(none given)'} (${label}); instances seen: ${[...known].join(', ')}`, 404);
    return { label, matches: (r) => wanted.has(r.instance) };
  };
  const baseline = scopeOf(input.baseline, 'baseline');
  const canary = scopeOf(input.canary, 'canary');
  const { from, to } = windowOf(input);
  const m0 = Math.floor(from / 60_000);
  const m1 = Math.floor(to / 60_000);

  return store.timed('canary.run', () => {
    const rows = instanceMinuteRows(store, ids, m0, m1);
    const minutesOf = (scope: Scope) => {
      const byMinute = new Map<number, MinuteAgg>();
      for (const r of rows) {
        if (!scope.matches(r)) continue;
        let a = byMinute.get(r.minute);
        if (a === undefined) {
          a = { calls: 0, errors: 0, ok: new H.DenseHistogram(), instances: new Set() };
          byMinute.set(r.minute, a);
        }
        a.calls += r.calls;
        a.errors += r.errors;
        a.ok.addEncoded(r.hist_ok);
        a.instances.add(r.instance);
      }
      return byMinute;
    };
    const sides = { baseline: minutesOf(baseline), canary: minutesOf(canary) };
    const metrics = config.metrics.map((m) => {
      const b = samples(store, ids, m, sides.baseline, baseline, from, to);
      const c = samples(store, ids, m, sides.canary, canary, from, to);
      return classifyMetric(m, b, c);
    });
    const judged = score(metrics, config.groupWeights, config.thresholds);
    return {
      service: input.service,
      by,
      baseline: input.baseline,
      canary: input.canary,
      from,
      to,
      config: { source: config.source, thresholds: config.thresholds, groupWeights: config.groupWeights },
      ...judged,
      metrics: judged.metrics.map((r) => ({ ...r, test: r.test && { ...r.test, pValue: Number.isFinite(r.test.pValue) ? r.test.pValue : null } })),
    };
  });
}

/** A side's per-minute values of one metric, NaN for minutes it was alive but had no value. */
function samples(store: ReadStore, ids: number[], m: CanaryMetric, minutes: Map<number, MinuteAgg>, scope: Scope, from: number, to: number): number[] {
  if (m.metric !== undefined) return storedMetricSamples(store, ids, m.metric, scope, from, to);
  if (minutes.size === 0) return [];
  const keys = [...minutes.keys()];
  const first = Math.min(...keys);
  const last = Math.max(...keys);
  const out: number[] = [];
  for (let minute = first; minute <= last; minute++) {
    const a = minutes.get(minute);
    out.push(a === undefined ? NaN : valueOf(m.query!, a));
  }
  return out;
}

function valueOf(query: NonNullable<CanaryMetric['query']>, a: MinuteAgg): number {
  switch (query) {
    case 'error_rate':
      return a.calls > 0 ? a.errors / a.calls : NaN;
    case 'throughput_per_instance':
      return a.instances.size > 0 ? a.calls / 60 / a.instances.size : NaN;
    default: {
      const q = query === 'latency_p50' ? 0.5 : query === 'latency_p95' ? 0.95 : 0.99;
      return a.ok.quantileMs(q) ?? NaN;
    }
  }
}

/** A stored metric's points on the side's resources, averaged per minute. */
function storedMetricSamples(store: ReadStore, ids: number[], name: string, scope: Scope, from: number, to: number): number[] {
  const rows = metricPointsByMinute(store, ids, name, from, to);
  const instanceByAttrs = new Map<string, string>();
  const byMinute = new Map<number, { sum: number; n: number }>();
  for (const r of rows) {
    let instance = instanceByAttrs.get(r.attributes);
    if (instance === undefined) {
      instance = instanceOf(JSON.parse(r.attributes || '{}') as Record<string, unknown>).instance;
      instanceByAttrs.set(r.attributes, instance);
    }
    if (!scope.matches({ version: r.version, instance })) continue;
    const a = byMinute.get(r.minute) ?? { sum: 0, n: 0 };
    a.sum += r.value;
    a.n++;
    byMinute.set(r.minute, a);
  }
  if (byMinute.size === 0) return [];
  const keys = [...byMinute.keys()];
  const out: number[] = [];
  for (let minute = Math.min(...keys); minute <= Math.max(...keys); minute++) {
    const a = byMinute.get(minute);
    out.push(a ? a.sum / a.n : NaN);
  }
  return out;
}
