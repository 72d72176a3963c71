// Blocks its event loop forever on a query (a busy loop), so it answers nothing, not even pings.
import { definePlugin, z } from '@loupe/plugin-sdk';

export default definePlugin({ id: 'hang', name: 'Hangs', version: '1.0.0', settings: z.object({}) })
  .healthCheck(() => ({ status: 'ok', message: 'awake' }))
  .metricSource({
    names: () => ({ names: [] }),
    labels: () => ({ labels: [] }),
    labelValues: () => ({ values: [] }),
    query: () => {
      for (;;) {
        // spin
      }
    },
  });
