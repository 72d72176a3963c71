// `canary.yaml` next to the data: which metrics a canary run compares, how each is judged
// (Kayenta's per-metric analysis settings) and the group weights and score thresholds. Without
// the file the defaults below apply. A file with mistakes is not half-used: every problem is
// reported as `file:line: rule` and the run is refused.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { z } from 'zod';
import type { MetricJudgeConfig } from './judge';

export const CANARY_FILE = 'canary.yaml';

/** What a metric samples per minute: built from the request rollups, or a stored metric. */
export const BUILT_IN_QUERIES = ['error_rate', 'latency_p50', 'latency_p95', 'latency_p99', 'throughput_per_instance'] as const;

const MetricEntry = z
  .object({
    name: z.string().min(1),
    query: z.enum(BUILT_IN_QUERIES).optional(),
    /** A stored metric by name (its points averaged per minute), instead of `query`. */
    metric: z.string().min(1).optional(),
    groups: z.array(z.string().min(1)).min(1).default(['default']),
    direction: z.enum(['increase', 'decrease', 'either']).default('either'),
    critical: z.boolean().default(false),
    mustHaveData: z.boolean().default(false),
    nanStrategy: z.enum(['remove', 'replace']).default('remove'),
    outliers: z
      .object({ strategy: z.enum(['keep', 'remove']).default('keep'), factor: z.number().positive().default(3) })
      .strict()
      .default({ strategy: 'keep', factor: 3 }),
    effectSize: z
      .object({
        allowedIncrease: z.number().positive().default(1),
        allowedDecrease: z.number().positive().default(1),
        criticalIncrease: z.number().positive().default(1),
        criticalDecrease: z.number().positive().default(1),
      })
      .strict()
      .default({ allowedIncrease: 1, allowedDecrease: 1, criticalIncrease: 1, criticalDecrease: 1 }),
  })
  .strict()
  .refine((m) => (m.query === undefined) !== (m.metric === undefined), { message: 'give exactly one of `query` or `metric`' });

const CanaryFileSchema = z
  .object({
    thresholds: z
      .object({ pass: z.number().min(0).max(100), marginal: z.number().min(0).max(100) })
      .strict()
      .refine((t) => t.marginal <= t.pass, { message: 'marginal must not be above pass' })
      .default({ pass: 95, marginal: 75 }),
    groupWeights: z.record(z.string(), z.number().min(0)).default({}),
    metrics: z.array(MetricEntry).min(1),
  })
  .strict()
  .refine((f) => Object.values(f.groupWeights).reduce((a, b) => a + b, 0) <= 100, {
    message: 'group weights add up to more than 100',
    path: ['groupWeights'],
  });

export type CanaryMetric = MetricJudgeConfig & { query?: (typeof BUILT_IN_QUERIES)[number]; metric?: string };

export interface CanaryConfig {
  /** Where it came from: the file's path, or "defaults". */
  source: string;
  thresholds: { pass: number; marginal: number };
  groupWeights: Record<string, number>;
  metrics: CanaryMetric[];
}

export const DEFAULT_CANARY_YAML = `# Loupe canary judgement (Kayenta's NetflixACAJudge): which metrics to compare between a
# baseline and a canary, per minute over the window, and how.
#   query: error_rate | latency_p50 | latency_p95 | latency_p99 (successful requests) | throughput_per_instance
#   metric: NAME        a stored metric instead (its points averaged per minute)
#   direction: increase | decrease | either   which change counts against the canary
#   critical: true      a High/Low (or no data) here fails the whole canary
#   mustHaveData: true  no data counts as a failure of this metric (not of the canary)
#   nanStrategy: remove | replace (with 0)    minutes without a value
#   outliers: { strategy: remove, factor: 3 } drop values outside the IQR fences first
#   effectSize: { allowedIncrease: 1.1 }      also require mean(canary)/mean(baseline) ≥ 1.1 for High
thresholds: { pass: 95, marginal: 75 }
groupWeights: { errors: 50, latency: 35, throughput: 15 }
metrics:
  - { name: error rate, query: error_rate, groups: [errors], direction: increase, critical: true }
  - { name: latency p50, query: latency_p50, groups: [latency], direction: increase }
  - { name: latency p95, query: latency_p95, groups: [latency], direction: increase }
  - { name: latency p99, query: latency_p99, groups: [latency], direction: increase }
  - { name: throughput per instance, query: throughput_per_instance, groups: [throughput], direction: decrease }
`;

export class CanaryConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/** Reads `canary.yaml` from the data directory (defaults when absent); throws CanaryConfigError. */
export function loadCanaryConfig(dataDir: string): CanaryConfig {
  const path = join(dataDir, CANARY_FILE);
  if (!existsSync(path)) return parseCanaryYaml(DEFAULT_CANARY_YAML, 'defaults');
  return parseCanaryYaml(readFileSync(path, 'utf8'), path);
}

export function parseCanaryYaml(text: string, file: string): CanaryConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length)
    throw new CanaryConfigError(doc.errors.map((e) => `${file}:${e.linePos?.[0]?.line ?? 1}: yaml: ${e.message.split('\n')[0]}`));
  const parsed = CanaryFileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    throw new CanaryConfigError(
      parsed.error.issues.map((issue) => {
        const line = lineOf(doc, lines, issue.path as Array<string | number>);
        const where = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('') || 'file';
        const extra = issue.code === 'unrecognized_keys' ? ` (${(issue as { keys: string[] }).keys.join(', ')})` : '';
        return `${file}:${line}: ${where}: ${issue.message}${extra}`;
      }),
    );
  }
  const f = parsed.data;
  const names = new Set<string>();
  const problems: string[] = [];
  f.metrics.forEach((m, i) => {
    if (names.has(m.name)) problems.push(`${file}:${lineOf(doc, lines, ['metrics', i])}: metrics[${i}].name: duplicate metric name "${m.name}"`);
    names.add(m.name);
  });
  if (problems.length) throw new CanaryConfigError(problems);
  return { source: file, thresholds: f.thresholds, groupWeights: f.groupWeights, metrics: f.metrics };
}

/** The line of the deepest YAML node the path reaches. */
function lineOf(doc: ReturnType<typeof parseDocument>, lines: LineCounter, path: Array<string | number>): number {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return 1;
}
