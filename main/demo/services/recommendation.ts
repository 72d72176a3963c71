// recommendation: "customers also viewed". Ranking is usually quick but now and then very slow
// (a cold model cache), which is what the gateway's short timeout is for.
import { PRODUCTS } from '../catalog';
import { chance, work } from '../simulation';
import { dependencyFailure, internalSpan, type ServiceFactory } from './context';

export const recommendation: ServiceFactory = (ctx) => {
  const { log } = ctx.telemetry;
  return {
    routes: [
      {
        method: 'GET',
        path: '/recommendations',
        async handle(call) {
          const viewed = call.query.get('product') ?? '';
          const limit = Math.min(8, Number(call.query.get('limit') ?? 4));
          const candidates = await internalSpan(ctx, 'load candidates', async () => {
            await work({ medianMs: 3, sigma: 0.4 });
            return PRODUCTS.filter((p) => p.sku !== viewed);
          });
          const ranked = await internalSpan(
            ctx,
            'rank candidates',
            async (span) => {
              const cold = chance(0.04);
              span.setAttribute('shop.model.cache_hit', !cold);
              if (cold) log.debug('model cache miss: loading embeddings', { 'shop.model.name': 'also-viewed-v7' });
              await work(cold ? { medianMs: 450, sigma: 0.35 } : { medianMs: 16, sigma: 0.5 });
              return [...candidates].sort((a, b) => b.popularity * Math.random() - a.popularity * Math.random());
            },
            { 'shop.recommendation.candidates': candidates.length },
          );
          // Only recommend what can be bought.
          const picks = ranked.slice(0, limit * 2);
          const reply = await ctx
            .peer('inventory')
            .call('GET', `/stock?skus=${picks.map((p) => p.sku).join(',')}`, { timeoutMs: 1000 })
            .catch(dependencyFailure);
          const available = reply.status === 200 ? (reply.body.stock as Record<string, number>) : {};
          const products = picks.filter((p) => (available[p.sku] ?? 1) > 0).slice(0, limit);
          return { status: 200, body: { products } };
        },
      },
    ],
  };
};
