// Keeps allocating on a query until its heap cap ends it.
import { definePlugin, z } from '@loupe/plugin-sdk';

const hoard = [];
export default definePlugin({ id: 'memory-hog', name: 'Allocates without bound', version: '1.0.0', settings: z.object({}) })
  .healthCheck(() => ({ status: 'ok', message: 'lean so far' }))
  .metricSource({
    names: () => ({ names: [] }),
    labels: () => ({ labels: [] }),
    labelValues: () => ({ values: [] }),
    query: async () => {
      for (;;) {
        hoard.push(new Array(1_000_000).fill(Math.random()));
        await new Promise((r) => setImmediate(r));
      }
    },
  });
