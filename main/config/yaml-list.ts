// A YAML file holding one top-level list of entries with ids (slos.yaml, alerts.yaml), read and
// edited through the YAML document, so comments, formatting and entries this version cannot read
// (even invalid ones) survive an edit made in the UI, and every problem names its file and line.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { LineCounter, type YAMLSeq, isMap, isSeq, parseDocument, stringify } from 'yaml';

export interface YamlListEntry {
  /** 1-based line the entry starts on ('?' when unknown). */
  line: number | '?';
  value: unknown;
}

/** The entries of the list under `key`, and the file's syntax problems as `path:line: message`. */
export function readYamlList(path: string, key: string): { entries: YamlListEntry[]; problems: string[] } {
  if (!existsSync(path)) return { entries: [], problems: [] };
  const text = readFileSync(path, 'utf8');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const problems: string[] = doc.errors.map((e) => `${path}:${e.linePos?.[0]?.line ?? '?'}: ${e.message}`);
  let root: unknown;
  try {
    root = doc.get(key, true);
  } catch {
    root = undefined;
  }
  const items = isSeq(root) ? (root.items as Array<{ range?: [number, number, number]; toJSON?(): unknown }>) : [];
  const entries = items.map((item) => ({
    line: item?.range ? lines.linePos(item.range[0]).line : ('?' as const),
    value: item && typeof item.toJSON === 'function' ? item.toJSON() : item,
  }));
  if (!isSeq(root) && text.trim() !== '' && doc.errors.length === 0) problems.push(`${path}:1: expected a top-level "${key}:" list`);
  return { entries, problems };
}

/**
 * Replaces (or adds, or with `next` null removes) the entry whose `id` is `id`, in place. A new
 * file starts with `header`. Written to a temporary file and renamed, so a reader never sees
 * half of it. Returns whether anything changed.
 */
export function editYamlList(path: string, key: string, header: string, id: string, next: object | null): boolean {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : header + stringify({ [key]: [] });
  const doc = parseDocument(text);
  if (doc.errors.length) throw new Error(`${path} cannot be parsed (${doc.errors[0].message}); fix it by hand first`);
  if (!isSeq(doc.get(key))) doc.set(key, doc.createNode([]));
  const seq = doc.get(key) as YAMLSeq;
  // `rules: []` (a new file, or emptied by hand) would keep every entry on one line.
  if (seq.flow && seq.items.length === 0) seq.flow = false;
  const index = seq.items.findIndex((item) => isMap(item) && item.get('id') === id);
  let changed = false;
  if (next === null) {
    if (index >= 0) {
      seq.items.splice(index, 1);
      changed = true;
    }
  } else {
    const existing = index >= 0 ? seq.items[index] : null;
    if (isMap(existing)) {
      // Key by key, so the comments on the keys that stay stay with them.
      const fields = next as Record<string, unknown>;
      for (const pair of [...existing.items]) {
        const k = String((pair.key as { value?: unknown } | null)?.value ?? pair.key);
        if (!(k in fields) || fields[k] === undefined) existing.delete(k);
      }
      for (const [k, v] of Object.entries(fields)) {
        if (v === undefined) continue;
        const current = existing.get(k, false);
        if (JSON.stringify(current) !== JSON.stringify(v)) existing.set(k, doc.createNode(v));
      }
    } else if (index >= 0) seq.items[index] = doc.createNode(next);
    else seq.items.push(doc.createNode(next));
    changed = true;
  }
  if (changed) {
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, doc.toString({ lineWidth: 0 }));
    renameSync(tmp, path);
  }
  return changed;
}
