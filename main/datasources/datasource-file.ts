// Data sources live in `datasources.yaml` next to the data, so they can be edited in the UI, by
// hand, or kept in a repository. Every entry is `name`, `type` (a plugin id) and that plugin's
// settings. UI edits go through the YAML document, so comments and entries this version cannot
// read survive; a broken entry is reported with file and line and never stops the others.
import { existsSync, readFileSync, renameSync, unwatchFile, watchFile, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, type YAMLSeq, isMap, isSeq, parseDocument, stringify } from 'yaml';
import { DataSourceEntry } from '../../common/api/datasource-schemas';

export const DATASOURCES_FILE = 'datasources.yaml';

const HEADER = `# Loupe data sources. Edit here or in the UI (Settings › Data sources).
#   name: how screens and ?source= name it ("local" is the built-in store)
#   type: the plugin that reads it (loupe plugins list); the other keys are that plugin's settings.
# Secrets (tokens, passwords) entered in the UI are kept in datasource-secrets.json, not here.
`;

export interface DataSourceFileState {
  entries: DataSourceEntry[];
  problems: string[];
}

export function readDataSourceFile(path: string): DataSourceFileState {
  if (!existsSync(path)) return { entries: [], problems: [] };
  const text = readFileSync(path, 'utf8');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const problems: string[] = doc.errors.map((e) => `${path}:${e.linePos?.[0]?.line ?? '?'}: [yaml] ${e.message}`);
  const root = doc.get('datasources', true) as { items?: Array<{ range?: [number, number, number]; toJSON(): unknown }> } | undefined;
  const entries: DataSourceEntry[] = [];
  for (const item of root?.items ?? []) {
    const line = item.range ? lines.linePos(item.range[0]).line : '?';
    const parsed = DataSourceEntry.safeParse(item.toJSON());
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((i) => `${path}:${line}: [${i.path.join('.') || 'entry'}] ${i.message}`));
      continue;
    }
    if (entries.some((e) => e.name === parsed.data.name)) {
      problems.push(`${path}:${line}: [name] duplicate data source "${parsed.data.name}"; the first one is used`);
      continue;
    }
    entries.push(parsed.data);
  }
  if (root === undefined && text.trim() !== '' && doc.errors.length === 0) problems.push(`${path}:1: [datasources] expected a top-level "datasources:" list`);
  return { entries, problems };
}

/** Changes one entry in place (null removes it); comments and other entries are kept. */
export function editDataSourceFile(path: string, name: string, next: DataSourceEntry | null): boolean {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : HEADER + stringify({ datasources: [] });
  const doc = parseDocument(text);
  if (doc.errors.length) throw new Error(`${path} cannot be parsed (${doc.errors[0].message}); fix it by hand first`);
  if (!isSeq(doc.get('datasources'))) doc.set('datasources', doc.createNode([]));
  const seq = doc.get('datasources') as YAMLSeq;
  const index = seq.items.findIndex((item) => isMap(item) && item.get('name') === name);
  if (next === null) {
    if (index < 0) return false;
    seq.items.splice(index, 1);
  } else if (index >= 0 && isMap(seq.items[index])) {
    // Update the keys in place so comments attached to them stay where they were.
    const map = seq.items[index];
    for (const pair of [...map.items]) {
      const key = String((pair.key as { value?: unknown })?.value ?? pair.key);
      if (!(key in next)) map.delete(key);
    }
    for (const [k, v] of Object.entries(next)) if (JSON.stringify(map.toJSON()[k]) !== JSON.stringify(v)) map.set(k, doc.createNode(v));
  } else seq.items.push(doc.createNode(next));
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, doc.toString({ lineWidth: 0 }));
  renameSync(tmp, path);
  return true;
}

/** Keeps the parsed file current; `onChange` runs after every reload. */
export class DataSourceFile {
  readonly path: string;
  private state: DataSourceFileState;

  constructor(dataDir: string, private readonly onChange: () => void = () => undefined) {
    this.path = join(dataDir, DATASOURCES_FILE);
    this.state = readDataSourceFile(this.path);
    watchFile(this.path, { interval: 1000 }, () => this.reload());
  }

  get entries(): DataSourceEntry[] {
    return this.state.entries;
  }

  get problems(): string[] {
    return this.state.problems;
  }

  reload(): void {
    this.state = readDataSourceFile(this.path);
    this.onChange();
  }

  upsert(entry: DataSourceEntry): void {
    editDataSourceFile(this.path, entry.name, entry);
    this.reload();
  }

  /** Replaces the entry named `from` with `next` (a new name), key by key in place. */
  rename(from: string, next: DataSourceEntry): void {
    editDataSourceFile(this.path, from, next);
    this.reload();
  }

  remove(name: string): boolean {
    const removed = editDataSourceFile(this.path, name, null);
    this.reload();
    return removed;
  }

  close(): void {
    unwatchFile(this.path);
  }
}
