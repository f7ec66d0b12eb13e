#!/usr/bin/env node
// Builds the CLI (and the web host it serves) into one JavaScript file, out/cli/abstractruntime.mjs,
// so `abstractruntime` starts without compiling TypeScript. Run by `npm install` (prepare),
// by the test setup, and by `npm run build:cli`. better-sqlite3 (native) and tsx (which
// compiles the user's workflow modules) stay external: they are loaded from node_modules.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
export const CLI_BUNDLE = resolve(root, 'out/cli/abstractruntime.mjs');

export async function buildCli() {
  const { build } = await import('esbuild');
  mkdirSync(dirname(CLI_BUNDLE), { recursive: true });
  await build({
    // The handler worker (host/handlerPool.ts) is its own file: a worker thread loads it by URL.
    entryPoints: { abstractruntime: resolve(root, 'src-main/cli/main.ts'), handlerWorker: resolve(root, 'src-main/host/handlerWorker.ts') },
    outdir: dirname(CLI_BUNDLE),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3', 'tsx', 'tsx/*', 'electron'],
    // Bundled CommonJS dependencies (ws, openai) call require(); ESM has none by default.
    banner: { js: "import { createRequire as __arCreateRequire } from 'node:module'; const require = __arCreateRequire(import.meta.url);" },
    minify: !process.env.NO_MINIFY,
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  return CLI_BUNDLE;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    await buildCli();
    console.log(`built ${CLI_BUNDLE}`);
  } catch (err) {
    // An install without dev dependencies has no esbuild: the bin then runs the sources with tsx.
    if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    console.warn('build-cli: esbuild is not installed; `abstractruntime` will run the TypeScript sources with tsx');
  }
}
