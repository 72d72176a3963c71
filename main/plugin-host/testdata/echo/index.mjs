// A well-behaved plugin: answers metric queries with a series built from the query, and one
// method that streams a large result.
import { definePlugin, z, secret } from '@loupe/plugin-sdk';

export default definePlugin({
  id: 'echo',
  name: 'Echo (well-behaved)',
  version: '1.0.0',
  settings: z.object({ greeting: z.string().default('hello'), token: secret().optional() }),
})
  .healthCheck((_params, ctx) => ({ status: 'ok', message: `${ctx.settings.greeting} from ${ctx.source}` }))
  .metricSource({
    names: (params) => ({ names: Array.from({ length: params.match === 'many' ? 2000 : 3 }, (_, i) => `metric_${i}`) }),
    labels: () => ({ labels: ['__name__', 'job'] }),
    labelValues: () => ({ values: ['a', 'b'] }),
    query: (params, ctx) => {
      if (params.query === 'leak') ctx.log(`my token is ${ctx.settings.token}`);
      if (params.query === 'bad') return { resultType: 'matrix', series: [{ labels: { a: 1 }, points: 'no' }], warnings: [] };
      return { resultType: 'matrix', series: [{ labels: { __name__: params.query }, points: [[params.from, 1], [params.to, 2]] }], warnings: [] };
    },
  });
