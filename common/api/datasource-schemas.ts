// Shapes of the data-source and plugin API: data sources (`local` and those plugins read),
// installed plugins, and PromQL queries against a source.
import { z } from 'zod';
import { Capability, MetricQueryResult } from '../plugin-protocol';
import { TimeParam } from './shared-schemas';

export const LOCAL_SOURCE = 'local';

export const SourceName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lower-case letters, digits, ".", "_" and "-" (1–63 characters)');

/** `?source=` on read endpoints: a data source's name; `local` (the default) is this store. */
export const SourceParam = z.object({ source: z.string().optional() });
/** The data source of an endpoint whose `source` already means something else (the edge of
 * /api/service-map/edge is `source` → `target`). */
export const DataSourceParam = z.object({ datasource: z.string().optional() });

/** One entry of datasources.yaml: name, type (a plugin id), and that plugin's settings. */
export const DataSourceEntry = z
  .object({
    name: SourceName.refine((n) => n !== LOCAL_SOURCE, '"local" is the built-in store; choose another name'),
    type: z.string().min(1),
  })
  .catchall(z.unknown());
export type DataSourceEntry = z.infer<typeof DataSourceEntry>;

/** Renames a data source; its old name keeps answering (`formerNames` in datasources.yaml). */
export const DataSourceRename = z.object({ name: z.string(), to: SourceName.refine((n) => n !== LOCAL_SOURCE, '"local" is the built-in store; choose another name') });

export const SourceStatus = z.enum(['ok', 'unavailable', 'error', 'unknown']);

export const TargetHealth = z.object({ target: z.string(), up: z.boolean(), lastError: z.string().nullable(), lastScrape: z.number().nullable() });

export const DataSourceInfo = z.object({
  name: z.string(),
  type: z.string(),
  /** ok: answered its last check or query; unavailable: the backend or plugin cannot be reached;
   * error: it answered with an error (401, not Prometheus, bad settings…); unknown: not used yet. */
  status: SourceStatus,
  error: z.string().nullable(),
  /** Unix ms of the last check or query. */
  checkedAt: z.number().nullable(),
  capabilities: z.array(Capability),
  /** Settings without secrets. */
  settings: z.record(z.string(), z.unknown()),
  /** Secret settings that are set (their values are never returned). */
  secretsSet: z.array(z.string()),
  /** Push sources: each target's health. */
  targets: z.array(TargetHealth),
  /** Names it had before a rename; ?source= with one of them still reads this source. */
  formerNames: z.array(z.string()),
});
export type DataSourceInfo = z.infer<typeof DataSourceInfo>;

export const DataSourceList = z.object({
  file: z.string(),
  /** Problems in datasources.yaml (the valid entries still apply). */
  problems: z.array(z.string()),
  datasources: z.array(DataSourceInfo),
});
export type DataSourceList = z.infer<typeof DataSourceList>;

export const DataSourcePut = z.object({
  name: SourceName,
  type: z.string().min(1),
  /** The plugin's settings; a secret left out or empty keeps the stored one. */
  settings: z.record(z.string(), z.unknown()).default({}),
});

export const DataSourceTest = z.object({
  name: z.string(),
  status: SourceStatus,
  message: z.string(),
  durationMs: z.number(),
});
export type DataSourceTest = z.infer<typeof DataSourceTest>;

export const PluginStatusSchema = z.object({
  state: z.enum(['stopped', 'starting', 'ready', 'degraded', 'crashed']),
  lastError: z.string().nullable(),
  restarts: z.number(),
  pid: z.number().nullable(),
  nextRestartAt: z.number().nullable(),
});

export const PluginInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  version: z.string(),
  description: z.string(),
  capabilities: z.array(Capability),
  origin: z.enum(['built-in', 'data-dir', 'command-line']),
  dir: z.string(),
  status: PluginStatusSchema,
  settingsSchema: z.record(z.string(), z.unknown()).nullable(),
});
export type PluginInfo = z.infer<typeof PluginInfoSchema>;

export const PluginList = z.object({
  plugins: z.array(PluginInfoSchema),
  /** Plugin folders that could not be loaded (`file:line: [rule] message`). */
  problems: z.array(z.string()),
});
export type PluginList = z.infer<typeof PluginList>;

export const PromQlQuery = z.object({
  source: z.string().default(LOCAL_SOURCE),
  query: z.string().min(1, 'a PromQL query'),
  from: TimeParam.optional(),
  to: TimeParam.optional(),
  /** Seconds between points (default: about 120 points over the window); 0 = instant query. */
  step: z
    .union([z.number(), z.string()])
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) {
        ctx.addIssue({ code: 'custom', message: `"${v}" is not a number of seconds` });
        return z.NEVER;
      }
      return n;
    }),
});

export const PromQlAnswer = MetricQueryResult.extend({
  source: z.string(),
  from: z.number(),
  to: z.number(),
  stepSeconds: z.number(),
});
export type PromQlAnswer = z.infer<typeof PromQlAnswer>;
