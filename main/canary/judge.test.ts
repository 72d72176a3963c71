// Kayenta's judge rules, one at a time, on small hand-made samples.
import { describe, expect, it } from 'vitest';
import { classifyMetric, iqrFences, percentile, score, type MetricJudgeConfig } from './judge';
import { parseCanaryYaml, CanaryConfigError, DEFAULT_CANARY_YAML } from './canary-file';

const cfg = (o: Partial<MetricJudgeConfig> = {}): MetricJudgeConfig => ({
  name: 'latency',
  groups: ['latency'],
  direction: 'either',
  critical: false,
  mustHaveData: false,
  nanStrategy: 'remove',
  outliers: { strategy: 'keep', factor: 3 },
  effectSize: { allowedIncrease: 1, allowedDecrease: 1, criticalIncrease: 1, criticalDecrease: 1 },
  ...o,
});
const baseline = [10, 11, 9, 10.5, 9.5, 10.2, 9.8, 10.1, 10.4, 9.7];
const slower = baseline.map((v) => v * 1.5);

describe('metric classification', () => {
  it('is High when the interval clears the tolerance band, Low the other way, Pass within', () => {
    expect(classifyMetric(cfg(), baseline, slower).classification).toBe('High');
    expect(classifyMetric(cfg(), slower, baseline).classification).toBe('Low');
    expect(classifyMetric(cfg(), baseline, baseline.map((v) => v + 0.01)).classification).toBe('Pass');
  });

  it('counts only the configured direction', () => {
    expect(classifyMetric(cfg({ direction: 'decrease' }), baseline, slower).classification).toBe('Pass');
    expect(classifyMetric(cfg({ direction: 'increase' }), slower, baseline).classification).toBe('Pass');
  });

  it('needs the effect size as well as significance', () => {
    expect(classifyMetric(cfg({ effectSize: { allowedIncrease: 2, allowedDecrease: 1, criticalIncrease: 1, criticalDecrease: 1 } }), baseline, slower).classification).toBe('Pass');
  });

  it('is Nodata (critical when the metric is) or NodataFailMetric when data is required', () => {
    expect(classifyMetric(cfg(), baseline, [NaN, NaN])).toMatchObject({ classification: 'Nodata', critical: false });
    expect(classifyMetric(cfg({ critical: true }), baseline, [])).toMatchObject({ classification: 'Nodata', critical: true });
    expect(classifyMetric(cfg({ mustHaveData: true }), [], baseline).classification).toBe('NodataFailMetric');
    expect(classifyMetric(cfg({ nanStrategy: 'replace' }), baseline, []).classification).toBe('Pass');
  });

  it('replaces NaN with 0 under the replace strategy', () => {
    const r = classifyMetric(cfg({ nanStrategy: 'replace' }), [1, 2, NaN], [1, 2, 3]);
    expect(r.baseline.values).toEqual([1, 2, 0]);
  });

  it('removes outliers beyond the IQR fences only when asked', () => {
    // Fences are never inside the 1st/99th percentiles (Kayenta's reduceSensitivity), so a
    // single spike stands out only among enough values.
    const withSpike = [...Array.from({ length: 100 }, (_, i) => baseline[i % 10]), 500];
    expect(classifyMetric(cfg(), baseline, withSpike).canary.values).toHaveLength(101);
    const r = classifyMetric(cfg({ outliers: { strategy: 'remove', factor: 3 } }), baseline, withSpike);
    expect(r.canary.values).toHaveLength(100);
    expect(r.canary.removed).toBe(1);
  });

  it('marks a critical High only beyond criticalIncrease', () => {
    expect(classifyMetric(cfg({ critical: true }), baseline, slower).critical).toBe(true);
    const mild = cfg({ critical: true, effectSize: { allowedIncrease: 1, allowedDecrease: 1, criticalIncrease: 2, criticalDecrease: 1 } });
    expect(classifyMetric(mild, baseline, slower)).toMatchObject({ classification: 'High', critical: false });
  });

  it('passes identical data and constant data', () => {
    expect(classifyMetric(cfg(), [1, 2, 3], [3, 2, 1]).classification).toBe('Pass');
    expect(classifyMetric(cfg(), [0, 0, 0], [0, 0]).classification).toBe('Pass');
    expect(classifyMetric(cfg(), [0, 0, 0], [1, 1, 1]).classification).toBe('High');
  });
});

describe('percentiles and fences (Commons Math, as Kayenta uses them)', () => {
  it('interpolates at p(n+1)/100 and clamps to the ends', () => {
    expect(percentile([1, 2, 3, 4], 25)).toBe(1.25);
    expect(percentile([1, 2, 3, 4], 75)).toBe(3.75);
    expect(percentile([1, 2, 3, 4], 1)).toBe(1);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
    expect(iqrFences([1, 2, 3, 4], 3)).toEqual([1.25 - 7.5, 3.75 + 7.5]);
  });
});

describe('scoring', () => {
  const m = (name: string, groups: string[], classification: 'Pass' | 'High' | 'Nodata', critical = false) =>
    ({ ...classifyMetric(cfg({ name, groups }), [1], [1]), classification, critical });

  it('weights group scores, sharing what the weights leave among unweighted groups', () => {
    const r = score([m('a', ['errors'], 'Pass'), m('b', ['latency'], 'High'), m('c', ['latency'], 'Pass'), m('d', ['other'], 'Pass')], { errors: 50 }, { pass: 95, marginal: 75 });
    expect(r.groups.find((g) => g.name === 'latency')!.score).toBe(50);
    // 100·0.5 + 50·0.25 + 100·0.25
    expect(r.score).toBe(87.5);
    expect(r.classification).toBe('Marginal');
  });

  it('scores 0 on a critical failure or when half the metrics are Nodata', () => {
    expect(score([m('a', ['g'], 'High', true), m('b', ['g'], 'Pass')], {}, { pass: 95, marginal: 75 })).toMatchObject({ score: 0, classification: 'Fail' });
    expect(score([m('a', ['g'], 'Nodata'), m('b', ['g'], 'Pass')], {}, { pass: 95, marginal: 75 })).toMatchObject({ score: 0, classification: 'Fail' });
  });
});

describe('canary.yaml', () => {
  it('reads the defaults', () => {
    const c = parseCanaryYaml(DEFAULT_CANARY_YAML, 'defaults');
    expect(c.metrics.map((x) => x.name)).toContain('error rate');
    expect(c.thresholds).toEqual({ pass: 95, marginal: 75 });
  });

  it('names file, line and rule for each mistake', () => {
    const text = 'thresholds: { pass: 80, marginal: 90 }\nmetrics:\n  - name: a\n    query: error_rate\n    colour: red\n  - name: a\n    metric: cpu\n';
    let err: CanaryConfigError | null = null;
    try {
      parseCanaryYaml(text, 'canary.yaml');
    } catch (e) {
      err = e as CanaryConfigError;
    }
    expect(err?.problems.join('\n')).toMatch(/canary\.yaml:1: thresholds: marginal must not be above pass/);
    expect(err?.problems.join('\n')).toMatch(/canary\.yaml:3: metrics\[0\]: .*colour/);
  });

  it('reports duplicate metric names and YAML syntax errors with their line', () => {
    expect(() => parseCanaryYaml('metrics:\n  - { name: a, query: error_rate }\n  - { name: a, metric: cpu }\n', 'c.yaml')).toThrow(/c\.yaml:3: metrics\[1\]\.name: duplicate/);
    expect(() => parseCanaryYaml('metrics: [\n', 'c.yaml')).toThrow(/c\.yaml:\d+: yaml:/);
  });
});
