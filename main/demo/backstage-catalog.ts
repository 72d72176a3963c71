// The demo shop's Backstage catalog: owners (groups and users), the shop system, its APIs,
// runbook and on-call annotations, and dependencies as the teams wrote them down — with one
// written down that the shop never makes (fulfillment → shipping-quotes) and one the shop makes
// that nobody wrote down (cart → its redis cache), so Catalog, Drift and Problems have something
// to show in a demo. Written next to the data when the demo starts and loaded like any catalog.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const group = (name: string, title: string, members: string[]) => `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: ${name}
  title: ${title}
spec:
  type: team
  parent: shop-engineering
  children: []
  members: [${members.join(', ')}]
`;

const user = (name: string, display: string, team: string) => `apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: ${name}
spec:
  profile:
    displayName: ${display}
    email: ${name}@shop.example
  memberOf: [${team}]
`;

interface ComponentSpec {
  name: string;
  owner: string;
  description: string;
  provides?: string[];
  consumes?: string[];
  dependsOn?: string[];
  annotations?: Record<string, string>;
}

const component = (c: ComponentSpec) => {
  const annotations = Object.entries(c.annotations ?? {});
  const list = (key: string, v?: string[]) => (v && v.length ? `  ${key}: [${v.join(', ')}]\n` : '');
  return `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${c.name}
  description: ${JSON.stringify(c.description)}
${annotations.length ? `  annotations:\n${annotations.map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`).join('\n')}\n` : ''}spec:
  type: service
  lifecycle: production
  owner: group:default/${c.owner}
  system: shop
${list('providesApis', c.provides)}${list('consumesApis', c.consumes)}${list('dependsOn', c.dependsOn)}`;
};

const api = (name: string, owner: string, description: string) => `apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: ${name}
  description: ${JSON.stringify(description)}
spec:
  type: openapi
  lifecycle: production
  owner: group:default/${owner}
  system: shop
  definition: |
    openapi: 3.0.0
    info: { title: ${name}, version: 1.0.0 }
    paths: {}
`;

const resource = (name: string, type: string, owner: string, description: string) => `apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: ${name}
  description: ${JSON.stringify(description)}
spec:
  type: ${type}
  owner: group:default/${owner}
  system: shop
`;

const runbook = (service: string) => `https://runbooks.shop.example/${service}`;

/** The catalog as one multi-document YAML file. */
export function demoCatalogYaml(): string {
  const docs = [
    `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: shop-engineering
  title: Shop engineering
spec:
  type: department
  children: [storefront-team, orders-team, payments-team, stock-team]
`,
    group('storefront-team', 'Storefront', ['ada', 'grace']),
    group('orders-team', 'Orders', ['linus', 'margaret']),
    group('payments-team', 'Payments', ['barbara']),
    group('stock-team', 'Stock', ['ken']),
    user('ada', 'Ada Lovelace', 'storefront-team'),
    user('grace', 'Grace Hopper', 'storefront-team'),
    user('linus', 'Linus Torvalds', 'orders-team'),
    user('margaret', 'Margaret Hamilton', 'orders-team'),
    user('barbara', 'Barbara Liskov', 'payments-team'),
    user('ken', 'Ken Thompson', 'stock-team'),
    `apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: shop
  description: The demo web shop
spec:
  owner: group:default/shop-engineering
`,
    api('cart-api', 'orders-team', 'Baskets: add, remove, read'),
    api('checkout-api', 'orders-team', 'Places orders'),
    api('payment-api', 'payments-team', 'Charges cards'),
    api('inventory-api', 'stock-team', 'Stock levels and reservations'),
    api('recommendation-api', 'storefront-team', 'Products to suggest'),
    resource('shopdb', 'database', 'stock-team', 'PostgreSQL database of the shop'),
    resource('orders', 'kafka-topic', 'orders-team', 'Placed orders, for fulfillment'),
    resource('shipments', 'kafka-topic', 'orders-team', 'Shipped orders, for inventory to settle their reservations'),
    component({
      name: 'frontend',
      owner: 'storefront-team',
      description: 'The shop web front end',
      dependsOn: ['component:default/gateway'],
      annotations: { 'loupe.dev/runbook': runbook('frontend') },
    }),
    component({
      name: 'gateway',
      owner: 'storefront-team',
      description: 'API gateway in front of the shop services',
      consumes: ['cart-api', 'checkout-api', 'inventory-api', 'recommendation-api'],
      annotations: { 'loupe.dev/runbook': runbook('gateway'), 'pagerduty.com/service-id': 'PSHOPGW' },
    }),
    component({
      name: 'cart',
      owner: 'orders-team',
      description: 'Shopping baskets',
      provides: ['cart-api'],
      consumes: ['inventory-api'],
      // Its redis cache is used but not written down here: Drift shows it as undeclared.
      dependsOn: ['resource:default/shopdb'],
      annotations: { 'opsgenie.com/team': 'orders' },
    }),
    component({
      name: 'checkout',
      owner: 'orders-team',
      description: 'Turns a basket into an order',
      provides: ['checkout-api'],
      consumes: ['cart-api', 'inventory-api', 'payment-api'],
      dependsOn: ['resource:default/shopdb', 'resource:default/orders'],
      annotations: { 'loupe.dev/runbook': runbook('checkout'), 'pagerduty.com/service-id': 'PSHOPCO', 'opsgenie.com/team': 'orders' },
    }),
    component({
      name: 'payment',
      owner: 'payments-team',
      description: 'Card payments',
      provides: ['payment-api'],
      annotations: { 'loupe.dev/runbook': runbook('payment'), 'pagerduty.com/service-id': 'PSHOPPAY' },
    }),
    component({
      name: 'inventory',
      owner: 'stock-team',
      description: 'Stock levels and reservations',
      provides: ['inventory-api'],
      dependsOn: ['resource:default/shopdb'],
      annotations: { 'opsgenie.com/team': 'stock' },
    }),
    component({
      name: 'recommendation',
      owner: 'storefront-team',
      description: 'Suggests products',
      provides: ['recommendation-api'],
      consumes: ['inventory-api'],
    }),
    component({
      name: 'fulfillment',
      owner: 'orders-team',
      description: 'Ships placed orders',
      // Written down, never called: Drift shows it as declared but not seen.
      dependsOn: ['resource:default/shopdb', 'resource:default/shipments', 'component:default/shipping-quotes'],
      annotations: { 'loupe.dev/runbook': runbook('fulfillment') },
    }),
    component({
      name: 'shipping-quotes',
      owner: 'orders-team',
      description: 'Carrier price quotes (planned; not deployed in the demo)',
    }),
  ];
  return docs.join('---\n');
}

/** Writes the catalog under the data directory; returns the file's path. */
export function writeDemoCatalog(dataDir: string): string {
  const dir = join(dataDir, 'demo-catalog');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'catalog-info.yaml');
  writeFileSync(file, demoCatalogYaml());
  return file;
}

/** Writes the demo's catalog and loads it for this run, unless the catalog has sources of its
 * own (the demo runs without it if that fails). */
export async function loadDemoCatalog(catalog: { addRunSource(path: string): Promise<boolean> }, dataDir: string, log: (line: string) => void): Promise<void> {
  try {
    await catalog.addRunSource(writeDemoCatalog(dataDir));
  } catch (e) {
    log(`loupe: the demo's catalog could not be loaded: ${(e as Error).message}`);
  }
}
