// The Backstage example descriptors shipped with the shared fixtures, read as they are.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Catalog } from './index';

const FIXTURES = '/work/shared/fixtures/backstage';
const ACME_ORG = join(FIXTURES, 'acme-org.yaml');
const TEAM_A = join(FIXTURES, 'team-a-group.yaml');

async function load(sources: string[]) {
  const catalog = new Catalog({ sources });
  await catalog.load();
  return catalog.snapshot;
}

describe('shared Backstage fixtures', () => {
  it('follows the Location to the target that exists and reports the ones that do not', async () => {
    const snapshot = await load([ACME_ORG]);
    // team-a-group.yaml is reached through the Location of acme-org.yaml.
    expect(snapshot.get('group:default/team-a')?.entity.source.file).toBe(TEAM_A);
    const missing = snapshot.problems.filter((p) => p.rule === 'location.target-missing');
    expect(missing.map((p) => p.message.match(/"(.+?)"/)![1])).toEqual([
      './infrastructure-group.yaml',
      './boxoffice-group.yaml',
      './backstage-group.yaml',
      './team-b-group.yaml',
      './team-c-group.yaml',
      './team-d-group.yaml',
    ]);
    for (const p of missing) {
      expect(p).toMatchObject({ file: ACME_ORG, entityRef: 'location:default/example-groups', severity: 'warning' });
    }
    // Each problem points at the line of its own target.
    expect(missing.map((p) => p.line)).toEqual([20, 21, 22, 24, 25, 26]);
    expect(snapshot.hasErrors).toBe(false);
  });

  it('resolves users across namespaces', async () => {
    const snapshot = await load([ACME_ORG, TEAM_A]);
    const guest = snapshot.get('user:development/guest')!;
    expect(guest.entity.namespace).toBe('development');
    expect(guest.entity.relations).toEqual([{ type: 'memberOf', targetRef: 'group:default/team-a' }]);
    const team = snapshot.get('group:default/team-a')!;
    expect(team.entity.relations.filter((r) => r.type === 'hasMember').map((r) => r.targetRef)).toEqual([
      'user:default/breanna.davison',
      'user:default/janelle.dawe',
      'user:default/nigel.manning',
      'user:development/guest',
    ]);
    // A user without a displayName has no title; one with it is titled by it.
    expect(snapshot.get('user:default/breanna.davison')!.entity.title).toBeNull();
    expect(snapshot.get('user:default/janelle.dawe')!.entity.title).toBe('Janelle Dawe');
  });

  it('reads each file once even when it is both a source and a Location target', async () => {
    const snapshot = await load([ACME_ORG, TEAM_A]);
    expect(snapshot.problems.filter((p) => p.rule === 'entity.duplicate')).toEqual([]);
    expect(snapshot.entries.size).toBe(7);
  });

  it('reports references to groups the fixtures do not declare as dangling, not as errors', async () => {
    const snapshot = await load([ACME_ORG]);
    const dangling = snapshot.problems.filter((p) => p.rule === 'ref.dangling');
    expect(dangling.map((p) => [p.entityRef, p.message])).toEqual([
      ['group:default/acme-corp', 'spec.children[0] refers to group:default/infrastructure, which is not in the catalog'],
      ['group:default/team-a', 'spec.parent refers to group:default/backstage, which is not in the catalog'],
    ]);
  });
});
