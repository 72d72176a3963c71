// gateway: the API gateway in front of the shop's services. It authenticates each request,
// rejects malformed input, fans out, and serves product pages without recommendations when
// the recommendation service is too slow.
import { SKU_PATTERN } from '../catalog';
import { HttpError } from '../http-service';
import { work } from '../simulation';
import { dependencyFailure, internalSpan, relay, requireUser, type ServiceContext, type ServiceFactory } from './context';

/** Recommendations are optional; a page should not wait for them for long. */
const RECOMMENDATION_TIMEOUT_MS = 250;

export const gateway: ServiceFactory = (ctx) => {
  const authenticate = (headers: Record<string, string | string[] | undefined>) =>
    internalSpan(ctx, 'authenticate', async (span) => {
      await work({ medianMs: 1.2, sigma: 0.3 });
      const user = requireUser(headers);
      span.setAttribute('enduser.id', user);
      return user;
    });

  return {
    routes: [
      {
        method: 'GET',
        path: '/api/home',
        async handle(call) {
          await authenticate(call.headers);
          const [featured, recommended] = await Promise.all([
            ctx.peer('inventory').call('GET', '/products?limit=8', { timeoutMs: 1000 }).catch(dependencyFailure),
            recommendations(ctx, ''),
          ]);
          if (featured.status !== 200) return relay(featured);
          return { status: 200, body: { featured: featured.body.products, recommended } };
        },
      },
      {
        method: 'GET',
        path: '/api/products/:sku',
        async handle(call) {
          await authenticate(call.headers);
          const sku = call.params.sku;
          if (!SKU_PATTERN.test(sku)) throw new HttpError(400, `"${sku}" is not a SKU`);
          const [product, recommended] = await Promise.all([
            ctx.peer('inventory').call('GET', `/products/${sku}`, { timeoutMs: 1000 }).catch(dependencyFailure),
            recommendations(ctx, sku),
          ]);
          if (product.status !== 200) return relay(product);
          return { status: 200, body: { product: product.body, recommended } };
        },
      },
      {
        method: 'POST',
        path: '/api/cart/items',
        async handle(call) {
          const user = await authenticate(call.headers);
          return relay(await ctx.peer('cart').call('POST', `/carts/${user}/items`, { body: call.body, timeoutMs: 2000 }).catch(dependencyFailure));
        },
      },
      {
        method: 'GET',
        path: '/api/cart',
        async handle(call) {
          const user = await authenticate(call.headers);
          return relay(await ctx.peer('cart').call('GET', `/carts/${user}`, { timeoutMs: 1000 }).catch(dependencyFailure));
        },
      },
      {
        method: 'POST',
        path: '/api/checkout',
        async handle(call) {
          const user = await authenticate(call.headers);
          return relay(
            await ctx
              .peer('checkout')
              .call('POST', '/orders', { body: call.body, headers: { 'x-user-id': user }, timeoutMs: 6000 })
              .catch(dependencyFailure),
          );
        },
      },
    ],
  };
};

async function recommendations(ctx: ServiceContext, sku: string): Promise<unknown[]> {
  try {
    const reply = await ctx.peer('recommendation').call('GET', `/recommendations?product=${sku}&limit=4`, { timeoutMs: RECOMMENDATION_TIMEOUT_MS });
    return reply.status === 200 ? (reply.body.products as unknown[]) : [];
  } catch (err) {
    ctx.telemetry.log.warn(`serving without recommendations: ${(err as Error).message}`, { 'peer.service': 'recommendation', 'shop.product.sku': sku });
    return [];
  }
}
