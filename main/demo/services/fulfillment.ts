// fulfillment: consumes "order placed" messages from the orders topic, some time after checkout
// published them, creates shipments in the shared "shopdb" and announces each on the shipments
// topic (inventory settles the order's stock reservation from there). Each message is processed
// in a new trace linked to the one that sent it, so an order is a flow of three traces.
import { ShopDatabase } from '../datastores';
import { TopicConsumer, TopicProducer } from '../messaging';
import { chance, pick, work } from '../simulation';
import { internalSpan, type ServiceFactory } from './context';

const WAREHOUSES = ['ams-1', 'fra-2', 'dub-1'];
const CARRIERS = ['dhl', 'ups', 'postnl'];

export const fulfillment: ServiceFactory = (ctx) => {
  const { tracer, meter, log } = ctx.telemetry;
  const db = new ShopDatabase(tracer, meter, 4, ctx.faults);
  let consumer: TopicConsumer | undefined;
  let shipments: TopicProducer | undefined;

  return {
    // Health and readiness would live here; the work arrives through the topic.
    routes: [{ method: 'GET', path: '/healthz', handle: async () => ({ status: 200, body: { ok: true } }) }],
    start() {
      consumer = new TopicConsumer(ctx.telemetry, ctx.endpoint('kafka'), 'orders', 'fulfillment');
      shipments = new TopicProducer(ctx.telemetry, ctx.endpoint('kafka'), 'shipments');
      // A stuck consumer says nothing about it; only the backlog it reads keeps growing.
      const orders = consumer;
      ctx.faults.watch((active) => (orders.paused = active.has('stop-consumer')));
      consumer.start(async (message) => {
        const { orderId } = message.value as { orderId: string };
        const attributes = { 'shop.order.id': orderId };
        await db.query({ operation: 'UPDATE', table: 'orders', text: 'UPDATE orders SET status = $2, updated_at = now() WHERE id = $1' });
        const warehouse = await internalSpan(
          ctx,
          'allocate warehouse',
          async (span) => {
            await work({ medianMs: 18, sigma: 0.5 });
            const chosen = pick(WAREHOUSES);
            span.setAttribute('shop.warehouse', chosen);
            return chosen;
          },
          attributes,
        );
        const carrier = pick(CARRIERS);
        await internalSpan(
          ctx,
          'book carrier',
          async () => {
            const slow = chance(0.04);
            await work(slow ? { medianMs: 900, sigma: 0.2 } : { medianMs: 35, sigma: 0.5 });
            if (slow) log.warn(`carrier ${carrier} answered slowly while booking a pickup`, { ...attributes, 'shop.carrier': carrier });
          },
          { ...attributes, 'shop.carrier': carrier },
        );
        await db.query({
          operation: 'INSERT',
          table: 'shipments',
          text: 'INSERT INTO shipments (order_id, warehouse, carrier, status) VALUES ($1, $2, $3, $4)',
        });
        log.info(`shipment for order ${orderId} booked with ${carrier} from ${warehouse}`, { ...attributes, 'shop.carrier': carrier, 'shop.warehouse': warehouse });
        await shipments!.send(orderId, { orderId, carrier, warehouse });
      });
    },
    async stop() {
      await consumer?.stop();
    },
  };
};
