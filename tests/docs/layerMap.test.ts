// The layer map in docs/proposal.md is the rule, not a picture: its table must be the data
// ESLint enforces, and the ESLint rule must refuse every import the table forbids.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { LAYER_RULES } from '../../scripts/lint/layerRules.mjs';

const root = resolve(__dirname, '../..');

function documentedRules(): { layer: string; forbidden: string[] }[] {
  const doc = readFileSync(resolve(root, 'docs/proposal.md'), 'utf8');
  const table = doc.split('<!-- layer-rules:start -->')[1]?.split('<!-- layer-rules:end -->')[0];
  if (!table) throw new Error('docs/proposal.md has no <!-- layer-rules:start --> … end table');
  return table
    .split('\n')
    .filter((line) => /^\| `/.test(line))
    .map((line) => {
      const [layer, forbidden] = line
        .split('|')
        .slice(1, 3)
        .map((cell) => cell.trim());
      const names = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
      return { layer: names(layer!)[0]!, forbidden: names(forbidden!) };
    });
}

/** An import of `target` as the file would write it: relative for folders, bare for packages. */
function importOf(fromFile: string, target: string): string {
  if (!target.startsWith('src-')) return target === 'node:*' ? 'node:fs' : target;
  const up = '../'.repeat(fromFile.split('/').length - 1);
  return `${up}${target}/probe`;
}

const eslint = new ESLint({ cwd: root });

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, filePath) });
  return result!.messages.filter((m) => m.ruleId === 'layers/import-boundaries').map((m) => m.message);
}

describe('the layer map (docs/proposal.md) and the lint rule', () => {
  it('the table in the doc is exactly the rules ESLint enforces', () => {
    expect(documentedRules()).toEqual(LAYER_RULES);
  });

  it('only src-main/electron may import electron: every other layer forbids it', () => {
    const layers = ['src-shared', 'src-renderer', ...LAYER_RULES.filter((r) => r.layer.startsWith('src-main/')).map((r) => r.layer)];
    for (const layer of layers) expect(LAYER_RULES.find((r) => r.layer === layer)?.forbidden, layer).toContain('electron');
    expect(LAYER_RULES.some((r) => r.layer === 'src-main/electron')).toBe(false);
  });

  it('refuses every forbidden import, written as code would write it', async () => {
    for (const rule of LAYER_RULES) {
      const file = `${rule.layer}/probe.ts`;
      for (const target of rule.forbidden) {
        const spec = importOf(file, target);
        const errors = await boundaryErrors(file, `import { x } from '${spec}';\nexport const y = x;\n`);
        expect(errors, `${file} importing ${spec}`).toEqual([
          `${rule.layer} may not import ${target} ("${spec}"): see the layer map in docs/proposal.md`,
        ]);
      }
    }
  });

  it('catches re-exports, dynamic imports and require, and allows downward imports', async () => {
    const file = 'src-main/runtime/deep/probe.ts';
    expect(await boundaryErrors(file, "export * from '../../store/sqlite/SqliteStore';\n")).toHaveLength(1);
    expect(await boundaryErrors(file, "export const m = () => import('../../host/RuntimeHost');\n")).toHaveLength(1);
    expect(await boundaryErrors(file, "export const e = require('electron');\n")).toHaveLength(1);
    expect(
      await boundaryErrors(
        file,
        "import { z } from '../../../src-shared/json';\nimport { c } from '../clock';\nexport const v = [z, c];\n",
      ),
    ).toEqual([]);
    expect(await boundaryErrors('src-main/electron/probe.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([]);
  });
});
