// Shapes of the releases API: canary judgement (Kayenta-style), declared once with zod.
// `releasesApi` is shaped like the entries of `api` in ./contract.ts so the contract can
// spread it in; the core's handlers call main/canary/.
import { z } from 'zod';
import type { Endpoint } from './contract';
import { TimeParam } from './schemas';

function endpoint<I extends z.ZodType, O extends z.ZodType>(e: Endpoint<I, O>): Endpoint<I, O> {
  return e;
}

// ---- canary ------------------------------------------------------------------------------

export const CanaryQuery = z.object({
  service: z.string().min(1),
  /** Versions (`by=version`, the default) or comma-separated instance ids (`by=instance`). */
  baseline: z.string(),
  canary: z.string(),
  by: z.enum(['version', 'instance']).optional(),
  from: TimeParam.optional(),
  to: TimeParam.optional(),
});

const Classification = z.enum(['Pass', 'High', 'Low', 'Nodata', 'NodataFailMetric', 'Error']);

const SampleStats = z.object({
  count: z.number(),
  mean: z.number().nullable(),
  median: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
});

const Side = z.object({
  /** Per-minute values after the NaN strategy and outlier removal. */
  values: z.array(z.number()),
  /** Minutes removed (no value, or outliers). */
  removed: z.number(),
  stats: SampleStats,
});

export const CanaryMetricResult = z.object({
  name: z.string(),
  groups: z.array(z.string()),
  classification: Classification,
  reason: z.string(),
  critical: z.boolean(),
  ratio: z.number(),
  test: z
    .object({
      estimate: z.number(),
      lower: z.number(),
      upper: z.number(),
      pValue: z.number().nullable(),
      method: z.enum(['exact', 'normal', 'constant']),
      bound: z.number(),
    })
    .nullable(),
  baseline: Side,
  canary: Side,
});
export type CanaryMetricResult = z.infer<typeof CanaryMetricResult>;

export const CanaryResult = z.object({
  service: z.string(),
  by: z.enum(['version', 'instance']),
  baseline: z.string(),
  canary: z.string(),
  from: z.number(),
  to: z.number(),
  config: z.object({
    source: z.string(),
    thresholds: z.object({ pass: z.number(), marginal: z.number() }),
    groupWeights: z.record(z.string(), z.number()),
  }),
  score: z.number(),
  classification: z.enum(['Pass', 'Marginal', 'Fail']),
  reason: z.string(),
  groups: z.array(
    z.object({ name: z.string(), score: z.number(), noData: z.boolean(), counts: z.record(z.string(), z.number()) }),
  ),
  metrics: z.array(CanaryMetricResult),
});
export type CanaryResult = z.infer<typeof CanaryResult>;

export const releasesApi = {
  canary: endpoint({
    method: 'GET',
    path: '/api/canary',
    input: CanaryQuery,
    output: CanaryResult,
    summary:
      "Canary judgement (Kayenta's NetflixACAJudge): the metrics of canary.yaml compared per minute between a baseline and a canary (versions, or instance sets with by=instance) by Mann–Whitney U at 98 %, scored by group. 404 names the versions or instances seen.",
  }),
};
