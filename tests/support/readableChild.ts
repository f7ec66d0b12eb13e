/**
 * A child script another user can run. Tests that run as root drop the child to `nobody`
 * (root ignores file modes), but `nobody` cannot read a checkout in a private folder. So the
 * script is bundled (esbuild) into a world-readable temp folder with the one native package
 * it needs (better-sqlite3 and its loader), and runs from there: no tsx, no read of the checkout.
 */
import { build } from 'esbuild';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const NATIVE_PACKAGES = [
  { name: 'better-sqlite3', parts: ['package.json', 'lib', 'build/Release/better_sqlite3.node'] },
  { name: 'bindings', parts: ['.'] },
  { name: 'file-uri-to-path', parts: ['.'] },
];

function openToAll(path: string): void {
  const st = statSync(path);
  chmodSync(path, st.isDirectory() ? 0o755 : 0o644);
  if (st.isDirectory()) for (const entry of readdirSync(path)) openToAll(join(path, entry));
}

/** Bundles `entry` into a new world-readable folder; returns the script's path there. */
export async function readableChild(entry: string): Promise<{ script: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ar-child-'));
  const script = join(dir, 'child.mjs');
  await build({
    entryPoints: [entry],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3'],
    logLevel: 'warning',
  });
  for (const pkg of NATIVE_PACKAGES) {
    for (const part of pkg.parts) {
      const to = join(dir, 'node_modules', pkg.name, part);
      mkdirSync(dirname(to), { recursive: true });
      cpSync(join(ROOT, 'node_modules', pkg.name, part), to, { recursive: true });
    }
  }
  openToAll(dir);
  return { script, dir };
}
