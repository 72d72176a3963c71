// cart: shopping carts, read through a Redis cache and written to the shared "shopdb".
import { HttpError } from '../http-service';
import { productBySku } from '../catalog';
import { ShopCache, ShopDatabase } from '../datastores';
import { chance } from '../simulation';
import { dependencyFailure, type ServiceFactory } from './context';

const CACHE_HIT_RATE = 0.7;

export const cart: ServiceFactory = (ctx) => {
  const { tracer, meter, log } = ctx.telemetry;
  const db = new ShopDatabase(tracer, meter, 8, ctx.faults);
  const cache = new ShopCache(tracer, meter);
  const carts = new Map<string, Map<string, number>>();
  const cartSize = meter.createHistogram('shop.cart.size', {
    unit: '{item}',
    description: 'Items in a cart after something was added to it',
    advice: { explicitBucketBoundaries: [1, 2, 3, 5, 8, 13, 21] },
  });

  /** Loads a cart the way the service does: cache first, database on a miss. */
  async function load(user: string): Promise<Map<string, number>> {
    await cache.command('HGETALL', 'cart:?');
    if (!chance(CACHE_HIT_RATE)) {
      log.debug(`cart cache miss for ${user}`, { 'shop.user.id': user, 'cache.key': 'cart:?' });
      await db.query({ operation: 'SELECT', table: 'cart_items', text: 'SELECT sku, quantity FROM cart_items WHERE cart_id = $1' });
      await cache.command('HSET', 'cart:?');
    }
    return carts.get(user) ?? new Map();
  }

  return {
    routes: [
      {
        method: 'POST',
        path: '/carts/:user/items',
        async handle(call) {
          const user = call.params.user;
          const sku = String(call.body.sku ?? '');
          const quantity = call.body.quantity;
          if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > 10) {
            log.info(`rejected cart item: quantity must be 1–10, got ${JSON.stringify(quantity)}`, { 'shop.user.id': user });
            throw new HttpError(400, 'quantity must be an integer from 1 to 10');
          }
          if (!productBySku(sku)) throw new HttpError(404, `no product ${sku}`);
          const items = await load(user);
          const stock = await ctx.peer('inventory').call('GET', `/stock?skus=${sku}`, { timeoutMs: 1000 }).catch(dependencyFailure);
          if (stock.status !== 200) throw new HttpError(502, `inventory answered ${stock.status}`);
          const available = (stock.body.stock as Record<string, number>)[sku] ?? 0;
          if (available < quantity + (items.get(sku) ?? 0)) throw new HttpError(409, `only ${available} of ${sku} left`);
          await db.query({
            operation: 'INSERT',
            table: 'cart_items',
            text: 'INSERT INTO cart_items (cart_id, sku, quantity) VALUES ($1, $2, $3) ON CONFLICT (cart_id, sku) DO UPDATE SET quantity = cart_items.quantity + EXCLUDED.quantity',
          });
          await cache.command('DEL', 'cart:?');
          items.set(sku, (items.get(sku) ?? 0) + quantity);
          carts.set(user, items);
          const size = [...items.values()].reduce((a, b) => a + b, 0);
          cartSize.record(size);
          return { status: 201, body: { items: size } };
        },
      },
      {
        method: 'GET',
        path: '/carts/:user',
        async handle(call) {
          const items = await load(call.params.user);
          const lines = [...items].map(([sku, quantity]) => ({ sku, quantity, priceCents: productBySku(sku)?.priceCents ?? 0 }));
          const totalCents = lines.reduce((sum, l) => sum + l.quantity * l.priceCents, 0);
          return { status: 200, body: { items: lines, totalCents } };
        },
      },
      {
        method: 'DELETE',
        path: '/carts/:user',
        async handle(call) {
          await db.query({ operation: 'DELETE', table: 'cart_items', text: 'DELETE FROM cart_items WHERE cart_id = $1' });
          await cache.command('DEL', 'cart:?');
          carts.delete(call.params.user);
          return { status: 204 };
        },
      },
    ],
  };
};
