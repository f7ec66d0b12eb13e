// ESLint rule `layers/import-boundaries`: refuses an import the layer map forbids. Relative
// specifiers are resolved against the importing file, so `../store/x` is caught wherever it
// is written; bare specifiers are compared by package name (`node:*` matches built-ins).
import { relative, resolve, dirname, sep } from 'node:path';

/** Repository folders are named `src-…`; anything else in a rule is a package. */
const isFolder = (target) => target.startsWith('src-');
const within = (path, folder) => path === folder || path.startsWith(`${folder}/`);

function packageName(spec) {
  if (spec.startsWith('node:')) return spec;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The forbidden target `spec` hits, or null. `fromFile` is the importing file, repo-relative. */
export function forbiddenTarget(rules, root, fromFile, spec) {
  const rule = rules.find((r) => within(fromFile, r.layer));
  if (!rule) return null;
  if (spec.startsWith('.')) {
    const target = relative(root, resolve(root, dirname(fromFile), spec))
      .split(sep)
      .join('/');
    return rule.forbidden.find((f) => isFolder(f) && within(target, f)) ?? null;
  }
  const name = packageName(spec);
  return rule.forbidden.find((f) => (!isFolder(f) && f === name) || (f === 'node:*' && name.startsWith('node:'))) ?? null;
}

export function importBoundariesPlugin(rules, root) {
  return {
    rules: {
      'import-boundaries': {
        meta: {
          type: 'problem',
          docs: { description: 'imports follow the layer map in docs/proposal.md' },
          messages: { forbidden: '{{layer}} may not import {{target}} ("{{spec}}"): see the layer map in docs/proposal.md' },
          schema: [],
        },
        create(context) {
          const fromFile = relative(root, context.filename).split(sep).join('/');
          const rule = rules.find((r) => within(fromFile, r.layer));
          if (!rule) return {};
          const check = (node, source) => {
            if (!source || typeof source.value !== 'string') return;
            const target = forbiddenTarget(rules, root, fromFile, source.value);
            if (target) context.report({ node, messageId: 'forbidden', data: { layer: rule.layer, target, spec: source.value } });
          };
          return {
            ImportDeclaration: (node) => check(node, node.source),
            ExportNamedDeclaration: (node) => check(node, node.source),
            ExportAllDeclaration: (node) => check(node, node.source),
            ImportExpression: (node) => check(node, node.source),
            CallExpression: (node) => {
              if (node.callee.type === 'Identifier' && node.callee.name === 'require') check(node, node.arguments[0]);
            },
          };
        },
      },
    },
  };
}
