// `abstractruntime` starts from the prebuilt bundle (no TypeScript compiled on load), and
// falls back to the sources, saying why, when the bundle is missing or older than them.
// Each case runs the real bin in a copy of the package, so the shared bundle is never touched.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI_BUNDLE } from '../../scripts/build-cli.mjs';
import { cliEnv, ROOT } from './cliRunner';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A copy of the package: bin, package.json, the bundle and (optionally) the sources. */
function packageCopy(parts: { bundle: boolean; sources: boolean }): string {
  const dir = mkdtempSync(join(tmpdir(), 'ar-cli-pkg-'));
  dirs.push(dir);
  cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  if (parts.sources) for (const s of ['src-main', 'src-shared']) cpSync(join(ROOT, s), join(dir, s), { recursive: true });
  if (parts.bundle) {
    mkdirSync(join(dir, 'out/cli'), { recursive: true });
    cpSync(CLI_BUNDLE, join(dir, 'out/cli/abstractruntime.mjs'));
  }
  return dir;
}

function runs(pkg: string) {
  const home = mkdtempSync(join(tmpdir(), 'ar-cli-home-'));
  dirs.push(home);
  const r = spawnSync(process.execPath, [join(pkg, 'bin/abstractruntime.mjs'), 'runs'], { cwd: pkg, env: cliEnv(home), encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the CLI bundle', () => {
  it('runs on its own: no TypeScript sources beside it, nothing printed about them', () => {
    const r = runs(packageCopy({ bundle: true, sources: false }));
    expect(r).toEqual({ code: 0, stdout: 'no runs\n', stderr: '' });
  });

  it('without a bundle, runs the sources with tsx and says so', () => {
    const r = runs(packageCopy({ bundle: false, sources: true }));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('no runs\n');
    expect(r.stderr).toContain('no prebuilt bundle (out/cli/abstractruntime.mjs); running the TypeScript sources with tsx');
  });

  it('a source file newer than the bundle makes it run the sources (never a stale bundle)', () => {
    const pkg = packageCopy({ bundle: true, sources: true });
    const future = new Date(Date.now() + 60_000);
    utimesSync(join(pkg, 'src-shared/api.ts'), future, future);
    const r = runs(pkg);
    expect(r.stdout).toBe('no runs\n');
    expect(r.stderr).toContain('src-shared changed since the bundle was built');
  });
});
