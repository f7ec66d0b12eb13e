#!/usr/bin/env node
// Runs the prebuilt CLI bundle (out/cli/abstractruntime.mjs, built by `npm install` or
// `npm run build:cli`). Without it, or when a source file is newer than it (editing in a
// checkout), it runs the TypeScript sources through tsx instead and says so on stderr:
// slower to start, never stale.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'out/cli/abstractruntime.mjs');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function whyFromSource() {
  if (process.env.ABSTRACTRUNTIME_CLI_FROM_SOURCE === '1') return null; // asked for: no notice
  if (!existsSync(bundle)) return 'no prebuilt bundle (out/cli/abstractruntime.mjs)';
  const built = statSync(bundle).mtimeMs;
  for (const dir of ['src-main', 'src-shared']) {
    const sources = join(root, dir);
    if (existsSync(sources) && newestSource(sources) > built) return `${dir} changed since the bundle was built`;
  }
  return undefined;
}

const reason = whyFromSource();
let main;
if (reason === undefined) {
  ({ main } = await import(pathToFileURL(bundle).href));
} else {
  if (reason)
    console.error(`abstractruntime: ${reason}; running the TypeScript sources with tsx (slower start; \`npm run build:cli\` rebuilds it)`);
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src-main/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
