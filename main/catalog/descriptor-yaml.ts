// Turns the text of a descriptor file into its YAML documents, each with a way to find the line
// of any field, so problems point at the offending line. The plain-subset reader handles the
// usual file fast; everything else (and every syntax error) goes through the `yaml` package.
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node as YamlNode } from 'yaml';
import { readPlainYaml, type YamlPath } from './plain-yaml';

export type { YamlPath };

export interface DescriptorDocument {
  value: unknown;
  /** 1-based line of the document's first content line. */
  line: number;
  /** Line of the deepest node found along the path: a mapping entry's key, a list item. */
  lineAt(path: YamlPath): number;
}

export interface YamlSyntaxError {
  line: number;
  message: string;
}

export interface ParsedYaml {
  documents: DescriptorDocument[];
  errors: YamlSyntaxError[];
}

export function parseDescriptorYaml(text: string): ParsedYaml {
  const plain = readPlainYaml(text);
  if (plain) return { documents: plain, errors: [] };
  return parseWithYamlPackage(text);
}

/** The full YAML parser; documents with errors are reported and skipped, the rest kept. */
export function parseWithYamlPackage(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const lineOf = (offset: number) => lineCounter.linePos(offset).line;
  const documents: DescriptorDocument[] = [];
  const errors: YamlSyntaxError[] = [];
  for (const doc of parseAllDocuments(text, { lineCounter, prettyErrors: false })) {
    if (doc.errors.length > 0) {
      // Later errors in a broken document are usually consequences of the first.
      const first = doc.errors[0];
      errors.push({ line: lineOf(first.pos[0]), message: first.message.split('\n')[0] });
      continue;
    }
    const root = doc.contents as YamlNode | null;
    if (root === null || root === undefined) continue;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      errors.push({ line: lineOf(root.range?.[0] ?? 0), message: e instanceof Error ? e.message : String(e) });
      continue;
    }
    // An empty document (`---` followed by `---`) reads as null; it declares nothing.
    if (value === null || value === undefined) continue;
    const line = lineOf(root.range?.[0] ?? 0);
    documents.push({
      value,
      line,
      lineAt(path) {
        let node: unknown = root;
        let at = line;
        for (const key of path) {
          if (isMap(node)) {
            const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(key));
            if (!pair) break;
            const keyNode = pair.key as YamlNode | null;
            if (keyNode?.range) at = lineOf(keyNode.range[0]);
            node = pair.value;
          } else if (isSeq(node) && typeof key === 'number') {
            const item = node.items[key] as YamlNode | undefined;
            if (!item) break;
            if (item.range) at = lineOf(item.range[0]);
            node = item;
          } else {
            break;
          }
        }
        return at;
      },
    });
  }
  return { documents, errors };
}
