// Runtime layering, enforced (in the spirit of VS Code's code-layering rule):
//   common/     pure TypeScript: imports only common/ and a few pure packages
//   collectors/ common/ and node; never main/ or renderer/
//   main/       common/, collectors/, node; only main/electron/ imports electron
//   renderer/   common/ and browser packages; never main/, collectors/, node or electron
//   plugins/    common/ and plugins/sdk; never main/ (by relative, absolute or package path)
//               nor better-sqlite3: a plugin never gets the database
//
// Inside main/, a folder imports only its own layer and the layers below it:
//   0 config/                      paths, the YAML-list editor: read by everything
//   1 store/                       schema, migrations, the writer, retention
//   2 query/ ingest/               reads on the read connections; the ingest stage (queue,
//                                  decode, the writer thread) in front of store/'s writer
//   3 slo/ alerts/ catalog/ canary/ datasources/ plugin-host/ demo/ snapshot/ self-telemetry/
//                                  the domains the API serves; they read through query/ and
//                                  write through store/, and may use one another
//   4 api/                         the HTTP server and its handlers
//   5 core (main/core.ts)          wires the store, the domains and the API together
//   6 cli/ electron/ testing/      entry points (and the test harness) that start the core
// A folder of main/ missing from this list is reported until it is given a layer.
//
// SQL lives in main/store/ (writes) and main/query/ (reads) only. Elsewhere (tests, e2e/ and
// bench/ aside: they seed and measure the store directly) these are reported:
//   - `.prepare(…)`, `.stmt(…)` and `.pluck(sql)` calls: statements prepared or run on a
//     connection;
//   - a string or template literal reading as SQL (`SELECT … FROM`, `INSERT INTO`, `UPDATE …
//     SET`, `DELETE FROM`, `CREATE TABLE`, `PRAGMA x`, …) wherever it is code rather than
//     data: an argument, a variable, a returned value. A literal that is the value of an
//     object's property is data (the demo shop's simulated PostgreSQL client records its
//     statements as span attributes) and is not SQL run by Loupe.
import path from 'node:path';

const NODE_BUILTINS = new Set([
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises', 'http',
  'http2', 'https', 'module', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'stream/promises',
  'string_decoder', 'timers', 'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib',
]);
const NATIVE_PACKAGES = new Set(['better-sqlite3', '@grpc/grpc-js']);
const COMMON_PACKAGES = new Set(['zod']);
/** The package's own name: `loupe/main/...` is main/ reached by a package-style path. */
const SELF_PACKAGE = 'loupe';

const MAIN_LAYERS = new Map([
  ['config', 0],
  ['store', 1],
  ['query', 2],
  ['ingest', 2],
  ...['slo', 'alerts', 'catalog', 'canary', 'datasources', 'plugin-host', 'demo', 'snapshot', 'self-telemetry'].map((f) => [f, 3]),
  ['api', 4],
  ['core', 5],
  ['cli', 6],
  ['electron', 6],
  ['testing', 6],
]);
const SQL_HOMES = new Set(['store', 'query']);

const SQL_TEXT =
  /^\s*(?:(?:SELECT|WITH)\b[\s\S]*\bFROM\b|INSERT\s+(?:OR\s+\w+\s+)?INTO\b|REPLACE\s+INTO\b|UPDATE\s+\S+\s+SET\b|DELETE\s+FROM\b|CREATE\s+(?:UNIQUE\s+|VIRTUAL\s+|TEMP\s+)?(?:TABLE|INDEX|VIEW|TRIGGER)\b|DROP\s+(?:TABLE|INDEX|VIEW|TRIGGER)\b|ALTER\s+TABLE\b|PRAGMA\s+\w)/;
const SQL_CALLS = new Set(['prepare', 'stmt', 'pluck']);

function layerOf(rel) {
  const top = rel.split(path.sep)[0];
  if (top === 'main' && rel.split(path.sep)[1] === 'electron') return 'electron';
  return top;
}

/** The folder of main/ a repo-relative path is in (`core` for main/core.ts). */
function mainAreaOf(rel) {
  const parts = rel.split(path.sep);
  if (parts[0] !== 'main') return null;
  return parts.length > 2 ? parts[1] : parts[1].replace(/\.[cm]?[jt]sx?$/, '');
}

/** `x.prepare(…)`, `x.stmt(…)`, `x.pluck(sql)`: a statement prepared or run on a connection
 * (a statement's own `.pluck()`, without arguments, is its prepare's). */
function isSqlCall(node) {
  const callee = node.callee;
  if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') return false;
  const name = callee.property.name;
  return SQL_CALLS.has(name) && !(name === 'pluck' && node.arguments.length === 0);
}

function isNode(spec) {
  return spec.startsWith('node:') || NODE_BUILTINS.has(spec);
}

/** The repo-relative path an import names: relative, absolute, or the package's own name. */
function targetOf(spec, file, root) {
  if (spec.startsWith('.')) return path.relative(root, path.resolve(path.dirname(file), spec));
  if (path.isAbsolute(spec)) return path.relative(root, spec);
  if (spec.startsWith(SELF_PACKAGE + '/')) return path.normalize(spec.slice(SELF_PACKAGE.length + 1));
  return null;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Keep common/ pure, renderer/ off node and main/, electron inside main/electron/, main/ layered and SQL in main/store/ and main/query/' },
    schema: [],
  },
  create(context) {
    const root = context.cwd;
    const file = context.filename;
    const rel = path.relative(root, file);
    const layer = layerOf(rel);
    const area = mainAreaOf(rel);
    // Tests drive real components across layers (a receiver test stores through the real
    // writer); only the electron rule still applies to them.
    const isTest = /\.test\.tsx?$/.test(rel);
    const sqlAllowed = isTest || ['e2e', 'bench', 'build'].includes(layer) || (area !== null && SQL_HOMES.has(area));

    function checkMainLayers(node, spec, targetRel) {
      const targetArea = mainAreaOf(targetRel);
      if (targetArea === null || targetArea === area) return;
      const own = MAIN_LAYERS.get(area);
      const theirs = MAIN_LAYERS.get(targetArea);
      if (own === undefined || theirs === undefined) {
        const unknown = own === undefined ? area : targetArea;
        context.report({ node, message: `main/${unknown}/ has no layer: give it one in build/eslint-rules/layering.js (MAIN_LAYERS) and docs/architecture.md` });
      } else if (theirs > own) {
        context.report({ node, message: `main/${area}/ must not import "${spec}": main/${targetArea}/ is a higher layer (${theirs} > ${own}); see the layers in build/eslint-rules/layering.js` });
      }
    }

    function check(node, spec) {
      if (typeof spec !== 'string') return;
      const report = (why) => context.report({ node, message: `${layer}/ must not import "${spec}": ${why}` });
      if (spec === 'electron' || spec.startsWith('electron/')) {
        if (layer !== 'electron') report('only main/electron/ may import electron');
        return;
      }
      if (isTest) return;
      const targetRel = targetOf(spec, file, root);
      const target = targetRel === null ? null : layerOf(targetRel);
      const isPackage = targetRel === null && !spec.startsWith('.');
      switch (layer) {
        case 'common':
          if (isNode(spec)) report('common/ is pure TypeScript (no node)');
          else if (target && target !== 'common') report('common/ imports only common/');
          else if (isPackage && !COMMON_PACKAGES.has(spec)) report('common/ may only use pure packages (zod)');
          break;
        case 'renderer':
          if (isNode(spec) || NATIVE_PACKAGES.has(spec)) report('the renderer runs in a browser');
          else if (target && target !== 'renderer' && target !== 'common') report('the renderer talks to the core over HTTP only; share types through common/');
          break;
        case 'collectors':
          if (target && !['collectors', 'common'].includes(target)) report('collectors/ may import only common/');
          break;
        case 'plugins':
          if (spec === 'better-sqlite3' || spec.startsWith('better-sqlite3/')) report('a plugin never gets the database; it answers through plugins/sdk');
          else if (target && !['plugins', 'common'].includes(target)) report('plugins/ may import only common/ and plugins/sdk');
          break;
        case 'main':
        case 'electron':
          if (target === 'renderer') report('the core never imports the renderer');
          else if (targetRel !== null && (target === 'main' || target === 'electron')) checkMainLayers(node, spec, targetRel);
          break;
        default:
          break;
      }
    }

    function reportSql(node, what) {
      context.report({ node, message: `${what} outside main/store/ and main/query/: move it into a store/ (writes) or query/ (reads) module named for its domain` });
    }

    function checkSqlText(node, text) {
      if (!SQL_TEXT.test(text)) return;
      const parent = node.parent;
      // Data, not code: `{ text: 'SELECT …' }` (a simulated client's statement as an attribute).
      if (parent && parent.type === 'Property' && parent.value === node) return;
      if (parent && parent.type === 'TaggedTemplateExpression') return;
      if (parent && parent.type === 'CallExpression' && isSqlCall(parent)) return; // reported as the call
      reportSql(node, 'SQL');
    }

    const sqlVisitors = sqlAllowed
      ? {}
      : {
          Literal: (node) => typeof node.value === 'string' && checkSqlText(node, node.value),
          TemplateLiteral: (node) => checkSqlText(node, node.quasis.map((q) => q.value.cooked ?? q.value.raw).join('?')),
          CallExpression: (node) => isSqlCall(node) && reportSql(node, `a statement (.${node.callee.property.name}(…))`),
        };

    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ...sqlVisitors,
    };
  },
};
