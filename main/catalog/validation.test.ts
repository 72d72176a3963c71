// Every validation rule, proven on descriptors: each `# expect: <rule>` comment in testdata marks
// the file and line where that problem must be reported, and nothing else may be reported there.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CatalogProblem } from '../../common/api/catalog-schemas';
import { validateCatalog } from './cli';
import { findDescriptorFiles } from './loader';
import { CATALOG_RULES } from './rules';

const TESTDATA = join(__dirname, 'testdata');
const covered = new Set<string>();

/** `[line, rule]` pairs from the `# expect:` comments of a file. */
function expectations(file: string): Array<[number, string]> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((text, i) => {
      const m = /# expect: (.+)$/.exec(text);
      return m ? m[1].split(',').map((rule): [number, string] => [i + 1, rule.trim()]) : [];
    });
}

async function expectMarkedProblems(dir: string): Promise<CatalogProblem[]> {
  const { problems } = await validateCatalog([join(TESTDATA, dir)]);
  const files = [...new Set([...(await findDescriptorFiles(join(TESTDATA, dir))), ...problems.map((p) => p.file)])];
  for (const file of files) {
    const wanted = expectations(file).map(([line, rule]) => `${line} ${rule}`).sort();
    const got = problems
      .filter((p) => p.file === file)
      .map((p) => `${p.line} ${p.rule}`)
      .sort();
    expect(got, file).toEqual(wanted);
  }
  for (const p of problems) covered.add(p.rule);
  return problems;
}

describe('validation rules', () => {
  it('reports each invalid document with its file, line and rule, and no more', async () => {
    const problems = await expectMarkedProblems('invalid');
    expect(problems.every((p) => p.severity === 'error')).toBe(true);
  });

  it('names the entity in each problem when kind and name can be read', async () => {
    const { problems } = await validateCatalog([join(TESTDATA, 'invalid')]);
    const byRule = (rule: string) => problems.filter((p) => p.rule === rule);
    expect(byRule('spec.field-required').map((p) => p.entityRef)).toContain('component:default/no-lifecycle');
    expect(byRule('kind.required')[0].entityRef).toBeNull();
    expect(byRule('entity.not-object')[0].entityRef).toBeNull();
    // A namespace is part of the reference even when it breaks the format rule.
    expect(byRule('metadata.namespace.format')[0].entityRef).toBe('group:team_a/ns-group');
  });

  it('explains the rule in words a user can act on', async () => {
    const { problems } = await validateCatalog([join(TESTDATA, 'invalid')]);
    const message = (rule: string) => problems.find((p) => p.rule === rule)!.message;
    expect(message('metadata.name.format')).toContain('sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters');
    expect(message('kind.unknown')).toContain('did you mean "Component"');
    expect(message('ref.kind-required')).toContain('"spec.dependsOn[1]"');
    expect(message('metadata.links.url')).toContain('found nothing');
  });

  it('reports a YAML syntax error and still loads the other documents of the file', async () => {
    await expectMarkedProblems('syntax');
    const { entities } = await validateCatalog([join(TESTDATA, 'syntax')]);
    expect(entities).toBe(2);
  });

  it('reports missing and unfollowable Location targets without failing', async () => {
    const problems = await expectMarkedProblems('locations');
    expect(problems.filter((p) => p.rule === 'location.target-missing').every((p) => p.severity === 'warning')).toBe(true);
    expect(problems.filter((p) => p.rule === 'location.target-not-followable').every((p) => p.severity === 'info')).toBe(true);
    expect(problems[0].entityRef).toBe('location:default/mixed-targets');
  });

  it('reports duplicates (compared case-insensitively) and dangling references', async () => {
    const problems = await expectMarkedProblems('problems');
    const duplicate = problems.find((p) => p.rule === 'entity.duplicate')!;
    expect(duplicate.message).toContain(`${join(TESTDATA, 'problems/a/catalog-info.yaml')}:1`);
    const dangling = problems.filter((p) => p.rule === 'ref.dangling');
    expect(dangling.map((p) => p.message)).toEqual([
      'spec.owner refers to group:default/team-ghost, which is not in the catalog',
      'spec.system refers to system:default/nowhere, which is not in the catalog',
      `spec.dependsOn[1] refers to component:default/broken, which is declared at ${join(TESTDATA, 'problems/b/catalog-info.yaml')}:27 but is invalid`,
    ]);
  });

  it('finds nothing wrong with the valid catalog', async () => {
    const { entities, problems } = await validateCatalog([join(TESTDATA, 'valid')]);
    expect(problems).toEqual([]);
    expect(entities).toBe(22);
  });

  const scratch = mkdtempSync(join(tmpdir(), 'loupe-catalog-rules-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('reports a missing source and a folder without catalog-info.yaml', async () => {
    const missing = join(scratch, 'nope');
    const { problems } = await validateCatalog([missing, scratch]);
    expect(problems.map((p) => [p.file, p.line, p.rule, p.severity])).toEqual([
      [scratch, 1, 'source.empty', 'info'],
      [missing, 1, 'file.unreadable', 'error'],
    ]);
    for (const p of problems) covered.add(p.rule);
  });

  it('refuses a descriptor file over the size limit without reading it, naming the file', async () => {
    const dir = join(scratch, 'huge');
    mkdirSync(dir);
    const file = join(dir, 'catalog-info.yaml');
    const doc = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: c\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n---\n';
    writeFileSync(file, doc.repeat(Math.ceil((3 * 1024 * 1024) / doc.length)));
    const { entities, problems } = await validateCatalog([dir]);
    expect(entities).toBe(0);
    expect(problems.map((p) => [p.file, p.rule, p.severity])).toEqual([[file, 'file.too-large', 'error']]);
    expect(problems[0].message).toMatch(/catalog-info\.yaml is 3\.0 MiB; descriptor files larger than 2\.0 MiB are not read/);
    for (const p of problems) covered.add(p.rule);
  });

  it('has exercised every rule of the catalog', () => {
    expect([...covered].sort()).toEqual(Object.keys(CATALOG_RULES).sort());
  });
});
