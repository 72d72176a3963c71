// `loupe catalog validate <dir-or-file>…`: loads descriptors exactly as the app does and prints
// every problem as `file:line: [rule] message (entity ref)`, like a compiler, so editors and CI
// logs can jump to the line. Exit codes: 0 valid, 1 some entity invalid, 2 usage error.
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import type { CatalogProblem } from '../../common/api/catalog-schemas';
import { DescriptorLoader } from './loader';
import { buildSnapshot } from './snapshot';

export const EXIT_VALID = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

export async function validateCatalog(paths: string[]): Promise<{ entities: number; problems: CatalogProblem[] }> {
  const snapshot = buildSnapshot(await new DescriptorLoader().load(paths));
  return { entities: snapshot.entries.size, problems: [...snapshot.problems] };
}

/** `file:line: [rule] message (entity ref)`; the file relative to `cwd` when it lies below it. */
export function formatProblem(problem: CatalogProblem, cwd: string = process.cwd()): string {
  const rel = relative(cwd, problem.file);
  const file = rel && !rel.startsWith('..') ? rel : problem.file;
  const ref = problem.entityRef ? ` (${problem.entityRef})` : '';
  return `${file}:${problem.line}: [${problem.rule}] ${problem.message}${ref}`;
}

export const CATALOG_USAGE = `Usage: loupe catalog validate [--json] <dir-or-file>...

Validates Backstage descriptor files the way Loupe loads them: folders are searched for
catalog-info.yaml (skipping node_modules and .git), files are read as given, and Location
entities are followed. Every problem is printed as

  file:line: [rule] message (entity ref)

Options:
  --json    print {entities, problems} as JSON instead
  --help    show this help

Exit status: 0 when every entity is valid (warnings allowed), 1 when any entity is invalid,
2 on a usage error.
`;

export interface CommandOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processOutput: CommandOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Runs `loupe catalog …` (argv without the leading `catalog`, though it is tolerated). */
export async function runCatalogCommand(argv: string[], out: CommandOutput = processOutput): Promise<number> {
  const args = argv[0] === 'catalog' ? argv.slice(1) : argv;
  const [command, ...rest] = args;
  if (command === '--help' || command === '-h' || command === 'help') {
    out.stdout(CATALOG_USAGE);
    return EXIT_VALID;
  }
  if (command !== 'validate') {
    out.stderr(command ? `loupe catalog: unknown command "${command}"\n\n${CATALOG_USAGE}` : CATALOG_USAGE);
    return EXIT_USAGE;
  }

  let json = false;
  const paths: string[] = [];
  for (const arg of rest) {
    if (arg === '--help' || arg === '-h') {
      out.stdout(CATALOG_USAGE);
      return EXIT_VALID;
    }
    if (arg === '--json') json = true;
    else if (arg.startsWith('-')) {
      out.stderr(`loupe catalog validate: unknown option ${arg}\n\n${CATALOG_USAGE}`);
      return EXIT_USAGE;
    } else paths.push(arg);
  }
  if (paths.length === 0) {
    out.stderr(`loupe catalog validate: give at least one folder or descriptor file\n\n${CATALOG_USAGE}`);
    return EXIT_USAGE;
  }
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length > 0) {
    out.stderr(missing.map((p) => `loupe catalog validate: no such file or folder: ${p}\n`).join(''));
    return EXIT_USAGE;
  }

  const { entities, problems } = await validateCatalog(paths);
  const errors = problems.filter((p) => p.severity === 'error').length;
  if (json) {
    out.stdout(`${JSON.stringify({ entities, problems }, null, 2)}\n`);
  } else {
    for (const problem of problems) out.stdout(`${formatProblem(problem)}\n`);
    const warnings = problems.filter((p) => p.severity === 'warning').length;
    const notes = problems.length - errors - warnings;
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    const entityCount = `${entities} valid ${entities === 1 ? 'entity' : 'entities'}`;
    out.stdout(`${entityCount}, ${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${plural(notes, 'note')}\n`);
  }
  return errors > 0 ? EXIT_INVALID : EXIT_VALID;
}
