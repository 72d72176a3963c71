// Runtime layering, enforced (in the spirit of VS Code's code-layering rule):
//   common/     pure TypeScript: imports only common/ and a few pure packages
//   collectors/ common/ and node; never main/ or renderer/
//   main/       common/, collectors/, node; only main/electron/ imports electron
//   renderer/   common/ and browser packages; never main/, collectors/, node or electron
//   plugins/    common/ and plugins/sdk
import path from 'node:path';

const NODE_BUILTINS = new Set([
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises', 'http',
  'http2', 'https', 'module', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'stream/promises',
  'string_decoder', 'timers', 'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib',
]);
const NATIVE_PACKAGES = new Set(['better-sqlite3', '@grpc/grpc-js']);
const COMMON_PACKAGES = new Set(['zod']);

function layerOf(rel) {
  const top = rel.split(path.sep)[0];
  if (top === 'main' && rel.split(path.sep)[1] === 'electron') return 'electron';
  return top;
}

function isNode(spec) {
  return spec.startsWith('node:') || NODE_BUILTINS.has(spec);
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Keep common/ pure, renderer/ off node and main/, and electron inside main/electron/' },
    schema: [],
  },
  create(context) {
    const root = context.cwd;
    const file = context.filename;
    const rel = path.relative(root, file);
    const layer = layerOf(rel);
    // Tests drive real components across layers (a receiver test stores through the real
    // writer); only the electron rule still applies to them.
    const isTest = /\.test\.tsx?$/.test(rel);
    function check(node, spec) {
      if (typeof spec !== 'string') return;
      const report = (why) => context.report({ node, message: `${layer}/ must not import "${spec}": ${why}` });
      if (spec === 'electron' || spec.startsWith('electron/')) {
        if (layer !== 'electron') report('only main/electron/ may import electron');
        return;
      }
      if (isTest) return;
      let target = null;
      if (spec.startsWith('.')) target = layerOf(path.relative(root, path.resolve(path.dirname(file), spec)));
      switch (layer) {
        case 'common':
          if (isNode(spec)) report('common/ is pure TypeScript (no node)');
          else if (target && target !== 'common') report('common/ imports only common/');
          else if (!target && !COMMON_PACKAGES.has(spec)) report('common/ may only use pure packages (zod)');
          break;
        case 'renderer':
          if (isNode(spec) || NATIVE_PACKAGES.has(spec)) report('the renderer runs in a browser');
          else if (target && target !== 'renderer' && target !== 'common') report('the renderer talks to the core over HTTP only; share types through common/');
          break;
        case 'collectors':
          if (target && !['collectors', 'common'].includes(target)) report('collectors/ may import only common/');
          break;
        case 'plugins':
          if (target && !['plugins', 'common'].includes(target)) report('plugins/ may import only common/ and plugins/sdk');
          break;
        case 'main':
        case 'electron':
          if (target === 'renderer') report('the core never imports the renderer');
          break;
        default:
          break;
      }
    }
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
    };
  },
};
