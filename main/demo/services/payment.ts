// payment: authorizes card charges. Three instances run; one of them is a canary of 1.5.0 that
// authorizes through a new processor integration that is slower and fails more often, which
// is what Loupe's version comparison and canary judgement should make obvious.
import { CURRENCY } from '../catalog';
import { HttpError } from '../http-service';
import { chance, pickWeighted, randomId, work, type LatencyShape } from '../simulation';
import { internalSpan, type ServiceFactory } from './context';

interface VersionBehaviour {
  authorize: LatencyShape;
  /** Chance the card processor fails outright (the service answers 503). */
  processorFailure: number;
}

const BEHAVIOUR: Record<string, VersionBehaviour> = {
  '1.4.2': { authorize: { medianMs: 45, sigma: 0.35, tailChance: 0.01, tailFactor: 8 }, processorFailure: 0.005 },
  '1.5.0': { authorize: { medianMs: 125, sigma: 0.4, tailChance: 0.03, tailFactor: 8 }, processorFailure: 0.06 },
};

const DECLINE_RATE = 0.03;
const DECLINE_REASONS = [
  ['insufficient_funds', 5],
  ['card_expired', 2],
  ['suspected_fraud', 1],
  ['do_not_honor', 2],
] as const;

class ProcessorUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProcessorUnavailable';
  }
}

export const payment: ServiceFactory = (ctx) => {
  const { log } = ctx.telemetry;
  const behaviour = BEHAVIOUR[ctx.spec.version] ?? BEHAVIOUR['1.4.2'];

  return {
    routes: [
      {
        method: 'POST',
        path: '/charges',
        async handle(call) {
          const orderId = String(call.body.orderId ?? '');
          const amountCents = Number(call.body.amountCents);
          const card = (call.body.card ?? {}) as { brand?: string; last4?: string };
          if (!orderId || !Number.isInteger(amountCents) || amountCents <= 0) throw new HttpError(400, 'a charge needs an orderId and a positive amountCents');
          const attributes = {
            'shop.order.id': orderId,
            'payment.amount_cents': amountCents,
            'payment.currency': CURRENCY,
            'payment.card.brand': card.brand ?? 'unknown',
          };

          await internalSpan(ctx, 'fraud check', () => work({ medianMs: 6, sigma: 0.5 }), { 'shop.order.id': orderId });
          try {
            await internalSpan(
              ctx,
              'authorize card',
              async (span) => {
                await work(behaviour.authorize);
                if (chance(behaviour.processorFailure)) throw new ProcessorUnavailable('card processor answered 503 Service Unavailable');
                if (chance(DECLINE_RATE)) {
                  const reason = pickWeighted(DECLINE_REASONS);
                  span.setAttribute('payment.decline_reason', reason);
                  log.error(`payment declined for order ${orderId}: ${reason}`, { ...attributes, 'payment.decline_reason': reason });
                  throw new HttpError(402, `payment declined: ${reason}`);
                }
              },
              { 'payment.card.brand': attributes['payment.card.brand'], 'payment.processor': ctx.spec.version === '1.5.0' ? 'nexpay' : 'legacy-gw' },
            );
          } catch (err) {
            if (err instanceof ProcessorUnavailable) {
              log.error(`payment processor error for order ${orderId}: ${err.message}`, attributes, err);
              throw new HttpError(503, err.message);
            }
            throw err;
          }
          const chargeId = randomId('ch_', 14);
          log.info(`charge ${chargeId} authorized for order ${orderId}`, { ...attributes, 'payment.charge_id': chargeId });
          return { status: 201, body: { chargeId } };
        },
      },
    ],
  };
};
