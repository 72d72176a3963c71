// Finding descriptor files: folder search, Location targets (files, folders, globs, loops) and
// re-reading only what changed.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescriptorLoader } from './loader';
import { buildSnapshot } from './snapshot';

const group = (name: string) => `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: ${name}
spec:
  type: team
  children: []
`;
const location = (name: string, targets: string[]) => `apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: ${name}
spec:
  targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]
`;

let root: string;
function write(rel: string, text: string): string {
  const path = join(root, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'loupe-catalog-loader-'));
  write('repo/catalog-info.yaml', group('root-team'));
  write('repo/services/a/catalog-info.yml', group('yml-team'));
  write('repo/services/a/other.yaml', group('not-a-descriptor'));
  write('repo/node_modules/dep/catalog-info.yaml', group('vendored'));
  write('repo/.git/catalog-info.yaml', group('git-internals'));
  write('org/catalog-info.yaml', location('org', ['./teams/**/*.yaml', './extra', './catalog-info.yaml', 'file://' + join(root, 'abs/abs.yaml')]));
  write('org/teams/one.yaml', group('one'));
  write('org/teams/nested/two.yaml', group('two'));
  write('org/teams/nested/readme.md', 'not yaml');
  write('org/extra/catalog-info.yaml', location('extra', ['../teams/one.yaml']));
  write('abs/abs.yaml', group('absolute'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const names = async (sources: string[]) => {
  const snapshot = buildSnapshot(await new DescriptorLoader().load(sources));
  return { names: snapshot.ordered.map((e) => e.entity.name).sort(), problems: snapshot.problems };
};

describe('DescriptorLoader', () => {
  it('finds catalog-info.yaml and .yml in folders, skipping node_modules and .git and other yaml files', async () => {
    expect((await names([join(root, 'repo')])).names).toEqual(['root-team', 'yml-team']);
  });

  it('reads any yaml file given directly', async () => {
    expect((await names([join(root, 'repo/services/a/other.yaml')])).names).toEqual(['not-a-descriptor']);
  });

  it('follows glob, folder and file:// targets, reading every file once despite loops', async () => {
    const { names: found, problems } = await names([join(root, 'org')]);
    expect(found).toEqual(['absolute', 'extra', 'one', 'org', 'two']);
    expect(problems).toEqual([]);
  });

  it('re-reads only the files whose fingerprint changed', async () => {
    const loader = new DescriptorLoader();
    const first = await loader.load([join(root, 'repo')]);
    write('repo/services/a/catalog-info.yml', group('renamed-team'));
    const second = await loader.load([join(root, 'repo')]);
    const byFile = (files: typeof first.files) => new Map(files.map((f) => [f.file, f]));
    const [a, b] = [byFile(first.files), byFile(second.files)];
    expect(b.get(join(root, 'repo/catalog-info.yaml'))).toBe(a.get(join(root, 'repo/catalog-info.yaml')));
    expect(b.get(join(root, 'repo/services/a/catalog-info.yml'))).not.toBe(a.get(join(root, 'repo/services/a/catalog-info.yml')));
    expect(second.files.flatMap((f) => f.declarations.map((d) => d.name))).toEqual(['root-team', 'renamed-team']);
  });

  it('tells live reload what to watch', async () => {
    const loaded = await new DescriptorLoader().load([join(root, 'org/catalog-info.yaml')]);
    // The glob's base and the folder target are watched as trees; the file outside them singly.
    expect(loaded.watch.directories.sort()).toEqual([join(root, 'org/extra'), join(root, 'org/teams')]);
    expect(loaded.watch.paths.sort()).toEqual([join(root, 'abs/abs.yaml'), join(root, 'org/catalog-info.yaml')]);
  });
});
