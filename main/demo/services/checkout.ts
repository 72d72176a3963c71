// checkout: turns a cart into an order. It reserves stock, charges the card (balanced across the
// payment instances, retried with a timeout), writes the order to the shared "shopdb" and publishes "order placed" to
// the orders topic, which fulfillment consumes later.
import { CURRENCY } from '../catalog';
import { HttpError, type RetryPolicy } from '../http-service';
import { TopicProducer } from '../messaging';
import { ShopDatabase } from '../datastores';
import { pick, randomId, work } from '../simulation';
import { dependencyFailure, internalSpan, requireUser, type ServiceFactory } from './context';

/** Payment is called with a client timeout per attempt and retried on a timeout, a refused
 * connection or a 503, up to three attempts in all. */
const PAYMENT_TIMEOUT_MS = 1000;
const PAYMENT_RETRIES: RetryPolicy = { attempts: 3, backoffMs: 50, retryOnStatus: [503] };

const CARDS = [
  { brand: 'visa', last4: '4242' },
  { brand: 'mastercard', last4: '4444' },
  { brand: 'amex', last4: '0005' },
  { brand: 'visa', last4: '1881' },
];

export const checkout: ServiceFactory = (ctx) => {
  const { tracer, meter, log } = ctx.telemetry;
  const db = new ShopDatabase(tracer, meter, 6);
  let orders: TopicProducer | undefined;
  const ordersPlaced = meter.createCounter('shop.orders.placed', { unit: '{order}', description: 'Orders placed and paid for' });
  const checkouts = meter.createCounter('shop.checkouts', { unit: '{checkout}', description: 'Checkout attempts by outcome' });

  return {
    start() {
      orders = new TopicProducer(ctx.telemetry, ctx.endpoint('kafka'), 'orders');
    },
    routes: [
      {
        method: 'POST',
        path: '/orders',
        async handle(call) {
          const user = requireUser(call.headers);
          const card = pick(CARDS);
          const cartReply = await ctx.peer('cart').call('GET', `/carts/${user}`, { timeoutMs: 1000 }).catch(dependencyFailure);
          if (cartReply.status !== 200) throw new HttpError(502, `cart answered ${cartReply.status}`);
          const items = cartReply.body.items as Array<{ sku: string; quantity: number; priceCents: number }>;
          if (items.length === 0) {
            checkouts.add(1, { 'shop.checkout.outcome': 'empty_cart' });
            throw new HttpError(400, 'the cart is empty');
          }
          const orderId = randomId('ord_');
          const totalCents = await internalSpan(
            ctx,
            'price order',
            async () => {
              await work({ medianMs: 2, sigma: 0.3 });
              return items.reduce((sum, i) => sum + i.quantity * i.priceCents, 0);
            },
            { 'shop.order.id': orderId, 'shop.order.items': items.length },
          );
          const attributes = { 'shop.order.id': orderId, 'shop.user.id': user, 'payment.amount_cents': totalCents, 'payment.currency': CURRENCY };

          const reserved = await ctx
            .peer('inventory')
            .call('POST', '/reservations', { body: { orderId, items }, timeoutMs: 2000 })
            .catch(dependencyFailure);
          if (reserved.status === 409) {
            checkouts.add(1, { 'shop.checkout.outcome': 'out_of_stock' });
            throw new HttpError(409, String(reserved.body?.error ?? 'out of stock'));
          }
          if (reserved.status !== 201) {
            checkouts.add(1, { 'shop.checkout.outcome': 'failed' });
            log.error(`order ${orderId} failed: inventory answered ${reserved.status}`, attributes);
            throw new HttpError(502, `inventory answered ${reserved.status}`);
          }

          // The idempotency key makes a resent charge safe: payment would not charge twice.
          const charge = await ctx
            .peer('payment')
            .callWithRetries('POST', '/charges', PAYMENT_RETRIES, {
              body: { orderId, amountCents: totalCents, card },
              headers: { 'idempotency-key': orderId },
              timeoutMs: PAYMENT_TIMEOUT_MS,
            })
            .catch((err: unknown) => {
              checkouts.add(1, { 'shop.checkout.outcome': 'failed' });
              log.error(`order ${orderId} failed: payment did not answer (${(err as Error).message})`, attributes);
              return dependencyFailure(err);
            });
          if (charge.status === 402) {
            checkouts.add(1, { 'shop.checkout.outcome': 'declined' });
            log.warn(`order ${orderId} not placed: card declined`, attributes);
            throw new HttpError(402, String(charge.body?.error ?? 'payment declined'));
          }
          if (charge.status !== 201) {
            checkouts.add(1, { 'shop.checkout.outcome': 'failed' });
            log.error(`order ${orderId} failed: payment answered ${charge.status}`, attributes);
            throw new HttpError(502, `payment answered ${charge.status}`);
          }

          await db.query({
            operation: 'INSERT',
            table: 'orders',
            text: "INSERT INTO orders (id, user_id, total_cents, currency, charge_id, status) VALUES ($1, $2, $3, $4, $5, 'placed')",
            latency: { medianMs: 5, sigma: 0.5 },
          });
          await db.query({
            operation: 'INSERT',
            table: 'order_items',
            text: 'INSERT INTO order_items (order_id, sku, quantity, price_cents) SELECT $1, unnest($2::text[]), unnest($3::int[]), unnest($4::int[])',
          });
          await orders!.send(orderId, { orderId, user, items, totalCents, currency: CURRENCY });
          await ctx.peer('cart').call('DELETE', `/carts/${user}`, { timeoutMs: 1000 }).catch(dependencyFailure);

          ordersPlaced.add(1, { 'payment.card.brand': card.brand });
          checkouts.add(1, { 'shop.checkout.outcome': 'placed' });
          log.info(`order ${orderId} placed: ${items.length} lines, ${(totalCents / 100).toFixed(2)} ${CURRENCY}`, attributes);
          return { status: 201, body: { orderId, totalCents, chargeId: charge.body.chargeId } };
        },
      },
    ],
  };
};
