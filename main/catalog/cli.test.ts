// `loupe catalog validate`: output format and exit codes (0 valid, 1 invalid, 2 usage error).
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem, runCatalogCommand, validateCatalog } from './cli';

const TESTDATA = join(__dirname, 'testdata');

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCatalogCommand(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('loupe catalog validate', () => {
  it('exits 0 on a valid catalog and says how many entities it checked', async () => {
    const { code, stdout } = await run('validate', join(TESTDATA, 'valid'));
    expect(code).toBe(0);
    expect(stdout).toBe('22 valid entities, 0 errors, 0 warnings, 0 notes\n');
  });

  it('exits 0 when there are only warnings and notes', async () => {
    const { code, stdout } = await run('validate', join(TESTDATA, 'locations'));
    expect(code).toBe(0);
    expect(stdout).toContain('4 valid entities, 0 errors, 2 warnings, 2 notes');
  });

  it('exits 1 and prints file:line: [rule] message (entity ref) for each problem', async () => {
    const { code, stdout } = await run('validate', join(TESTDATA, 'problems'));
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    const file = (p: string) => relative(process.cwd(), join(TESTDATA, p));
    expect(lines[0]).toBe(
      `${file('problems/a/catalog-info.yaml')}:8: [ref.dangling] spec.owner refers to group:default/team-ghost, which is not in the catalog (component:default/widget)`,
    );
    expect(lines).toContain(`${file('problems/b/catalog-info.yaml')}:31: [spec.field-required] "spec.lifecycle" is required for kind Component (component:default/broken)`);
    expect(lines.at(-1)).toBe('3 valid entities, 2 errors, 3 warnings, 0 notes');
  });

  it('exits 1 on YAML syntax errors, which name no entity', async () => {
    const { code, stdout } = await run('catalog', 'validate', join(TESTDATA, 'syntax/catalog-info.yaml'));
    expect(code).toBe(1);
    expect(stdout).toMatch(/syntax\/catalog-info\.yaml:13: \[yaml\.syntax\] YAML syntax error: Map keys must be unique\n/);
  });

  it('takes several folders and files at once', async () => {
    const { code } = await run('validate', join(TESTDATA, 'valid'), '/work/shared/fixtures/backstage/acme-org.yaml');
    expect(code).toBe(0);
  });

  it('prints JSON with --json', async () => {
    const { code, stdout } = await run('validate', '--json', join(TESTDATA, 'invalid'));
    expect(code).toBe(1);
    const parsed = JSON.parse(stdout);
    expect(parsed.entities).toBe(0);
    expect(parsed.problems).toHaveLength(37);
  });

  it('exits 2 on usage errors', async () => {
    expect((await run()).code).toBe(2);
    expect((await run('validate')).code).toBe(2);
    expect((await run('lint', 'x')).code).toBe(2);
    expect((await run('validate', '--strict', TESTDATA)).code).toBe(2);
    const missing = await run('validate', join(TESTDATA, 'no-such-dir'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file or folder');
  });

  it('shows help and exits 0', async () => {
    const { code, stdout } = await run('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: loupe catalog validate');
    expect((await run('validate', '--help')).code).toBe(0);
  });
});

describe('formatProblem', () => {
  it('keeps absolute paths outside the working folder and omits a missing entity ref', async () => {
    const { problems } = await validateCatalog([join(TESTDATA, 'syntax')]);
    expect(formatProblem(problems[0], '/somewhere/else')).toBe(
      `${join(TESTDATA, 'syntax/catalog-info.yaml')}:13: [yaml.syntax] YAML syntax error: Map keys must be unique`,
    );
  });
});
