// The demo's load: simulated shoppers whose browsers request pages from the frontend. Requests
// arrive as a Poisson process at the configured rate, in a mix of journeys (browse, view a
// product and its recommendations, add to cart, check out) plus some malformed input. Browsers
// are not instrumented, so these requests start no spans: traces begin at the frontend.
import { PRODUCTS } from './catalog';
import { untracedRequest } from './http-service';
import { nextArrivalMs, pick, pickWeighted } from './simulation';
import type { ServiceTelemetry } from './telemetry';

interface Shopper {
  id: string;
  userAgent: string;
  itemsInCart: number;
}

type Journey = 'home' | 'product' | 'add to cart' | 'view cart' | 'checkout' | 'bad input';

const JOURNEYS: ReadonlyArray<readonly [Journey, number]> = [
  ['home', 14],
  ['product', 38],
  ['add to cart', 22],
  ['view cart', 8],
  ['checkout', 13],
  ['bad input', 5],
];

const USER_AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
];

/** Past this many unanswered requests the shop is struggling; arrivals are skipped, as
 * shoppers would give up, rather than piling up without bound. */
const MAX_IN_FLIGHT = 150;

export class Shoppers {
  private readonly shoppers: Shopper[];
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly telemetry: ServiceTelemetry,
    private readonly frontendUrl: string,
    private readonly ratePerSecond: number,
  ) {
    this.shoppers = Array.from({ length: 60 }, (_, i) => ({ id: `u${1001 + i}`, userAgent: pick(USER_AGENTS), itemsInCart: 0 }));
  }

  start(): void {
    const arrive = () => {
      if (this.stopped) return;
      if (this.inFlight.size < MAX_IN_FLIGHT) {
        const visit = this.visit().catch(() => {});
        this.inFlight.add(visit);
        void visit.finally(() => this.inFlight.delete(visit));
      }
      this.timer = setTimeout(arrive, nextArrivalMs(this.ratePerSecond));
    };
    this.timer = setTimeout(arrive, nextArrivalMs(this.ratePerSecond));
  }

  /** Stops new arrivals and waits (bounded) for the requests already made. */
  async stop(timeoutMs = 5000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
  }

  private async visit(): Promise<void> {
    let journey = pickWeighted(JOURNEYS);
    let shopper = pick(this.shoppers);
    if (journey === 'checkout') {
      // Most people check out with something in the cart; the rest get a 400.
      const ready = this.shoppers.filter((s) => s.itemsInCart > 0);
      if (ready.length > 0) shopper = pick(ready);
      else journey = 'add to cart';
    }
    switch (journey) {
      case 'home':
        await this.request(shopper, 'GET', '/');
        return;
      case 'product':
        await this.request(shopper, 'GET', `/products/${popularSku()}`);
        return;
      case 'view cart':
        await this.request(shopper, 'GET', '/cart');
        return;
      case 'add to cart': {
        const status = await this.request(shopper, 'POST', '/cart/items', { sku: popularSku(), quantity: pickWeighted([[1, 6], [2, 3], [3, 1]]) });
        if (status === 201) shopper.itemsInCart++;
        return;
      }
      case 'checkout': {
        const status = await this.request(shopper, 'POST', '/checkout', {});
        if (status === 201 || status === 400) shopper.itemsInCart = 0;
        return;
      }
      case 'bad input':
        await pick([
          () => this.request(shopper, 'GET', '/products/sku-1001%27--'),
          () => this.request(shopper, 'GET', '/products/SKU-9999'),
          () => this.request(shopper, 'POST', '/cart/items', { sku: popularSku(), quantity: 0 }),
          () => this.request(shopper, 'POST', '/cart/items', { sku: 'SKU-0000', quantity: 1 }),
        ])();
        return;
    }
  }

  private async request(shopper: Shopper, method: 'GET' | 'POST', path: string, body?: unknown): Promise<number> {
    const reply = await untracedRequest(this.telemetry.http, method, new URL(path, this.frontendUrl), {
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: { cookie: `session=${shopper.id}`, 'user-agent': shopper.userAgent, accept: 'application/json' },
      timeoutMs: 15_000,
    });
    return reply.status;
  }
}

function popularSku(): string {
  return pickWeighted(PRODUCTS.map((p) => [p.sku, p.popularity] as const));
}
