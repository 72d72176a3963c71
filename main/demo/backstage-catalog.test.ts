// The demo's catalog loads without a problem through the app's own loader, and against the
// edges the demo shop makes it shows exactly one undeclared and one never-seen dependency.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateCatalog } from '../catalog/cli';
import { DescriptorLoader } from '../catalog/loader';
import { buildSnapshot } from '../catalog/snapshot';
import { computeDrift } from '../catalog/telemetry-matching';
import { nodeName, nodeTypeOf } from '../../common/service-map';
import { writeDemoCatalog } from './backstage-catalog';

const dir = mkdtempSync(join(tmpdir(), 'loupe-demo-catalog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The calls the demo shop makes (as its service map shows them).
const SHOP_EDGES = [
  ['cart', 'db:postgresql/shopdb'],
  ['cart', 'db:redis/0'],
  ['cart', 'inventory'],
  ['checkout', 'cart'],
  ['checkout', 'db:postgresql/shopdb'],
  ['checkout', 'inventory'],
  ['checkout', 'payment'],
  ['checkout', 'queue:kafka/orders'],
  ['frontend', 'gateway'],
  ['fulfillment', 'db:postgresql/shopdb'],
  ['fulfillment', 'queue:kafka/shipments'],
  ['gateway', 'cart'],
  ['gateway', 'checkout'],
  ['gateway', 'inventory'],
  ['gateway', 'recommendation'],
  ['inventory', 'db:postgresql/shopdb'],
  ['recommendation', 'inventory'],
].map(([source, target]) => ({ source, target: nodeName(target), targetType: nodeTypeOf(target) as 'service' | 'database' | 'queue' | 'external', targetNode: target }));
const SHOP_SERVICES = ['frontend', 'gateway', 'cart', 'checkout', 'payment', 'inventory', 'recommendation', 'fulfillment'];

describe('the demo catalog', () => {
  const file = writeDemoCatalog(dir);

  it('is valid for the catalog loader: owners, the shop system, APIs and resources, no problem', async () => {
    const { entities, problems } = await validateCatalog([file]);
    expect(problems).toEqual([]);
    expect(entities).toBe(29); // 5 groups, 6 users, the system, 5 APIs, 3 resources, 9 components
  });

  it('names an owner, runbook or on-call for the shop services, and drifts in exactly two places', async () => {
    const snapshot = buildSnapshot(await new DescriptorLoader().load([file]));
    const entities = snapshot.ordered.map((e) => e.entity);
    for (const s of SHOP_SERVICES) {
      const c = entities.find((e) => e.ref === `component:default/${s}`);
      expect(c?.relations.some((r) => r.type === 'ownedBy'), s).toBe(true);
    }
    const annotations = entities.flatMap((e) => Object.keys((e.metadata.annotations ?? {}) as object));
    expect(annotations).toEqual(expect.arrayContaining(['loupe.dev/runbook', 'pagerduty.com/service-id', 'opsgenie.com/team']));

    const drift = computeDrift(entities, { services: SHOP_SERVICES, edges: SHOP_EDGES });
    const of = (name: string) => drift.components.find((c) => c.ref === `component:default/${name}`)!;
    const undeclared = drift.components.flatMap((c) => c.undeclared.map((d) => `${c.ref} → ${d.targetNode}`));
    const stale = drift.components.flatMap((c) => c.stale.map((d) => `${c.ref} → ${d.targetRef}`));
    expect(undeclared).toEqual(['component:default/cart → db:redis/0']);
    expect(stale).toEqual(['component:default/fulfillment → component:default/shipping-quotes']);
    expect(of('checkout').confirmed.length).toBeGreaterThanOrEqual(5);
  });
});
