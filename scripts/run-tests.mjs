#!/usr/bin/env node
// `npm test`: type-check, lint, unit + integration (vitest), end-to-end (Playwright in Chromium),
// then one closing line "N passed, N failed, N skipped" over every suite.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const reports = resolve(root, '.tmp/test-reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const totals = { passed: 0, failed: 0, skipped: 0 };
let ok = true;

function step(title, cmd, args, env = {}) {
  console.log(`\n== ${title}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) ok = false;
  return r.status === 0;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

step('type-check (Node code, renderer, DOM tests: one tsconfig each)', 'npm', ['run', '--silent', 'typecheck']);

// Lint (ESLint with the layer map, knip for dead code) counts as one check in the closing line.
if (step('lint (ESLint + layer map, knip)', 'npm', ['run', '--silent', 'lint'])) totals.passed += 1;
else totals.failed += 1;

const vitestJson = resolve(reports, 'vitest.json');
step('unit + integration tests (vitest)', npx, [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestJson}`,
]);
const v = readJson(vitestJson);
if (v) {
  totals.passed += v.numPassedTests ?? 0;
  totals.failed += v.numFailedTests ?? 0;
  totals.skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
} else {
  ok = false;
  console.error('vitest wrote no report');
}

if (step('build the renderer for the web host', 'npm', ['run', '--silent', 'build:web'])) {
  const pwJson = resolve(reports, 'playwright.json');
  step('end-to-end tests (Playwright, Chromium)', npx, ['playwright', 'test', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_FILE: pwJson,
  });
  const p = existsSync(pwJson) ? readJson(pwJson) : null;
  if (p?.stats) {
    totals.passed += (p.stats.expected ?? 0) + (p.stats.flaky ?? 0);
    totals.failed += p.stats.unexpected ?? 0;
    totals.skipped += p.stats.skipped ?? 0;
  } else {
    ok = false;
    console.error('playwright wrote no report');
  }
}

// The desktop app end to end: skips, saying why, where no Electron binary or display exists.
const electronJson = resolve(reports, 'electron.json');
step(
  'desktop end-to-end (Playwright, Electron)',
  npx,
  ['playwright', 'test', '--config', 'tests/electron/playwright.electron.config.ts', '--reporter=list,json'],
  {
    PLAYWRIGHT_JSON_OUTPUT_FILE: electronJson,
  },
);
const e = existsSync(electronJson) ? readJson(electronJson) : null;
if (e?.stats) {
  totals.passed += (e.stats.expected ?? 0) + (e.stats.flaky ?? 0);
  totals.failed += e.stats.unexpected ?? 0;
  totals.skipped += e.stats.skipped ?? 0;
}

console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(ok && totals.failed === 0 ? 0 : 1);
