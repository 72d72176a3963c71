// Finds and reads descriptor files: folders are searched for catalog-info.yaml, single files are
// read as given, and Location entities are followed to the files they target (relative to the
// file that declares them, as Backstage resolves them). Files are re-read only when their stat
// fingerprint changes, so a reload after one edit parses one file.
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CatalogProblem } from '../../common/api/catalog-schemas';
import { parseDescriptorYaml } from './descriptor-yaml';
import { CATALOG_RULES, type CatalogRuleId } from './rules';
import { validateEntity, type EntityDeclaration, type LocationTarget } from './validate-entity';

/** Backstage's conventional descriptor name (the .yml spelling is accepted too). */
export const DESCRIPTOR_FILE_NAMES: ReadonlySet<string> = new Set(['catalog-info.yaml', 'catalog-info.yml']);
const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set(['node_modules', '.git']);

// Files are read synchronously: per file, fs.promises costs four thread-pool round trips and
// measured several times the CPU of the parse itself. Yielding every few dozen files keeps the
// event loop (the API server, ingest) responsive during a large load.
const YIELD_EVERY = 64;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface DescriptorFile {
  file: string;
  /** Stat fingerprint (mtime, size, inode): the file is re-read only when it changes. */
  fingerprint: string;
  declarations: EntityDeclaration[];
  /** Problems of the file itself (unreadable, YAML syntax). */
  problems: CatalogProblem[];
}

export interface LoadedSources {
  /** Every file read, in load order (sources first, then Location targets, breadth first). */
  files: DescriptorFile[];
  /** Problems found while finding files: missing sources and targets, unfollowable targets. */
  problems: CatalogProblem[];
  /** What live reload must watch: folders (recursively) and single paths outside them. */
  watch: { directories: string[]; paths: string[] };
}

function problem(rule: CatalogRuleId, file: string, line: number, entityRef: string | null, message: string): CatalogProblem {
  return { file, line, entityRef, rule, message, severity: CATALOG_RULES[rule].severity };
}

export function parseDescriptorFile(file: string, text: string, fingerprint = ''): DescriptorFile {
  const { documents, errors } = parseDescriptorYaml(text);
  return {
    file,
    fingerprint,
    declarations: documents.map((doc) => validateEntity(doc, file)),
    problems: errors.map((e) => problem('yaml.syntax', file, e.line, null, `YAML syntax error: ${e.message}`)),
  };
}

export class DescriptorLoader {
  private cache = new Map<string, DescriptorFile>();

  async load(sources: readonly string[]): Promise<LoadedSources> {
    const files: DescriptorFile[] = [];
    const problems: CatalogProblem[] = [];
    const directories: string[] = [];
    const paths = new Set<string>();
    const visited = new Set<string>();
    const nextCache = new Map<string, DescriptorFile>();

    let wave: string[] = [];
    for (const source of sources.map((s) => resolve(s))) {
      const kind = await pathKind(source);
      if (kind === 'missing') {
        problems.push(problem('file.unreadable', source, 1, null, `Catalog source ${source} does not exist`));
        paths.add(source);
      } else if (kind === 'directory') {
        directories.push(source);
        const found = await findDescriptorFiles(source);
        if (found.length === 0) {
          problems.push(
            problem('source.empty', source, 1, null, `No catalog-info.yaml under ${source}; other .yaml files are read only when a Location entity targets them`),
          );
        }
        wave.push(...found);
      } else {
        wave.push(source);
      }
    }

    const underWatchedDirectory = (path: string) => directories.some((d) => path === d || path.startsWith(d + sep));
    while (wave.length > 0) {
      const batch = wave.filter((f) => !visited.has(f) && (visited.add(f), true));
      const next: string[] = [];
      for (let i = 0; i < batch.length; i++) {
        if (i > 0 && i % YIELD_EVERY === 0) await yieldToEventLoop();
        const file = this.read(batch[i]);
        files.push(file);
        nextCache.set(file.file, file);
        if (!underWatchedDirectory(file.file)) paths.add(file.file);
        for (const declaration of file.declarations) {
          if (declaration.kind !== 'Location' || !declaration.valid) continue;
          for (const target of declaration.locationTargets) {
            const followed = await followTarget(target, declaration);
            if (followed.problem) problems.push(followed.problem);
            next.push(...followed.files);
            for (const d of followed.watchDirectories) if (!underWatchedDirectory(d)) directories.push(d);
            for (const p of followed.watchPaths) if (!underWatchedDirectory(p)) paths.add(p);
          }
        }
      }
      wave = next;
    }
    this.cache = nextCache;
    return { files, problems, watch: { directories, paths: [...paths].filter((p) => !underWatchedDirectory(p)) } };
  }

  private read(file: string): DescriptorFile {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch (e) {
      return { file, fingerprint: 'missing', declarations: [], problems: [problem('file.unreadable', file, 1, null, `Cannot read ${file}: ${errorMessage(e)}`)] };
    }
    let fingerprint = '';
    try {
      const st = fstatSync(fd);
      // mtimeMs carries sub-millisecond precision, so quick successive saves still differ.
      fingerprint = `${st.mtimeMs}:${st.size}:${st.ino}`;
      const cached = this.cache.get(file);
      if (cached && cached.fingerprint === fingerprint) return cached;
      // Checked before reading: parsing grows with the file (a 50 MB file took 25 s and 2.9 GB).
      if (st.size > MAX_DESCRIPTOR_BYTES)
        return {
          file,
          fingerprint,
          declarations: [],
          problems: [problem('file.too-large', file, 1, null, `${file} is ${formatMiB(st.size)}; descriptor files larger than ${formatMiB(MAX_DESCRIPTOR_BYTES)} are not read (split it into several files listed by a Location entity)`)],
        };
      return parseDescriptorFile(file, readFileSync(fd, 'utf8'), fingerprint);
    } catch (e) {
      return { file, fingerprint, declarations: [], problems: [problem('file.unreadable', file, 1, null, `Cannot read ${file}: ${errorMessage(e)}`)] };
    } finally {
      closeSync(fd);
    }
  }
}

interface FollowedTarget {
  files: string[];
  problem?: CatalogProblem;
  watchDirectories: string[];
  watchPaths: string[];
}

const URL_PATTERN = /^[a-z][a-z0-9+.-]*:\/\//i;

async function followTarget(target: LocationTarget, location: EntityDeclaration): Promise<FollowedTarget> {
  const none = { files: [], watchDirectories: [], watchPaths: [] };
  const report = (rule: CatalogRuleId, message: string) => problem(rule, location.file, target.line, location.ref, message);
  const type = target.type ?? 'file';
  let path: string;
  if (type !== 'file' && type !== 'url') {
    return { ...none, problem: report('location.target-not-followable', `Location target "${target.target}" has type "${type}"; only file and url targets pointing at files on disk are read`) };
  }
  if (target.target.startsWith('file://')) {
    path = fileURLToPath(target.target);
  } else if (URL_PATTERN.test(target.target)) {
    return { ...none, problem: report('location.target-not-followable', `Location target "${target.target}" is a URL; only files on disk are read, so it was not followed`) };
  } else {
    path = isAbsolute(target.target) ? target.target : resolve(dirname(location.file), target.target);
  }

  if (/[*?]/.test(path)) {
    const { base, files } = await expandGlob(path);
    if (files.length === 0) {
      return { ...none, watchDirectories: [base], problem: report('location.target-missing', `Location target "${target.target}" matches no file (pattern ${path})`) };
    }
    return { files, watchDirectories: [base], watchPaths: [] };
  }
  const kind = await pathKind(path);
  if (kind === 'missing') {
    return { ...none, watchPaths: [path], problem: report('location.target-missing', `Location target "${target.target}" does not exist (resolved to ${path})`) };
  }
  if (kind === 'directory') return { files: await findDescriptorFiles(path), watchDirectories: [path], watchPaths: [] };
  return { files: [path], watchDirectories: [], watchPaths: [path] };
}

async function pathKind(path: string): Promise<'file' | 'directory' | 'missing'> {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'file';
  } catch {
    return 'missing';
  }
}

/** Sorted paths of files under `dir` (skipping node_modules and .git) whose name passes `accept`. */
async function walk(root: string, accept: (path: string, name: string) => boolean): Promise<string[]> {
  const found: string[] = [];
  let visitedFolders = 0;
  const visit = async (dir: string) => {
    if (++visitedFolders % YIELD_EVERY === 0) await yieldToEventLoop();
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) await visit(path);
        continue;
      }
      // Symbolic links are followed to files only, so a link cannot make the walk loop.
      const isFile = entry.isFile() || (entry.isSymbolicLink() && (await pathKind(path)) === 'file');
      if (isFile && accept(path, entry.name)) found.push(path);
    }
  };
  await visit(root);
  return found;
}

export function findDescriptorFiles(dir: string): Promise<string[]> {
  return walk(dir, (_path, name) => DESCRIPTOR_FILE_NAMES.has(name));
}

/** Expands `*`, `?` and `**` in a target path (Backstage's file targets accept globs). */
async function expandGlob(pattern: string): Promise<{ base: string; files: string[] }> {
  const parts = pattern.split(sep);
  const firstGlob = parts.findIndex((p) => /[*?]/.test(p));
  const base = parts.slice(0, firstGlob).join(sep) || sep;
  const rest = parts.slice(firstGlob).join('/');
  let source = '';
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '*' && rest[i + 1] === '*') {
      source += rest[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += rest[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const matcher = new RegExp(`^${source}$`);
  const files = await walk(base, (path) => matcher.test(relative(base, path).split(sep).join('/')));
  return { base, files };
}

/** The largest descriptor file read. Real catalog files are kilobytes; a few thousand entities fit. */
export const MAX_DESCRIPTOR_BYTES = 2 * 1024 * 1024;

function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
