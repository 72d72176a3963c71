// Entity references and relations, on the valid test catalog: Backstage's default kinds per field,
// namespaces inherited from the referring entity, and every relation stored from both ends.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CatalogRelationType } from '../../common/api/catalog-schemas';
import { CATALOG_RELATION_TYPES } from '../../common/api/catalog-schemas';
import { parseDescriptorYaml } from './descriptor-yaml';
import { EntityRefError, parseEntityRef, stringifyEntityRef } from './entity-ref';
import { Catalog } from './index';
import { RELATION_PAIRS, reverseRelation } from './relations';
import type { CatalogSnapshot } from './snapshot';
import { validateEntity } from './validate-entity';

const VALID = join(__dirname, 'testdata', 'valid');

describe('parseEntityRef and stringifyEntityRef', () => {
  it('reads the full form and fills kind and namespace from the context', () => {
    expect(parseEntityRef('component:payments/checkout')).toEqual({ kind: 'component', namespace: 'payments', name: 'checkout' });
    expect(parseEntityRef('team-a', { defaultKind: 'Group' })).toEqual({ kind: 'Group', namespace: 'default', name: 'team-a' });
    expect(parseEntityRef('ops/team-a', { defaultKind: 'Group' })).toEqual({ kind: 'Group', namespace: 'ops', name: 'team-a' });
    expect(parseEntityRef('user:jane', { defaultNamespace: 'contractors' })).toEqual({ kind: 'user', namespace: 'contractors', name: 'jane' });
  });

  it('treats everything after a slash that comes before the colon as the name, as Backstage does', () => {
    expect(parseEntityRef('ns/na:me', { defaultKind: 'Component' })).toEqual({ kind: 'Component', namespace: 'ns', name: 'na:me' });
  });

  it('rejects empty parts and a missing kind where no default applies', () => {
    expect(() => parseEntityRef('group:')).toThrow(EntityRefError);
    expect(() => parseEntityRef(':x')).toThrow(/was not on the form/);
    expect(() => parseEntityRef('ns/')).toThrow(/was not on the form/);
    try {
      parseEntityRef('orders-db');
      expect.unreachable();
    } catch (e) {
      expect((e as EntityRefError).rule).toBe('ref.kind-required');
    }
  });

  it('lower-cases the canonical form so references compare case-insensitively', () => {
    expect(stringifyEntityRef({ kind: 'Component', namespace: 'Default', name: 'Checkout' })).toBe('component:default/checkout');
    expect(stringifyEntityRef({ kind: 'API', name: 'Payments-API' })).toBe('api:default/payments-api');
  });
});

/** The references one spec declares, as `relation targetRef`. */
function declared(kind: string, spec: string, namespace = 'default'): string[] {
  const text = `apiVersion: backstage.io/v1alpha1\nkind: ${kind}\nmetadata:\n  name: subject\n  namespace: ${namespace}\nspec:\n${spec}`;
  const declaration = validateEntity(parseDescriptorYaml(text).documents[0], '/virtual.yaml');
  expect(declaration.problems).toEqual([]);
  return declaration.references.map((r) => `${r.relation} ${r.targetRef}`);
}

describe('default kinds per field', () => {
  it('follows Backstage for components', () => {
    const spec = `  type: service
  lifecycle: production
  owner: team-a
  system: shop
  subcomponentOf: platform
  providesApis: [orders]
  consumesApis: [Payments]
  dependsOn: [resource:db, component:cart]
  dependencyOf: [component:web]
`;
    expect(declared('Component', spec, 'retail')).toEqual([
      'ownedBy group:retail/team-a',
      'partOf system:retail/shop',
      'partOf component:retail/platform',
      'providesApi api:retail/orders',
      'consumesApi api:retail/payments',
      'dependsOn resource:retail/db',
      'dependsOn component:retail/cart',
      'dependencyOf component:retail/web',
    ]);
  });

  it('follows Backstage for groups, users, systems, domains, resources, APIs and templates', () => {
    expect(declared('Group', '  type: team\n  parent: org\n  children: [sub]\n  members: [jane]\n')).toEqual([
      'childOf group:default/org',
      'parentOf group:default/sub',
      'hasMember user:default/jane',
    ]);
    expect(declared('User', '  memberOf: [team-a, other/team-b]\n')).toEqual(['memberOf group:default/team-a', 'memberOf group:other/team-b']);
    expect(declared('System', '  owner: user:jane\n  domain: commerce\n')).toEqual(['ownedBy user:default/jane', 'partOf domain:default/commerce']);
    expect(declared('Domain', '  owner: team-a\n  subdomainOf: commerce\n')).toEqual(['ownedBy group:default/team-a', 'partOf domain:default/commerce']);
    expect(declared('Resource', '  type: db\n  owner: team-a\n  dependsOn: [resource:disk]\n  dependencyOf: [component:api]\n')).toEqual([
      'ownedBy group:default/team-a',
      'dependsOn resource:default/disk',
      'dependencyOf component:default/api',
    ]);
    expect(declared('API', '  type: grpc\n  lifecycle: beta\n  owner: team-a\n  definition: x\n  system: shop\n')).toEqual([
      'ownedBy group:default/team-a',
      'partOf system:default/shop',
    ]);
    expect(declared('Template', '  owner: team-a\n  type: service\n')).toEqual(['ownedBy group:default/team-a']);
  });
});

describe('relations of the valid catalog', () => {
  let snapshot: CatalogSnapshot;
  beforeAll(async () => {
    const catalog = new Catalog({ sources: [VALID] });
    await catalog.load();
    snapshot = catalog.snapshot;
  });

  const relationsOf = (ref: string) => snapshot.get(ref)!.entity.relations.map((r) => `${r.type} ${r.targetRef}`);

  it('loads every kind', () => {
    const kinds = new Set(snapshot.ordered.map((e) => e.entity.kind));
    expect([...kinds].sort()).toEqual(['API', 'Component', 'Domain', 'Group', 'Location', 'Resource', 'System', 'Template', 'User']);
  });

  it('stores every relation type, each with its reverse on the other entity', () => {
    const seen = new Set<CatalogRelationType>();
    for (const entry of snapshot.ordered) {
      for (const relation of entry.entity.relations) {
        seen.add(relation.type);
        const target = snapshot.get(relation.targetRef);
        expect(target, `${entry.entity.ref} ${relation.type} ${relation.targetRef}`).toBeDefined();
        expect(target!.entity.relations).toContainEqual({ type: reverseRelation(relation.type), targetRef: entry.entity.ref });
      }
    }
    expect([...seen].sort()).toEqual([...CATALOG_RELATION_TYPES].sort());
    expect(RELATION_PAIRS.flat().sort()).toEqual([...CATALOG_RELATION_TYPES].sort());
  });

  it('derives each pair from the field Backstage derives it from', () => {
    expect(relationsOf('component:default/checkout')).toEqual(
      expect.arrayContaining([
        'ownedBy group:default/team-shop',
        'partOf system:default/shop',
        'providesApi api:default/checkout-api',
        'consumesApi api:default/payments-api',
        'dependsOn resource:default/orders-db',
        'dependsOn component:default/cart',
        'hasPart component:default/checkout-worker',
      ]),
    );
    expect(relationsOf('component:default/checkout-worker')).toContain('partOf component:default/checkout');
    expect(relationsOf('api:default/payments-api')).toEqual(
      expect.arrayContaining(['apiProvidedBy component:default/payments', 'apiConsumedBy component:default/checkout', 'ownedBy group:default/team-pay']),
    );
    expect(relationsOf('domain:default/payments-domain')).toContain('partOf domain:default/commerce');
    expect(relationsOf('domain:default/commerce')).toEqual(expect.arrayContaining(['hasPart domain:default/payments-domain', 'hasPart system:default/shop']));
    expect(relationsOf('group:default/platform')).toEqual(
      expect.arrayContaining(['parentOf group:default/team-shop', 'parentOf group:default/team-pay', 'hasMember user:default/bob', 'ownerOf domain:default/commerce']),
    );
    expect(relationsOf('group:default/team-shop')).toEqual(expect.arrayContaining(['childOf group:default/platform', 'hasMember user:default/alice']));
    // cart-cache declares `dependencyOf: [component:cart]`; the cart gets dependsOn.
    expect(relationsOf('resource:default/cart-cache')).toContain('dependencyOf component:default/cart');
    expect(relationsOf('component:default/cart')).toEqual(expect.arrayContaining(['dependsOn resource:default/cart-cache', 'ownedBy user:default/alice']));
    expect(relationsOf('user:default/alice')).toEqual(expect.arrayContaining(['memberOf group:default/team-shop', 'ownerOf component:default/cart']));
    expect(relationsOf('template:default/new-service')).toEqual(['ownedBy group:default/platform']);
  });

  it('does not store a relation twice when both ends declare it', () => {
    // team-shop lists alice as a member and alice lists team-shop in memberOf.
    expect(relationsOf('user:default/alice').filter((r) => r === 'memberOf group:default/team-shop')).toHaveLength(1);
  });

  it('resolves references across namespaces', () => {
    expect(relationsOf('user:contractors/carol')).toEqual(['memberOf group:default/team-pay']);
    expect(relationsOf('group:default/team-pay')).toContain('hasMember user:contractors/carol');
    expect(snapshot.problems).toEqual([]);
  });

  it('keeps the source file and line of every entity', () => {
    const checkout = snapshot.get('component:default/checkout')!.entity;
    expect(checkout.source).toEqual({ file: join(VALID, 'services/checkout/catalog-info.yaml'), line: 1 });
    const worker = snapshot.get('component:default/checkout-worker')!.entity;
    expect(worker.source.line).toBe(36);
    // Entities reached through a Location (and its glob) keep their own file.
    expect(snapshot.get('api:default/checkout-api')!.entity.source.file).toBe(join(VALID, 'apis/checkout-api.yaml'));
  });
});
