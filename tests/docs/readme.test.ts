// The README is part of the product: its Quick Start must be the code the quick-start test runs.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
const readme = readFileSync(resolve(root, 'README.md'), 'utf8');

describe('README.md', () => {
  it('shows the set-up commands a newcomer runs', () => {
    for (const cmd of ['npm install', 'npm start', 'npm test']) expect(readme).toContain(cmd);
  });

  it('holds the Quick Start exactly as tests/runtime/readme-quickstart.test.ts runs it', () => {
    const test = readFileSync(resolve(root, 'tests/runtime/readme-quickstart.test.ts'), 'utf8');
    const block = test.split('// README:begin\n')[1]!.split('// README:end')[0]!.trimEnd();
    // The test imports from its own folder; the README from the repository root.
    const asInReadme = block.replaceAll("'../../src-main/", "'./src-main/");
    expect(readme).toContain(asInReadme);
  });
});
