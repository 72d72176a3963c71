// The plain-subset reader must agree with the `yaml` package on every document it accepts
// (values and line numbers), and must hand everything else to it.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBenchCatalog } from '../../bench/catalog';
import { parseWithYamlPackage, type DescriptorDocument } from './descriptor-yaml';
import { readPlainYaml } from './plain-yaml';

const FIXTURES = '/work/shared/fixtures/backstage';
const TESTDATA = join(__dirname, 'testdata');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

/** Every path to a node in a value, for comparing lineAt() between readers. */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function expectSameAsYamlPackage(text: string, label: string): boolean {
  const plain = readPlainYaml(text);
  if (!plain) return false;
  const full = parseWithYamlPackage(text);
  expect(full.errors, label).toEqual([]);
  const view = (docs: DescriptorDocument[]) => docs.map((d) => ({ value: d.value, line: d.line }));
  expect(view(plain), label).toEqual(view(full.documents));
  plain.forEach((doc, i) => {
    for (const path of paths(doc.value)) {
      expect(doc.lineAt(path), `${label} line of ${path.join('.')}`).toBe(full.documents[i].lineAt(path));
    }
    // Paths that do not exist fall back to the deepest node found.
    expect(doc.lineAt(['spec', 'no-such-field', 3])).toBe(full.documents[i].lineAt(['spec', 'no-such-field', 3]));
  });
  return true;
}

const ACCEPTED: Record<string, string> = {
  'block mapping and sequences': `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: a
  tags:
    - java
    - go
spec:
  owner: team
`,
  'compact sequence at key indentation': `spec:
  targets:
  - ./a.yaml
  - ./b.yaml
  owner: x
`,
  'sequence of mappings': `links:
  - url: https://example.com
    title: Example  # trailing comment
    icon: dashboard
  -   url: "https://x.example"
      title: 'It''s here'
  -
    url: https://y.example
`,
  'flow sequences, one line and several': `a: [one, "two", 'three', 4, true, null]
b: []
c:
  [x, y,
   z]
d: {}
e: [ spaced , items , ]
`,
  'scalars resolved with the core schema': `a: 1
b: -2
c: 0x1F
d: 0o17
e: 1.5
f: .5
g: 1e3
h: .inf
i: -.Inf
k: ~
l: Null
m: TRUE
n: false
o: 2024-01-01
p: 1.0.0
q: "007"
r: 'yes'
s: no
t: https://example.com/path?x=1#frag
u: a#b
v: value with 'quotes' inside
w: ""
x:
y: -dash
z: +1
`,
  'double-quoted escapes': `a: "tab\\tnewline\\nquote\\"slash\\/back\\\\"
b: "\\u00e9\\x41\\U0001F600"
`,
  'block scalars': `literal: |
  line one
    indented
  line three

folded: >
  folded one
  folded two

  new paragraph
strip: |-
  no newline
foldstrip: >-
  a
  b
after: x
`,
  'comments everywhere': `# leading comment
apiVersion: v1 # trailing
# between
kind: Thing
metadata:
  # inside
  name: n
`,
  'multi-document with markers and comments': `---
# first
a: 1
--- # second
b: 2
---
---
c: [3]
`,
  'nested sequences in mappings in sequences': `items:
  - name: a
    tags: [x]
    children:
      - name: b
        deeper:
          k: v
  - plain item
  - "quoted item"
  - 42
`,
  'windows line endings': 'a: 1\r\nb:\r\n  - x\r\n',
  'quoted keys': `"quoted key": 1
'single': 2
backstage.io/source-location: url:https://github.com/acme/repo/tree/main/
`,
  'scalar document': 'just a string\n',
};

const REJECTED: Record<string, string> = {
  anchors: 'a: &x 1\nb: *x\n',
  tags: 'a: !!str 1\n',
  'flow mapping': 'a: {b: 1}\n',
  'multi-line plain scalar': 'a: one\n  two\n',
  'multi-line quoted scalar': 'a: "one\n  two"\n',
  'keep chomping': 'a: |+\n  x\n\n',
  'duplicate key': 'a: 1\na: 2\n',
  'bad indentation': 'a:\n  b: 1\n c: 2\n',
  'mapping in a plain value': 'a: b: c\n',
  'tab indentation': 'a:\n\tb: 1\n',
  'merge key': 'a:\n  <<: {}\n',
  'numeric key': '1: one\n',
  'nested flow': 'a: [[1, 2]]\n',
  'unterminated flow': 'a: [1, 2\nb: 3\n',
  'directive': '%YAML 1.2\n---\na: 1\n',
  'content after a quoted scalar': 'a: "x" y\n',
};

describe('readPlainYaml', () => {
  for (const [label, text] of Object.entries(ACCEPTED)) {
    it(`reads ${label} exactly as the yaml package does`, () => {
      expect(expectSameAsYamlPackage(text, label)).toBe(true);
    });
  }

  for (const [label, text] of Object.entries(REJECTED)) {
    it(`leaves ${label} to the yaml package`, () => {
      expect(readPlainYaml(text)).toBeNull();
    });
  }

  it('agrees with the yaml package on every fixture and test descriptor it accepts', () => {
    const files = [...yamlFiles(FIXTURES), ...yamlFiles(TESTDATA)];
    let accepted = 0;
    for (const file of files) if (expectSameAsYamlPackage(readFileSync(file, 'utf8'), file)) accepted++;
    // The fixtures and almost all test descriptors are plain YAML; the fast path must take them.
    expect(accepted).toBeGreaterThan(files.length * 0.8);
  });

  it('agrees with the yaml package on the benchmark catalog, and takes every file of it', () => {
    const root = mkdtempSync(join(tmpdir(), 'loupe-plain-yaml-'));
    try {
      writeBenchCatalog(root, 300);
      const files = yamlFiles(root);
      for (const file of files) expect(expectSameAsYamlPackage(readFileSync(file, 'utf8'), file), file).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
