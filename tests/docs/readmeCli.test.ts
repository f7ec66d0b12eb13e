// The README's command-line demo is executed line by line, as written (`npm run cli -- …`),
// so a wrong command or answer value fails here before a newcomer meets it. Only the
// database path, the run id (from the first line's output) and, for `serve`, the port
// (0: any free one, so a running host cannot collide) are substituted.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv } from '../cli/cliRunner';

const root = resolve(__dirname, '../..');
const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
const home = mkdtempSync(join(tmpdir(), 'ar-readme-cli-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function demoLines(): string[] {
  const after = readme.split('The same from the command line')[1];
  const block = after?.split('```sh\n')[1]?.split('```')[0];
  if (!block) throw new Error('README.md has no ```sh block after "The same from the command line"');
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
}

function shell(line: string) {
  const r = spawnSync('sh', ['-c', line], { cwd: root, env: cliEnv(home), encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Starts `serve`, waits for the URL it prints, asks its API for the run, then stops it with SIGTERM. */
async function serveOnce(line: string, runId: string): Promise<{ url: string; body: unknown }> {
  const child = spawn('sh', ['-c', `exec ${line}`], { cwd: root, env: cliEnv(home), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  try {
    const url = await new Promise<string>((res, rej) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        // The session link `serve` prints carries this launch's API token (docs/security.md).
        const m = /open (http:\/\/127\.0\.0\.1:\d+\/session\/([^/\s]+)\/)/.exec(out);
        if (m) res(m[1]!);
      });
      child.on('exit', (code) => rej(new Error(`serve exited ${code} before listening:\n${out}`)));
    });
    const token = /\/session\/([^/]+)\//.exec(url)![1]!;
    const res = await fetch(new URL('/api/getRun', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ runId }),
    });
    return { url, body: await res.json() };
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
  }
}

describe('README.md command-line demo', () => {
  it('every line runs as written and does what its comment says', async () => {
    const lines = demoLines();
    expect(lines.length).toBeGreaterThanOrEqual(5);
    let runId: string | null = null;
    for (const written of lines) {
      expect(written, 'each demo line is an `npm run cli --` call').toMatch(/^npm run cli -- /);
      // Every /tmp/demo… path the README names (the database, the bundle) lands in this test's folder.
      const line = written.replaceAll('/tmp/demo', join(home, 'demo')).replaceAll('<runId>', runId ?? '<runId>');
      if (line.includes(' serve ')) {
        const served = await serveOnce(`${line} --port 0`, runId!);
        expect(served.body, served.url).toMatchObject({ ok: true, value: { state: { run_id: runId, status: 'completed' } } });
        continue;
      }
      const r = shell(line);
      expect(r.code, `${written}\nstdout:\n${r.out}\nstderr:\n${r.err}`).toBe(0);
      if (/ run examples\.approval /.test(line)) {
        runId = /^run\s+(\S+)/m.exec(r.out)?.[1] ?? null;
        expect(runId, r.out).not.toBeNull();
        expect(r.out).toMatch(/status\s+waiting/);
      }
      if (/ runs /.test(line)) expect(r.out).toContain(runId!);
      if (/ answer /.test(line)) expect(r.out).toMatch(/status\s+completed/);
    }
    expect(runId).not.toBeNull();
  });
});
