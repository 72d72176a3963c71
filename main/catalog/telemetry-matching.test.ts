// Catalog against telemetry on hand-built observations of the valid test catalog:
//   checkout      dependsOn orders-db, cart; consumes payments-api (provided by payments) and
//                 fraud-api (provided by nobody)
//   checkout-worker (service.name checkout-jobs by annotation) dependsOn orders-db
//   cart          dependsOn cart-cache (declared by the resource as dependencyOf)
//   payments      dependsOn payments-db
//   payments-sdk  a library that never runs
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CatalogEntity } from '../../common/api/catalog-schemas';
import { Catalog } from './index';
import { computeDrift, findOwnerlessServices, findSilentComponents, matchServices, serviceNameOf, type ObservedTelemetry } from './telemetry-matching';

let entities: CatalogEntity[];
beforeAll(async () => {
  const catalog = new Catalog({ sources: [join(__dirname, 'testdata', 'valid')] });
  await catalog.load();
  entities = catalog.snapshot.ordered.map((e) => e.entity);
});

const observed: ObservedTelemetry = {
  services: ['checkout', 'cart', 'payments', 'checkout-jobs', 'legacy-billing', 'checkout-worker'],
  edges: [
    { source: 'checkout', target: 'payments' },
    { source: 'checkout', target: 'orders-db' },
    { source: 'checkout', target: 'Cart' },
    { source: 'checkout', target: 'legacy-billing' },
    { source: 'checkout', target: 'checkout' },
    { source: 'checkout-jobs', target: 'orders-db' },
    { source: 'cart', target: 'redis' },
    { source: 'payments', target: 'payments-db' },
    { source: 'payments', target: 'cart' },
  ],
};

describe('matching services to components', () => {
  it('uses the loupe.dev/service-name annotation, else metadata.name, case-insensitively', () => {
    const byName = (name: string) => entities.find((e) => e.name === name)!;
    expect(serviceNameOf(byName('checkout'))).toBe('checkout');
    expect(serviceNameOf(byName('checkout-worker'))).toBe('checkout-jobs');
    expect(matchServices(entities, ['CHECKOUT', 'checkout-jobs', 'checkout-worker'])).toEqual([
      { serviceName: 'CHECKOUT', componentRefs: ['component:default/checkout'] },
      { serviceName: 'checkout-jobs', componentRefs: ['component:default/checkout-worker'] },
      // The annotation replaces the name: the worker does not also answer to its entity name.
      { serviceName: 'checkout-worker', componentRefs: [] },
    ]);
  });

  it('lists ownerless services and silent components', () => {
    expect(findOwnerlessServices(entities, observed.services)).toEqual(['checkout-worker', 'legacy-billing']);
    expect(findSilentComponents(entities, observed)).toEqual([
      { ref: 'component:default/payments-sdk', title: null, type: 'library', serviceName: 'payments-sdk', owner: 'group:default/team-pay' },
    ]);
  });

  it('counts a component seen only at the end of an edge as not silent', () => {
    const silent = findSilentComponents(entities, { services: [], edges: [{ source: 'gateway', target: 'payments-sdk' }] });
    expect(silent.map((s) => s.ref)).not.toContain('component:default/payments-sdk');
  });
});

describe('drift between declared and observed dependencies', () => {
  const driftOf = (ref: string) => {
    const report = computeDrift(entities, observed);
    const component = report.components.find((c) => c.ref === ref)!;
    const show = (list: typeof component.confirmed) => list.map((d) => `${d.via} ${d.targetRef ?? '?'} ${d.targetService}${d.apiRef ? ` via ${d.apiRef}` : ''}`);
    return { ...component, confirmed: show(component.confirmed), undeclared: show(component.undeclared), stale: show(component.stale) };
  };

  it('confirms declared dependencies seen in traces, resolving consumed APIs to their provider', () => {
    expect(driftOf('component:default/checkout')).toMatchObject({
      serviceName: 'checkout',
      observed: true,
      confirmed: [
        'dependsOn component:default/cart cart',
        'dependsOn resource:default/orders-db orders-db',
        'consumesApi component:default/payments payments via api:default/payments-api',
      ],
      stale: [],
      unresolvedApis: ['api:default/fraud-api'],
    });
  });

  it('lists observed calls nobody declared, naming the entity when the catalog knows the service', () => {
    expect(driftOf('component:default/checkout').undeclared).toEqual(['observed ? legacy-billing']);
    expect(driftOf('component:default/payments').undeclared).toEqual(['observed component:default/cart cart']);
  });

  it('lists declared dependencies never observed as stale', () => {
    expect(driftOf('component:default/cart')).toMatchObject({
      confirmed: [],
      undeclared: ['observed ? redis'],
      stale: ['dependsOn resource:default/cart-cache cart-cache'],
    });
  });

  it('matches edges through the service-name annotation', () => {
    expect(driftOf('component:default/checkout-worker')).toMatchObject({ serviceName: 'checkout-jobs', confirmed: ['dependsOn resource:default/orders-db orders-db'] });
  });

  it('reports a silent component and totals', () => {
    const report = computeDrift(entities, observed);
    expect(driftOf('component:default/payments-sdk')).toMatchObject({ observed: false, confirmed: [], undeclared: [], stale: [] });
    expect(report.totals).toEqual({ confirmed: 5, undeclared: 3, stale: 1 });
    expect(report.ownerlessServices).toEqual([{ serviceName: 'checkout-worker' }, { serviceName: 'legacy-billing' }]);
    expect(report.silentComponents.map((c) => c.ref)).toEqual(['component:default/payments-sdk']);
  });

  it('keeps services and peers of the same name apart when the map says which is which', () => {
    // a Kafka topic named "cart" is not the cart service; a database named "orders-db" is the resource
    const typed: ObservedTelemetry = {
      services: ['checkout'],
      edges: [
        { source: 'checkout', target: 'cart', targetType: 'queue', targetNode: 'queue:kafka/cart' },
        { source: 'checkout', target: 'orders-db', targetType: 'database', targetNode: 'db:postgresql/orders-db' },
      ],
    };
    const checkout = computeDrift(entities, typed).components.find((c) => c.ref === 'component:default/checkout')!;
    expect(checkout.confirmed.map((d) => [d.targetRef, d.targetNode, d.targetType])).toEqual([
      ['resource:default/orders-db', 'db:postgresql/orders-db', 'database'],
    ]);
    expect(checkout.stale.map((d) => d.targetRef)).toContain('component:default/cart');
    expect(checkout.undeclared.map((d) => [d.targetService, d.targetNode, d.targetType])).toEqual([['cart', 'queue:kafka/cart', 'queue']]);
  });

  it('treats every declaration as stale when nothing was observed', () => {
    const report = computeDrift(entities, { services: [], edges: [] });
    expect(report.totals).toEqual({ confirmed: 0, undeclared: 0, stale: 6 });
    expect(report.components.every((c) => !c.observed)).toBe(true);
    expect(report.silentComponents).toHaveLength(5);
  });
});
