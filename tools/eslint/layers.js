// The layering rule: each folder of src/ may import only from the layers listed for it,
// from Node built-ins only where Node runs, and from Electron only in the shell.
// Do not relax these rules to make an import compile; move the code to the right layer.
import { builtinModules } from 'node:module';
import path from 'node:path';

const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** Who may import whom. `types` lists layers a layer may import types (only) from. */
export const LAYERS = {
  core: { layers: ['core'], packages: ['zod'], node: false, electron: false, types: [] },
  backend: { layers: ['core', 'backend'], packages: '*', node: true, electron: false, types: [] },
  server: { layers: ['core', 'backend', 'server'], packages: '*', node: true, electron: false, types: [] },
  cli: { layers: ['core', 'backend', 'server', 'cli', 'datasets'], packages: '*', node: true, electron: false, types: [] },
  main: { layers: ['core', 'backend', 'server', 'main'], packages: '*', node: true, electron: true, types: [] },
  preload: { layers: ['preload'], packages: [], node: false, electron: true, types: ['core'] },
  renderer: {
    layers: ['core', 'renderer'],
    packages: ['preact', 'preact/hooks', 'preact/jsx-runtime', 'apache-arrow', 'plotly.js-strict-dist-min', '@mediapipe/tasks-vision', 'mp4box'],
    node: false,
    electron: false,
    types: [],
  },
  datasets: { layers: ['core', 'datasets'], packages: '*', node: true, electron: false, types: [] },
};

const NATIVE_OR_NODE_ONLY = ['@duckdb/', 'onnxruntime-node'];

function layerOf(file, root) {
  const relative = path.relative(root, file).split(path.sep);
  if (relative[0] === 'src' && relative[1] in LAYERS) return relative[1];
  if (relative[0] === 'datasets') return 'datasets';
  return null;
}

function packageName(source) {
  const parts = source.split('/');
  return source.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep each layer of Weft to the imports its environment allows (see ARCHITECTURE in the README).' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
    messages: {
      layer: '{{from}} may not import from {{to}} ({{source}}); {{from}} may import from: {{allowed}}.',
      typesOnly: '{{from}} may import only types from {{to}}; use "import type" ({{source}}).',
      node: '{{from}} runs where Node does not: it may not import the Node built-in "{{source}}".',
      electron: '{{from}} may not import Electron; only src/main and src/preload do.',
      pkg: '{{from}} may not import the package "{{source}}"; it may import: {{allowed}}.',
    },
  },
  create(context) {
    const root = context.options[0]?.root ?? context.cwd;
    const file = context.filename;
    const from = layerOf(file, root);
    if (from === null) return {};
    const rules = LAYERS[from];

    const declarationFile = file.endsWith('.d.ts');

    function check(node, source, typeOnlyImport) {
      if (typeof source !== 'string') return;
      const typeOnly = typeOnlyImport || declarationFile;
      if (source.startsWith('.')) {
        const target = layerOf(path.resolve(path.dirname(file), source), root);
        if (target === null || rules.layers.includes(target)) return;
        if (rules.types.includes(target)) {
          if (!typeOnly) context.report({ node, messageId: 'typesOnly', data: { from, to: target, source } });
          return;
        }
        context.report({ node, messageId: 'layer', data: { from, to: target ?? 'outside src', source, allowed: rules.layers.join(', ') } });
        return;
      }
      if (NODE_BUILTINS.has(source) || source.startsWith('node:')) {
        if (!rules.node) context.report({ node, messageId: 'node', data: { from, source } });
        return;
      }
      const name = packageName(source);
      if (name === 'electron') {
        if (!rules.electron) context.report({ node, messageId: 'electron', data: { from } });
        return;
      }
      if (rules.packages === '*') {
        if (!rules.node && NATIVE_OR_NODE_ONLY.some((p) => source.startsWith(p))) {
          context.report({ node, messageId: 'pkg', data: { from, source, allowed: 'browser packages' } });
        }
        return;
      }
      // Type-only imports are erased at build time: a package's typings bring no code along.
      if (typeOnly) return;
      if (!rules.packages.includes(source) && !rules.packages.includes(name)) {
        context.report({ node, messageId: 'pkg', data: { from, source, allowed: rules.packages.join(', ') || 'none' } });
      }
    }

    return {
      ImportDeclaration(node) {
        check(node, node.source.value, node.importKind === 'type' || (node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type')));
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node, node.source.value, node.exportKind === 'type');
      },
      ExportAllDeclaration(node) {
        check(node, node.source.value, node.exportKind === 'type');
      },
      ImportExpression(node) {
        if (node.source.type === 'Literal') check(node, node.source.value, false);
      },
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') {
          check(node, node.arguments[0].value, false);
        }
      },
    };
  },
};

export default { rules: { layers: layersRule } };
