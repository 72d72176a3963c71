// Live reload: edit, add and remove descriptor files under a watched catalog and get `changed`.
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CatalogChangeEvent } from '../../common/api/catalog-schemas';
import { Catalog } from './index';

const component = (name: string, owner = 'team-a', extra = '') => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
spec:
  type: service
  lifecycle: production
  owner: ${owner}
${extra}`;

const group = (name: string) => `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: ${name}
spec:
  type: team
  children: []
`;

let root: string;
let staging: string;
let catalog: Catalog | null = null;
let witness: Catalog | null = null;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'loupe-catalog-watch-'));
  staging = mkdtempSync(join(tmpdir(), 'loupe-catalog-staging-'));
});
afterEach(() => {
  catalog?.close();
  witness?.close();
  catalog = null;
  witness = null;
  rmSync(root, { recursive: true, force: true });
  rmSync(staging, { recursive: true, force: true });
});

/**
 * Writes a whole file at once (written beside, then renamed into place). An in-place write
 * truncates first; on a loaded machine the debounced reload can run between the truncation and
 * the write and report the half-written file as a change of its own.
 */
let staged = 0;
function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const temp = join(staging, `file-${staged++}`);
  writeFileSync(temp, text);
  renameSync(temp, path);
}

/** Resolves with the next `changed` event (or fails after a while). */
function nextChange(c: Catalog, timeoutMs = 30_000): Promise<CatalogChangeEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no change event')), timeoutMs);
    const listener = (change: CatalogChangeEvent) => {
      clearTimeout(timer);
      c.off('changed', listener);
      resolve(change);
    };
    c.on('changed', listener);
  });
}

for (const mode of ['fs.watch', 'polling'] as const) {
  describe(`live reload (${mode})`, () => {
    async function start(sources: string[]): Promise<Catalog> {
      catalog = new Catalog({ sources, debounceMs: 50, poll: mode === 'polling', pollIntervalMs: 100 });
      await catalog.load();
      // The watchers are attached before the test touches files.
      await catalog.watch();
      return catalog;
    }

    it('reloads an edited file and reports the updated entity', async () => {
      write(join(root, 'svc/catalog-info.yaml'), component('checkout') + '---\n' + group('team-a'));
      const c = await start([root]);
      expect(c.snapshot.get('component:default/checkout')!.entity.spec.lifecycle).toBe('production');

      const changed = nextChange(c);
      write(join(root, 'svc/catalog-info.yaml'), component('checkout').replace('production', 'deprecated') + '---\n' + group('team-a'));
      const change = await changed;
      expect(change.updated).toEqual(['component:default/checkout']);
      expect(change.added).toEqual([]);
      expect(change.files).toEqual([join(root, 'svc/catalog-info.yaml')]);
      expect(c.snapshot.get('component:default/checkout')!.entity.spec.lifecycle).toBe('deprecated');
    });

    it('picks up a new folder with a descriptor, and a removed one', async () => {
      write(join(root, 'a/catalog-info.yaml'), group('team-a'));
      const c = await start([root]);

      let changed = nextChange(c);
      write(join(root, 'new/deep/catalog-info.yaml'), component('fresh'));
      let change = await changed;
      await c.settled();
      expect(c.snapshot.get('component:default/fresh')).toBeDefined();
      expect(change.added).toContain('component:default/fresh');

      changed = nextChange(c);
      rmSync(join(root, 'new'), { recursive: true });
      change = await changed;
      await c.settled();
      expect(change.removed).toContain('component:default/fresh');
      expect(c.snapshot.get('component:default/fresh')).toBeUndefined();
    });

    it('follows edits to Location targets outside the source folders, and targets that appear later', async () => {
      const outside = join(root, 'elsewhere');
      mkdirSync(outside);
      write(join(outside, 'groups.yaml'), group('team-a'));
      const location = `apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: org
spec:
  targets: [../elsewhere/groups.yaml, ../elsewhere/later.yaml]
`;
      write(join(root, 'repo/catalog-info.yaml'), location);
      const c = await start([join(root, 'repo')]);
      expect(c.snapshot.problems.map((p) => p.rule)).toEqual(['location.target-missing']);

      let changed = nextChange(c);
      write(join(outside, 'groups.yaml'), group('team-b'));
      let change = await changed;
      await c.settled();
      expect(change.added).toEqual(['group:default/team-b']);
      expect(change.removed).toEqual(['group:default/team-a']);

      changed = nextChange(c);
      write(join(outside, 'later.yaml'), component('late', 'team-b'));
      change = await changed;
      await c.settled();
      expect(change.added).toContain('component:default/late');
      expect(c.snapshot.problems).toEqual([]);
    });

    it('ignores changes under node_modules', async () => {
      write(join(root, 'catalog-info.yaml'), group('team-a'));
      const c = await start([root]);
      const changes: CatalogChangeEvent[] = [];
      c.on('changed', (change) => changes.push(change));
      write(join(root, 'node_modules/pkg/catalog-info.yaml'), component('vendored'));
      // A descriptor written after it is picked up: by then the vendored one had its chance.
      const changed = nextChange(c);
      write(join(root, 'real/catalog-info.yaml'), component('witness'));
      await changed;
      await c.settled();
      expect(c.snapshot.get('component:default/witness')).toBeDefined();
      expect(c.snapshot.get('component:default/vendored')).toBeUndefined();
      expect(changes.flatMap((x) => x.added)).toEqual(['component:default/witness']);
      expect(changes.flatMap((x) => x.files)).toEqual([join(root, 'real/catalog-info.yaml')]);
    });
  });
}

describe('closing', () => {
  it('stops reloading after close()', async () => {
    write(join(root, 'catalog-info.yaml'), group('team-a'));
    catalog = new Catalog({ sources: [root], debounceMs: 20 });
    await catalog.load();
    await catalog.watch();
    // A second catalog on the same folder, still open: once it has reloaded the edit, the
    // closed one would have too.
    witness = new Catalog({ sources: [root], debounceMs: 20 });
    await witness.load();
    await witness.watch();
    catalog.close();
    const changed = nextChange(witness);
    write(join(root, 'catalog-info.yaml'), group('team-z'));
    await changed;
    await catalog.settled();
    expect(witness.snapshot.get('group:default/team-z')).toBeDefined();
    expect(catalog.snapshot.get('group:default/team-a')).toBeDefined();
    expect(catalog.snapshot.get('group:default/team-z')).toBeUndefined();
  });
});
