// inventory: the product catalogue and stock levels, kept in the shared "shopdb". Stock really
// runs down as orders reserve it (the rarely bought spotting scope starts nearly sold out) and
// is restocked every few seconds, so "insufficient stock" answers come and go as in a real shop.
// Shipped orders arrive on the shipments topic: their reservations are settled (each in a new
// trace linked to fulfillment's send).
import { DatabaseError, ShopDatabase } from '../datastores';
import { HttpError, type Route } from '../http-service';
import { TopicConsumer } from '../messaging';
import { PRODUCTS, productBySku } from '../catalog';
import { internalSpan, type ServiceFactory } from './context';

const RESTOCK_EVERY_MS = 15_000;
const RESTOCK_BELOW = 20;
const RESTOCK_AMOUNT = 150;

export const inventory: ServiceFactory = (ctx) => {
  const { tracer, meter, log } = ctx.telemetry;
  const db = new ShopDatabase(tracer, meter, 10, ctx.faults);
  const stock = new Map(PRODUCTS.map((p) => [p.sku, p.sku === 'SKU-1007' ? 2 : 60 + p.popularity * 10]));
  let restocking: NodeJS.Timeout | undefined;
  let shipped: TopicConsumer | undefined;

  const routes: Route[] = [
    {
      method: 'GET',
      path: '/products',
      async handle(call) {
        const limit = Math.min(24, Number(call.query.get('limit') ?? 8));
        await db.query({
          operation: 'SELECT',
          table: 'products',
          text: 'SELECT sku, name, price_cents FROM products WHERE featured = true ORDER BY rank LIMIT $1',
          latency: { medianMs: 6, sigma: 0.5 },
        });
        return { status: 200, body: { products: PRODUCTS.slice(0, limit) } };
      },
    },
    {
      method: 'GET',
      path: '/products/:sku',
      async handle(call) {
        await db.query({
          operation: 'SELECT',
          table: 'products',
          text: 'SELECT sku, name, description, price_cents FROM products WHERE sku = $1',
        });
        const product = productBySku(call.params.sku);
        if (!product) throw new HttpError(404, `no product ${call.params.sku}`);
        return { status: 200, body: { ...product, available: stock.get(product.sku) ?? 0 } };
      },
    },
    {
      method: 'GET',
      path: '/stock',
      async handle(call) {
        const skus = (call.query.get('skus') ?? '').split(',').filter(Boolean);
        await db.query({ operation: 'SELECT', table: 'stock', text: 'SELECT sku, available FROM stock WHERE sku = ANY($1)' });
        return { status: 200, body: { stock: Object.fromEntries(skus.map((s) => [s, stock.get(s) ?? 0])) } };
      },
    },
    {
      method: 'POST',
      path: '/reservations',
      async handle(call) {
        const orderId = String(call.body.orderId ?? '');
        const items = Array.isArray(call.body.items) ? (call.body.items as Array<{ sku: string; quantity: number }>) : [];
        if (!orderId || items.length === 0) throw new HttpError(400, 'a reservation needs an orderId and items');
        const short = items.find((i) => (stock.get(i.sku) ?? 0) < i.quantity);
        if (short) {
          log.warn(`insufficient stock for ${short.sku}: ${stock.get(short.sku) ?? 0} left, ${short.quantity} wanted`, {
            'shop.order.id': orderId,
            'shop.product.sku': short.sku,
          });
          throw new HttpError(409, `insufficient stock for ${short.sku}`);
        }
        try {
          for (const item of items) {
            await db.query({
              operation: 'UPDATE',
              table: 'stock',
              text: 'UPDATE stock SET available = available - $2 WHERE sku = $1 AND available >= $2',
              latency: { medianMs: 4, sigma: 0.6, tailChance: 0.02, tailFactor: 15 },
              // Concurrent orders for the same products lock the same rows.
              failure: { chance: 0.004, sqlState: '40P01', message: 'deadlock detected' },
            });
            stock.set(item.sku, (stock.get(item.sku) ?? 0) - item.quantity);
          }
          await db.query({
            operation: 'INSERT',
            table: 'reservations',
            text: "INSERT INTO reservations (order_id, sku, quantity, expires_at) VALUES ($1, $2, $3, now() + interval '15 minutes')",
          });
        } catch (err) {
          if (!(err instanceof DatabaseError)) throw err;
          log.error(`could not reserve stock for order ${orderId}: ${err.message}`, { 'shop.order.id': orderId, 'db.response.status_code': err.sqlState });
          throw new HttpError(503, `could not reserve stock: ${err.message}`);
        }
        return { status: 201, body: { orderId, reserved: items.length } };
      },
    },
  ];

  return {
    routes,
    start() {
      restocking = setInterval(() => {
        const low = PRODUCTS.filter((p) => (stock.get(p.sku) ?? 0) < RESTOCK_BELOW);
        if (low.length === 0) return;
        void internalSpan(ctx, 'restock', async () => {
          await db.query({ operation: 'UPDATE', table: 'stock', text: 'UPDATE stock SET available = available + $2 WHERE sku = ANY($1)' });
          for (const p of low) stock.set(p.sku, (stock.get(p.sku) ?? 0) + RESTOCK_AMOUNT);
          log.info(`restocked ${low.map((p) => p.sku).join(', ')}`, { 'shop.restock.count': low.length });
        });
      }, RESTOCK_EVERY_MS);
      shipped = new TopicConsumer(ctx.telemetry, ctx.endpoint('kafka'), 'shipments', 'inventory');
      shipped.start(async (message) => {
        const { orderId } = message.value as { orderId: string };
        // The stock left the warehouse: the reservation is settled, not released.
        await db.query({ operation: 'DELETE', table: 'reservations', text: 'DELETE FROM reservations WHERE order_id = $1' });
        log.info(`reservation of order ${orderId} settled: shipped`, { 'shop.order.id': orderId });
      });
    },
    async stop() {
      clearInterval(restocking);
      await shipped?.stop();
    },
  };
};
