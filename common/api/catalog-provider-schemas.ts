// The state of a catalog source fed by a plugin (a data source whose plugin is a catalog
// provider), as Settings › Catalog sources shows it.
import { z } from 'zod';

export const PluginCatalogState = z.object({
  /** The data source (datasources.yaml) and its plugin. */
  source: z.string(),
  type: z.string(),
  /** `pending` until the first answer; `error` keeps the entities of the last good answer. */
  state: z.enum(['pending', 'ok', 'error']),
  error: z.string().nullable(),
  entities: z.number(),
  /** Unix ms of the last good answer. */
  refreshedAt: z.number().nullable(),
});
export type PluginCatalogState = z.infer<typeof PluginCatalogState>;
