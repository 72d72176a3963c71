import { definePlugin, z, secret, PluginError } from '@loupe/plugin-sdk';

export default definePlugin({
  id: 'dice',
  name: 'Dice',
  version: '0.1.0',
  settings: z.object({
    sides: z.number().int().min(2).default(6).describe('Sides of the die'),
    apiKey: secret('Not used; shows how secrets work').optional(),
  }),
})
  .healthCheck((_params, ctx) => ({ status: 'ok', message: `a ${ctx.settings.sides}-sided die is ready` }))
  .metricSource({
    names: () => ({ names: ['dice_roll'] }),
    labels: () => ({ labels: ['__name__'] }),
    labelValues: () => ({ values: [] }),
    query: (params, ctx) => {
      if (params.query !== 'dice_roll') throw new PluginError('bad_query', `unknown metric "${params.query}"; try dice_roll`);
      const points = [];
      const step = Math.max(1, params.stepSeconds) * 1000;
      for (let t = params.from; t <= params.to; t += step) points.push([t, 1 + (Math.floor(t / 1000) % ctx.settings.sides)]);
      return { resultType: 'matrix', series: [{ labels: { __name__: 'dice_roll' }, points }], warnings: [] };
    },
  });
