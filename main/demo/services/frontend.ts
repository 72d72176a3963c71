// frontend: the web shop's server-side renderer. Browsers (the simulated shoppers, which run in
// this process) hit it; it calls the gateway and renders pages. Traces start here, as they do
// when browsers are not instrumented.
import { HttpError, type IncomingCall, type Reply } from '../http-service';
import { work } from '../simulation';
import { Shoppers } from '../shoppers';
import { dependencyFailure, internalSpan, type ServiceContext, type ServiceFactory } from './context';

export const frontend: ServiceFactory = (ctx) => {
  let shoppers: Shoppers | undefined;

  /** A page or form post: one gateway call, then rendering. */
  const viaGateway = (page: string, method: 'GET' | 'POST', path: (call: IncomingCall) => string) => async (call: IncomingCall) => {
    const reply = await ctx
      .peer('gateway')
      .call(method, path(call), {
        body: method === 'POST' ? call.body : undefined,
        headers: { 'x-user-id': sessionUser(call) },
        timeoutMs: method === 'POST' ? 8000 : 3000,
      })
      .catch(dependencyFailure);
    return render(ctx, page, reply.status, reply.body);
  };

  return {
    routes: [
      { method: 'GET', path: '/', handle: viaGateway('home', 'GET', () => '/api/home') },
      { method: 'GET', path: '/products/:sku', handle: viaGateway('product', 'GET', (c) => `/api/products/${encodeURIComponent(c.params.sku)}`) },
      { method: 'GET', path: '/cart', handle: viaGateway('cart', 'GET', () => '/api/cart') },
      { method: 'POST', path: '/cart/items', handle: viaGateway('cart', 'POST', () => '/api/cart/items') },
      { method: 'POST', path: '/checkout', handle: viaGateway('order confirmation', 'POST', () => '/api/checkout') },
    ],
    start() {
      shoppers = new Shoppers(ctx.telemetry, ctx.endpoint('frontend'), ctx.rps);
      shoppers.start();
    },
    async stop() {
      await shoppers?.stop();
    },
  };
};

function sessionUser(call: IncomingCall): string {
  const session = /(?:^|;\s*)session=([^;]+)/.exec(call.headers.cookie ?? '');
  if (!session) throw new HttpError(401, 'no session');
  return session[1];
}

async function render(ctx: ServiceContext, page: string, status: number, data: unknown): Promise<Reply> {
  if (status >= 400) return { status, body: data };
  await internalSpan(ctx, `render ${page}`, () => work({ medianMs: 4, sigma: 0.5 }), { 'shop.page': page });
  return { status, body: { page, data } };
}
