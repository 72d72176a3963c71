// Answers health, but its process dies in the middle of a metric query.
import { definePlugin, z } from '@loupe/plugin-sdk';

const never = () => new Promise(() => {});
export default definePlugin({ id: 'crash-mid-query', name: 'Crashes mid-query', version: '1.0.0', settings: z.object({}) })
  .healthCheck(() => ({ status: 'ok', message: 'fine until you query me' }))
  .metricSource({
    names: never,
    labels: never,
    labelValues: never,
    query: () => {
      setTimeout(() => {
        throw new Error('segfault-like failure in the query engine');
      }, 10);
      return never();
    },
  });
