// House rules: typescript-eslint's recommended set plus the layer map of docs/proposal.md
// (scripts/lint/layerRules.mjs), so an import that points upward fails `npm run lint`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importBoundariesPlugin } from './scripts/lint/importBoundaries.mjs';
import { LAYER_RULES } from './scripts/lint/layerRules.mjs';

const root = import.meta.dirname;

export default tseslint.config(
  {
    ignores: ['node_modules/', 'out/', 'dist/', 'release/', 'dist-web/', '.tmp/', 'test-results/', 'playwright-report/', 'bench/results/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mts,mjs}'],
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
    plugins: { layers: importBoundariesPlugin(LAYER_RULES, root) },
    rules: {
      'layers/import-boundaries': 'error',
      // `_name` marks a deliberately unused binding (destructuring a field away, a fixed signature).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Tests drive fakes of Electron and untyped JSON replies; production code may not use `any`.
    files: ['tests/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
